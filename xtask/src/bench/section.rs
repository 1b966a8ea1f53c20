//! What each benchmark contributes to the report, and reading its raw JSON.

use serde_json::Value;

use super::svg::Panel;
use super::table::Table;

/// One benchmark's figures: its tables, a JSON summary and maybe a chart panel.
#[derive(Debug, Default)]
pub struct Section {
    pub tables: Vec<Table>,
    pub json: Value,
    pub panels: Vec<Panel>,
}

/// `v[key]` as a number.
pub fn num(v: &Value, key: &str) -> Option<f64> {
    v.get(key).and_then(Value::as_f64)
}

/// `v[key]` as an array (empty if absent).
pub fn arr<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// The numbers in `v[key]`.
pub fn nums(v: &Value, key: &str) -> Vec<f64> {
    arr(v, key).iter().filter_map(Value::as_f64).collect()
}

/// Bytes as `123.4 KB` (1 KB = 1,000 bytes).
pub fn kb(bytes: f64) -> String {
    format!("{:.1} KB", bytes / 1000.0)
}

/// Bytes as `12.3 MB`.
pub fn mb(bytes: f64) -> String {
    format!("{:.1} MB", bytes / 1e6)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accessors_tolerate_missing_and_mistyped_fields() {
        let v = serde_json::json!({"a": 1.5, "b": [1, "x", 2.5], "c": "s"});
        assert_eq!(num(&v, "a"), Some(1.5));
        assert_eq!(num(&v, "c"), None);
        assert_eq!(nums(&v, "b"), vec![1.0, 2.5]);
        assert!(arr(&v, "missing").is_empty());
        assert_eq!(kb(190_870.0), "190.9 KB");
        assert_eq!(mb(1_441_792.0), "1.4 MB");
    }
}
