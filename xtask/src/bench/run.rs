//! `cargo xtask bench [names…]`: setup, the widget built as the demo builds it, the bench npm
//! packages, then each benchmark (or the named ones) as a node script writing raw samples,
//! summarised here.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use serde_json::Value;

use super::output::{self, Part};
use super::section::Section;
use super::servers::BenchServers;
use super::{capacity, embed, load, machine, replay, size, snapshot, streaming, transcript};
use crate::error::{Error, Result};
use crate::servers::{self as project_servers, EMULATOR, TOKEN_SERVER};
use crate::workspace::Workspace;
use crate::{browser_tests, npm, proc, setup, widget};

/// Turns one benchmark's raw JSON into its section of the report.
type Summarise = fn(&Value) -> Section;

/// Where results go: `target/bench/`.
fn out_dir(ws: &Workspace) -> PathBuf {
    ws.target_dir().join("bench")
}

fn write(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).map_err(|source| Error::File {
        path: path.to_path_buf(),
        source,
    })
}

/// Runs one node script that writes `raw`, then reads and summarises it.
fn measure(
    mut cmd: Command,
    raw: &Path,
    summarise: Summarise,
) -> std::result::Result<Section, String> {
    let _ = std::fs::remove_file(raw);
    proc::run(&mut cmd).map_err(|e| e.to_string())?;
    let text = std::fs::read_to_string(raw).map_err(|e| format!("{}: {e}", raw.display()))?;
    let value: Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", raw.display()))?;
    Ok(summarise(&value))
}

fn node(ws: &Workspace, script: &str, args: &[&std::ffi::OsStr]) -> Command {
    let mut cmd = Command::new("node");
    cmd.current_dir(&ws.root)
        .arg(ws.root.join("xtask/bench").join(script))
        .args(args);
    cmd
}

/// Every benchmark, in the order they run.
pub const SECTIONS: [&str; 7] = [
    "size",
    "load",
    "streaming",
    "transcript",
    "replay",
    "embed",
    "capacity",
];

/// The benchmarks to run: all for no arguments, else the named ones (each known, in `SECTIONS`
/// order), or why the names are wrong.
pub fn select(args: &[String]) -> std::result::Result<Vec<&'static str>, String> {
    if let Some(bad) = args.iter().find(|a| !SECTIONS.contains(&a.as_str())) {
        return Err(format!(
            "xtask bench: unknown benchmark `{bad}` (known: {})",
            SECTIONS.join(", ")
        ));
    }
    Ok(SECTIONS
        .into_iter()
        .filter(|s| args.is_empty() || args.iter().any(|a| a == s))
        .collect())
}

/// Where the report goes: `results.*` and `curves.svg` for a full run; a partial run writes
/// `results-<names>.*` and `curves-<names>.svg`, so a full report is not overwritten.
fn report_stem(selected: &[&str]) -> (String, String) {
    if selected.len() == SECTIONS.len() {
        ("results".into(), "curves".into())
    } else {
        let names = selected.join("-");
        (format!("results-{names}"), format!("curves-{names}"))
    }
}

/// The benchmarks named in `args` (every one when empty); exits non-zero if one could not be
/// measured (the figures themselves never fail the run: nothing is asserted about them).
pub fn run(ws: &Workspace, args: &[String]) -> Result<ExitCode> {
    let selected = match select(args) {
        Ok(s) => s,
        Err(why) => {
            eprintln!("{why}");
            return Ok(ExitCode::from(2));
        }
    };
    let wants = |name: &str| selected.contains(&name);
    let browser = setup::run(ws)?;
    // The bench page loads the npm package (`pkg/`), or the one `BENCH_PKG` names (an A/B of
    // two builds, or a tree where someone else is building).
    let source = match std::env::var_os("BENCH_PKG") {
        Some(dir) => {
            let dir = ws.root.join(dir);
            println!(
                "bench: BENCH_PKG: not building, measuring {}",
                dir.display()
            );
            dir
        }
        None => {
            widget::build(ws)?;
            ws.pkg_dir()
        }
    };
    let pkg = out_dir(ws).join("pkg");
    snapshot::copy_tree(&source, &pkg)?;
    println!(
        "bench: measuring and serving a copy of the package: {}",
        pkg.display()
    );
    let bench_dir = ws.root.join("xtask/bench");
    npm::ensure(&bench_dir)?;
    let bins = ws.binaries()?;
    let wanted: Vec<_> = bins
        .iter()
        .filter(|b| b.name == EMULATOR || b.name == TOKEN_SERVER)
        .collect();
    project_servers::build(ws, &wanted, true)?;

    let out = out_dir(ws);
    let raw = out.join("raw");
    std::fs::create_dir_all(&raw).map_err(|source| Error::File {
        path: raw.clone(),
        source,
    })?;
    let mut machine = machine::describe(&browser.chromium);
    let mut parts = Vec::new();

    if wants("size") {
        println!("\n== bench: transfer size");
        let file = raw.join("size.json");
        let cmd = node(ws, "size.mjs", &[pkg.as_os_str(), file.as_os_str()]);
        parts.push(Part {
            name: "size",
            outcome: measure(cmd, &file, size::section),
        });
    }

    let chromium_env = [
        (
            "OPERATOR_CHAT_CHROMIUM",
            browser.chromium.display().to_string(),
        ),
        (
            "OPERATOR_CHAT_CHROMIUM_ARGS",
            browser_tests::chromium_cli_args().join(" "),
        ),
    ];
    let browser_phases: Vec<(&'static str, Summarise)> = [
        ("load", load::section as Summarise),
        ("streaming", streaming::section),
        ("transcript", transcript::section),
        ("replay", replay::section),
    ]
    .into_iter()
    .filter(|(phase, _)| wants(phase))
    .collect();
    if !browser_phases.is_empty() {
        match BenchServers::start(ws, &pkg, "browser") {
            Ok(servers) => {
                for &(phase, summarise) in &browser_phases {
                    println!("\n== bench: {phase} (headless Chromium)");
                    let file = raw.join(format!("{phase}.json"));
                    let mut cmd = node(ws, "browser.mjs", &[phase.as_ref(), file.as_os_str()]);
                    cmd.envs(servers.env()).envs(chromium_env.clone());
                    parts.push(Part {
                        name: phase,
                        outcome: measure(cmd, &file, summarise),
                    });
                }
            }
            Err(e) => {
                for &(phase, _) in &browser_phases {
                    parts.push(Part {
                        name: phase,
                        outcome: Err(e.to_string()),
                    });
                }
            }
        }
    }

    if wants("embed") {
        println!("\n== bench: embed (a host page with each widget, headless Chromium, 4x CPU throttling)");
        let file = raw.join("embed.json");
        let outcome = BenchServers::start(ws, &pkg, "embed")
            .map_err(|e| e.to_string())
            .and_then(|servers| {
                let mut cmd = node(ws, "embed.mjs", &[file.as_os_str()]);
                cmd.envs(servers.env()).envs(chromium_env.clone());
                measure(cmd, &file, embed::section)
            });
        parts.push(Part {
            name: "embed",
            outcome,
        });
    }

    if wants("capacity") {
        println!("\n== bench: capacity (emulator sessions, token-server mints)");
        let file = raw.join("capacity.json");
        let outcome = BenchServers::start(ws, &pkg, "capacity")
            .map_err(|e| e.to_string())
            .and_then(|servers| {
                let mut cmd = node(ws, "capacity.mjs", &[file.as_os_str()]);
                cmd.envs(servers.env());
                measure(cmd, &file, capacity::section)
            });
        parts.push(Part {
            name: "capacity",
            outcome,
        });
    }

    machine["load_average_at_end"] = Value::String(machine::load_average());
    let json = output::json(&machine, &parts);
    let pretty = serde_json::to_string_pretty(&json)
        .map_err(|e| Error::Other(format!("results.json: {e}")))?;
    let (results, curves) = report_stem(&selected);
    write(&out.join(format!("{results}.json")), &pretty)?;
    write(
        &out.join(format!("{results}.md")),
        &output::markdown(&machine, &parts),
    )?;
    write(&out.join(format!("{curves}.svg")), &output::curves(&parts))?;
    println!("\n== bench: results ({})\n", machine::line(&machine));
    print!("{}", output::text(&parts));
    println!(
        "written: {}, {results}.json, {curves}.svg (raw samples in raw/)",
        out.join(format!("{results}.md")).display()
    );
    let failed: Vec<&str> = parts
        .iter()
        .filter(|p| p.outcome.is_err())
        .map(|p| p.name)
        .collect();
    if failed.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        println!("xtask bench: not measured: {}", failed.join(", "));
        Ok(ExitCode::FAILURE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_names_select_everything_and_names_keep_the_run_order() {
        assert_eq!(select(&[]).expect("all"), SECTIONS.to_vec());
        let some = ["replay".to_string(), "size".to_string()];
        assert_eq!(select(&some).expect("two"), vec!["size", "replay"]);
        let err = select(&["replays".to_string()]).expect_err("unknown");
        assert!(
            err.contains("`replays`") && err.contains("replay, embed, capacity"),
            "{err}"
        );
    }

    #[test]
    fn a_partial_run_does_not_overwrite_the_full_report() {
        assert_eq!(
            report_stem(&SECTIONS),
            ("results".to_string(), "curves".to_string())
        );
        assert_eq!(
            report_stem(&["transcript", "replay"]),
            (
                "results-transcript-replay".to_string(),
                "curves-transcript-replay".to_string()
            )
        );
    }
}
