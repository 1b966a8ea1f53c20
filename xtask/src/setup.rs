//! `cargo xtask setup`: checks each tool, installs only what is missing, one line per item.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::{Error, Result};
use crate::workspace::{which, Workspace};
use crate::{lockfile, npm, proc, widget};

const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// Browser paths found (or installed) by setup, for the browser test steps.
#[derive(Debug, Clone)]
pub struct Browser {
    /// Chromium executable (`$CHROMIUM`, else `chromium` on PATH).
    pub chromium: PathBuf,
    /// ChromeDriver executable (`$CHROMEDRIVER`, else `chromedriver` on PATH).
    pub chromedriver: PathBuf,
}

/// Installs whatever is missing; `Err(Missing)` names what could not be installed.
pub fn run(ws: &Workspace) -> Result<Browser> {
    let mut missing = Vec::new();
    let mut item = |result: Result<()>| {
        if let Err(e) = result {
            println!("missing: {e}");
            missing.push(e.to_string());
        }
    };
    item(wasm_target());
    wasm_nightly();
    item(wasm_pack());
    item(wasm_bindgen(ws));
    item(node());
    item(
        npm_dir(ws, "build tools (wasm-opt, esbuild)", &ws.tools_dir())
            .and_then(|()| wasm_opt())
            .and_then(|()| esbuild()),
    );
    let browser = browser();
    item(
        browser
            .as_ref()
            .map(|_| ())
            .map_err(|e| Error::Other(e.to_string())),
    );
    item(npm_dir(ws, "browser test packages", &ws.e2e_dir()));
    match (browser, missing.is_empty()) {
        (Ok(browser), true) => Ok(browser),
        _ => Err(Error::Other(format!(
            "setup incomplete: {}",
            missing.join("; ")
        ))),
    }
}

fn ok(name: &str, version: &str) {
    println!("ok: {name} {version} (present)");
}

fn installed(name: &str, version: &str) {
    println!("installed: {name} {version}");
}

/// First line of `program --version`, if it runs.
fn version_of(program: impl AsRef<std::ffi::OsStr>) -> Option<String> {
    let out = proc::output(Command::new(program).arg("--version"))?;
    out.lines().next().map(str::to_string)
}

/// `Chromium 156.0.8078.108 built on Debian ...` -> `Chromium 156.0.8078.108`.
fn short_version(line: &str) -> String {
    line.split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(" ")
}

fn wasm_target() -> Result<()> {
    let present = || {
        proc::output(Command::new("rustc").args(["--print", "sysroot"])).is_some_and(|sysroot| {
            Path::new(&sysroot)
                .join("lib/rustlib")
                .join(WASM_TARGET)
                .is_dir()
        })
    };
    if present() {
        ok("rust target", WASM_TARGET);
        return Ok(());
    }
    proc::run(Command::new("rustup").args(["target", "add", WASM_TARGET]))?;
    if !present() {
        return Err(Error::Missing(format!(
            "rust target {WASM_TARGET} (rustup target add {WASM_TARGET})"
        )));
    }
    installed("rust target", WASM_TARGET);
    Ok(())
}

/// The pinned nightly the wasm build prefers ([`widget::WASM_NIGHTLY`], with `rust-src` for
/// `-Zbuild-std`). Optional: without it the build falls back to stable (a bigger wasm), so a
/// failed install is reported, not fatal.
fn wasm_nightly() {
    let name = format!("{} with rust-src", widget::WASM_NIGHTLY);
    if widget::nightly_installed() {
        ok("wasm toolchain", &name);
        return;
    }
    let install = proc::run(Command::new("rustup").args([
        "toolchain",
        "install",
        widget::WASM_NIGHTLY,
        "--profile",
        "minimal",
        "--component",
        "rust-src",
        "--target",
        WASM_TARGET,
    ]));
    if install.is_ok() && widget::nightly_installed() {
        installed("wasm toolchain", &name);
    } else {
        println!(
            "optional: wasm toolchain {name} not installed; the wasm build uses the default \
             toolchain (a bigger package)"
        );
    }
}

fn wasm_pack() -> Result<()> {
    if let Some(v) = version_of("wasm-pack") {
        ok("wasm-pack", v.trim_start_matches("wasm-pack "));
        return Ok(());
    }
    proc::run(Command::new("cargo").args(["install", "wasm-pack", "--locked"]))?;
    let v = version_of("wasm-pack").ok_or_else(|| Error::Missing("wasm-pack".into()))?;
    installed("wasm-pack", v.trim_start_matches("wasm-pack "));
    Ok(())
}

fn wasm_bindgen(ws: &Workspace) -> Result<()> {
    let lock_path = ws.root.join("Cargo.lock");
    let lock = std::fs::read_to_string(&lock_path).map_err(|source| Error::File {
        path: lock_path,
        source,
    })?;
    let wanted = lockfile::package_version(&lock, "wasm-bindgen")
        .ok_or_else(|| Error::Other("Cargo.lock has no wasm-bindgen package".into()))?;
    let current =
        || version_of("wasm-bindgen").map(|v| v.trim_start_matches("wasm-bindgen ").to_string());
    if current().as_deref() == Some(wanted.as_str()) {
        ok("wasm-bindgen-cli", &wanted);
        return Ok(());
    }
    // Not --locked: the CLI's own lockfile may pin crates this toolchain cannot build.
    proc::run(Command::new("cargo").args([
        "install",
        "wasm-bindgen-cli",
        "--force",
        "--version",
        &wanted,
    ]))?;
    match current() {
        Some(v) if v == wanted => {
            installed("wasm-bindgen-cli", &wanted);
            Ok(())
        }
        other => Err(Error::Missing(format!(
            "wasm-bindgen-cli {wanted} (PATH has {})",
            other.unwrap_or_else(|| "none".into())
        ))),
    }
}

fn node() -> Result<()> {
    match (version_of("node"), version_of("npm")) {
        (Some(node), Some(npm)) => {
            ok("node", &format!("{node}, npm {npm}"));
            Ok(())
        }
        _ => Err(Error::Missing(
            "node and npm (Node.js 20+; Debian: apt-get install nodejs npm)".into(),
        )),
    }
}

fn npm_dir(ws: &Workspace, name: &str, dir: &Path) -> Result<()> {
    let outcome = npm::ensure(dir)?;
    let versions = npm::direct_versions(dir).join(", ");
    let shown = format!(
        "in {} ({versions})",
        dir.strip_prefix(&ws.root).unwrap_or(dir).display()
    );
    match outcome {
        npm::Outcome::Present => ok(name, &shown),
        npm::Outcome::Installed => installed(name, &shown),
    }
    Ok(())
}

fn wasm_opt() -> Result<()> {
    let v = version_of("wasm-opt")
        .ok_or_else(|| Error::Missing("wasm-opt on PATH after npm ci".into()))?;
    let path = which("wasm-opt").unwrap_or_default();
    ok(
        "wasm-opt",
        &format!(
            "{} at {}",
            v.trim_start_matches("wasm-opt "),
            path.display()
        ),
    );
    Ok(())
}

fn esbuild() -> Result<()> {
    let v = version_of("esbuild")
        .ok_or_else(|| Error::Missing("esbuild on PATH after npm ci".into()))?;
    let path = which("esbuild").unwrap_or_default();
    ok("esbuild", &format!("{} at {}", v.trim(), path.display()));
    Ok(())
}

fn browser() -> Result<Browser> {
    let find = |var: &str, names: &[&str]| {
        std::env::var_os(var)
            .map(PathBuf::from)
            .or_else(|| names.iter().find_map(|n| which(n)))
    };
    let found = || {
        let chromium = find(
            "CHROMIUM",
            &["chromium", "chromium-browser", "google-chrome"],
        )?;
        let chromedriver = find("CHROMEDRIVER", &["chromedriver"])?;
        Some(Browser {
            chromium,
            chromedriver,
        })
    };
    let report = |b: &Browser, f: fn(&str, &str)| {
        f(
            "chromium",
            &short_version(&version_of(&b.chromium).unwrap_or_default()),
        );
        f(
            "chromedriver",
            &short_version(&version_of(&b.chromedriver).unwrap_or_default()),
        );
    };
    if let Some(b) = found() {
        report(&b, ok);
        return Ok(b);
    }
    if !can_apt() {
        return Err(Error::Missing(
            "chromium and chromedriver: install Chromium and a matching ChromeDriver \
             (Debian: apt-get install chromium chromium-driver) or set CHROMIUM and CHROMEDRIVER"
                .into(),
        ));
    }
    proc::run(Command::new("apt-get").args(["update", "-q"]))?;
    proc::run(
        Command::new("apt-get")
            .env("DEBIAN_FRONTEND", "noninteractive")
            .args(["install", "-y", "-q", "chromium", "chromium-driver"]),
    )?;
    let b = found().ok_or_else(|| Error::Missing("chromium after apt-get install".into()))?;
    report(&b, installed);
    Ok(b)
}

/// Root on Debian with apt-get: setup may install Debian packages itself.
fn can_apt() -> bool {
    use std::os::unix::fs::MetadataExt;
    let root = std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0);
    root && Path::new("/etc/debian_version").exists() && which("apt-get").is_some()
}
