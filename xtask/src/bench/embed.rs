//! The host page: an article in headless Chromium with 4× CPU throttling, each widget embedded
//! its documented way, ours and the peers in one run (from `xtask/bench/embed.mjs`): bytes
//! before `load`, the widget's main-thread and blocking time, LCP, layout shift, when the
//! launcher shows, and click → composer focusable, cold and after the idle preload.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::section::{arr, kb, num, Section};
use super::stats::{show, Spread};
use super::table::Table;

/// Our targets (issue 29): widget bytes before `load`, brotli.
const TARGET_BYTES: f64 = 10_000.0;
/// Blocking time the widget may add while the page loads (navigation start → `load`), ms.
const TARGET_TBT_MS: f64 = 0.0;
/// Layout shift the widget may cause.
const TARGET_SHIFT: f64 = 0.0;
/// Launcher visible after the element's script has arrived, ms.
const TARGET_LAUNCHER_MS: f64 = 50.0;
/// Click → composer focusable after the idle preload, ms.
const TARGET_IDLE_CLICK_MS: f64 = 100.0;
/// Click → composer focusable with nothing loaded yet, ms.
const TARGET_COLD_CLICK_MS: f64 = 1_000.0;

/// `v[keys[0]][keys[1]]…` as a number.
fn at(v: &Value, keys: &[&str]) -> Option<f64> {
    keys.iter()
        .try_fold(v, |v, k| v.get(*k))
        .and_then(Value::as_f64)
}

fn text<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// Cumulative layout shift as Chromium reports it: shifts without recent input grouped in
/// session windows (less than 1 s between shifts, at most 5 s long), the largest window's sum.
pub fn cls(shifts: &[Value]) -> f64 {
    let mut list: Vec<(f64, f64)> = shifts
        .iter()
        .filter(|s| !s.get("input").and_then(Value::as_bool).unwrap_or(false))
        .filter_map(|s| Some((num(s, "t")?, num(s, "value")?)))
        .collect();
    list.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut best = 0.0_f64;
    let mut window = 0.0;
    let mut start = f64::NEG_INFINITY;
    let mut last = f64::NEG_INFINITY;
    for (t, value) in list {
        if t - last >= 1_000.0 || t - start >= 5_000.0 {
            start = t;
            window = 0.0;
        }
        window += value;
        last = t;
        best = best.max(window);
    }
    best
}

/// One widget's figures over its runs.
#[derive(Debug, Default)]
struct Figures {
    runs: usize,
    cold_runs: usize,
    before_load: Option<Spread>,
    before_load_wire: Option<Spread>,
    after_load: Option<Spread>,
    main_before: Option<Spread>,
    main_after: Option<Spread>,
    tbt_load: Option<Spread>,
    tbt_after: Option<Spread>,
    lcp: Option<Spread>,
    shift: Option<Spread>,
    /// Launcher visible, ms after the entry script's `responseEnd` (cold runs).
    launcher: Option<Spread>,
    /// Inline widgets: composer focusable, ms after the entry script's `responseEnd`.
    inline_ready: Option<Spread>,
    cold_click: Option<Spread>,
    idle_click: Option<Spread>,
    blocked: Option<Spread>,
    launcher_seen: usize,
    cold_clicks: usize,
    idle_clicks: usize,
    /// Blocked requests by host, over all loads.
    blocked_hosts: BTreeMap<String, usize>,
    errors: Option<Spread>,
    /// LCP elements other than the article's hero image.
    other_lcp: Vec<String>,
}

impl Figures {
    fn of(w: &Value) -> Self {
        let passive = arr(w, "passive");
        let cold = arr(w, "cold");
        let over = |runs: &[Value], f: &dyn Fn(&Value) -> Option<f64>| {
            Spread::of(runs.iter().filter_map(f))
        };
        // From when the script could run (older raw files: when it had arrived) and the page
        // had painted at all.
        let after_script = |r: &Value, key: &str| {
            let ran = num(r, "script_run_ms").or_else(|| num(r, "script_ready_ms"))?;
            Some(num(r, key)? - ran.max(num(r, "fcp_ms").unwrap_or(0.0)))
        };
        let mut blocked_hosts = BTreeMap::new();
        for r in passive.iter().chain(cold) {
            for url in arr(r, "blocked").iter().filter_map(Value::as_str) {
                let host = url.split("://").nth(1).unwrap_or(url);
                let host = host.split(['/', '?']).next().unwrap_or(host);
                *blocked_hosts.entry(host.to_owned()).or_default() += 1;
            }
        }
        let mut other_lcp: Vec<String> = passive
            .iter()
            .filter_map(|r| r.get("lcp")?.get("element")?.as_str())
            .filter(|e| *e != "img.hero")
            .map(str::to_owned)
            .collect();
        other_lcp.dedup();
        Self {
            runs: passive.len(),
            cold_runs: cold.len(),
            before_load: over(passive, &|r| at(r, &["bytes", "before_load", "brotli"])),
            before_load_wire: over(passive, &|r| at(r, &["bytes", "before_load", "wire"])),
            after_load: over(passive, &|r| at(r, &["bytes", "after_load", "brotli"])),
            main_before: over(passive, &|r| at(r, &["main_thread", "before_load_ms"])),
            main_after: over(passive, &|r| at(r, &["main_thread", "after_load_ms"])),
            tbt_load: over(passive, &|r| at(r, &["main_thread", "tbt_to_load_ms"])),
            tbt_after: over(passive, &|r| at(r, &["main_thread", "tbt_after_load_ms"])),
            lcp: over(passive, &|r| at(r, &["lcp", "t"])),
            shift: over(passive, &|r| Some(cls(arr(r, "shifts")))),
            launcher: over(cold, &|r| after_script(r, "launcher_ms")),
            inline_ready: over(cold, &|r| after_script(r, "composer_ms")),
            cold_click: over(cold, &|r| at(r, &["cold", "click_to_composer_ms"])),
            idle_click: over(passive, &|r| at(r, &["after_idle", "click_to_composer_ms"])),
            blocked: over(passive, &|r| Some(arr(r, "blocked").len() as f64)),
            launcher_seen: cold
                .iter()
                .filter(|r| num(r, "launcher_ms").is_some())
                .count(),
            cold_clicks: cold
                .iter()
                .filter(|r| r.get("cold").and_then(|c| c.get("clicked")) == Some(&json!(true)))
                .count(),
            idle_clicks: passive
                .iter()
                .filter(|r| {
                    r.get("after_idle").and_then(|c| c.get("clicked")) == Some(&json!(true))
                })
                .count(),
            blocked_hosts,
            errors: over(passive, &|r| num(r, "error_count")),
            other_lcp,
        }
    }
}

/// `median - base` (a widget's share of a page total), with a sign.
fn added(with: Option<Spread>, base: Option<Spread>) -> Option<f64> {
    Some(with?.median - base?.median)
}

/// The median, no decimals (the main table shows medians; ranges are in the JSON and the
/// targets table).
fn median(s: Option<Spread>) -> String {
    s.map_or_else(|| "–".into(), |s| format!("{:.0}", s.median))
}

fn signed_ms(x: Option<f64>) -> String {
    x.map_or_else(|| "–".into(), |x| format!("{x:+.0}"))
}

fn spread_json(s: Option<Spread>) -> Value {
    s.map_or(
        Value::Null,
        |s| json!({"median": s.median, "min": s.min, "max": s.max, "runs": s.runs}),
    )
}

/// What the run saw the widget do (and not do), for the note column.
fn observed(w: &Value, f: &Figures, config: &Value) -> String {
    let inline = w.get("inline").and_then(Value::as_bool).unwrap_or(false);
    let mut out = Vec::new();
    let after_s = num(config, "after_load_ms").unwrap_or(5_000.0) / 1000.0;
    let click_s = num(config, "click_timeout_ms").unwrap_or(10_000.0) / 1000.0;
    if inline && f.inline_ready.is_none() && f.cold_runs > 0 {
        out.push(format!(
            "no focusable composer within {after_s:.0} s of load"
        ));
    } else if !inline && f.cold_runs > 0 {
        if f.launcher_seen == 0 {
            out.push(format!(
                "shows no launcher (none within {after_s:.0} s of load)"
            ));
        } else if f.launcher_seen < f.cold_runs {
            out.push(format!(
                "launcher in {} of {} loads",
                f.launcher_seen, f.cold_runs
            ));
        }
        let clicks = f.cold_clicks + f.idle_clicks;
        if clicks > 0 && f.cold_click.is_none() && f.idle_click.is_none() {
            out.push(format!(
                "no focusable composer within {click_s:.0} s of a click"
            ));
        }
    }
    if !f.blocked_hosts.is_empty() {
        let hosts: Vec<String> = f.blocked_hosts.keys().cloned().collect();
        out.push(format!("blocked: {}", hosts.join(", ")));
    }
    if let Some(e) = f.errors.filter(|e| e.median > 0.0) {
        out.push(format!("console errors per load: {:.0}", e.median));
    }
    if !f.other_lcp.is_empty() {
        out.push(format!("LCP element: {}", f.other_lcp.join(", ")));
    }
    let offline = text(w, "offline");
    if !offline.is_empty() {
        out.push(format!("({offline})"));
    }
    out.join("; ")
}

/// The targets table: our figures beside each target.
fn targets(ours: &Figures, page: &Figures) -> (Table, Value) {
    let mut t = Table::new(
        "operator-chat on the host page against its targets (this run; median (min–max))",
        &["target", "measured", "met"],
    );
    let tbt_added = added(ours.tbt_load, page.tbt_load);
    let rows: [(&str, Option<f64>, String, f64); 6] = [
        (
            "widget bytes before `load` ≤ 10 KB brotli",
            ours.before_load.map(|s| s.median),
            ours.before_load.map_or_else(
                || "–".into(),
                |s| {
                    if s.min == s.max {
                        kb(s.median)
                    } else {
                        format!("{} ({}–{})", kb(s.median), kb(s.min), kb(s.max))
                    }
                },
            ),
            TARGET_BYTES,
        ),
        (
            "blocking time added while the page loads (navigation → `load`) 0 ms",
            tbt_added,
            format!(
                "{} ms (page with it {} ms, page alone {} ms)",
                signed_ms(tbt_added),
                show(ours.tbt_load, 0),
                show(page.tbt_load, 0)
            ),
            TARGET_TBT_MS,
        ),
        (
            "layout shift 0",
            ours.shift.map(|s| s.median),
            ours.shift.map_or_else(|| "–".into(), |s| s.show(3)),
            TARGET_SHIFT,
        ),
        (
            "launcher visible ≤ 50 ms after the element's script runs",
            ours.launcher.map(|s| s.median),
            format!("{} ms", show(ours.launcher, 0)),
            TARGET_LAUNCHER_MS,
        ),
        (
            "click → composer focusable ≤ 100 ms after the idle preload",
            ours.idle_click.map(|s| s.median),
            format!("{} ms", show(ours.idle_click, 0)),
            TARGET_IDLE_CLICK_MS,
        ),
        (
            "click → composer focusable ≤ 1 s cold (4× throttling)",
            ours.cold_click.map(|s| s.median),
            format!("{} ms", show(ours.cold_click, 0)),
            TARGET_COLD_CLICK_MS,
        ),
    ];
    let mut out = Vec::new();
    for (name, median, shown, target) in rows {
        let met = median.map(|m| m <= target);
        t.row(vec![
            name.into(),
            shown,
            match met {
                Some(true) => "met".into(),
                Some(false) => "not met".into(),
                None => "not measured".into(),
            },
        ]);
        out.push(json!({"target": name, "limit": target, "median": median, "met": met}));
    }
    t.note(
        "met: the median of the runs is within the target. Blocking time added: the page's \
         blocking time with the widget minus the page alone's (medians).",
    );
    (t, Value::Array(out))
}

/// The embed tables.
pub fn section(raw: &Value) -> Section {
    let config = raw.get("config").cloned().unwrap_or(Value::Null);
    let widgets = arr(raw, "widgets");
    let figures: Vec<Figures> = widgets.iter().map(Figures::of).collect();
    let page = widgets
        .iter()
        .position(|w| text(w, "kind") == "page")
        .map(|i| &figures[i]);
    let empty = Figures::default();
    let page = page.unwrap_or(&empty);
    let runs = num(&config, "runs").unwrap_or(0.0);
    let cpu = num(&config, "cpu_throttling").unwrap_or(0.0);
    let after_s = num(&config, "after_load_ms").unwrap_or(0.0) / 1000.0;
    let mut t = Table::new(
        &format!(
            "Host page: an article with each widget (headless Chromium, {cpu}× CPU throttling, \
             loopback only; median of {runs} runs)"
        ),
        &[
            "widget",
            "bytes before load (brotli)",
            &format!("bytes {after_s:.0} s after load"),
            "main thread before load ms",
            &format!("main thread {after_s:.0} s after load ms"),
            "TBT to load ms",
            &format!("TBT {after_s:.0} s after load ms"),
            "LCP ms",
            "layout shift",
            "launcher visible ms after script runs",
            "click → composer ms, cold",
            "click → composer ms, after idle",
            "blocked requests",
            "note",
        ],
    );
    let mut rows = Vec::new();
    for (w, f) in widgets.iter().zip(&figures) {
        let is_page = text(w, "kind") == "page";
        let inline = w.get("inline").and_then(Value::as_bool).unwrap_or(false);
        let share = |with: Option<Spread>, base: Option<Spread>| {
            if is_page {
                median(with)
            } else {
                signed_ms(added(with, base))
            }
        };
        let launcher = if is_page {
            String::new()
        } else if inline {
            "– (inline)".into()
        } else {
            median(f.launcher)
        };
        let cold = if is_page {
            String::new()
        } else if inline {
            format!(
                "– (inline: focusable {} ms after script)",
                median(f.inline_ready)
            )
        } else {
            median(f.cold_click)
        };
        let note = if is_page {
            "the article alone: its totals (widget rows: added to these)".to_owned()
        } else {
            observed(w, f, &config)
        };
        t.row(vec![
            text(w, "name").to_owned(),
            if is_page {
                "–".into()
            } else {
                f.before_load.map_or_else(|| "–".into(), |s| kb(s.median))
            },
            if is_page {
                "–".into()
            } else {
                f.after_load.map_or_else(|| "–".into(), |s| kb(s.median))
            },
            share(f.main_before, page.main_before),
            share(f.main_after, page.main_after),
            median(f.tbt_load),
            median(f.tbt_after),
            median(f.lcp),
            f.shift
                .map_or_else(|| "–".into(), |s| format!("{:.3}", s.median)),
            launcher,
            cold,
            if is_page || inline {
                String::new()
            } else {
                median(f.idle_click)
            },
            f.blocked
                .map_or_else(|| "–".into(), |s| format!("{:.0}", s.median)),
            note,
        ]);
        rows.push(json!({
            "id": text(w, "id"), "name": text(w, "name"), "kind": text(w, "kind"),
            "embed": text(w, "embed"), "offline": text(w, "offline"), "inline": inline,
            "runs": f.runs, "cold_runs": f.cold_runs,
            "bytes_before_load_brotli": spread_json(f.before_load),
            "bytes_before_load_wire": spread_json(f.before_load_wire),
            "bytes_after_load_brotli": spread_json(f.after_load),
            "main_thread_before_load_ms": spread_json(f.main_before),
            "main_thread_after_load_ms": spread_json(f.main_after),
            "main_thread_before_load_added_ms": added(f.main_before, page.main_before),
            "main_thread_after_load_added_ms": added(f.main_after, page.main_after),
            "tbt_to_load_ms": spread_json(f.tbt_load),
            "tbt_after_load_ms": spread_json(f.tbt_after),
            "lcp_ms": spread_json(f.lcp),
            "layout_shift": spread_json(f.shift),
            "launcher_after_script_ms": spread_json(f.launcher),
            "inline_composer_after_script_ms": spread_json(f.inline_ready),
            "click_to_composer_cold_ms": spread_json(f.cold_click),
            "click_to_composer_after_idle_ms": spread_json(f.idle_click),
            "blocked_requests": spread_json(f.blocked),
            "blocked_hosts": f.blocked_hosts,
            "observed": if is_page { String::new() } else { observed(w, f, &config) },
        }));
    }
    for w in widgets.iter().filter(|w| text(w, "kind") != "page") {
        t.note(format!("{}: {}", text(w, "name"), text(w, "embed")));
    }
    t.note(format!(
        "Each run loads each page twice, each time in a new browser context (empty cache), after \
         one discarded load of each: (1) traced, untouched and unpolled until {after_s:.0} s after \
         `load`, then the launcher clicked (after idle); (2) untraced, the launcher clicked as soon as it \
         shows (cold). Viewport 1280×720; every page is served from one loopback origin \
         (`/pkg/` and `/operator/` passed through to the token server), uncompressed."
    ));
    t.note(
        "Bytes: the widget's responses (everything but the article's HTML, image and stylesheet) \
         finished before the `load` event (CDP Network), counted as brotli -11 of each body, \
         what a CDN would send (the raw wire bytes are in the JSON).",
    );
    t.note(
        "Main thread: the Chromium trace's tasks on the page's main thread, from navigation \
         start to `load` and in the window after it; widget rows give what they add to the page \
         alone (medians subtracted). TBT: the part over 50 ms of each task that starts between \
         navigation start and `load` (to load), or in the window after `load`, the same windows \
         on both pages. (Not FCP→`load`: the article alone often fires `load` before its first \
         paint, leaving that window empty, while the widget, which delays `load` past a first \
         paint, had the article's own parse and layout tasks counted in its window; FCP→`load` \
         stays in the JSON as `tbt_fcp_to_load_ms`.) Layout shift: the page's cumulative layout shift (largest session \
         window) before any click.",
    );
    t.note(
        "Launcher visible: the first animation frame in which the launcher has a non-zero box \
         and is visible (checkVisibility), polled every frame by an init script in load (2), \
         in ms after the widget's script could run: the latest `responseEnd` (resource timing) \
         of its entry script and the static imports it pulls in (requests a module of the set \
         initiated without a call stack, by CDP's initiator; a dynamic import or a fetch has \
         one), and for a deferred script (a module or `defer` script, or an inline module \
         importing the entry) not before the document is parsed (`domInteractive`), since HTML \
         runs those only then; and not before the page's first contentful paint, since \
         nothing of a page shows before it (on this article that paint often comes after \
         `load`). The JSON keeps each time (`script_ready_ms`, `script_run_ms`, `fcp_ms`). \
         Click → composer: from the pointerdown of a real click at the launcher's centre \
         to the first frame in which the composer is visible, enabled and focusable. Inline \
         widgets have no launcher: the time their composer becomes focusable is given \
         instead.",
    );
    t.note(
        "Blocked requests: requests and WebSockets to any host but loopback, aborted by \
         Playwright routing (per load of the traced page); Chromium also resolves no host name \
         but localhost. Placeholders (agent ids, tokens, API hosts) stand for the customer's \
         values.",
    );
    let mut tables = vec![t];
    let mut targets_json = Value::Null;
    if let Some(i) = widgets
        .iter()
        .position(|w| text(w, "id") == "operator-chat")
    {
        let (t, j) = targets(&figures[i], page);
        tables.push(t);
        targets_json = j;
    }
    Section {
        tables,
        json: json!({"config": config, "widgets": rows, "targets": targets_json}),
        panels: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cls_is_the_largest_session_window_without_input() {
        let shifts = json!([
            {"t": 100.0, "value": 0.1, "input": false},
            {"t": 600.0, "value": 0.05, "input": false},
            {"t": 700.0, "value": 0.5, "input": true},
            {"t": 3000.0, "value": 0.12, "input": false}
        ]);
        let got = cls(shifts.as_array().expect("array"));
        assert!((got - 0.15).abs() < 1e-9, "{got}");
        assert_eq!(cls(&[]), 0.0);
    }

    fn run(before: f64, main: f64, tbt: f64, launcher: Option<f64>) -> Value {
        json!({
            "bytes": {"before_load": {"brotli": before, "wire": before * 4.0}, "after_load": {"brotli": 0.0}},
            "main_thread": {"before_load_ms": main, "after_load_ms": 10.0, "tbt_to_load_ms": tbt, "tbt_after_load_ms": 0.0},
            "lcp": {"t": 500.0, "element": "img.hero"},
            "shifts": [],
            "blocked": ["https://api.example.com/x"],
            "after_idle": launcher.map(|_| json!({"clicked": true, "click_to_composer_ms": 40.0})),
            "error_count": 0
        })
    }

    #[test]
    fn widget_rows_show_what_they_add_to_the_page_alone_and_ours_meets_or_misses_targets() {
        let raw = json!({
            "config": {"runs": 3, "cpu_throttling": 4, "after_load_ms": 5000, "click_timeout_ms": 10000},
            "widgets": [
                {"id": "page", "kind": "page", "name": "page alone",
                 "passive": [run(0.0, 300.0, 0.0, None), run(0.0, 320.0, 0.0, None), run(0.0, 310.0, 0.0, None)],
                 "cold": []},
                {"id": "operator-chat", "kind": "widget", "name": "ours", "offline": "own servers",
                 "passive": [run(8000.0, 350.0, 0.0, Some(1.0)), run(9000.0, 360.0, 0.0, Some(1.0)), run(12000.0, 340.0, 0.0, Some(1.0))],
                 "cold": [
                    {"script_ready_ms": 100.0, "launcher_ms": 130.0, "cold": {"clicked": true, "click_to_composer_ms": 700.0}},
                    {"script_ready_ms": 100.0, "script_run_ms": 130.0, "launcher_ms": 160.0, "cold": {"clicked": true, "click_to_composer_ms": 900.0}},
                    {"script_ready_ms": 100.0, "fcp_ms": 110.0, "launcher_ms": 150.0, "cold": {"clicked": true, "click_to_composer_ms": 800.0}}
                 ]},
                {"id": "peer", "kind": "peer", "name": "peer", "offline": "needs its cloud",
                 "passive": [run(90000.0, 900.0, 120.0, None)],
                 "cold": [{"script_ready_ms": 100.0, "launcher_ms": null, "cold": null}]}
            ]
        });
        let s = section(&raw);
        let t = &s.tables[0];
        assert_eq!(t.rows.len(), 3);
        assert_eq!(t.rows[0][3], "310", "the page alone shows its total");
        assert_eq!(t.rows[1][1], "9.0 KB");
        assert_eq!(t.rows[1][3], "+40", "ours adds 350 - 310");
        assert_eq!(
            t.rows[1][9], "30",
            "from when the script could run and the page painted (30, 30, 40), not when it \
             arrived (30, 60, 50)"
        );
        assert_eq!(t.rows[2][3], "+590");
        assert!(
            t.rows[2][13].contains("shows no launcher"),
            "{}",
            t.rows[2][13]
        );
        assert!(
            t.rows[2][13].contains("blocked: api.example.com"),
            "{}",
            t.rows[2][13]
        );
        assert!(
            t.rows[2][13].contains("(needs its cloud)"),
            "{}",
            t.rows[2][13]
        );
        let targets = &s.tables[1];
        let met: Vec<&str> = targets.rows.iter().map(|r| r[2].as_str()).collect();
        assert_eq!(met, ["met", "met", "met", "met", "met", "met"]);
        assert_eq!(s.json["targets"][0]["median"], 9000.0);
        assert_eq!(
            s.json["widgets"][1]["main_thread_before_load_added_ms"],
            40.0
        );
    }
}
