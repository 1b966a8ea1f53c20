//! `From` conversions into [`Value`] (what `json!` uses for interpolated expressions).

use crate::{Map, Number, Value};

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::String(s)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::String(s.to_owned())
    }
}

impl From<&String> for Value {
    fn from(s: &String) -> Value {
        Value::String(s.clone())
    }
}

impl From<Number> for Value {
    fn from(n: Number) -> Value {
        Value::Number(n)
    }
}

impl From<Map> for Value {
    fn from(map: Map) -> Value {
        Value::Object(map)
    }
}

impl<T: Into<Value>> From<Vec<T>> for Value {
    fn from(items: Vec<T>) -> Value {
        Value::Array(items.into_iter().map(Into::into).collect())
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    /// `None` is `null`.
    fn from(value: Option<T>) -> Value {
        value.map_or(Value::Null, Into::into)
    }
}

impl From<()> for Value {
    fn from((): ()) -> Value {
        Value::Null
    }
}

impl From<f64> for Value {
    /// A finite float as a number (see [`Number::from_f64`]); NaN and infinities are `null`,
    /// as in `serde_json`.
    fn from(f: f64) -> Value {
        Number::from_f64(f).map_or(Value::Null, Value::Number)
    }
}

impl From<f32> for Value {
    /// As for `f64`.
    fn from(f: f32) -> Value {
        Value::from(f64::from(f))
    }
}

macro_rules! from_integer {
    ($($t:ty)*) => {$(
        impl From<$t> for Value {
            fn from(n: $t) -> Value {
                Value::Number(Number::from(n))
            }
        }
    )*};
}

from_integer!(i8 i16 i32 i64 isize u8 u16 u32 u64 usize);

impl FromIterator<Value> for Value {
    fn from_iter<I: IntoIterator<Item = Value>>(iter: I) -> Value {
        Value::Array(iter.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions_give_the_matching_kind() {
        assert_eq!(Value::from(true), Value::Bool(true), "bool");
        assert_eq!(Value::from("a"), Value::String("a".into()), "str");
        assert_eq!(Value::from(u64::MAX).as_u64(), Some(u64::MAX), "u64");
        assert_eq!(Value::from(i64::MIN).as_i64(), Some(i64::MIN), "i64");
        assert_eq!(Value::from(None::<i32>), Value::Null, "None");
        assert_eq!(Value::from(Some("x")), Value::from("x"), "Some");
        assert_eq!(Value::from(vec![1, 2]).to_string(), "[1,2]", "Vec");
        assert_eq!(Value::from(f64::NAN), Value::Null, "NaN");
        assert_eq!(Value::from(0.25f32).to_string(), "0.25", "f32");
    }
}
