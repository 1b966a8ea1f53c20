//! `cargo xtask setup | demo | test | bench`: installs the tools the project needs, runs the demo,
//! runs every test suite, and the benchmarks. Plain std plus `serde_json` for
//! `cargo metadata`.

mod bench;
mod browser_tests;
mod counts;
mod demo;
mod error;
mod failures;
mod lockfile;
mod npm;
mod prerender;
mod proc;
mod report;
mod server;
mod servers;
mod setup;
mod soak;
mod ssr_example;
mod test;
mod wasm_imports;
mod wasm_split;
mod widget;
mod workspace;

use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <setup|build|demo|test|bench|soak>

  setup   install what is missing (wasm32 target, wasm-pack, wasm-bindgen-cli, wasm-opt, esbuild,
          chromium + chromedriver, npm packages of the browser tests); idempotent
  build   build the widget only (the npm packages pkg, pkg-bundler); no setup
  demo    setup, build the widget (the npm packages), serve the demo page
          with the emulator (PORT, default 8080)
  test    setup, then every suite; ends with `xtask: N passed, M failed`. `test <suite.test.mjs>…`
          runs only those browser suites, against the packages already built
  bench   setup, build the npm packages as the demo does, then measure size, streaming, long
          transcripts, reconnect and replay, load time and server capacity; writes
          target/bench/results.{md,json} and curves.svg. `bench <name>…` runs only those of
          size, load, streaming, transcript, replay, capacity (into results-<names>.*)
  soak    setup, build, then the randomized fault injections at scale on both channels
          (--injections N, default 2000 per channel; --seed S; --channels; --no-build):
          reports lost, duplicated, unconfirmed and stuck conversations with the line that
          replays each, and writes target/soak/soak-<channel>.json";

fn main() -> ExitCode {
    // wasm-pack runs us as its `wasm-bindgen` (see `wasm_split`).
    if wasm_split::invoked_as_wasm_bindgen() {
        return wasm_split::bindgen_main();
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(command) = args.first() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let ws = match workspace::Workspace::locate() {
        Ok(ws) => ws,
        Err(e) => {
            eprintln!("xtask: {e}");
            return ExitCode::FAILURE;
        }
    };
    ws.export_tool_path();
    let result = match command.as_str() {
        "setup" => setup::run(&ws).map(|_| ExitCode::SUCCESS),
        "build" => build(&ws, args.get(1).map(String::as_str)),
        "demo" => demo::run(&ws).map(|_| ExitCode::SUCCESS),
        "test" if args.len() > 1 => test::run_suites(&ws, &args[1..]),
        "test" => test::run(&ws),
        "bench" => bench::run(&ws, &args[1..]),
        "soak" => soak::run(&ws, &args[1..]),
        "-h" | "--help" | "help" => {
            println!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        other => {
            eprintln!("xtask: unknown command `{other}`\n{USAGE}");
            Ok(ExitCode::from(2))
        }
    };
    result.unwrap_or_else(|e| {
        eprintln!("xtask: {e}");
        ExitCode::FAILURE
    })
}

/// `cargo xtask build`: the npm packages. The old `build npm` still names the same build.
fn build(ws: &workspace::Workspace, which: Option<&str>) -> error::Result<ExitCode> {
    match which {
        None | Some("npm") => widget::build(ws)?,
        Some(other) => {
            eprintln!("xtask: build what? there is one build, `cargo xtask build` (not `{other}`)\n{USAGE}");
            return Ok(ExitCode::from(2));
        }
    }
    Ok(ExitCode::SUCCESS)
}
