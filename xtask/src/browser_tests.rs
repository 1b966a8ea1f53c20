//! The browser suites: which exist, and the commands that run them against the test servers.
//!
//! - wasm-bindgen tests: every `tests/*.rs` of the widget that uses `wasm_bindgen_test`, run
//!   with `wasm-pack test --headless --chrome` from the repo root.
//! - JS suites: every `tests/e2e/**/*.test.mjs` (or `.test.js`), each run as its own step with
//!   `node --test --test-reporter=spec <file>`.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::{Error, Result};
use crate::servers::TestServers;
use crate::setup::Browser;
use crate::workspace::Workspace;

/// Chromium flags for a closed network, as root, headless (wasm-bindgen adds headless and
/// no-sandbox itself).
const CHROMIUM_ARGS: [&str; 7] = [
    "disable-gpu",
    "disable-quic",
    "no-first-run",
    "disable-background-networking",
    "disable-component-update",
    "disable-sync",
    "disable-default-apps",
];

/// Names of `tests/*.rs` files (without `.rs`) that contain `wasm_bindgen_test`, sorted.
pub fn wasm_test_targets(tests_dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(tests_dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .filter(|p| std::fs::read_to_string(p).is_ok_and(|s| s.contains("wasm_bindgen_test")))
        .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .collect();
    names.sort();
    names
}

/// JS suites under `dir` (recursively, not in `node_modules` or dot dirs), sorted.
pub fn js_suites(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    collect_suites(dir, &mut found);
    found.sort();
    found
}

fn collect_suites(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for path in entries.filter_map(|e| e.ok().map(|e| e.path())) {
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        if path.is_dir() {
            if name != "node_modules" && !name.starts_with('.') {
                collect_suites(&path, found);
            }
        } else if [".test.mjs", ".test.js", ".test.cjs"]
            .iter()
            .any(|s| name.ends_with(s))
        {
            found.push(path);
        }
    }
}

/// `wasm-pack test --headless --chrome --chromedriver <path> . --test <name>...` with the
/// test page on `127.0.0.1:<page_port>` and the servers' URLs in the compile-time environment.
pub fn wasm_command(
    ws: &Workspace,
    browser: &Browser,
    servers: &TestServers,
    page_port: u16,
    targets: &[String],
) -> Result<Command> {
    let caps = write_webdriver_json(ws, browser)?;
    let mut cmd = Command::new("wasm-pack");
    cmd.current_dir(&ws.root)
        .args(["test", "--headless", "--chrome", "--chromedriver"])
        .arg(&browser.chromedriver)
        .arg(".");
    for target in targets {
        cmd.args(["--test", target]);
    }
    cmd.env("CHROMEDRIVER", &browser.chromedriver)
        .env(
            "WASM_BINDGEN_TEST_ADDRESS",
            format!("127.0.0.1:{page_port}"),
        )
        .env("WASM_BINDGEN_TEST_WEBDRIVER_JSON", caps)
        .env("WASM_BINDGEN_TEST_TIMEOUT", "120")
        .envs(servers.wasm_env());
    Ok(cmd)
}

/// `node --test --test-reporter=spec <suite>` with the servers and browser in the environment.
pub fn node_command(
    ws: &Workspace,
    browser: &Browser,
    servers: &TestServers,
    suite: &Path,
) -> Command {
    let mut cmd = Command::new("node");
    cmd.current_dir(&ws.root)
        .args(["--test", "--test-reporter=spec"])
        .arg(suite)
        .env("OPERATOR_CHAT_CHROMIUM", &browser.chromium)
        .env("OPERATOR_CHAT_CHROMIUM_ARGS", chromium_cli_args().join(" "))
        .env("OPERATOR_CHAT_PKG_DIR", ws.pkg_dir())
        .envs(servers.node_env());
    cmd
}

/// The flags for a suite that launches Chromium itself (`--headless --no-sandbox` included).
pub fn chromium_cli_args() -> Vec<String> {
    ["headless", "no-sandbox", "disable-dev-shm-usage"]
        .iter()
        .chain(CHROMIUM_ARGS.iter())
        .map(|a| format!("--{a}"))
        .collect()
}

/// WebDriver capabilities for wasm-bindgen-test-runner: our Chromium binary and flags.
fn write_webdriver_json(ws: &Workspace, browser: &Browser) -> Result<PathBuf> {
    let caps = serde_json::json!({
        "goog:chromeOptions": {
            "binary": browser.chromium,
            "args": CHROMIUM_ARGS,
        }
    });
    let dir = ws.log_dir();
    let path = dir.join("webdriver.json");
    std::fs::create_dir_all(&dir)
        .and_then(|()| std::fs::write(&path, caps.to_string()))
        .map_err(|source| Error::File {
            path: path.clone(),
            source,
        })?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::{js_suites, wasm_test_targets};
    use std::fs;

    fn scratch(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("temp dir");
        dir
    }

    #[test]
    fn only_test_files_using_wasm_bindgen_test_are_wasm_targets() {
        let dir = scratch("wasm-targets");
        fs::write(dir.join("web.rs"), "use wasm_bindgen_test::*;").expect("write");
        fs::write(dir.join("native.rs"), "#[test] fn t() {}").expect("write");
        fs::write(dir.join("notes.md"), "wasm_bindgen_test").expect("write");
        assert_eq!(wasm_test_targets(&dir), vec!["web"]);
        assert!(wasm_test_targets(&dir.join("absent")).is_empty());
        let _ = fs::remove_dir_all(dir);
    }

    #[test]
    fn js_suites_are_found_recursively_but_not_in_node_modules() {
        let dir = scratch("js-suites");
        fs::create_dir_all(dir.join("faults")).expect("mkdir");
        fs::create_dir_all(dir.join("node_modules/axe-core")).expect("mkdir");
        fs::write(dir.join("conversation.test.mjs"), "").expect("write");
        fs::write(dir.join("faults/randomized.test.mjs"), "").expect("write");
        fs::write(dir.join("helpers.mjs"), "").expect("write");
        fs::write(dir.join("node_modules/axe-core/x.test.js"), "").expect("write");
        let found: Vec<_> = js_suites(&dir)
            .into_iter()
            .map(|p| p.strip_prefix(&dir).expect("inside").display().to_string())
            .collect();
        assert_eq!(
            found,
            vec!["conversation.test.mjs", "faults/randomized.test.mjs"]
        );
        let _ = fs::remove_dir_all(dir);
    }
}
