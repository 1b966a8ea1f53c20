//! Opaque list cursors (A28): newest first, [`PAGE_SIZE`] per page, `cursor: null` at the end.

use serde_json::{json, Value};

use crate::assumptions::PAGE_SIZE;
use crate::error::ApiError;

const CURSOR_PREFIX: &str = "cur_";

/// Parses `?cursor=`: items with a sequence number below it come next.
pub fn parse_cursor(cursor: Option<&str>) -> Result<Option<u64>, ApiError> {
    match cursor {
        None | Some("") => Ok(None),
        Some(c) => c
            .strip_prefix(CURSOR_PREFIX)
            .and_then(|n| n.parse().ok())
            .map(Some)
            .ok_or_else(|| ApiError::invalid_field("cursor", "Invalid cursor.")),
    }
}

/// One page of `(seq, item)` pairs (any order in): `{data, cursor}`.
pub fn page(mut items: Vec<(u64, Value)>, before: Option<u64>) -> Value {
    items.retain(|(seq, _)| before.is_none_or(|b| *seq < b));
    items.sort_by_key(|(seq, _)| std::cmp::Reverse(*seq));
    let more = items.len() > PAGE_SIZE;
    items.truncate(PAGE_SIZE);
    let cursor = match (more, items.last()) {
        (true, Some((seq, _))) => Value::String(format!("{CURSOR_PREFIX}{seq}")),
        _ => Value::Null,
    };
    let data: Vec<Value> = items.into_iter().map(|(_, v)| v).collect();
    json!({ "data": data, "cursor": cursor })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_walk_newest_first_and_end_with_a_null_cursor() {
        let items: Vec<(u64, Value)> = (1..=45).map(|i| (i, json!(i))).collect();
        let first = page(items.clone(), None);
        assert_eq!(first["data"][0], json!(45));
        assert_eq!(first["data"].as_array().map(Vec::len), Some(20));
        let c1 = parse_cursor(first["cursor"].as_str()).expect("valid cursor");
        let second = page(items.clone(), c1);
        assert_eq!(second["data"][0], json!(25));
        let c2 = parse_cursor(second["cursor"].as_str()).expect("valid");
        let third = page(items, c2);
        assert_eq!(third["data"].as_array().map(Vec::len), Some(5));
        assert!(third["cursor"].is_null());
        assert!(parse_cursor(Some("garbage")).is_err());
    }
}
