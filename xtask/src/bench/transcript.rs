//! Long transcripts: the cost of one more message and one more delta at 50, 500 and 5,000
//! messages, and memory (from `xtask/bench/browser.mjs transcript`).

use serde_json::{json, Value};

use super::section::{arr, mb, num, nums, Section};
use super::stats::{Spread, Summary};
use super::svg::{Panel, Series};
use super::table::Table;

/// Growth from the smallest to the largest transcript that still counts as flat.
pub const FLAT_GROWTH: f64 = 1.5;

struct Checkpoint {
    target: f64,
    messages: Vec<f64>,
    user_row: Vec<f64>,
    agent_row: Vec<f64>,
    delta: Vec<f64>,
    per_event: Vec<f64>,
    heap: Vec<f64>,
    wasm: Vec<f64>,
}

fn checkpoints(raw: &Value) -> Vec<Checkpoint> {
    let mut out: Vec<Checkpoint> = Vec::new();
    for run in raw.as_array().map_or(&[][..], Vec::as_slice) {
        for c in arr(run, "checkpoints") {
            let target = num(c, "target").unwrap_or(f64::NAN);
            let i = match out.iter().position(|x| x.target == target) {
                Some(i) => i,
                None => {
                    out.push(Checkpoint {
                        target,
                        messages: vec![],
                        user_row: vec![],
                        agent_row: vec![],
                        delta: vec![],
                        per_event: vec![],
                        heap: vec![],
                        wasm: vec![],
                    });
                    out.len() - 1
                }
            };
            let cp = &mut out[i];
            cp.messages.extend(num(c, "messages"));
            cp.heap.extend(num(c, "js_heap_used"));
            cp.wasm.extend(num(c, "wasm_memory"));
            for p in arr(c, "probes") {
                cp.user_row.extend(num(p, "user_row_ms"));
                cp.agent_row.extend(num(p, "agent_row_ms"));
                cp.delta.extend(nums(p, "delta_ms"));
                if let (Some(ms), Some(events)) = (num(p, "main_thread_ms"), num(p, "events")) {
                    cp.per_event.push(ms / events);
                }
            }
        }
    }
    out
}

/// The p50 figures of one transcript size.
struct Medians {
    messages: f64,
    user: Option<f64>,
    agent: Option<f64>,
    delta: Option<f64>,
    per_event: Option<f64>,
    heap: Option<f64>,
    wasm: Option<f64>,
}

fn p50_p10_p90(samples: &[f64]) -> (Option<f64>, String) {
    match Summary::of(samples.iter().copied()) {
        Some(s) => (
            Some(s.p50),
            format!("{:.1} ({:.1}–{:.1})", s.p50, s.p10, s.p90),
        ),
        None => (None, "–".into()),
    }
}

/// The long-transcript table, growth ratios, and the cost-vs-length chart panel.
pub fn section(raw: &Value) -> Section {
    let mut t = Table::new(
        "Long transcripts (cost of one more message / delta, memory)",
        &[
            "messages",
            "user row: send → painted ms",
            "agent row: arrival → painted ms",
            "delta: arrival → painted ms",
            "main-thread ms / event",
            "JS heap",
            "wasm memory",
        ],
    );
    let cps = checkpoints(raw);
    let mut medians = Vec::new();
    let mut rows_json = Vec::new();
    for cp in &cps {
        let (user, user_s) = p50_p10_p90(&cp.user_row);
        let (agent, agent_s) = p50_p10_p90(&cp.agent_row);
        let (delta, delta_s) = p50_p10_p90(&cp.delta);
        let (per_event, per_event_s) = p50_p10_p90(&cp.per_event);
        let heap = Spread::of(cp.heap.iter().copied());
        let wasm = Spread::of(cp.wasm.iter().copied());
        let messages = Spread::of(cp.messages.iter().copied()).map_or(cp.target, |s| s.median);
        t.row(vec![
            format!("{messages:.0}"),
            user_s,
            agent_s,
            delta_s,
            per_event_s,
            heap.map_or_else(|| "–".into(), |h| mb(h.median)),
            wasm.map_or_else(|| "–".into(), |w| mb(w.median)),
        ]);
        medians.push(Medians {
            messages,
            user,
            agent,
            delta,
            per_event,
            heap: heap.map(|h| h.median),
            wasm: wasm.map(|w| w.median),
        });
        rows_json.push(json!({
            "messages": messages, "user_row_ms_p50": user, "agent_row_ms_p50": agent,
            "delta_ms_p50": delta, "main_thread_ms_per_event_p50": per_event,
            "js_heap_used_bytes": heap.map(|h| h.median), "wasm_memory_bytes": wasm.map(|w| w.median),
            "probe_samples": cp.user_row.len(), "runs": cp.heap.len(),
        }));
    }
    let mut growth = json!({});
    if let (Some(first), Some(last)) = (medians.first(), medians.last()) {
        let ratio = |a: Option<f64>, b: Option<f64>| match (a, b) {
            (Some(a), Some(b)) if a > 0.0 => Some(b / a),
            _ => None,
        };
        let figures = [
            ("user row", ratio(first.user, last.user)),
            ("agent row", ratio(first.agent, last.agent)),
            ("delta", ratio(first.delta, last.delta)),
            (
                "main-thread ms / event",
                ratio(first.per_event, last.per_event),
            ),
            ("JS heap", ratio(first.heap, last.heap)),
            ("wasm memory", ratio(first.wasm, last.wasm)),
        ];
        let shown: Vec<String> = figures
            .iter()
            .map(|(name, r)| match r {
                Some(r) => format!("{name} {r:.2}×"),
                None => format!("{name} –"),
            })
            .collect();
        let per_event = figures[3].1;
        t.note(format!(
            "Growth {:.0} → {:.0} messages (p50 / p50): {}. Target ≤ {FLAT_GROWTH}× for the per-event cost: {}.",
            first.messages,
            last.messages,
            shown.join(", "),
            match per_event {
                Some(r) if r <= FLAT_GROWTH => "met",
                Some(_) => "not met",
                None => "not measured",
            }
        ));
        for (name, r) in figures {
            growth[name] = json!(r);
        }
    }
    t.note(
        "Filled through the real path: `/echo` messages sent with the handle's `send()` (a user \
         and an agent message each) with the agent unpaced; then 8 probes per size, each \
         `/stream 20` at 10 ms per delta. Latency cells: p50 (p10–p90) over all probes of all \
         runs. `main-thread ms / event`: CDP TaskDuration during a probe divided by its 22 \
         events (user row, agent row, 20 deltas), p50 (p10–p90) over probes. Memory after a \
         forced GC: JS heap used (CDP Runtime.getHeapUsage) and the wasm linear memory \
         (`memory.buffer.byteLength` of the module's exports), median over runs.",
    );
    let point = |f: fn(&Medians) -> Option<f64>| {
        medians
            .iter()
            .filter_map(|m| f(m).map(|y| (m.messages, y)))
            .collect::<Vec<_>>()
    };
    let panel = Panel {
        title: "Long transcripts: cost of one more message / delta".into(),
        x_label: "messages in the transcript (log)".into(),
        y_label: "ms (p50)".into(),
        series: vec![
            Series {
                name: "user row".into(),
                points: point(|m| m.user),
            },
            Series {
                name: "agent row".into(),
                points: point(|m| m.agent),
            },
            Series {
                name: "delta".into(),
                points: point(|m| m.delta),
            },
            Series {
                name: "main thread / event".into(),
                points: point(|m| m.per_event),
            },
        ],
        log_x: true,
        reference: None,
    };
    Section {
        tables: vec![t],
        json: json!({"checkpoints": rows_json, "growth_first_to_last": growth}),
        panels: vec![panel],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checkpoint(target: u32, scale: f64) -> Value {
        json!({"target": target, "messages": target, "js_heap_used": 1e6 * scale, "wasm_memory": 2e6,
               "probes": [{"user_row_ms": 4.0 * scale, "agent_row_ms": 8.0, "delta_ms": [10.0, 12.0],
                           "main_thread_ms": 22.0 * scale, "events": 22}]})
    }

    #[test]
    fn growth_is_last_over_first_and_judged_on_the_per_event_cost() {
        let raw = json!([{"run": 0, "checkpoints": [checkpoint(50, 1.0), checkpoint(5000, 2.0)]}]);
        let s = section(&raw);
        assert_eq!(s.tables[0].rows.len(), 2);
        assert_eq!(s.tables[0].rows[1][4], "2.0 (2.0–2.0)");
        assert_eq!(
            s.json["growth_first_to_last"]["main-thread ms / event"],
            2.0
        );
        assert!(
            s.tables[0].notes[0].contains("not met"),
            "{}",
            s.tables[0].notes[0]
        );
        assert_eq!(
            s.panels[0].series[3].points,
            vec![(50.0, 1.0), (5000.0, 2.0)]
        );
    }
}
