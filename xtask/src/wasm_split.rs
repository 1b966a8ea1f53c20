//! Leptos code splitting inside wasm-pack: the widget's `wasm_split` point (the markdown
//! renderer, `src/ui/markdown_load.rs`) becomes a chunk of its own, fetched once the panel opens.
//!
//! Splitting has to happen between cargo and wasm-bindgen (it reads the linker's relocations,
//! which wasm-bindgen drops), and wasm-pack runs both in one step with no hook in between. So
//! wasm-pack is given a `wasm-bindgen` of ours: a directory first on its `PATH` holding a link
//! named `wasm-bindgen` to this xtask binary ([`wrapper_dir`]). wasm-pack finds it, asks its
//! version (answered by the real one) and runs it; invoked by that name, xtask ([`bindgen_main`])
//! splits the input wasm with `wasm_split_cli_support` (as cargo-leptos does), then runs the real
//! wasm-bindgen on the main module with `--keep-lld-exports` (the chunk loader reads the
//! indirect function table from the main module's exports). A wasm without a split point is
//! passed through untouched.
//!
//! What lands in the package beside wasm-bindgen's files: the chunk (`split_markdown.wasm`) and
//! the loader the main module imports ([`LINK_JS`]), which fetches the chunk from its own
//! directory (`new URL(…, import.meta.url)`) and instantiates it with the main module's memory
//! and table.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use crate::error::{Error, Result};

/// The loader module the main wasm imports, beside the glue (relative to it).
pub const LINK_JS: &str = "operator_chat_split.js";

/// The rustc flag the split needs: keep the relocations in the linked wasm.
pub const EMIT_RELOCS: &str = "-Clink-args=--emit-relocs";

/// Where the wrapper finds the real wasm-bindgen.
const REAL_BINDGEN: &str = "OPERATOR_CHAT_REAL_WASM_BINDGEN";

/// The import module of an unsplit split point (`wasm_split_macros`' placeholder).
const PLACEHOLDER_MODULE: &str = "__wasm_split_placeholder__";

/// Whether this process was started as `wasm-bindgen` (by wasm-pack, through [`wrapper_dir`]).
pub fn invoked_as_wasm_bindgen() -> bool {
    std::env::args_os()
        .next()
        .map(PathBuf::from)
        .and_then(|p| p.file_stem().map(|s| s == "wasm-bindgen"))
        .unwrap_or(false)
}

/// A directory holding `wasm-bindgen`, a link to this binary, for the front of wasm-pack's
/// `PATH`; sets the variable that tells the wrapper where the real one is.
pub fn wrapper_dir(target_dir: &Path, cmd: &mut Command) -> Result<PathBuf> {
    let real = crate::workspace::which("wasm-bindgen")
        .ok_or_else(|| Error::Missing("wasm-bindgen not found: run `cargo xtask setup`".into()))?;
    let dir = target_dir.join("xtask").join("wasm-split-bin");
    std::fs::create_dir_all(&dir).map_err(|source| Error::File {
        path: dir.clone(),
        source,
    })?;
    let link = dir.join("wasm-bindgen");
    let exe = std::env::current_exe().map_err(|source| Error::File {
        path: link.clone(),
        source,
    })?;
    let _ = std::fs::remove_file(&link);
    std::os::unix::fs::symlink(&exe, &link).map_err(|source| Error::File {
        path: link.clone(),
        source,
    })?;
    let path = std::env::var_os("PATH").unwrap_or_default();
    let dirs = std::iter::once(dir.clone()).chain(std::env::split_paths(&path));
    let path = std::env::join_paths(dirs).map_err(|e| Error::Other(e.to_string()))?;
    cmd.env("PATH", path).env(REAL_BINDGEN, real);
    Ok(dir)
}

/// `RUSTFLAGS` for `cmd` with [`EMIT_RELOCS`] added to what it has (or the environment's).
pub fn rustflags_with_relocs(cmd: &Command) -> OsString {
    let set = cmd
        .get_envs()
        .find(|(k, _)| *k == "RUSTFLAGS")
        .and_then(|(_, v)| v.map(OsStr::to_os_string))
        .or_else(|| std::env::var_os("RUSTFLAGS"))
        .unwrap_or_default();
    let mut flags = set;
    if !flags.is_empty() {
        flags.push(" ");
    }
    flags.push(EMIT_RELOCS);
    flags
}

/// The `wasm-bindgen` wrapper: splits, then runs the real one (see the module docs).
pub fn bindgen_main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    match run_bindgen(&args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("wasm-bindgen (xtask wasm-split): {e}");
            ExitCode::FAILURE
        }
    }
}

fn run_bindgen(args: &[OsString]) -> Result<ExitCode> {
    let real = std::env::var_os(REAL_BINDGEN)
        .ok_or_else(|| Error::Other(format!("{REAL_BINDGEN} is not set")))?;
    let mut real = Command::new(real);
    let Some(call) = BindgenCall::parse(args) else {
        return status(real.args(args));
    };
    let read = |path: &Path| {
        std::fs::read(path).map_err(|source| Error::File {
            path: path.to_path_buf(),
            source,
        })
    };
    let input = read(&call.input)?;
    let has_split_points = crate::wasm_imports::import_modules(&input)?
        .iter()
        .any(|m| m == PLACEHOLDER_MODULE);
    if !has_split_points {
        return status(real.args(args));
    }
    let main = split(&call, &input)?;
    let mut args = args.to_vec();
    args[call.input_at] = main.into_os_string();
    args.push("--keep-lld-exports".into());
    let code = status(real.args(&args))?;
    if call.target == "bundler" {
        hand_main_exports_to_loader(&call.out_dir, &call.stem)?;
    }
    Ok(code)
}

fn status(cmd: &mut Command) -> Result<ExitCode> {
    let status = crate::proc::spawn(cmd)?
        .wait()
        .map_err(|source| Error::Spawn {
            program: crate::proc::describe(cmd),
            source,
        })?;
    Ok(match status.code() {
        Some(0) => ExitCode::SUCCESS,
        Some(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
        None => ExitCode::FAILURE,
    })
}

/// What wasm-pack asked wasm-bindgen to do: `<input.wasm> --out-dir <dir> --target <t> …`.
#[derive(Debug, PartialEq, Eq)]
struct BindgenCall {
    input: PathBuf,
    input_at: usize,
    out_dir: PathBuf,
    target: String,
    /// The name of the glue files: `--out-name`, else the input's file stem.
    stem: String,
}

impl BindgenCall {
    fn parse(args: &[OsString]) -> Option<Self> {
        let value = |flag: &str| {
            args.iter()
                .position(|a| a == flag)
                .and_then(|i| args.get(i + 1))
                .map(|v| v.to_string_lossy().into_owned())
        };
        let input_at = args
            .iter()
            .position(|a| Path::new(a).extension().is_some_and(|e| e == "wasm"))?;
        let input = PathBuf::from(&args[input_at]);
        let stem = value("--out-name")
            .or_else(|| Some(input.file_stem()?.to_string_lossy().into_owned()))?;
        Some(Self {
            out_dir: PathBuf::from(value("--out-dir")?),
            target: value("--target").unwrap_or_else(|| "bundler".into()),
            input,
            input_at,
            stem,
        })
    }
}

/// Splits `input` with `wasm_split_cli_support`: the chunks and [`LINK_JS`] go into the
/// package dir, the main module (same file name, for wasm-bindgen's output names) into a dir
/// beside the input. Returns the main module's path.
fn split(call: &BindgenCall, input: &[u8]) -> Result<PathBuf> {
    let main_dir = call
        .input
        .with_file_name(format!("wasm-split-{}", call.target));
    std::fs::create_dir_all(&main_dir).map_err(|source| Error::File {
        path: main_dir.clone(),
        source,
    })?;
    let main = main_dir.join(format!("{}.wasm", call.stem));
    std::fs::create_dir_all(&call.out_dir).map_err(|source| Error::File {
        path: call.out_dir.clone(),
        source,
    })?;
    remove_outputs(&call.out_dir);
    let main_module = format!("./{}.js", call.stem);
    let link_name = format!("./{LINK_JS}");
    let split = wasm_split_cli_support::transform({
        let mut opts = wasm_split_cli_support::Options::new(input);
        opts.output_dir = &call.out_dir;
        opts.main_out_path = &main;
        opts.main_module = &main_module;
        opts.link_name = &link_name;
        opts
    })
    .map_err(|e| Error::Other(format!("wasm-split: {e:#}")))?;
    let names: Vec<_> = split
        .split_modules
        .iter()
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    println!(
        "wasm-split: {} -> main module + {} + {LINK_JS}",
        call.input.display(),
        names.join(", ")
    );
    Ok(main)
}

/// Removes the split files of an earlier build from a package dir.
pub fn remove_outputs(dir: &Path) {
    for stale in chunks(dir) {
        let _ = std::fs::remove_file(stale);
    }
    let _ = std::fs::remove_file(dir.join(LINK_JS));
}

/// The split modules in a package dir: every `.wasm` but wasm-bindgen's `*_bg.wasm`.
pub fn chunks(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.file_name().unwrap_or_default().to_string_lossy();
            name.ends_with(".wasm") && !name.ends_with("_bg.wasm")
        })
        .collect();
    found.sort();
    found
}

/// The bundler glue has no `initSync` for the loader to get the main module's exports from
/// (the wasm is an ES module import there), so its `*_bg.js`, which the glue hands the exports,
/// passes them on: the loader imports them from there instead.
fn hand_main_exports_to_loader(out_dir: &Path, stem: &str) -> Result<()> {
    let bg_js = out_dir.join(format!("{stem}_bg.js"));
    let link = out_dir.join(LINK_JS);
    let read = |path: &Path| {
        std::fs::read_to_string(path).map_err(|source| Error::File {
            path: path.to_path_buf(),
            source,
        })
    };
    let write = |path: &Path, text: String| {
        std::fs::write(path, text).map_err(|source| Error::File {
            path: path.to_path_buf(),
            source,
        })
    };
    let bg = read(&bg_js)?;
    let setter = "export function __wbg_set_wasm(val) {";
    if !bg.contains(setter) {
        return Err(Error::Other(format!(
            "{}: no `__wbg_set_wasm`: glue shape not recognised",
            bg_js.display()
        )));
    }
    write(
        &bg_js,
        format!("{bg}\n/** The main module's exports, for {LINK_JS}. */\nexport function __wasm_split_main() {{ return wasm; }}\n"),
    )?;
    let import = format!("import {{ initSync }} from \"./{stem}.js\";");
    let text = read(&link)?;
    if !text.contains(&import) {
        return Err(Error::Other(format!(
            "{}: no `{import}`: loader shape not recognised",
            link.display()
        )));
    }
    write(
        &link,
        text.replace(
            &import,
            &format!("import {{ __wasm_split_main as initSync }} from \"./{stem}_bg.js\";"),
        ),
    )
}

/// Adds the split files of `out_dir` to its package.json `files` (after `pkg-config/apply.mjs`
/// wrote it): their names come from the build, not from the overlay. Returns their names.
pub fn add_to_package(out_dir: &Path) -> Result<Vec<String>> {
    let mut names: Vec<String> = chunks(out_dir)
        .iter()
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    if names.is_empty() {
        return Ok(names);
    }
    names.push(LINK_JS.to_owned());
    let path = out_dir.join("package.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(names);
    };
    let text = with_files(&text, &names)
        .ok_or_else(|| Error::Other(format!("{}: no \"files\" list", path.display())))?;
    std::fs::write(&path, text).map_err(|source| Error::File { path, source })?;
    Ok(names)
}

/// `package_json` with `names` appended to its `"files"` list (those not in it yet), written
/// into the text as it stands, so the overlay's key order and layout stay as they are.
fn with_files(package_json: &str, names: &[String]) -> Option<String> {
    let pkg: serde_json::Value = serde_json::from_str(package_json).ok()?;
    let listed = pkg["files"].as_array()?;
    let start = package_json.find("\"files\": [")?;
    let end = start + package_json[start..].find(']')?;
    let last = package_json[..end].trim_end().len();
    let mut out = package_json[..last].to_owned();
    for name in names {
        if !listed.iter().any(|f| f == name.as_str()) {
            out.push_str(&format!(
                ",\n    {}",
                serde_json::Value::from(name.as_str())
            ));
        }
    }
    out.push_str(&package_json[last..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::{rustflags_with_relocs, with_files, BindgenCall, EMIT_RELOCS};
    use std::ffi::OsString;
    use std::path::PathBuf;
    use std::process::Command;

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    #[test]
    fn wasm_packs_call_is_read_for_its_input_out_dir_target_and_name() {
        let call = BindgenCall::parse(&args(&[
            "/t/wasm32-unknown-unknown/wasm-release/operator_chat.wasm",
            "--out-dir",
            "/repo/pkg",
            "--typescript",
            "--target",
            "web",
        ]))
        .unwrap();
        assert_eq!(
            call,
            BindgenCall {
                input: PathBuf::from("/t/wasm32-unknown-unknown/wasm-release/operator_chat.wasm"),
                input_at: 0,
                out_dir: PathBuf::from("/repo/pkg"),
                target: "web".into(),
                stem: "operator_chat".into(),
            }
        );
        let named = BindgenCall::parse(&args(&["--out-name", "x", "a.wasm", "--out-dir", "o"]));
        assert_eq!(named.map(|c| (c.stem, c.input_at)), Some(("x".into(), 2)));
    }

    #[test]
    fn a_call_without_an_input_wasm_is_passed_through() {
        assert_eq!(BindgenCall::parse(&args(&["--version"])), None);
    }

    #[test]
    fn relocations_are_added_to_the_flags_already_set() {
        let mut cmd = Command::new("wasm-pack");
        cmd.env("RUSTFLAGS", "-Zfmt-debug=none");
        assert_eq!(
            rustflags_with_relocs(&cmd),
            OsString::from(format!("-Zfmt-debug=none {EMIT_RELOCS}"))
        );
    }

    #[test]
    fn split_files_are_appended_to_the_files_list_in_place() {
        let pkg = "{\n  \"name\": \"x\",\n  \"files\": [\n    \"a.js\",\n    \"b.wasm\"\n  ],\n  \"z\": 1\n}\n";
        let names = ["c.wasm".to_owned(), "a.js".to_owned()];
        assert_eq!(
            with_files(pkg, &names).unwrap(),
            "{\n  \"name\": \"x\",\n  \"files\": [\n    \"a.js\",\n    \"b.wasm\",\n    \"c.wasm\"\n  ],\n  \"z\": 1\n}\n"
        );
        assert_eq!(with_files("{}", &names), None, "no files list");
    }
}
