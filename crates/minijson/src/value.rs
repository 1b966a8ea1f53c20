//! [`Value`]: any JSON value, and its accessors.

use crate::{Map, Number};

/// Any JSON value.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Value {
    /// `null`
    #[default]
    Null,
    /// `true` or `false`
    Bool(bool),
    /// A number, e.g. `-12.5e3`.
    Number(Number),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object.
    Object(Map),
}

impl Value {
    /// The field `key`, when this is an object that has it.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_object()?.get(key)
    }

    /// The field `key`, to change it, when this is an object that has it.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.as_object_mut()?.get_mut(key)
    }

    /// The text, when this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean, when this is `true` or `false`.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The number, when this is one.
    pub fn as_number(&self) -> Option<&Number> {
        match self {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }

    /// An integer number that fits an `i64` (see [`Number::as_i64`]).
    pub fn as_i64(&self) -> Option<i64> {
        self.as_number()?.as_i64()
    }

    /// A non-negative integer number that fits a `u64` (see [`Number::as_u64`]).
    pub fn as_u64(&self) -> Option<u64> {
        self.as_number()?.as_u64()
    }

    /// A number as the nearest `f64` (see [`Number::as_f64`]).
    pub fn as_f64(&self) -> Option<f64> {
        self.as_number()?.as_f64()
    }

    /// The fields, when this is an object.
    pub fn as_object(&self) -> Option<&Map> {
        match self {
            Value::Object(map) => Some(map),
            _ => None,
        }
    }

    /// The fields, to change them, when this is an object.
    pub fn as_object_mut(&mut self) -> Option<&mut Map> {
        match self {
            Value::Object(map) => Some(map),
            _ => None,
        }
    }

    /// The items, when this is an array.
    pub fn as_array(&self) -> Option<&Vec<Value>> {
        match self {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The items, to change them, when this is an array.
    pub fn as_array_mut(&mut self) -> Option<&mut Vec<Value>> {
        match self {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// Whether this is `true` or `false`.
    pub fn is_boolean(&self) -> bool {
        matches!(self, Value::Bool(_))
    }

    /// Whether this is a number.
    pub fn is_number(&self) -> bool {
        matches!(self, Value::Number(_))
    }

    /// Whether this is a string.
    pub fn is_string(&self) -> bool {
        matches!(self, Value::String(_))
    }

    /// Whether this is an array.
    pub fn is_array(&self) -> bool {
        matches!(self, Value::Array(_))
    }

    /// Whether this is an object.
    pub fn is_object(&self) -> bool {
        matches!(self, Value::Object(_))
    }

    /// Whether this is an integer number that fits an `i64`.
    pub fn is_i64(&self) -> bool {
        self.as_i64().is_some()
    }

    /// Whether this is an integer number that fits a `u64`.
    pub fn is_u64(&self) -> bool {
        self.as_u64().is_some()
    }

    /// Takes the value out, leaving `null`.
    pub fn take(&mut self) -> Value {
        std::mem::take(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accessors_answer_only_for_their_own_kind() {
        let s = Value::from("x");
        assert_eq!(s.as_str(), Some("x"), "string");
        assert_eq!(s.as_bool(), None, "string is not a bool");
        assert_eq!(Value::Bool(true).as_bool(), Some(true), "bool");
        assert_eq!(Value::from(5u8).as_u64(), Some(5), "number");
        assert_eq!(s.as_i64(), None, "string is not a number");
        assert!(Value::Null.is_null() && !s.is_null(), "null");
        assert!(Value::Array(vec![]).is_array() && !s.is_array(), "array");
        assert!(
            Value::Object(Map::new()).is_object() && s.is_string(),
            "object"
        );
    }

    #[test]
    fn get_reads_object_fields_and_nothing_else() {
        let mut map = Map::new();
        map.insert("a", Value::from(1));
        let mut object = Value::Object(map);
        assert_eq!(object.get("a").and_then(Value::as_i64), Some(1), "present");
        assert_eq!(object.get("b"), None, "absent");
        assert_eq!(Value::from("a").get("a"), None, "not an object");
        if let Some(a) = object.get_mut("a") {
            *a = Value::from("changed");
        }
        assert_eq!(
            object.get("a").and_then(Value::as_str),
            Some("changed"),
            "get_mut"
        );
        assert_eq!(object.take().as_object().map(Map::len), Some(1), "take");
        assert!(object.is_null(), "take leaves null");
    }
}
