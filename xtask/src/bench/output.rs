//! The report files: `results.md`, `results.json`, `curves.svg`, and the terminal tables.

use serde_json::{json, Value};

use super::machine;
use super::section::Section;
use super::svg;

/// A named benchmark's section, or why it has none.
#[derive(Debug)]
pub struct Part {
    pub name: &'static str,
    pub outcome: Result<Section, String>,
}

/// `results.md`: the machine line, every table, and the benchmarks that failed.
pub fn markdown(machine: &Value, parts: &[Part]) -> String {
    let mut out = String::from("## operator-chat benchmarks (`cargo xtask bench`)\n\n");
    out.push_str(&format!("Measured {}.\n\n", machine::line(machine)));
    for part in parts {
        match &part.outcome {
            Ok(section) => {
                for t in &section.tables {
                    out.push_str(&t.markdown());
                    out.push('\n');
                }
            }
            Err(why) => out.push_str(&format!("### {}\n\nNot measured: {why}\n\n", part.name)),
        }
    }
    out.push_str("Raw samples: `target/bench/raw/*.json`; chart: `target/bench/curves.svg`.\n");
    out
}

/// `results.json`: the machine and each benchmark's summary (or its error).
pub fn json(machine: &Value, parts: &[Part]) -> Value {
    let mut out = json!({"machine": machine});
    for part in parts {
        out[part.name] = match &part.outcome {
            Ok(section) => section.json.clone(),
            Err(why) => json!({"error": why}),
        };
    }
    out
}

/// `curves.svg`: every panel of every measured benchmark.
pub fn curves(parts: &[Part]) -> String {
    let panels: Vec<svg::Panel> = parts
        .iter()
        .filter_map(|p| p.outcome.as_ref().ok())
        .flat_map(|s| s.panels.iter().cloned())
        .collect();
    svg::chart(&panels)
}

/// The tables for the terminal.
pub fn text(parts: &[Part]) -> String {
    let mut out = String::new();
    for part in parts {
        match &part.outcome {
            Ok(section) => {
                for t in &section.tables {
                    out.push_str(&t.text());
                    out.push('\n');
                }
            }
            Err(why) => out.push_str(&format!("{}: NOT MEASURED ({why})\n\n", part.name)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::table::Table;

    fn parts() -> Vec<Part> {
        let mut t = Table::new("Size", &["bundle"]);
        t.row(vec!["w".into()]);
        vec![
            Part {
                name: "size",
                outcome: Ok(Section {
                    tables: vec![t],
                    json: json!({"ok": 1}),
                    panels: Vec::new(),
                }),
            },
            Part {
                name: "capacity",
                outcome: Err("node exited 1".into()),
            },
        ]
    }

    #[test]
    fn a_failed_benchmark_is_reported_not_hidden() {
        let machine = json!({"date_utc": "2026-11-29 04:00 UTC", "cores": 2});
        let md = markdown(&machine, &parts());
        assert!(md.contains("Measured 2026-11-29 04:00 UTC; 2 ×"));
        assert!(md.contains("### Size\n"));
        assert!(md.contains("### capacity\n\nNot measured: node exited 1"));
        let j = json(&machine, &parts());
        assert_eq!(j["size"]["ok"], 1);
        assert_eq!(j["capacity"]["error"], "node exited 1");
        assert!(text(&parts()).contains("capacity: NOT MEASURED"));
        assert!(curves(&parts()).contains("<svg"));
    }
}
