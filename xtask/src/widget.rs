//! Building the widget's npm package with wasm-pack, then `wasm-opt -Oz`.

use std::path::PathBuf;
use std::process::Command;

use crate::error::{Error, Result};
use crate::proc;
use crate::workspace::Workspace;

/// Flags for wasm-opt: smallest size, with the features rustc's wasm32 output uses.
pub const WASM_OPT_FLAGS: [&str; 3] = [
    "-Oz",
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
];

/// `wasm-pack build --target web --out-dir pkg --profile wasm-release --no-opt`, then
/// wasm-opt with [`WASM_OPT_FLAGS`] on the resulting `.wasm` (run here, so the flags are ours
/// whatever wasm-pack's defaults are).
pub fn build(ws: &Workspace) -> Result<()> {
    let mut cmd = Command::new("wasm-pack");
    cmd.current_dir(&ws.root).args([
        "build",
        "--target",
        "web",
        "--out-dir",
        "pkg",
        "--profile",
        "wasm-release",
        "--no-opt",
    ]);
    proc::run(&mut cmd)?;
    let wasm = bg_wasm(ws)?;
    let before = size(&wasm);
    let mut opt = Command::new("wasm-opt");
    opt.args(WASM_OPT_FLAGS).arg(&wasm).arg("-o").arg(&wasm);
    proc::run(&mut opt)?;
    println!(
        "{}: {} -> {} bytes after wasm-opt",
        wasm.display(),
        before,
        size(&wasm)
    );
    Ok(())
}

fn size(path: &std::path::Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

/// The `*_bg.wasm` wasm-pack wrote into `pkg/`.
fn bg_wasm(ws: &Workspace) -> Result<PathBuf> {
    let dir = ws.pkg_dir();
    let entries = std::fs::read_dir(&dir).map_err(|source| Error::File {
        path: dir.clone(),
        source,
    })?;
    entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.to_string_lossy().ends_with("_bg.wasm"))
        .ok_or_else(|| Error::Other(format!("no *_bg.wasm in {}", dir.display())))
}
