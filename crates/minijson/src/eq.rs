//! `==` between a [`Value`] and plain Rust values (`value == "x"`, `true == value`), as in
//! `serde_json`: equal only when the value is of the matching kind.

use crate::Value;

impl PartialEq<str> for Value {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == Some(other)
    }
}

impl PartialEq<&str> for Value {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == Some(*other)
    }
}

impl PartialEq<String> for Value {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == Some(other.as_str())
    }
}

impl PartialEq<bool> for Value {
    fn eq(&self, other: &bool) -> bool {
        self.as_bool() == Some(*other)
    }
}

impl PartialEq<Value> for str {
    fn eq(&self, other: &Value) -> bool {
        other == self
    }
}

impl PartialEq<Value> for &str {
    fn eq(&self, other: &Value) -> bool {
        other == self
    }
}

impl PartialEq<Value> for String {
    fn eq(&self, other: &Value) -> bool {
        other == self
    }
}

impl PartialEq<Value> for bool {
    fn eq(&self, other: &Value) -> bool {
        other == self
    }
}

macro_rules! eq_integer {
    ($($t:ty => $as:ident),*) => {$(
        impl PartialEq<$t> for Value {
            fn eq(&self, other: &$t) -> bool {
                self.$as().and_then(|n| <$t>::try_from(n).ok()) == Some(*other)
            }
        }

        impl PartialEq<Value> for $t {
            fn eq(&self, other: &Value) -> bool {
                other == self
            }
        }
    )*};
}

eq_integer!(i32 => as_i64, i64 => as_i64, u32 => as_u64, u64 => as_u64, usize => as_u64);

#[cfg(test)]
mod tests {
    use crate::json;

    #[test]
    fn values_equal_plain_values_of_the_same_kind_only() {
        let v = json!({"s": "x", "b": true, "n": 7, "f": 7.0});
        let s = String::from("x");
        assert_eq!(v["s"], "x", "Value == &str");
        assert_eq!("x", v["s"], "&str == Value");
        assert_eq!(v["s"], *"x", "Value == str");
        assert_eq!((v["s"] == s, s == v["s"]), (true, true), "String");
        assert_eq!((v["b"] == true, false == v["b"]), (true, false), "bool");
        assert_eq!(
            (v["n"] == 7, 7u64 == v["n"], v["n"] == 7usize),
            (true, true, true),
            "integers"
        );
        assert_ne!(v["f"], 7, "a float is not an integer");
        assert_ne!(v["n"], "7", "a number is not a string");
        assert_ne!(v["s"], true, "a string is not a bool");
    }
}
