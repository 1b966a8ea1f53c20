//! `npm ci` for a project-local package dir, only when its lockfile changed.

use std::path::Path;
use std::process::Command;

use crate::error::{Error, Result};
use crate::proc;

/// File in `node_modules/` recording which package.json + lockfile were installed.
const STAMP: &str = ".xtask-installed";

/// What `ensure` did.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Present,
    Installed,
}

/// Runs `npm ci` in `dir` unless `node_modules` already matches its package.json and lockfile.
pub fn ensure(dir: &Path) -> Result<Outcome> {
    let wanted = manifest_stamp(dir)?;
    let stamp_path = dir.join("node_modules").join(STAMP);
    if std::fs::read_to_string(&stamp_path).ok().as_deref() == Some(wanted.as_str()) {
        return Ok(Outcome::Present);
    }
    let mut cmd = Command::new("npm");
    cmd.current_dir(dir)
        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"]);
    proc::run(&mut cmd)?;
    std::fs::write(&stamp_path, wanted).map_err(|source| Error::File {
        path: stamp_path,
        source,
    })?;
    Ok(Outcome::Installed)
}

fn manifest_stamp(dir: &Path) -> Result<String> {
    let read = |name: &str| {
        let path = dir.join(name);
        std::fs::read_to_string(&path).map_err(|source| Error::File { path, source })
    };
    Ok(format!(
        "{}\n--\n{}",
        read("package.json")?,
        read("package-lock.json")?
    ))
}

/// `name version` of each direct dependency of the package in `dir`, from its lockfile.
pub fn direct_versions(dir: &Path) -> Vec<String> {
    let Ok(text) = std::fs::read_to_string(dir.join("package-lock.json")) else {
        return Vec::new();
    };
    let Ok(lock) = serde_json::from_str::<serde_json::Value>(&text) else {
        return Vec::new();
    };
    locked_direct_versions(&lock)
}

fn locked_direct_versions(lock: &serde_json::Value) -> Vec<String> {
    let packages = &lock["packages"];
    let root = &packages[""];
    let mut names: Vec<&str> = ["dependencies", "devDependencies"]
        .iter()
        .filter_map(|key| root[*key].as_object())
        .flat_map(|deps| deps.keys().map(String::as_str))
        .collect();
    names.sort_unstable();
    names
        .into_iter()
        .map(|name| {
            let version = packages[format!("node_modules/{name}")]["version"]
                .as_str()
                .unwrap_or("?");
            format!("{name} {version}")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::locked_direct_versions;

    #[test]
    fn direct_dependencies_are_listed_with_locked_versions() {
        let lock = serde_json::json!({"packages": {
            "": {"devDependencies": {"playwright-core": "1.65.1", "axe-core": "^4"}},
            "node_modules/axe-core": {"version": "4.14.1"},
            "node_modules/playwright-core": {"version": "1.65.1"},
            "node_modules/transitive": {"version": "9.9.9"}
        }});
        assert_eq!(
            locked_direct_versions(&lock),
            vec!["axe-core 4.14.1", "playwright-core 1.65.1"]
        );
    }
}
