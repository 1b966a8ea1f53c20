//! Load to interactive: navigation start to the widget's `open` state, cold and warm cache
//! (from `xtask/bench/browser.mjs load`).

use serde_json::{json, Value};

use super::section::{arr, kb, num, Section};
use super::stats::{show, Spread};
use super::table::Table;

/// The load table.
pub fn section(raw: &Value) -> Section {
    let mut t = Table::new(
        "Load to interactive (loopback, navigation start → widget `open`)",
        &[
            "cache",
            "runs",
            "ready ms",
            "token answered ms",
            "wasm loaded ms",
            "DOMContentLoaded ms",
            "bytes transferred",
        ],
    );
    let mut out = json!({});
    for cache in ["cold", "warm"] {
        let runs = arr(raw, cache);
        let s = |key: &str| Spread::of(runs.iter().filter_map(|r| num(r, key)));
        let bytes = s("transferred_bytes");
        t.row(vec![
            cache.to_owned(),
            runs.len().to_string(),
            show(s("ready_ms"), 0),
            show(s("token_ms"), 0),
            show(s("wasm_ms"), 0),
            show(s("dom_content_loaded_ms"), 0),
            bytes.map_or_else(|| "–".into(), |b| kb(b.median)),
        ]);
        let j =
            |v: Option<Spread>| v.map(|s| json!({"median": s.median, "min": s.min, "max": s.max}));
        out[cache] = json!({
            "runs": runs.len(), "ready_ms": j(s("ready_ms")), "token_ms": j(s("token_ms")),
            "wasm_ms": j(s("wasm_ms")), "transferred_bytes": j(bytes),
        });
    }
    t.note(
        "Ready: `performance.now()` (ms since navigation start) when `onStateChange` reports \
         `open` (token fetched, events stream and session socket open). Cold: a new browser \
         context per run (empty cache, new demo caller). Warm: the same context reloaded \
         (the dev server sends `Cache-Control: no-cache`, so files are revalidated, 304). \
         Median (min–max). Uncompressed: the dev server does not compress.",
    );
    Section {
        tables: vec![t],
        json: out,
        panels: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cold_and_warm_rows_show_median_and_range() {
        let raw = json!({
            "cold": [{"ready_ms": 300.0}, {"ready_ms": 500.0}, {"ready_ms": 400.0}],
            "warm": [{"ready_ms": 200.0}]
        });
        let s = section(&raw);
        assert_eq!(s.tables[0].rows[0][2], "400 (300–500)");
        assert_eq!(s.tables[0].rows[1][2], "200");
        assert_eq!(s.tables[0].rows[1][3], "–");
        assert_eq!(s.json["cold"]["ready_ms"]["median"], 400.0);
    }
}
