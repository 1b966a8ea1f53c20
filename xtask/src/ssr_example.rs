//! The SSR example (`examples/ssr-axum`): its server (native, feature `ssr`) and its hydrate wasm
//! (wasm32, feature `hydrate`, then `wasm-bindgen --target web` into `<site>/pkg`, the names
//! leptos' hydration script loads), built the way a user without cargo-leptos would. It is a
//! workspace of its own, built into a target dir of its own ([`target_dir`]): the crate's
//! library is a `cdylib`, so cargo names its `rlib` without a hash, and the example's build
//! (features `ssr`, `hydrate`) and the workspace's (`csr`) would overwrite each other's
//! `liboperator_chat.rlib` where cargo still counts the other one as fresh.

use std::path::PathBuf;
use std::process::Command;

use crate::error::{Error, Result};
use crate::lockfile;
use crate::proc;
use crate::workspace::Workspace;

/// The example, relative to the repository root.
pub const DIR: &str = "examples/ssr-axum";
/// Its crate's library name: the wasm's and the glue's file stem.
const LIB: &str = "ssr_axum";

/// A built example: what its browser test (`tests/e2e/ssr/`) starts.
#[derive(Debug)]
pub struct SsrExample {
    /// The server binary.
    pub bin: PathBuf,
    /// The site root it serves `/pkg` from.
    pub site: PathBuf,
}

impl SsrExample {
    /// `OPERATOR_CHAT_SSR_AXUM_BIN` and `OPERATOR_CHAT_SSR_AXUM_SITE`, for the JS suites.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("OPERATOR_CHAT_SSR_AXUM_BIN", self.bin.display().to_string()),
            (
                "OPERATOR_CHAT_SSR_AXUM_SITE",
                self.site.display().to_string(),
            ),
        ]
    }
}

/// The example's own target dir, inside the workspace's.
fn target_dir(ws: &Workspace) -> PathBuf {
    ws.target_dir().join("ssr-axum")
}

/// `cargo <args> --manifest-path examples/ssr-axum/Cargo.toml`, into [`target_dir`].
fn cargo(ws: &Workspace, args: &[&str]) -> Command {
    let mut cmd = ws.cargo();
    cmd.args(args)
        .arg("--manifest-path")
        .arg(ws.root.join(DIR).join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target_dir(ws));
    cmd
}

/// `cargo fmt --check` of the example (the repository's `cargo fmt --all` does not reach it).
pub fn fmt_check(ws: &Workspace) -> Result<()> {
    proc::run(&mut cargo(ws, &["fmt", "--check"]))
}

/// Builds the server and the hydrate wasm (debug: hydration errors are only reported in debug
/// builds) and runs wasm-bindgen on it.
pub fn build(ws: &Workspace) -> Result<SsrExample> {
    same_wasm_bindgen(ws)?;
    proc::run(&mut cargo(
        ws,
        &["build", "--features", "ssr", "--bin", "ssr-axum"],
    ))?;
    proc::run(&mut cargo(
        ws,
        &[
            "build",
            "--lib",
            "--features",
            "hydrate",
            "--target",
            "wasm32-unknown-unknown",
        ],
    ))?;
    let site = ws.target_dir().join("ssr-axum-site");
    let target = target_dir(ws);
    let wasm = target
        .join("wasm32-unknown-unknown/debug")
        .join(format!("{LIB}.wasm"));
    let mut bindgen = Command::new("wasm-bindgen");
    bindgen
        .args([
            "--target",
            "web",
            "--no-typescript",
            "--out-name",
            LIB,
            "--out-dir",
        ])
        .arg(site.join("pkg"))
        .arg(&wasm);
    proc::run(&mut bindgen)?;
    Ok(SsrExample {
        bin: target.join("debug/ssr-axum"),
        site,
    })
}

/// The example's `Cargo.lock` pins the wasm-bindgen the installed CLI is (the root lock's).
fn same_wasm_bindgen(ws: &Workspace) -> Result<()> {
    let read = |path: PathBuf| {
        std::fs::read_to_string(&path).map_err(|source| Error::File { path, source })
    };
    check_wasm_bindgen(
        &read(ws.root.join("Cargo.lock"))?,
        &read(ws.root.join(DIR).join("Cargo.lock"))?,
    )
}

/// Fails unless both lock files have the same wasm-bindgen.
fn check_wasm_bindgen(workspace_lock: &str, example_lock: &str) -> Result<()> {
    let version = |lock: &str| lockfile::package_version(lock, "wasm-bindgen");
    match (version(workspace_lock), version(example_lock)) {
        (Some(a), Some(b)) if a == b => Ok(()),
        (a, b) => Err(Error::Other(format!(
            "{DIR}/Cargo.lock has wasm-bindgen {b:?} but the workspace (and wasm-bindgen-cli) has \
             {a:?}: run `cargo update -p wasm-bindgen --precise <that version>` in {DIR}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lock(version: &str) -> String {
        format!("[[package]]\nname = \"wasm-bindgen\"\nversion = \"{version}\"\n")
    }

    #[test]
    fn a_different_or_missing_wasm_bindgen_is_refused() {
        assert!(check_wasm_bindgen(&lock("0.2.130"), &lock("0.2.130")).is_ok());
        let err = check_wasm_bindgen(&lock("0.2.130"), &lock("0.2.131")).unwrap_err();
        assert!(err.to_string().contains("0.2.131"), "{err}");
        assert!(check_wasm_bindgen(&lock("0.2.130"), "").is_err());
    }

    #[test]
    fn the_committed_example_pins_the_workspace_wasm_bindgen() {
        same_wasm_bindgen(&Workspace::locate().unwrap()).unwrap();
    }
}
