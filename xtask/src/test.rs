//! `cargo xtask test`: setup, then every suite as a named, timed step; a failure does not stop
//! the run, it fails it at the end.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use crate::counts::{self, Format};
use crate::error::{Error, Result};
use crate::report::{self, Outcome, Status, Weight};
use crate::servers::TestServers;
use crate::ssr_example::{self, SsrExample};
use crate::workspace::Workspace;
use crate::{browser_tests, failures, proc, setup, widget};

/// Runs the steps in order and records each outcome.
struct Runner {
    outcomes: Vec<Outcome>,
    /// Each failed suite's name and its own failure report, repeated above the summary.
    reports: Vec<(String, String)>,
}

impl Runner {
    fn begin(name: &str) -> Instant {
        println!("\n== {name}");
        Instant::now()
    }

    fn record(
        &mut self,
        name: &str,
        weight: Weight,
        status: Status,
        counts: counts::Counts,
        t: Instant,
    ) {
        let took = t.elapsed();
        let word = match &status {
            Status::Passed => "passed".to_string(),
            Status::Failed(why) => format!("FAILED ({why})"),
            Status::Skipped(why) => format!("skipped ({why})"),
        };
        println!("-- {name}: {word} in {:.1}s", took.as_secs_f64());
        self.outcomes.push(Outcome {
            name: name.into(),
            weight,
            status,
            counts,
            took,
        });
    }

    /// A step that either works or not (fmt, clippy, a build); returns its value on success.
    fn check<T>(&mut self, name: &str, f: impl FnOnce() -> Result<T>) -> Option<T> {
        let t = Self::begin(name);
        let result = f();
        let status = match &result {
            Ok(_) => Status::Passed,
            // The command line was printed above the output; the status is enough here.
            Err(Error::Failed { status, .. }) => Status::Failed(status.clone()),
            Err(e) => Status::Failed(e.to_string()),
        };
        self.record(name, Weight::Check, status, Default::default(), t);
        result.ok()
    }

    /// A command whose output carries test counts.
    fn suite(&mut self, name: &str, cmd: &mut Command, format: Format) {
        let t = Self::begin(name);
        let (status, counts) = match proc::run_tee(cmd) {
            Ok((exit, output)) => {
                let counts = counts::parse(format, &output).unwrap_or_default();
                let status = if exit.success() {
                    Status::Passed
                } else {
                    if let Some(report) = failures::excerpt(format, &output) {
                        self.reports.push((name.to_string(), report));
                    }
                    Status::Failed(exit.to_string())
                };
                (status, counts)
            }
            Err(e) => (Status::Failed(e.to_string()), Default::default()),
        };
        self.record(name, Weight::Tests, status, counts, t);
    }

    fn fail(&mut self, name: &str, weight: Weight, why: String) {
        let t = Self::begin(name);
        self.record(name, weight, Status::Failed(why), Default::default(), t);
    }

    fn skip(&mut self, name: &str, weight: Weight, why: &str) {
        let t = Self::begin(name);
        self.record(
            name,
            weight,
            Status::Skipped(why.into()),
            Default::default(),
            t,
        );
    }
}

/// Runs setup and every suite; prints the summary; non-zero exit if any step failed.
pub fn run(ws: &Workspace) -> Result<ExitCode> {
    let started = Instant::now();
    let mut r = Runner {
        outcomes: Vec::new(),
        reports: Vec::new(),
    };
    let browser = r.check("setup", || setup::run(ws));

    let cargo = |args: &[&str]| {
        let mut cmd = ws.cargo();
        cmd.args(args);
        cmd
    };
    r.check("fmt", || {
        proc::run(&mut cargo(&["fmt", "--all", "--check"]))
    });
    r.check("clippy (host, workspace)", || {
        proc::run(&mut cargo(&[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]))
    });
    r.check("clippy (wasm32, operator-chat)", || {
        proc::run(&mut cargo(&[
            "clippy",
            "-p",
            "operator-chat",
            "--target",
            "wasm32-unknown-unknown",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]))
    });
    r.suite(
        "host tests (cargo test)",
        &mut cargo(&["test", "--workspace", "--no-fail-fast"]),
        Format::Libtest,
    );
    // Server rendering: the component compiled natively with `ssr` (not `csr`), linted and
    // rendered to HTML by its tests; then the SSR example app, whose browser test is in tests/e2e/ssr/.
    r.check("clippy (host, operator-chat --features ssr)", || {
        proc::run(&mut cargo(&[
            "clippy",
            "-p",
            "operator-chat",
            "--no-default-features",
            "--features",
            "ssr",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]))
    });
    let ssr_test = |which: &[&str]| {
        let base = [
            "test",
            "-p",
            "operator-chat",
            "--no-default-features",
            "--features",
            "ssr",
        ];
        cargo(&[&base[..], which].concat())
    };
    r.suite(
        "host tests (operator-chat --features ssr: server rendering)",
        &mut ssr_test(&["--lib", "ui::"]),
        Format::Libtest,
    );
    // The doc examples of the component (`src/ui`, `src/lib.rs`) need it compiled, so they
    // build and run here, with `ssr`.
    r.suite(
        "doc examples (operator-chat --features ssr)",
        &mut ssr_test(&["--doc"]),
        Format::Libtest,
    );
    r.check("npm packages pkg, pkg-bundler (wasm-pack)", || {
        widget::build(ws)
    });
    r.check("fmt (examples/ssr-axum)", || ssr_example::fmt_check(ws));
    let example = r.check(
        "SSR example examples/ssr-axum (server + hydrate wasm)",
        || ssr_example::build(ws),
    );

    let wasm_tests = browser_tests::wasm_test_targets(&ws.root.join("tests"));
    let js_suites = browser_tests::js_suites(&ws.e2e_dir());
    if wasm_tests.is_empty() && js_suites.is_empty() {
        r.skip(
            "browser tests",
            Weight::Tests,
            "no wasm_bindgen_test in tests/*.rs and no tests/e2e/**/*.test.mjs yet",
        );
    } else {
        browser_steps(
            ws,
            &mut r,
            browser.as_ref(),
            example.as_ref(),
            Some(&wasm_tests),
            &js_suites,
        );
    }

    for (name, report) in &r.reports {
        println!("\n== failures reported by {name}\n{report}");
    }
    let summary = report::summary(&r.outcomes, started.elapsed());
    print!("{summary}");
    Ok(if report::any_failed(&r.outcomes) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Runs only the given JS browser suites (paths), against the packages already built (`cargo
/// xtask build`), with setup and the test servers as in [`run`]: for working on one suite.
pub fn run_suites(ws: &Workspace, suites: &[String]) -> Result<ExitCode> {
    let started = Instant::now();
    let mut r = Runner {
        outcomes: Vec::new(),
        reports: Vec::new(),
    };
    let browser = r.check("setup", || setup::run(ws));
    let all = browser_tests::js_suites(&ws.e2e_dir());
    // A bare file name (`embed.test.mjs`) names the suite of that name under tests/e2e/.
    let suites: Vec<PathBuf> = suites
        .iter()
        .map(|s| {
            let path = ws.root.join(s);
            let named = || all.iter().find(|p| p.file_name() == Some(s.as_ref()));
            match named() {
                Some(found) if !path.exists() => found.clone(),
                _ => path,
            }
        })
        .collect();
    browser_steps(ws, &mut r, browser.as_ref(), None, None, &suites);
    for (name, report) in &r.reports {
        println!("\n== failures reported by {name}\n{report}");
    }
    print!("{}", report::summary(&r.outcomes, started.elapsed()));
    Ok(if report::any_failed(&r.outcomes) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Starts the servers once, runs the wasm-bindgen tests then each JS suite, stops the servers.
fn browser_steps(
    ws: &Workspace,
    r: &mut Runner,
    browser: Option<&setup::Browser>,
    example: Option<&SsrExample>,
    wasm_tests: Option<&[String]>,
    js_suites: &[PathBuf],
) {
    let page_port = proc::free_port();
    let servers = match &page_port {
        Ok(port) => {
            let origin = format!("http://127.0.0.1:{port}");
            r.check("test servers (emulator + token-server)", || {
                TestServers::start(ws, &origin)
            })
        }
        Err(e) => {
            r.fail(
                "test servers (emulator + token-server)",
                Weight::Check,
                e.to_string(),
            );
            None
        }
    };
    let ready = match (browser, &servers, &page_port) {
        (Some(b), Some(s), Ok(port)) => Ok((b, s, *port)),
        (None, _, _) => Err("setup did not provide chromium + chromedriver".to_string()),
        _ => Err("test servers did not start".to_string()),
    };

    let name = "wasm-bindgen tests (headless Chrome)";
    // `None`: not selected (`cargo xtask test <suite>`), so no step at all.
    match (&ready, wasm_tests) {
        (_, None) => {}
        (_, Some([])) => r.skip(
            name,
            Weight::Tests,
            "no wasm_bindgen_test in tests/*.rs yet",
        ),
        (Err(why), Some(_)) => r.fail(name, Weight::Tests, why.clone()),
        (Ok((b, s, port)), Some(tests)) => {
            match browser_tests::wasm_command(ws, b, s, *port, tests) {
                Ok(mut cmd) => r.suite(name, &mut cmd, Format::Libtest),
                Err(e) => r.fail(name, Weight::Tests, e.to_string()),
            }
        }
    }

    if js_suites.is_empty() {
        r.skip(
            "JS browser suites (tests/e2e/)",
            Weight::Tests,
            "no tests/e2e/**/*.test.mjs yet",
        );
    }
    for suite in js_suites {
        let name = format!("e2e: {}", relative(&ws.root, suite));
        match &ready {
            Err(why) => r.fail(&name, Weight::Tests, why.clone()),
            Ok((b, s, _)) => {
                let mut cmd = browser_tests::node_command(ws, b, s, suite);
                // Without them (the example did not build) its suite fails saying so.
                cmd.envs(example.map(SsrExample::env).unwrap_or_default());
                r.suite(&name, &mut cmd, Format::Node)
            }
        }
    }
    drop(servers);
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}
