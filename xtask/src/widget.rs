//! Building the widget with wasm-pack: the npm package for the web (`pkg/`, what the demo page,
//! the browser tests and the bench load) and for bundlers (`pkg-bundler/`), both the Leptos
//! component with the crate's default features. Then `wasm-opt -Oz`, `esbuild --minify` on the
//! web build's JS glue, and `pkg-config/apply.mjs`.

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
/// `#[wasm_bindgen]` classes are exported from every build with Leptos. The widget has no
/// server functions and nothing in it creates those objects (their JS classes have no
/// constructor), so the exports are dead; without them `-Oz` drops their code.
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

/// One wasm-pack build of the root crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Package {
    /// `wasm-pack build --target`: `web` or `bundler`.
    pub target: &'static str,
    /// `--out-dir`, relative to the repository root.
    pub out_dir: &'static str,
}

/// The npm packages, each shaped by `pkg-config/apply.mjs`. Both compile the same crate with
/// the same (default) features, so the second reuses the first one's compile.
pub const NPM_PACKAGES: [Package; 2] = [
    Package {
        target: "web",
        out_dir: "pkg",
    },
    Package {
        target: "bundler",
        out_dir: "pkg-bundler",
    },
];

/// Builds the npm packages ([`NPM_PACKAGES`]): everything the demo page, the browser tests
/// and the bench load.
pub fn build(ws: &Workspace) -> Result<()> {
    for package in NPM_PACKAGES {
        build_package(ws, package)?;
    }
    Ok(())
}

/// The `wasm-pack build` command line for `package`: `--profile wasm-release --no-opt`, with
/// the crate's default features.
pub fn wasm_pack_args(package: Package) -> Vec<&'static str> {
    let args = vec![
        "build",
        "--target",
        package.target,
        "--out-dir",
        package.out_dir,
        "--profile",
        "wasm-release",
        "--no-opt",
    ];
    args
}

/// wasm-pack with [`wasm_pack_args`], then wasm-opt with [`WASM_OPT_FLAGS`] on the resulting
/// `.wasm` (run here, so the flags are ours whatever wasm-pack's defaults are), then for `web`
/// esbuild on the JS glue, then `node pkg-config/apply.mjs <out_dir> <target>`.
fn build_package(ws: &Workspace, package: Package) -> Result<()> {
    let Package {
        target, out_dir, ..
    } = package;
    let mut cmd = Command::new("wasm-pack");
    cmd.current_dir(&ws.root).args(wasm_pack_args(package));
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
        for snippet in scripts_under(&ws.root.join(out_dir).join("snippets")) {
            minify_glue(&snippet)?;
        }
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

/// Minifies wasm-bindgen's JS glue (or a snippet) in place with esbuild (a build tool from
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

/// Every `.js` file under `dir` (wasm-bindgen's `snippets/`: the custom element's module).
fn scripts_under(dir: &std::path::Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for path in entries.filter_map(|e| e.ok().map(|e| e.path())) {
        if path.is_dir() {
            found.extend(scripts_under(&path));
        } else if path.extension().is_some_and(|e| e == "js") {
            found.push(path);
        }
    }
    found
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

#[cfg(test)]
mod tests {
    use super::{scripts_under, wasm_pack_args, NPM_PACKAGES};

    #[test]
    fn every_snippet_script_is_found_however_deep() {
        let dir = std::env::temp_dir().join(format!("oc-snippets-{}", std::process::id()));
        let deep = dir.join("operator-chat-0a1b").join("src").join("js_api");
        std::fs::create_dir_all(&deep).unwrap();
        std::fs::write(deep.join("element.js"), "export const x = 1;").unwrap();
        std::fs::write(deep.join("notes.txt"), "not a script").unwrap();
        let found = scripts_under(&dir);
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(found, [deep.join("element.js")]);
        assert!(scripts_under(&dir).is_empty(), "a missing dir has none");
    }

    #[test]
    fn both_npm_packages_are_the_one_build_with_default_features() {
        let dirs: Vec<_> = NPM_PACKAGES.iter().map(|p| (p.target, p.out_dir)).collect();
        assert_eq!(dirs, [("web", "pkg"), ("bundler", "pkg-bundler")]);
        for package in NPM_PACKAGES {
            let args = wasm_pack_args(package);
            let features = args.iter().filter(|a| a.contains("features")).count();
            assert_eq!(features, 0, "the default features only: {args:?}");
            assert!(args.windows(2).any(|w| w == ["--out-dir", package.out_dir]));
            assert!(args.windows(2).any(|w| w == ["--profile", "wasm-release"]));
        }
    }
}
