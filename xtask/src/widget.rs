//! Building the widget with wasm-pack: the npm package for the web (`pkg/`, what the demo page,
//! the browser tests and the bench load) and for bundlers (`pkg-bundler/`), both the Leptos
//! component with the crate's default features. Then `wasm-opt -Oz`, `esbuild --minify` on the
//! web build's JS glue, and `pkg-config/apply.mjs`.

use std::path::PathBuf;
use std::process::Command;

use crate::error::{Error, Result};
use crate::workspace::Workspace;
use crate::{proc, wasm_imports, wasm_split};

/// Flags for wasm-opt: smallest size (`-Oz` repeated until it stops shrinking, about 1 KB
/// brotli better than one `-Oz`; with the side effects of every function computed first, which
/// lets it drop a little more; drops the debug and producers sections), with the features
/// rustc's wasm32 output uses.
///
/// First it removes the exports of wasm-streams' `IntoUnderlying{Source,ByteSource,Sink}`:
/// leptos always enables server_fn's `browser` feature, which links wasm-streams, whose
/// `#[wasm_bindgen]` classes are exported from every build with Leptos. The widget has no
/// server functions and nothing in it creates those objects (their JS classes have no
/// constructor), so the exports are dead; without them `-Oz` drops their code.
///
/// Two assumptions that hold for Rust's wasm let it drop a little more (measured together:
/// 0.9 KB brotli): `--ignore-implicit-traps` (no load, store or division traps by surprise:
/// Rust checks divisions and bounds itself, and a panic is an explicit `unreachable`, which
/// stays), and `--low-memory-unused` (nothing lives in the first 1 KB of memory: rustc puts
/// the 1 MB stack first, growing down from its top, and the data after it).
///
/// `--one-caller-inline-max-function-size=20`: `-Oz` otherwise inlines every function that
/// has one caller, however big. Kept apart, such functions compress better (likely because
/// Leptos' and serde's monomorphised bodies then repeat byte for byte, where inlined copies
/// differ in their local numbering); measured on the same wasm-bindgen output: 11.6 KB brotli
/// smaller (204.3 → 192.7 KB), 12 KB smaller raw. 0 (never) and 1,000 gave 9.8 and 0.8 KB.
///
/// `--reorder-functions-by-name` (after `-Oz`, while the names are still there): functions
/// with similar names (the instances of one generic) sit side by side, so brotli finds their
/// likeness at short distances: 2.1 KB brotli smaller, the same code.
pub const WASM_OPT_FLAGS: [&str; 13] = [
    "--remove-exports",
    "--pass-arg=remove-exports@*intounderlying*",
    "--generate-global-effects",
    "--ignore-implicit-traps",
    "--low-memory-unused",
    "--one-caller-inline-max-function-size=20",
    "-Oz",
    "--converge",
    "--reorder-functions-by-name",
    "--strip-debug",
    "--strip-producers",
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
];

/// The nightly the wasm build uses when it is installed (`cargo xtask setup` installs it): the
/// one place its date is pinned. A nightly moves; a date that builds is kept until someone
/// moves it on purpose and measures again (`cargo xtask bench size`).
pub const WASM_NIGHTLY: &str = "nightly-2026-05-20";

/// `RUSTFLAGS` of the nightly wasm build: panics abort at once, with no message formatting
/// (`-Cpanic=immediate-abort`, needs std rebuilt with `-Zbuild-std`), no file/line/column
/// strings for panic locations, and `{:?}` formats nothing (the widget shows no `Debug` output:
/// its messages and errors are `Display`; a `Display` that embeds `{:?}`, as serde's
/// "invalid type: string \"x\"" does, loses that part). Measured together with
/// [`NIGHTLY_CARGO_ARGS`]' `optimize_for_size`: the last three save 3.1 KB brotli of the package.
/// `-Zinline-mir=yes` runs rustc's MIR inliner, which release builds at `opt-level` 2 and 3 run
/// by default and `"z"` leaves off: 3.8 KB brotli smaller. Its threshold 75 (default 50) gave the
/// smallest wasm of those tried, 25 to 400 (`cargo xtask bench size` lists the scan).
pub const NIGHTLY_RUSTFLAGS: &str = "-Zunstable-options -Cpanic=immediate-abort \
     -Zlocation-detail=none -Zfmt-debug=none -Zinline-mir=yes -Zinline-mir-threshold=75";

/// Cargo arguments of the nightly wasm build: std compiled with the crate (so the panic
/// strategy and the flags above reach it), choosing its smaller algorithms.
pub const NIGHTLY_CARGO_ARGS: [&str; 2] = [
    "-Zbuild-std=std,panic_abort",
    "-Zbuild-std-features=optimize_for_size",
];

/// How wasm-pack's cargo compiles the widget: with [`WASM_NIGHTLY`] and its size flags when
/// that toolchain is installed, else with the default (stable) toolchain and no extra flags
/// (a bigger wasm, same behaviour).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Toolchain {
    /// [`WASM_NIGHTLY`] with `rust-src`: `-Zbuild-std` and [`NIGHTLY_RUSTFLAGS`].
    PinnedNightly,
    /// Whatever `cargo` is by default (stable): the fallback.
    Default,
}

impl Toolchain {
    /// [`Toolchain::PinnedNightly`] if rustup lists [`WASM_NIGHTLY`] and it has `rust-src`,
    /// unless `OPERATOR_CHAT_WASM_STABLE` is set (to build or measure the fallback).
    pub fn detect() -> Self {
        if std::env::var_os("OPERATOR_CHAT_WASM_STABLE").is_some() {
            return Self::Default;
        }
        if nightly_installed() {
            Self::PinnedNightly
        } else {
            Self::Default
        }
    }

    /// Sets the toolchain and flags on a `wasm-pack build` command whose own arguments
    /// (everything before `--`) are already there.
    pub fn apply(self, cmd: &mut Command, has_cargo_args: bool) {
        match self {
            Self::PinnedNightly => {
                cmd.env("RUSTUP_TOOLCHAIN", WASM_NIGHTLY)
                    .env("RUSTFLAGS", NIGHTLY_RUSTFLAGS)
                    .env_remove("CARGO_ENCODED_RUSTFLAGS");
                if !has_cargo_args {
                    // The crate path first: else wasm-pack takes the first cargo argument for it.
                    cmd.args([".", "--"]);
                }
                cmd.args(NIGHTLY_CARGO_ARGS);
            }
            Self::Default => {}
        }
    }

    /// One line for the build log: which toolchain, and what the fallback costs.
    pub fn describe(self) -> String {
        match self {
            Self::PinnedNightly => format!(
                "{WASM_NIGHTLY}, {}, RUSTFLAGS={NIGHTLY_RUSTFLAGS}",
                NIGHTLY_CARGO_ARGS.join(" ")
            ),
            Self::Default => format!(
                "the default toolchain ({WASM_NIGHTLY} with rust-src not installed or \
                 OPERATOR_CHAT_WASM_STABLE set; `cargo xtask setup` installs it): a bigger wasm"
            ),
        }
    }
}

/// Whether rustup has [`WASM_NIGHTLY`] with its `rust-src` component (`-Zbuild-std` needs it).
pub fn nightly_installed() -> bool {
    let listed = crate::proc::output(Command::new("rustup").args(["toolchain", "list"]))
        .is_some_and(|list| list.lines().any(|l| l.starts_with(WASM_NIGHTLY)));
    listed
        && crate::proc::output(Command::new("rustup").args([
            "run",
            WASM_NIGHTLY,
            "rustc",
            "--print",
            "sysroot",
        ]))
        .is_some_and(|sysroot| {
            std::path::Path::new(sysroot.trim())
                .join("lib/rustlib/src/rust/library")
                .is_dir()
        })
}

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
    let prerendered = crate::prerender::run(ws)?;
    for package in NPM_PACKAGES {
        build_package(ws, package, &prerendered)?;
    }
    Ok(())
}

/// The `wasm-pack build` command line for `package`: `--profile wasm-release --no-opt`, with
/// the crate's default features and, with `split`, its feature `split` (the markdown renderer
/// as a chunk of its own, split off by our `wasm-bindgen`: [`wasm_split`]).
pub fn wasm_pack_args(package: Package, split: bool) -> Vec<&'static str> {
    let mut args = vec![
        "build",
        "--target",
        package.target,
        "--out-dir",
        package.out_dir,
        "--profile",
        "wasm-release",
        "--no-opt",
    ];
    if split {
        args.extend([".", "--", "--features", "split"]);
    }
    args
}

/// Whether the package is built unsplit, as one wasm (`OPERATOR_CHAT_WASM_UNSPLIT` set: to
/// measure what the split saves).
fn unsplit_requested() -> bool {
    std::env::var_os("OPERATOR_CHAT_WASM_UNSPLIT").is_some()
}

/// wasm-pack with [`wasm_pack_args`] (its cargo linking with relocations and its wasm-bindgen
/// ours, which splits the wasm first: [`wasm_split`]), then wasm-opt with [`WASM_OPT_FLAGS`]
/// on each resulting `.wasm`, the main module and the chunks (run here, so the flags are ours
/// whatever wasm-pack's defaults are), then for `web` esbuild on the JS glue and the chunk
/// loader, then `node pkg-config/apply.mjs <out_dir> <target> <prerendered>` (and for `web`
/// [`bundle_element`] on the `element.js` it wrote), then the split files into package.json's
/// `files`.
fn build_package(ws: &Workspace, package: Package, prerendered: &std::path::Path) -> Result<()> {
    let Package {
        target, out_dir, ..
    } = package;
    let split = !unsplit_requested();
    let args = wasm_pack_args(package, split);
    let toolchain = Toolchain::detect();
    println!("widget: compiling {out_dir} with {}", toolchain.describe());
    let mut cmd = Command::new("wasm-pack");
    cmd.current_dir(&ws.root).args(&args);
    toolchain.apply(&mut cmd, args.contains(&"--"));
    wasm_split::remove_outputs(&ws.root.join(out_dir));
    if split {
        // Relocations only for the splitter: binaryen does not optimise a wasm that has them.
        cmd.env("RUSTFLAGS", wasm_split::rustflags_with_relocs(&cmd));
        wasm_split::wrapper_dir(&ws.target_dir(), &mut cmd)?;
    }
    proc::run(&mut cmd)?;
    let wasm = bg_wasm(&ws.root.join(out_dir))?;
    let chunks = wasm_split::chunks(&ws.root.join(out_dir));
    for module in std::iter::once(&wasm).chain(&chunks) {
        let before = size(module);
        let mut opt = Command::new("wasm-opt");
        opt.args(WASM_OPT_FLAGS).arg(module).arg("-o").arg(module);
        proc::run(&mut opt)?;
        println!(
            "{}: {} -> {} bytes after wasm-opt",
            module.display(),
            before,
            size(module)
        );
    }
    if target == "web" {
        minify_glue(&glue_js(&wasm))?;
        shorten_imports(&wasm)?;
        if !chunks.is_empty() {
            minify_glue(&ws.root.join(out_dir).join(wasm_split::LINK_JS))?;
        }
    }
    let apply = ws.root.join("pkg-config").join("apply.mjs");
    if apply.exists() {
        let mut node = Command::new("node");
        node.current_dir(&ws.root)
            .arg(&apply)
            .args([out_dir, target])
            .arg(prerendered);
        proc::run(&mut node)?;
        if target == "web" {
            bundle_element(&ws.root.join(out_dir))?;
        }
    }
    let shipped = wasm_split::add_to_package(&ws.root.join(out_dir))?;
    if !shipped.is_empty() {
        println!(
            "{out_dir}: split files in package.json: {}",
            shipped.join(", ")
        );
    }
    Ok(())
}

/// Minifies wasm-bindgen's JS glue (or the chunk loader) in place with esbuild (a build tool from
/// `xtask/node`): comments, whitespace and local names go, exports keep their names. The
/// `web` glue is what a page loads as is; bundler users minify with their own bundler.
fn minify_glue(js: &std::path::Path) -> Result<()> {
    let before = size(js);
    esbuild_in_place(js, &[])?;
    println!(
        "{}: {} -> {} bytes after esbuild --minify",
        js.display(),
        before,
        size(js)
    );
    Ok(())
}

/// `esbuild --minify --format=esm` on `js`, written back in place, with `extra` arguments.
fn esbuild_in_place(js: &std::path::Path, extra: &[&str]) -> Result<()> {
    let mut esbuild = Command::new("esbuild");
    esbuild
        .arg(js)
        .args(extra)
        .args([
            "--minify",
            "--format=esm",
            "--log-level=warning",
            "--allow-overwrite",
        ])
        .arg(format!("--outfile={}", js.display()));
    proc::run(&mut esbuild)
}

/// The `web` package's `element.js`, bundled with the element's snippet by esbuild (the glue
/// it imports on load stays a separate module): a page fetches one module, not two, before the
/// launcher shows. The snippet's own file, which the glue imports, becomes a re-export from
/// `element.js`, so there is one copy of the element and no second fetch.
fn bundle_element(out: &std::path::Path) -> Result<()> {
    let element = out.join("element.js");
    let snippets: Vec<PathBuf> = scripts_under(&out.join("snippets"))
        .into_iter()
        .filter(|p| p.ends_with("src/js_api/element.js"))
        .collect();
    let [snippet] = snippets.as_slice() else {
        return Err(Error::Other(format!(
            "{}: expected one snippets/*/src/js_api/element.js, found {}",
            out.display(),
            snippets.len()
        )));
    };
    let before = size(&element);
    esbuild_in_place(&element, &["--bundle", "--external:./operator_chat.js"])?;
    // snippets/<crate>/src/js_api/element.js -> ../../../../element.js
    let depth = snippet
        .strip_prefix(out)
        .map(|p| p.components().count() - 1)
        .unwrap_or_default();
    let up = "../".repeat(depth);
    std::fs::write(
        snippet,
        format!("export{{defineOperatorChat}}from\"{up}element.js\";\n"),
    )
    .map_err(|source| Error::File {
        path: snippet.clone(),
        source,
    })?;
    println!(
        "{}: {} -> {} bytes bundled with its snippet (now a re-export)",
        element.display(),
        before,
        size(&element)
    );
    Ok(())
}

/// Renames the glue's imports in `wasm` and its (minified) `web` glue ([`wasm_imports`]).
fn shorten_imports(wasm: &std::path::Path) -> Result<()> {
    let js_path = glue_js(wasm);
    let read = |path: &std::path::Path| {
        std::fs::read(path).map_err(|source| Error::File {
            path: path.to_path_buf(),
            source,
        })
    };
    let bytes = read(wasm)?;
    let js = String::from_utf8(read(&js_path)?)
        .map_err(|_| Error::Other(format!("{} is not UTF-8", js_path.display())))?;
    let module = format!(
        "./{}",
        wasm.file_name()
            .map(|n| n.to_string_lossy().replace(".wasm", ".js"))
            .unwrap_or_default()
    );
    let Some((new_wasm, new_js, renamed)) = wasm_imports::shorten(&bytes, &js, &module)? else {
        println!(
            "{}: import names kept (glue shape not recognised)",
            wasm.display()
        );
        return Ok(());
    };
    for (path, contents) in [
        (wasm, new_wasm.as_slice()),
        (js_path.as_path(), new_js.as_bytes()),
    ] {
        std::fs::write(path, contents).map_err(|source| Error::File {
            path: path.to_path_buf(),
            source,
        })?;
    }
    // The glue's type declarations name the exports too (`InitOutput`, `*_bg.wasm.d.ts`).
    let mut exports = wasm_imports::renamed_exports(&bytes, &new_wasm)?;
    // Longest first: one generated name can be the start of another.
    exports.sort_by_key(|(old, _)| std::cmp::Reverse(old.len()));
    for types in [
        js_path.with_extension("d.ts"),
        wasm.with_extension("wasm.d.ts"),
    ] {
        let Ok(text) = std::fs::read_to_string(&types) else {
            continue;
        };
        let renamed = exports
            .iter()
            .fold(text, |text, (old, new)| text.replace(old.as_str(), new));
        std::fs::write(&types, renamed).map_err(|source| Error::File {
            path: types.clone(),
            source,
        })?;
    }
    println!(
        "{}: {renamed} import and export names shortened: {} -> {} bytes, glue {} -> {} bytes",
        wasm.display(),
        bytes.len(),
        new_wasm.len(),
        js.len(),
        new_js.len()
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
    use super::{
        scripts_under, wasm_pack_args, Toolchain, NIGHTLY_RUSTFLAGS, NPM_PACKAGES, WASM_NIGHTLY,
        WASM_OPT_FLAGS,
    };
    use std::ffi::OsStr;
    use std::process::Command;

    #[test]
    fn functions_are_ordered_by_name_after_optimising_and_before_the_names_are_stripped() {
        let at = |flag: &str| WASM_OPT_FLAGS.iter().position(|f| *f == flag).unwrap();
        assert!(at("--converge") < at("--reorder-functions-by-name"));
        assert!(at("--reorder-functions-by-name") < at("--strip-debug"));
        assert!(at("--one-caller-inline-max-function-size=20") < at("-Oz"));
    }

    fn args_of(cmd: &Command) -> Vec<String> {
        cmd.get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn the_pinned_nightly_rebuilds_std_with_the_size_flags_after_the_cargo_separator() {
        for existing in [
            vec!["build"],
            vec!["build", ".", "--", "--no-default-features"],
        ] {
            let mut cmd = Command::new("wasm-pack");
            cmd.args(&existing);
            Toolchain::PinnedNightly.apply(&mut cmd, existing.contains(&"--"));
            let args = args_of(&cmd);
            assert_eq!(args.iter().filter(|a| *a == "--").count(), 1, "{args:?}");
            assert_eq!(args.iter().filter(|a| *a == ".").count(), 1, "{args:?}");
            let cargo = &args[args.iter().position(|a| a == "--").unwrap()..];
            assert!(
                cargo.contains(&"-Zbuild-std=std,panic_abort".to_string()),
                "{args:?}"
            );
            let envs: Vec<_> = cmd.get_envs().collect();
            assert!(envs.contains(&(
                OsStr::new("RUSTUP_TOOLCHAIN"),
                Some(OsStr::new(WASM_NIGHTLY))
            )));
            assert!(envs.contains(&(OsStr::new("RUSTFLAGS"), Some(OsStr::new(NIGHTLY_RUSTFLAGS)))));
        }
        assert!(WASM_NIGHTLY.starts_with("nightly-20"), "pinned to a date");
    }

    #[test]
    fn the_stable_fallback_adds_no_flags() {
        let mut cmd = Command::new("wasm-pack");
        cmd.arg("build");
        Toolchain::Default.apply(&mut cmd, false);
        assert_eq!(args_of(&cmd), ["build"]);
        assert_eq!(cmd.get_envs().count(), 0);
    }

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
    fn both_npm_packages_are_the_one_build_with_default_features_and_split() {
        let dirs: Vec<_> = NPM_PACKAGES.iter().map(|p| (p.target, p.out_dir)).collect();
        assert_eq!(dirs, [("web", "pkg"), ("bundler", "pkg-bundler")]);
        for package in NPM_PACKAGES {
            let unsplit = wasm_pack_args(package, false);
            assert!(
                !unsplit.iter().any(|a| a.contains("features")),
                "{unsplit:?}"
            );
            let args = wasm_pack_args(package, true);
            assert_eq!(args[..unsplit.len()], unsplit[..]);
            assert_eq!(args[unsplit.len()..], [".", "--", "--features", "split"]);
            assert!(args.windows(2).any(|w| w == ["--out-dir", package.out_dir]));
            assert!(args.windows(2).any(|w| w == ["--profile", "wasm-release"]));
        }
    }
}
