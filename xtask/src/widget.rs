//! Building the widget's npm packages (web and bundler) with wasm-pack, then `wasm-opt -Oz`,
//! `esbuild --minify` on the web package's JS glue, and `pkg-config/apply.mjs`.

use std::path::PathBuf;
use std::process::Command;

use crate::error::{Error, Result};
use crate::proc;
use crate::workspace::Workspace;

/// Flags for wasm-opt: smallest size (`-Oz` repeated until it stops shrinking; drops the
/// debug and producers sections), with the features rustc's wasm32 output uses.
///
/// First it removes the exports of wasm-streams' `IntoUnderlying{Source,ByteSource,Sink}`:
/// leptos always enables server_fn's `browser` feature, which links wasm-streams, whose
/// `#[wasm_bindgen]` classes are exported from every build. The widget has no server
/// functions and nothing in it creates those objects (their JS classes have no constructor),
/// so the exports are dead; without them `-Oz` drops their code.
pub const WASM_OPT_FLAGS: [&str; 8] = [
    "--remove-exports",
    "--pass-arg=remove-exports@*intounderlying*",
    "-Oz",
    "--converge",
    "--strip-debug",
    "--strip-producers",
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
];

/// The npm packages: (`wasm-pack --target`, output dir), each shaped by `pkg-config/apply.mjs`.
pub const PACKAGES: [(&str, &str); 2] = [("web", "pkg"), ("bundler", "pkg-bundler")];

/// Builds every package of [`PACKAGES`].
pub fn build(ws: &Workspace) -> Result<()> {
    for (target, out_dir) in PACKAGES {
        build_package(ws, target, out_dir)?;
    }
    Ok(())
}

/// `wasm-pack build --target <target> --out-dir <out_dir> --profile wasm-release --no-opt`,
/// then wasm-opt with [`WASM_OPT_FLAGS`] on the resulting `.wasm` (run here, so the flags are
/// ours whatever wasm-pack's defaults are), then for `web` esbuild on the JS glue, then
/// `node pkg-config/apply.mjs <out_dir> <target>`.
fn build_package(ws: &Workspace, target: &str, out_dir: &str) -> Result<()> {
    let mut cmd = Command::new("wasm-pack");
    cmd.current_dir(&ws.root).args([
        "build",
        "--target",
        target,
        "--out-dir",
        out_dir,
        "--profile",
        "wasm-release",
        "--no-opt",
    ]);
    proc::run(&mut cmd)?;
    let wasm = bg_wasm(&ws.root.join(out_dir))?;
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
    if target == "web" {
        minify_glue(&glue_js(&wasm))?;
    }
    let apply = ws.root.join("pkg-config").join("apply.mjs");
    if apply.exists() {
        let mut node = Command::new("node");
        node.current_dir(&ws.root)
            .arg(&apply)
            .args([out_dir, target]);
        proc::run(&mut node)?;
    }
    Ok(())
}

/// Minifies wasm-bindgen's JS glue in place with esbuild (a build tool from
/// `xtask/node`): comments, whitespace and local names go, exports keep their names. The
/// `web` glue is what a page loads as is; bundler users minify with their own bundler.
fn minify_glue(js: &std::path::Path) -> Result<()> {
    let before = size(js);
    let mut esbuild = Command::new("esbuild");
    esbuild
        .arg(js)
        .args([
            "--minify",
            "--format=esm",
            "--log-level=warning",
            "--allow-overwrite",
        ])
        .arg(format!("--outfile={}", js.display()));
    proc::run(&mut esbuild)?;
    println!(
        "{}: {} -> {} bytes after esbuild --minify",
        js.display(),
        before,
        size(js)
    );
    Ok(())
}

/// The JS glue beside `*_bg.wasm`: `<name>_bg.wasm` -> `<name>.js`.
fn glue_js(wasm: &std::path::Path) -> PathBuf {
    let name = wasm
        .file_name()
        .map(|n| n.to_string_lossy().replace("_bg.wasm", ".js"))
        .unwrap_or_default();
    wasm.with_file_name(name)
}

fn size(path: &std::path::Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

/// The `*_bg.wasm` wasm-pack wrote into `dir`.
fn bg_wasm(dir: &std::path::Path) -> Result<PathBuf> {
    let entries = std::fs::read_dir(dir).map_err(|source| Error::File {
        path: dir.to_path_buf(),
        source,
    })?;
    entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.to_string_lossy().ends_with("_bg.wasm"))
        .ok_or_else(|| Error::Other(format!("no *_bg.wasm in {}", dir.display())))
}
