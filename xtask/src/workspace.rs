//! Where things are: the repository root, the target dir, the tool dirs, the binaries.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::{Error, Result};

/// The checkout xtask was built from.
#[derive(Debug, Clone)]
pub struct Workspace {
    /// Repository root (holds the workspace `Cargo.toml`).
    pub root: PathBuf,
}

impl Workspace {
    /// The workspace containing this xtask crate.
    pub fn locate() -> Result<Self> {
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
        let root = manifest
            .parent()
            .filter(|root| root.join("Cargo.toml").is_file())
            .ok_or_else(|| Error::Other(format!("no workspace above {}", manifest.display())))?;
        Ok(Self {
            root: root.to_path_buf(),
        })
    }

    /// `cargo`, as the one that started us (`$CARGO`) if known.
    pub fn cargo(&self) -> Command {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut cmd = Command::new(cargo);
        cmd.current_dir(&self.root);
        cmd
    }

    /// Project-local npm tools (`wasm-opt` from binaryen).
    pub fn tools_dir(&self) -> PathBuf {
        self.root.join("xtask/node")
    }

    /// Browser test suites and their npm packages.
    pub fn e2e_dir(&self) -> PathBuf {
        self.root.join("tests").join("e2e")
    }

    /// Where the widget package is built (`wasm-pack --out-dir pkg`).
    pub fn pkg_dir(&self) -> PathBuf {
        self.root.join("pkg")
    }

    /// The demo pages (`www/`), served at `/`.
    pub fn www_dir(&self) -> PathBuf {
        self.root.join("www")
    }

    /// Cargo's target dir (honours `CARGO_TARGET_DIR`).
    pub fn target_dir(&self) -> PathBuf {
        match std::env::var_os("CARGO_TARGET_DIR") {
            Some(dir) => self.root.join(dir),
            None => self.root.join("target"),
        }
    }

    /// Logs of servers xtask starts.
    pub fn log_dir(&self) -> PathBuf {
        self.target_dir().join("xtask")
    }

    /// Prepends the project's npm tool bin dir and cargo's bin dir to `PATH`, so every child
    /// (wasm-pack above all) finds `wasm-opt`, `wasm-bindgen` and `wasm-pack`.
    pub fn export_tool_path(&self) {
        let mut dirs = vec![self.tools_dir().join("node_modules/.bin")];
        if let Some(cargo_home) = cargo_home() {
            dirs.push(cargo_home.join("bin"));
        }
        let current = std::env::var_os("PATH").unwrap_or_default();
        dirs.extend(std::env::split_paths(&current));
        let mut seen = Vec::new();
        dirs.retain(|d| {
            let fresh = !seen.contains(d);
            seen.push(d.clone());
            fresh
        });
        if let Ok(path) = std::env::join_paths(dirs) {
            // Single-threaded at this point: nothing else reads the environment concurrently.
            std::env::set_var("PATH", path);
        }
    }

    /// The binary targets in the workspace, from `cargo metadata`.
    pub fn binaries(&self) -> Result<Vec<Bin>> {
        let output = self
            .cargo()
            .args(["metadata", "--no-deps", "--format-version", "1"])
            .output()
            .map_err(|source| Error::Spawn {
                program: "cargo metadata".into(),
                source,
            })?;
        if !output.status.success() {
            return Err(Error::Failed {
                command: "cargo metadata".into(),
                status: output.status.to_string(),
            });
        }
        let meta: serde_json::Value = serde_json::from_slice(&output.stdout)
            .map_err(|e| Error::Other(format!("cargo metadata printed invalid JSON: {e}")))?;
        Ok(binaries_in(&meta))
    }
}

/// A binary target and the package that builds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bin {
    pub package: String,
    pub name: String,
}

/// Binary targets in a `cargo metadata` document.
fn binaries_in(meta: &serde_json::Value) -> Vec<Bin> {
    let packages = meta["packages"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    let mut bins = Vec::new();
    for package in packages {
        let Some(package_name) = package["name"].as_str() else {
            continue;
        };
        let targets = package["targets"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        for target in targets {
            let is_bin = target["kind"]
                .as_array()
                .is_some_and(|kinds| kinds.iter().any(|k| k == "bin"));
            if let (true, Some(name)) = (is_bin, target["name"].as_str()) {
                bins.push(Bin {
                    package: package_name.to_string(),
                    name: name.to_string(),
                });
            }
        }
    }
    bins
}

fn cargo_home() -> Option<PathBuf> {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
}

/// `PATH` lookup of a program, like `which`.
pub fn which(program: &str) -> Option<PathBuf> {
    let path: OsString = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
}

#[cfg(test)]
mod tests {
    use super::{binaries_in, Bin};

    #[test]
    fn binary_names_lists_only_bin_targets() {
        let meta = serde_json::json!({"packages": [
            {"name": "api-emulator", "targets": [
                {"name": "api_emulator", "kind": ["lib"]},
                {"name": "operator-emulator", "kind": ["bin"]}]},
            {"name": "xtask", "targets": [{"name": "xtask", "kind": ["bin"]}]},
            {"name": "token-server", "targets": [{"name": "token_server", "kind": ["lib"]}]}
        ]});
        let bin = |package: &str, name: &str| Bin {
            package: package.into(),
            name: name.into(),
        };
        assert_eq!(
            binaries_in(&meta),
            vec![
                bin("api-emulator", "operator-emulator"),
                bin("xtask", "xtask")
            ]
        );
    }

    #[test]
    fn malformed_metadata_yields_no_binaries() {
        assert!(binaries_in(&serde_json::json!({"packages": 3})).is_empty());
    }
}
