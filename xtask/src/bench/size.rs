//! Transfer size: the widget's files next to peer embed bundles (from `bench/size.mjs`).

use serde_json::{json, Value};

use super::section::{arr, kb, num, Section};
use super::table::Table;

/// The size table; the ratio is to the smallest peer, by brotli and by gzip bytes.
pub fn section(raw: &Value) -> Section {
    let bundles = arr(raw, "bundles");
    let kind = |b: &Value| {
        b.get("kind")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned()
    };
    let name = |b: &Value| {
        b.get("name")
            .and_then(Value::as_str)
            .unwrap_or("?")
            .to_owned()
    };
    let widget = bundles.iter().find(|b| kind(b) == "widget");
    let smallest = |key: &str| {
        bundles
            .iter()
            .filter(|b| kind(b) == "peer")
            .filter_map(|b| Some((num(b, key)?, name(b))))
            .min_by(|a, b| a.0.total_cmp(&b.0))
    };
    let mut t = Table::new(
        "Transfer size (everything the widget loads vs. peer embed bundles)",
        &[
            "bundle",
            "raw",
            "gzip -9",
            "brotli -11",
            "vs. widget (brotli)",
        ],
    );
    let widget_brotli = widget.and_then(|w| num(w, "brotli"));
    for b in bundles {
        let times = match (widget_brotli, num(b, "brotli")) {
            (Some(w), Some(x)) if w > 0.0 => format!("{:.2}×", x / w),
            _ => String::new(),
        };
        t.row(vec![
            name(b),
            num(b, "raw").map(kb).unwrap_or_default(),
            num(b, "gzip").map(kb).unwrap_or_default(),
            num(b, "brotli").map(kb).unwrap_or_default(),
            times,
        ]);
    }
    let mut ratios = json!({});
    for key in ["brotli", "gzip"] {
        if let (Some(w), Some((peer, peer_name))) =
            (widget.and_then(|w| num(w, key)), smallest(key))
        {
            let ratio = w / peer;
            t.note(format!(
                "{key}: widget / smallest peer ({peer_name}) = {ratio:.2} (target ≤ 0.5: {})",
                if ratio <= 0.5 { "met" } else { "not met" }
            ));
            ratios[key] = json!({"ratio": ratio, "smallest_peer": peer_name});
        }
    }
    for b in bundles {
        let files: Vec<String> = arr(b, "files")
            .iter()
            .filter_map(|f| f.get("path").and_then(Value::as_str).map(str::to_owned))
            .collect();
        let note = b.get("note").and_then(Value::as_str).unwrap_or("");
        t.note(format!("{}: {} — {note}", name(b), files.join(" + ")));
    }
    Section {
        tables: vec![t],
        json: json!({"bundles": raw.get("bundles"), "ratio_to_smallest_peer": ratios}),
        panels: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::section;

    #[test]
    fn ratio_is_to_the_smallest_peer() {
        let raw = serde_json::json!({"bundles": [
            {"name": "operator-chat", "kind": "widget", "raw": 300, "gzip": 100, "brotli": 80, "files": [{"path": "a.wasm"}]},
            {"name": "big", "kind": "peer", "raw": 900, "gzip": 400, "brotli": 320, "files": []},
            {"name": "small", "kind": "peer", "raw": 600, "gzip": 250, "brotli": 200, "files": []}
        ]});
        let s = section(&raw);
        let t = &s.tables[0];
        assert_eq!(t.rows.len(), 3);
        assert_eq!(t.rows[1][4], "4.00×");
        assert!(
            t.notes[0].contains("smallest peer (small) = 0.40 (target ≤ 0.5: met)"),
            "{:?}",
            t.notes
        );
        assert_eq!(s.json["ratio_to_smallest_peer"]["gzip"]["ratio"], 0.4);
    }
}
