//! Emulator and token-server capacity (from `xtask/bench/capacity.mjs`).

use serde_json::{json, Value};

use super::section::{arr, num, nums, Section};
use super::stats::{show, Spread, Summary};
use super::table::Table;

fn sessions_table(raw: &Value) -> (Table, Vec<Value>) {
    let mut t = Table::new(
        "Emulator: concurrent streaming sessions (WebSocket, no lost event)",
        &[
            "sessions",
            "complete",
            "deltas received / expected",
            "lost",
            "duplicated",
            "stream time p50 / p99 ms (ideal)",
            "deltas/s (all sessions)",
        ],
    );
    let mut rows = Vec::new();
    for level in arr(raw, "sessions") {
        let n = num(level, "sessions").unwrap_or(0.0);
        let times = Summary::of(nums(level, "session_ms"));
        let received = num(level, "received_deltas").unwrap_or(0.0);
        let rate = num(level, "wall_ms")
            .filter(|w| *w > 0.0)
            .map(|w| received / w * 1000.0);
        t.row(vec![
            format!("{n:.0}"),
            format!("{:.0}/{n:.0}", num(level, "completed").unwrap_or(0.0)),
            format!(
                "{received:.0} / {:.0}",
                num(level, "expected_deltas").unwrap_or(0.0)
            ),
            format!("{:.0}", num(level, "lost_deltas").unwrap_or(0.0)),
            format!("{:.0}", num(level, "duplicated_deltas").unwrap_or(0.0)),
            match times {
                Some(s) => format!(
                    "{:.0} / {:.0} ({:.0})",
                    s.p50,
                    s.p99,
                    num(level, "ideal_ms").unwrap_or(f64::NAN)
                ),
                None => "–".into(),
            },
            rate.map_or_else(|| "–".into(), |r| format!("{r:.0}")),
        ]);
        rows.push(json!({
            "sessions": n, "completed": num(level, "completed"),
            "lost_deltas": num(level, "lost_deltas"), "duplicated_deltas": num(level, "duplicated_deltas"),
            "received_deltas": received, "expected_deltas": num(level, "expected_deltas"),
            "stream_ms_p50": times.map(|s| s.p50), "stream_ms_p99": times.map(|s| s.p99),
            "ideal_ms": num(level, "ideal_ms"), "deltas_per_s": rate,
        }));
    }
    if let Some(first) = arr(raw, "sessions").first() {
        t.note(format!(
            "Each session: its own conversation and session WebSocket; all are sent `/stream {}` \
             at once with the agent paced at {} ms per delta. A session is complete when it got \
             `w1 … wN` each exactly once, in order, and the completed text matches. Stream time: \
             from the send to that session's `agent.message.completed` (the greeting streams \
             first, at the same pace).",
            num(first, "deltas_per_session").unwrap_or(f64::NAN),
            num(first, "pace_ms").unwrap_or(f64::NAN),
        ));
    }
    (t, rows)
}

fn mint_table(raw: &Value) -> (Table, Vec<Value>) {
    let mut t = Table::new(
        "Token server: mint requests (POST /operator/session)",
        &["clients", "runs", "mints/s", "p50 ms", "p99 ms", "errors"],
    );
    let mut levels: Vec<f64> = arr(raw, "mint")
        .iter()
        .filter_map(|m| num(m, "clients"))
        .collect();
    levels.sort_by(f64::total_cmp);
    levels.dedup();
    let mut rows = Vec::new();
    for clients in levels {
        let runs: Vec<&Value> = arr(raw, "mint")
            .iter()
            .filter(|m| num(m, "clients") == Some(clients))
            .collect();
        let rate = Spread::of(
            runs.iter()
                .filter_map(|r| Some(num(r, "ok")? / num(r, "seconds")?)),
        );
        let p = |q: fn(&Summary) -> f64| {
            Spread::of(
                runs.iter()
                    .filter_map(|r| Summary::of(nums(r, "latencies_ms")).map(|s| q(&s))),
            )
        };
        let (p50, p99) = (p(|s| s.p50), p(|s| s.p99));
        let errors: Vec<String> = runs
            .iter()
            .filter_map(|r| r.get("errors").and_then(Value::as_object))
            .flat_map(|e| e.iter().map(|(k, v)| format!("{k}: {v}")))
            .collect();
        t.row(vec![
            format!("{clients:.0}"),
            runs.len().to_string(),
            show(rate, 0),
            show(p50, 2),
            show(p99, 2),
            if errors.is_empty() {
                "0".into()
            } else {
                errors.join(", ")
            },
        ]);
        let j =
            |v: Option<Spread>| v.map(|s| json!({"median": s.median, "min": s.min, "max": s.max}));
        rows.push(
            json!({"clients": clients, "runs": runs.len(), "mints_per_s": j(rate),
                         "p50_ms": j(p50), "p99_ms": j(p99), "errors": errors}),
        );
    }
    t.note(
        "Each client is a distinct demo caller (its own cookie from `/demo/login?fresh=1`) and \
         mints back to back for a bounded time, sending back the conversation cookie; each mint \
         is a GET of the caller's conversation plus a token refresh on the emulator (the first \
         creates it). The token server runs with `--mint-burst 1000000 --mint-per-minute \
         1000000` and the same `--address-…` limits so its rate limiters do not dominate. \
         Median over runs (min–max).",
    );
    (t, rows)
}

/// The two capacity tables.
pub fn section(raw: &Value) -> Section {
    let (sessions, s) = sessions_table(raw);
    let (mint, m) = mint_table(raw);
    Section {
        tables: vec![sessions, mint],
        json: json!({"sessions": s, "mint": m}),
        panels: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_and_mint_runs_are_summarised() {
        let raw = json!({
            "sessions": [{"sessions": 50, "completed": 50, "expected_deltas": 100, "received_deltas": 100,
                          "lost_deltas": 0, "duplicated_deltas": 0, "wall_ms": 1000.0, "ideal_ms": 500,
                          "session_ms": [600.0, 700.0], "deltas_per_session": 2, "pace_ms": 20}],
            "mint": [
                {"clients": 8, "ok": 1000, "seconds": 5.0, "errors": {}, "latencies_ms": [1.0, 2.0, 3.0]},
                {"clients": 8, "ok": 1500, "seconds": 5.0, "errors": {"429": 2}, "latencies_ms": [1.0]},
                {"clients": 1, "ok": 100, "seconds": 5.0, "errors": {}, "latencies_ms": [0.5]}
            ]
        });
        let s = section(&raw);
        assert_eq!(s.tables[0].rows[0][1], "50/50");
        assert_eq!(s.tables[0].rows[0][6], "100");
        let mint = &s.tables[1].rows;
        assert_eq!(mint[0][0], "1");
        assert_eq!(mint[1][2], "250 (200–300)");
        assert_eq!(mint[1][5], "429: 2");
    }
}
