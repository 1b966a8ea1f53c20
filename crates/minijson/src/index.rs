//! `value["key"]` and `value[0]`: read-only, `null` when absent (never a panic).

use std::ops::Index;

use crate::Value;

static NULL: Value = Value::Null;

impl Index<&str> for Value {
    type Output = Value;

    /// The field `key`, or `null` when this is not an object or has no such field.
    fn index(&self, key: &str) -> &Value {
        self.get(key).unwrap_or(&NULL)
    }
}

impl Index<usize> for Value {
    type Output = Value;

    /// The item at `at`, or `null` when this is not an array or is shorter.
    fn index(&self, at: usize) -> &Value {
        self.as_array()
            .and_then(|items| items.get(at))
            .unwrap_or(&NULL)
    }
}

#[cfg(test)]
mod tests {
    use crate::{json, Value};

    #[test]
    fn indexing_reads_fields_and_items_and_gives_null_when_absent() {
        let v = json!({"a": [10, {"b": "x"}]});
        assert_eq!(v["a"][1]["b"].as_str(), Some("x"), "nested");
        assert_eq!(v["a"][0].as_i64(), Some(10), "item");
        assert_eq!(v["missing"], Value::Null, "absent field");
        assert_eq!(v["a"][9], Value::Null, "out of range");
        assert_eq!(v[0], Value::Null, "object indexed by number");
        assert_eq!(v["a"]["b"], Value::Null, "array indexed by key");
    }
}
