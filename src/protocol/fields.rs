//! Reading typed fields out of an already parsed JSON object.
//!
//! Wire objects are parsed once into a [`json::Value`](crate::json::Value) and their fields
//! taken out here (there is no serde: per-type derived `Deserialize` code was about a tenth of
//! the widget's wasm, and serde_json another ~10 KB brotli).
//!
//! Semantics match `#[derive(Deserialize)]` with the attributes the types used: unknown fields
//! are ignored, a required field that is absent is "missing field `name`", `#[serde(default)]`
//! fields default only when absent (a wrong type, including `null`, is an error), and `Option`
//! fields accept absent or `null`.

use crate::json::{Map, Value};

/// A JSON object whose fields are taken out one by one (each at most once).
#[derive(Debug)]
pub(crate) struct Fields(Map);

impl Fields {
    /// The object `value`, or an error naming what it is instead.
    pub(crate) fn of(value: Value) -> Result<Fields, String> {
        match value {
            Value::Object(map) => Ok(Fields(map)),
            other => Err(format!(
                "invalid type: {}, expected an object",
                kind(&other)
            )),
        }
    }

    /// Parses `text` as one JSON object.
    pub(crate) fn parse(text: &str) -> Result<Fields, String> {
        let value = crate::json::from_str(text).map_err(|e| e.to_string())?;
        Fields::of(value)
    }

    /// A required field of any JSON type.
    pub(crate) fn value(&mut self, name: &str) -> Result<Value, String> {
        self.0.remove(name).ok_or_else(|| missing(name))
    }

    /// An optional field of any JSON type (`None` when absent).
    pub(crate) fn value_or_null(&mut self, name: &str) -> Value {
        self.0.remove(name).unwrap_or(Value::Null)
    }

    /// A required string.
    pub(crate) fn string(&mut self, name: &str) -> Result<String, String> {
        let value = self.value(name)?;
        into_string(name, value)
    }

    /// A string that is `""` when absent.
    pub(crate) fn string_or_default(&mut self, name: &str) -> Result<String, String> {
        match self.0.remove(name) {
            None => Ok(String::new()),
            Some(value) => into_string(name, value),
        }
    }

    /// A string that may be absent or `null`.
    pub(crate) fn opt_string(&mut self, name: &str) -> Result<Option<String>, String> {
        match self.0.remove(name) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => into_string(name, value).map(Some),
        }
    }

    /// A boolean that is `false` when absent.
    pub(crate) fn bool_or_default(&mut self, name: &str) -> Result<bool, String> {
        match self.0.remove(name) {
            None => Ok(false),
            Some(Value::Bool(b)) => Ok(b),
            Some(other) => Err(wrong_type(name, &other, "a boolean")),
        }
    }

    /// An integer that may be absent or `null` (read by the wasm-only persistence).
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(crate) fn opt_i64(&mut self, name: &str) -> Result<Option<i64>, String> {
        match self.0.remove(name) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => match value.as_i64() {
                Some(n) => Ok(Some(n)),
                None => Err(wrong_type(name, &value, "an integer")),
            },
        }
    }

    /// A value of any JSON type that may be absent or `null` (`None` for both).
    pub(crate) fn opt_value(&mut self, name: &str) -> Option<Value> {
        match self.0.remove(name) {
            None | Some(Value::Null) => None,
            Some(value) => Some(value),
        }
    }
}

fn into_string(name: &str, value: Value) -> Result<String, String> {
    match value {
        Value::String(s) => Ok(s),
        other => Err(wrong_type(name, &other, "a string")),
    }
}

fn missing(name: &str) -> String {
    format!("missing field `{name}`")
}

fn wrong_type(name: &str, value: &Value, expected: &str) -> String {
    format!(
        "invalid type for field `{name}`: {}, expected {expected}",
        kind(value)
    )
}

/// What kind of JSON value `value` is, for error messages.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use crate::json::json;

    use super::*;

    fn fields(value: Value) -> Fields {
        Fields::of(value).expect("an object")
    }

    #[test]
    fn required_fields_that_are_absent_are_named_as_missing() {
        let mut f = fields(json!({"a": "x"}));
        assert_eq!(f.string("b"), Err("missing field `b`".to_owned()));
        assert_eq!(f.value("c"), Err("missing field `c`".to_owned()));
        assert_eq!(f.string("a"), Ok("x".to_owned()));
    }

    #[test]
    fn defaulted_fields_default_only_when_absent() {
        let mut f = fields(json!({"s": null, "b": "yes"}));
        assert_eq!(f.string_or_default("absent"), Ok(String::new()));
        assert_eq!(f.bool_or_default("absent"), Ok(false));
        let err = f.string_or_default("s").unwrap_err();
        assert!(err.contains("`s`") && err.contains("null"), "{err}");
        let err = f.bool_or_default("b").unwrap_err();
        assert!(
            err.contains("`b`") && err.contains("expected a boolean"),
            "{err}"
        );
    }

    #[test]
    fn optional_fields_accept_absent_and_null_but_not_a_wrong_type() {
        let mut f = fields(json!({"n": null, "s": "v", "x": 1, "o": {"k": 2}}));
        assert_eq!(f.opt_string("absent"), Ok(None));
        assert_eq!(f.opt_string("n"), Ok(None));
        assert_eq!(f.opt_string("s"), Ok(Some("v".to_owned())));
        assert!(f.opt_string("x").unwrap_err().contains("number"));
        assert_eq!(f.opt_value("o"), Some(json!({"k": 2})));
        assert_eq!(f.opt_value("absent"), None);
        assert_eq!(f.value_or_null("absent"), Value::Null);
    }

    #[test]
    fn optional_integers_reject_fractions_and_strings() {
        let mut f = fields(json!({"i": -5, "n": null, "f": 1.5, "s": "1"}));
        assert_eq!(f.opt_i64("i"), Ok(Some(-5)));
        assert_eq!(f.opt_i64("n"), Ok(None));
        assert_eq!(f.opt_i64("absent"), Ok(None));
        assert!(f.opt_i64("f").unwrap_err().contains("expected an integer"));
        assert!(f.opt_i64("s").unwrap_err().contains("string"));
    }

    #[test]
    fn non_objects_and_invalid_json_are_errors() {
        assert!(Fields::of(json!([1])).unwrap_err().contains("array"));
        assert!(Fields::parse("[1]").is_err());
        assert!(Fields::parse("{").is_err());
        assert!(Fields::parse(r#"{"a":1}"#).is_ok());
    }
}
