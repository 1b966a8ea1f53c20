//! The `<operator-chat>` element's instant launcher: `OperatorChat` rendered to HTML on the host
//! by `examples/prerender.rs` (the crate with `ssr`), written to `target/prerender.json`, which
//! `pkg-config/apply.mjs` puts into each npm package's `element.js`.

use std::path::PathBuf;
use std::process::Stdio;

use crate::error::{Error, Result};
use crate::proc;
use crate::workspace::Workspace;

/// The cargo arguments that run the prerender example natively with `ssr` (not `csr`).
pub const PRERENDER_ARGS: [&str; 9] = [
    "run",
    "--quiet",
    "-p",
    "operator-chat",
    "--example",
    "prerender",
    "--no-default-features",
    "--features",
    "ssr",
];

/// Renders the launcher and writes its JSON; returns the file's path.
pub fn run(ws: &Workspace) -> Result<PathBuf> {
    let path = ws.target_dir().join("prerender.json");
    let file_error = |source| Error::File {
        path: path.clone(),
        source,
    };
    std::fs::create_dir_all(ws.target_dir()).map_err(file_error)?;
    let out = std::fs::File::create(&path).map_err(file_error)?;
    let mut cmd = ws.cargo();
    cmd.args(PRERENDER_ARGS).stdout(Stdio::from(out));
    proc::run(&mut cmd)?;
    println!(
        "prerender: {} ({} bytes)",
        path.display(),
        std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0)
    );
    Ok(path)
}
