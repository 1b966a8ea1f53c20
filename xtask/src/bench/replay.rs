//! Reconnect and replay: the connections dropped at 50, 500 and 5,000 messages, then the time
//! from the widget's reconnect to live again, the main-thread time and longest task on the way,
//! and the rows already shown that were re-rendered (from `xtask/bench/browser.mjs replay`).

use serde_json::{json, Value};

use super::section::{arr, num, Section};
use super::stats::{show, Spread};
use super::svg::{Panel, Series};
use super::table::Table;

/// Goal: live again this soon after the reconnect, at [`GOAL_MESSAGES`].
pub const GOAL_LIVE_MS: f64 = 500.0;
/// Goal: no main-thread task longer than this between the reconnect and live.
pub const GOAL_TASK_MS: f64 = 50.0;
/// The transcript length the goals are stated for.
pub const GOAL_MESSAGES: f64 = 5000.0;

/// Every reconnect measured at one transcript size (over all runs).
#[derive(Default)]
struct Size {
    target: f64,
    messages: Vec<f64>,
    live: Vec<f64>,
    drop_to_live: Vec<f64>,
    backoff: Vec<f64>,
    open: Vec<f64>,
    frames: Vec<f64>,
    main_thread: Vec<f64>,
    longest: Vec<f64>,
    long_tasks: f64,
    rerendered: f64,
    added: Vec<f64>,
    reconnects: usize,
    /// Reconnects whose trace lacked the page's marks (no main-thread figures).
    untraced: usize,
    /// Untraced reconnects (as a visitor's browser runs them): how many, reconnect → live, and
    /// the tasks of 50 ms or more the Long Tasks API saw (longest, count).
    plain_reconnects: usize,
    plain_live: Vec<f64>,
    plain_longest: Vec<f64>,
    plain_long_tasks: f64,
    /// The same replay read with `fetch()` (after each untraced reconnect): start → last
    /// frame, and the tasks of 50 ms or more (longest, count).
    fetch_runs: usize,
    fetch_live: Vec<f64>,
    fetch_longest: Vec<f64>,
    fetch_long_tasks: f64,
    /// The same replay into an empty listener: construction → last replayed frame.
    floor_live: Vec<f64>,
    floor_main_thread: Vec<f64>,
    floor_longest: Vec<f64>,
}

fn sizes(raw: &Value) -> Vec<Size> {
    let mut out: Vec<Size> = Vec::new();
    for run in raw.as_array().map_or(&[][..], Vec::as_slice) {
        for s in arr(run, "sizes") {
            let target = num(s, "target").unwrap_or(f64::NAN);
            let i = match out.iter().position(|x| x.target == target) {
                Some(i) => i,
                None => {
                    out.push(Size {
                        target,
                        ..Size::default()
                    });
                    out.len() - 1
                }
            };
            let size = &mut out[i];
            size.messages.extend(num(s, "messages"));
            for r in arr(s, "reconnects") {
                size.backoff.extend(num(r, "drop_to_reconnect_ms"));
                size.open.extend(num(r, "reconnect_to_open_ms"));
                size.frames.extend(num(r, "frames_before_live"));
                size.rerendered += num(r, "rows_rerendered").unwrap_or(0.0);
                if let (Some(before), Some(after)) = (num(r, "rows_before"), num(r, "rows_after")) {
                    size.added.push(after - before);
                }
                if r.get("traced") == Some(&Value::Bool(false)) {
                    size.plain_reconnects += 1;
                    size.plain_live.extend(num(r, "reconnect_to_live_ms"));
                    let count = num(r, "longtask_count").unwrap_or(0.0);
                    size.plain_long_tasks += count;
                    size.plain_longest
                        .extend(num(r, "longtask_max_ms").filter(|_| count > 0.0));
                    if let Some(f) = r.get("fetch_floor").filter(|f| f.is_object()) {
                        size.fetch_live.extend(num(f, "open_to_last_frame_ms"));
                        let count = num(f, "longtask_count").unwrap_or(0.0);
                        size.fetch_long_tasks += count;
                        size.fetch_longest
                            .extend(num(f, "longtask_max_ms").filter(|_| count > 0.0));
                        size.fetch_runs += 1;
                    }
                    continue;
                }
                size.reconnects += 1;
                size.live.extend(num(r, "reconnect_to_live_ms"));
                size.drop_to_live.extend(num(r, "drop_to_live_ms"));
                if let Some(b) = r.get("baseline").filter(|b| b.is_object()) {
                    size.floor_live.extend(num(b, "open_to_last_frame_ms"));
                    if let Some(t) = b.get("trace").filter(|t| t.is_object()) {
                        size.floor_main_thread.extend(num(t, "task_ms"));
                        size.floor_longest.extend(num(t, "longest_task_ms"));
                    }
                }
                // The trace's longest task and the Long Tasks API's disagree by some ms under
                // load (they time a task's edges differently): the larger one counts.
                let observed = num(r, "longtask_max_ms");
                let observed_count = num(r, "longtask_count").unwrap_or(0.0);
                match r.get("trace").filter(|t| t.is_object()) {
                    Some(t) => {
                        size.main_thread.extend(num(t, "task_ms"));
                        let traced = num(t, "longest_task_ms");
                        size.longest.extend(match (traced, observed) {
                            (Some(a), Some(b)) => Some(a.max(b)),
                            (a, b) => a.or(b),
                        });
                        size.long_tasks += observed_count.max(num(t, "long_tasks").unwrap_or(0.0));
                    }
                    None => {
                        size.untraced += 1;
                        size.longest
                            .extend(observed.filter(|_| observed_count > 0.0));
                        size.long_tasks += observed_count;
                    }
                }
            }
        }
    }
    out
}

fn max(values: &[f64]) -> Option<f64> {
    values
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .reduce(f64::max)
}

/// The longest task of `runs` untraced measurements (`longest`: of those that saw one) and
/// how many there were: the Long Tasks API reports only tasks of 50 ms or more, so none seen
/// is "< 50".
fn long_tasks(runs: usize, longest: &[f64], count: f64) -> String {
    if runs == 0 {
        return "–".into();
    }
    match max(longest) {
        Some(m) => format!("{m:.1} ({count:.0} ≥ 50 ms)"),
        None => "< 50 (0 ≥ 50 ms)".into(),
    }
}

fn verdict(met: Option<bool>) -> &'static str {
    match met {
        Some(true) => "met",
        Some(false) => "not met",
        None => "not measured",
    }
}

/// The replay table, the goals judged at the largest size, and the live-time chart panel.
pub fn section(raw: &Value) -> Section {
    let mut t = Table::new(
        "Reconnect and replay (connections dropped, reconnect → live again)",
        &[
            "messages",
            "reconnects",
            "frames before live",
            "reconnect → live ms (goal ≤ 500)",
            "main-thread ms, reconnect → live",
            "longest task ms (goal ≤ 50)",
            "rows re-rendered (goal 0)",
            "rows added (2 expected)",
            "drop → reconnect ms (backoff)",
            "reconnect → open ms",
            "untraced: reconnect → live ms (goal ≤ 500)",
            "untraced: longest task ms (goal ≤ 50)",
            "empty listener: open → last frame ms",
            "empty listener: main-thread ms",
            "empty listener: longest task ms",
            "fetch() stream: start → last frame ms",
            "fetch() stream: longest task ms",
        ],
    );
    let all = sizes(raw);
    let mut rows_json = Vec::new();
    let mut live_points = Vec::new();
    let mut task_points = Vec::new();
    let mut longest_points = Vec::new();
    let mut floor_points = Vec::new();
    for s in &all {
        let spread = |v: &[f64]| Spread::of(v.iter().copied());
        let messages = spread(&s.messages).map_or(s.target, |m| m.median);
        let live = spread(&s.live);
        let main = spread(&s.main_thread);
        let longest = max(&s.longest);
        let added = spread(&s.added);
        t.row(vec![
            format!("{messages:.0}"),
            if s.plain_reconnects == 0 {
                s.reconnects.to_string()
            } else {
                format!("{} + {} untraced", s.reconnects, s.plain_reconnects)
            },
            show(spread(&s.frames), 0),
            show(live, 1),
            show(main, 1),
            longest.map_or_else(
                || "–".into(),
                |m| format!("{m:.1} ({:.0} ≥ 50 ms)", s.long_tasks),
            ),
            format!("{:.0}", s.rerendered),
            show(added, 0),
            show(spread(&s.backoff), 0),
            show(spread(&s.open), 1),
            show(spread(&s.plain_live), 1),
            long_tasks(s.plain_reconnects, &s.plain_longest, s.plain_long_tasks),
            show(spread(&s.floor_live), 1),
            show(spread(&s.floor_main_thread), 1),
            max(&s.floor_longest).map_or_else(|| "–".into(), |m| format!("{m:.1}")),
            show(spread(&s.fetch_live), 1),
            long_tasks(s.fetch_runs, &s.fetch_longest, s.fetch_long_tasks),
        ]);
        if let Some(l) = live {
            live_points.push((messages, l.median));
        }
        if let Some(m) = main {
            task_points.push((messages, m.median));
        }
        if let Some(m) = longest {
            longest_points.push((messages, m));
        }
        if let Some(f) = spread(&s.floor_live) {
            floor_points.push((messages, f.median));
        }
        let j =
            |v: Option<Spread>| v.map(|s| json!({"median": s.median, "min": s.min, "max": s.max}));
        rows_json.push(json!({
            "messages": messages, "reconnects": s.reconnects,
            "frames_before_live": j(spread(&s.frames)),
            "reconnect_to_live_ms": j(live), "drop_to_live_ms": j(spread(&s.drop_to_live)),
            "main_thread_ms": j(main), "longest_task_ms": longest, "long_tasks": s.long_tasks,
            "rows_rerendered": s.rerendered, "rows_added": j(added),
            "drop_to_reconnect_ms": j(spread(&s.backoff)),
            "reconnect_to_open_ms": j(spread(&s.open)), "untraced_reconnects": s.untraced,
            "untraced": {
                "reconnects": s.plain_reconnects,
                "reconnect_to_live_ms": j(spread(&s.plain_live)),
                "longest_task_ms": max(&s.plain_longest),
                "long_tasks": s.plain_long_tasks,
            },
            "fetch_stream": {
                "runs": s.fetch_runs,
                "start_to_last_frame_ms": j(spread(&s.fetch_live)),
                "longest_task_ms": max(&s.fetch_longest),
                "long_tasks": s.fetch_long_tasks,
            },
            "empty_listener": {
                "open_to_last_frame_ms": j(spread(&s.floor_live)),
                "main_thread_ms": j(spread(&s.floor_main_thread)),
                "longest_task_ms": max(&s.floor_longest),
            },
        }));
    }
    let mut goals = json!({"messages": GOAL_MESSAGES, "live_ms": GOAL_LIVE_MS,
                           "longest_task_ms": GOAL_TASK_MS, "rows_rerendered": 0});
    if let Some(last) = all.last() {
        let live = Spread::of(last.live.iter().copied()).map(|s| s.median);
        let longest = max(&last.longest);
        let live_met = live.map(|l| l <= GOAL_LIVE_MS);
        let task_met = longest.map(|m| m <= GOAL_TASK_MS);
        let rows_met = (last.reconnects > 0).then_some(last.rerendered == 0.0);
        let messages = Spread::of(last.messages.iter().copied()).map_or(last.target, |m| m.median);
        let scope = if messages + 100.0 >= GOAL_MESSAGES {
            String::new()
        } else {
            format!(
                " (the goals are stated for {GOAL_MESSAGES:.0}; this run stopped at {messages:.0})"
            )
        };
        t.note(format!(
            "Goals at {messages:.0} messages{scope}, traced reconnects: live again within {GOAL_LIVE_MS:.0} ms \
             (median) {}; no task over {GOAL_TASK_MS:.0} ms (longest of every reconnect) {}; \
             0 rows re-rendered (all reconnects) {}.",
            verdict(live_met),
            verdict(task_met),
            verdict(rows_met),
        ));
        if last.plain_reconnects > 0 {
            let plain_live = Spread::of(last.plain_live.iter().copied()).map(|s| s.median);
            let plain_live_met = plain_live.map(|l| l <= GOAL_LIVE_MS);
            let plain_task_met = Some(last.plain_long_tasks == 0.0);
            t.note(format!(
                "Untraced ({} reconnects at {messages:.0} messages, long tasks from the Long \
                 Tasks API): live again within {GOAL_LIVE_MS:.0} ms (median) {}; no task over \
                 {GOAL_TASK_MS:.0} ms {}.",
                last.plain_reconnects,
                verdict(plain_live_met),
                verdict(plain_task_met),
            ));
            goals["untraced_live_met"] = json!(plain_live_met);
            goals["untraced_longest_task_met"] = json!(plain_task_met);
        }
        goals["judged_at_messages"] = json!(messages);
        goals["live_met"] = json!(live_met);
        goals["longest_task_met"] = json!(task_met);
        goals["rows_met"] = json!(rows_met);
    }
    t.note(
        "Each size: the transcript filled through the real path (as for long transcripts), then \
         per reconnect, with the agent idle: a probe `/echo <token> live` is sent and the events \
         stream and session socket end right after delivering its acknowledgement (emulator \
         faults `drop_sse` and `drop_ws` after 1 event, no close frame), so the agent's reply \
         is written while the widget is disconnected. `reconnect`: the widget constructs its \
         first events request (a fetch()) or WebSocket after the drop (after its backoff wait, shown apart as \
         `drop → reconnect`). `live`: the end of the rendering step that showed the reply's \
         first delta — the first event the page had not seen, which the stream delivers after \
         everything it replays (`frames before live`: what the new events stream delivered \
         before it). Cells: median (min–max) over reconnects.",
    );
    t.note(
        "Main thread: a Chromium trace of each reconnect (categories \
         `disabled-by-default-devtools.timeline` and `blink.user_timing`: tracing records every \
         event dispatch, so a traced replay takes longer, about 1.5 times at 5,000 messages; the \
         `untraced` columns are further reconnects, alternating with the traced ones, timed \
         the same way without a trace, their long tasks from the Long Tasks API, which reports \
         only tasks of 50 ms or more); the time the renderer main thread ran tasks (`RunTask`, DevTools' \"Task\") \
         between the page's `performance.mark`s at reconnect and at live. Longest task: the \
         longest whole task overlapping that window, by the trace or by the Long Tasks API \
         (PerformanceObserver), whichever is longer, the worst over all reconnects; beside it \
         the number of tasks of 50 ms or more, summed over reconnects. Rows \
         re-rendered: the rows shown before the drop that a MutationObserver saw touched until \
         the reply was complete (any mutation inside one, or the row removed or re-added), \
         summed over reconnects. Rows added: rows after minus before (the probe and its reply; more means \
         replayed messages were shown twice).",
    );
    t.note(
        "Empty listener: what the replay costs a transport built on EventSource, measured after \
         each reconnect in the same run. A plain EventSource (not the widget's) on the same \
         events URL, whose one listener only counts frames, from its construction to the frame \
         the widget's stream had reached (the same replay, traced the same way): what Chromium \
         alone spends receiving, parsing and dispatching the replay as events (the widget reads \
         the stream with fetch() and parses it in wasm instead). fetch() stream: \
         after each untraced reconnect, the same replay read with fetch() and the body's \
         ReadableStream (frames counted by scanning the bytes for blank lines), untraced, its \
         long tasks from the Long Tasks API: the floor of the widget's transport.",
    );
    let panel = Panel {
        title: "Reconnect and replay: reconnect → live".into(),
        x_label: "messages in the transcript (log)".into(),
        y_label: "ms".into(),
        series: vec![
            Series {
                name: "reconnect → live (p50)".into(),
                points: live_points,
            },
            Series {
                name: "main thread (p50)".into(),
                points: task_points,
            },
            Series {
                name: "longest task (max)".into(),
                points: longest_points,
            },
            Series {
                name: "empty listener: open → last frame (p50)".into(),
                points: floor_points,
            },
        ],
        log_x: true,
        reference: Some((GOAL_LIVE_MS, "goal: live in 500 ms".into())),
    };
    Section {
        tables: vec![t],
        json: json!({"sizes": rows_json, "goals": goals}),
        panels: vec![panel],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reconnect(live: f64, longest: f64, rerendered: u32, rows: u32) -> Value {
        json!({"reconnect_to_live_ms": live, "drop_to_live_ms": live + 200.0,
               "drop_to_reconnect_ms": 200.0, "reconnect_to_open_ms": 20.0,
               "frames_before_live": 3 * rows, "rows_before": rows, "rows_after": rows + 2,
               "rows_rerendered": rerendered,
               "trace": {"task_ms": live / 2.0, "longest_task_ms": longest,
                         "long_tasks": u32::from(longest >= 50.0)},
               "baseline": {"open_to_last_frame_ms": live / 4.0, "frames": 3 * rows,
                            "trace": {"task_ms": live / 8.0, "longest_task_ms": longest / 2.0}}})
    }

    fn raw(last: Vec<Value>) -> Value {
        json!([{"run": 0, "sizes": [
            {"target": 50, "messages": 51, "reconnects": [reconnect(40.0, 10.0, 0, 54), reconnect(60.0, 12.0, 0, 56)]},
            {"target": 5000, "messages": 5001, "reconnects": last},
        ]}])
    }

    #[test]
    fn sizes_are_rows_with_medians_and_the_worst_task() {
        let s = section(&raw(vec![
            reconnect(300.0, 20.0, 0, 5001),
            reconnect(400.0, 45.0, 0, 5003),
            reconnect(350.0, 30.0, 0, 5005),
        ]));
        let rows = &s.tables[0].rows;
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0][0], "51", "messages after the fill (user and agent)");
        assert_eq!(rows[0][3], "50.0 (40.0–60.0)");
        assert_eq!(rows[1][1], "3");
        assert_eq!(rows[1][3], "350.0 (300.0–400.0)");
        assert_eq!(rows[1][4], "175.0 (150.0–200.0)");
        assert_eq!(
            rows[1][5], "45.0 (0 ≥ 50 ms)",
            "the worst reconnect's longest task"
        );
        assert_eq!(rows[1][6], "0");
        assert_eq!(rows[1][7], "2");
        assert_eq!(rows[1][10], "–", "no untraced reconnects");
        assert_eq!(
            rows[1][12], "87.5 (75.0–100.0)",
            "empty listener: open → last frame"
        );
        assert_eq!(
            rows[1][13], "43.8 (37.5–50.0)",
            "empty listener: main thread"
        );
        assert_eq!(
            rows[1][14], "22.5",
            "empty listener: the worst longest task"
        );
        assert_eq!(
            s.json["sizes"][1]["empty_listener"]["longest_task_ms"],
            22.5
        );
        assert!(
            s.tables[0].notes[0].starts_with("Goals at 5001 messages, traced reconnects:"),
            "{}",
            s.tables[0].notes[0]
        );
        assert_eq!(s.json["goals"]["live_met"], true);
        assert_eq!(s.json["goals"]["longest_task_met"], true);
        assert_eq!(s.json["goals"]["rows_met"], true);
        assert_eq!(
            s.panels[0].series[0].points,
            vec![(51.0, 50.0), (5001.0, 350.0)]
        );
    }

    #[test]
    fn one_slow_task_or_one_touched_row_misses_the_goal() {
        let s = section(&raw(vec![
            reconnect(300.0, 20.0, 0, 5001),
            reconnect(900.0, 80.0, 2, 5003),
            reconnect(320.0, 30.0, 0, 5005),
        ]));
        assert_eq!(s.json["goals"]["live_met"], true, "judged on the median");
        assert_eq!(s.json["goals"]["longest_task_met"], false);
        assert_eq!(s.json["goals"]["rows_met"], false);
        assert_eq!(s.tables[0].rows[1][5], "80.0 (1 ≥ 50 ms)");
        assert_eq!(s.tables[0].rows[1][6], "2");
        let note = &s.tables[0].notes[0];
        assert!(note.contains("(median) met"), "{note}");
        assert!(
            note.contains("(longest of every reconnect) not met"),
            "{note}"
        );
        assert!(
            note.contains("0 rows re-rendered (all reconnects) not met"),
            "{note}"
        );
    }

    #[test]
    fn untraced_reconnects_have_their_own_columns_and_verdicts() {
        let plain = |live: f64, longest: f64, count: u32| {
            json!({"traced": false, "reconnect_to_live_ms": live, "drop_to_reconnect_ms": 100.0,
                   "frames_before_live": 7500, "rows_before": 5001, "rows_after": 5003,
                   "rows_rerendered": 0, "longtask_max_ms": longest, "longtask_count": count,
                   "fetch_floor": {"open_to_last_frame_ms": live / 10.0, "frames": 7500,
                                   "chunks": 12, "longtask_count": 0, "longtask_max_ms": 0.0}})
        };
        let s = section(&raw(vec![
            reconnect(600.0, 80.0, 0, 5001),
            plain(420.0, 0.0, 0),
            reconnect(640.0, 90.0, 0, 5003),
            plain(450.0, 0.0, 0),
        ]));
        let row = &s.tables[0].rows[1];
        assert_eq!(row[1], "2 + 2 untraced");
        assert_eq!(row[3], "620.0 (600.0–640.0)", "traced only");
        assert_eq!(row[7], "2", "rows added: every reconnect");
        assert_eq!(row[10], "435.0 (420.0–450.0)");
        assert_eq!(row[11], "< 50 (0 ≥ 50 ms)", "no long task seen");
        assert_eq!(row[15], "43.5 (42.0–45.0)", "fetch() stream");
        assert_eq!(row[16], "< 50 (0 ≥ 50 ms)");
        assert_eq!(s.json["goals"]["live_met"], false);
        assert_eq!(s.json["goals"]["untraced_live_met"], true);
        assert_eq!(s.json["goals"]["untraced_longest_task_met"], true);
        assert_eq!(s.json["sizes"][1]["untraced"]["reconnects"], 2);

        let s = section(&raw(vec![plain(520.0, 70.0, 2), plain(480.0, 55.0, 1)]));
        let row = &s.tables[0].rows[1];
        assert_eq!(row[1], "0 + 2 untraced");
        assert_eq!(row[11], "70.0 (3 ≥ 50 ms)");
        assert_eq!(s.json["goals"]["untraced_longest_task_met"], false);
        assert!(
            s.tables[0].notes[1].contains("(median) met; no task over 50 ms not met"),
            "{}",
            s.tables[0].notes[1]
        );
    }

    #[test]
    fn the_longer_of_the_traced_and_the_observed_task_counts() {
        let mut r = reconnect(100.0, 40.0, 0, 5000);
        r["longtask_max_ms"] = json!(62.0);
        r["longtask_count"] = json!(1);
        let s = section(&json!([{"run": 0, "sizes": [{"target": 5000, "reconnects": [r]}]}]));
        assert_eq!(s.tables[0].rows[0][5], "62.0 (1 ≥ 50 ms)");
        assert_eq!(s.json["goals"]["longest_task_met"], false);
    }

    #[test]
    fn a_short_run_says_where_it_stopped_and_a_missing_trace_is_not_a_zero() {
        let mut r = reconnect(100.0, 10.0, 0, 500);
        r["trace"] = Value::Null;
        let raw =
            json!([{"run": 0, "sizes": [{"target": 500, "messages": 500, "reconnects": [r]}]}]);
        let s = section(&raw);
        assert!(s.tables[0].notes[0].contains("this run stopped at 500"));
        assert_eq!(s.tables[0].rows[0][4], "–");
        assert_eq!(
            s.tables[0].rows[0][5], "–",
            "no long task observed and no trace: unknown, not 0"
        );
        assert_eq!(s.json["goals"]["longest_task_met"], Value::Null);
        assert_eq!(s.json["sizes"][0]["untraced_reconnects"], 1);
    }
}
