//! A private copy of the built package: other work on this machine may rebuild `pkg/` while
//! the benchmark runs, so it measures and serves a copy taken right after its own build.

use std::path::Path;

use crate::error::{Error, Result};

/// Copies the directory tree `from` to `to` (replacing `to`), files and subdirectories only.
pub fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    let fail = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::File { path, source }
    };
    if to.exists() {
        std::fs::remove_dir_all(to).map_err(fail(to))?;
    }
    std::fs::create_dir_all(to).map_err(fail(to))?;
    for entry in std::fs::read_dir(from).map_err(fail(from))? {
        let entry = entry.map_err(fail(from))?;
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        let kind = entry.file_type().map_err(fail(&src))?;
        if kind.is_dir() {
            copy_tree(&src, &dst)?;
        } else if kind.is_file() {
            std::fs::copy(&src, &dst).map_err(fail(&src))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::copy_tree;
    use std::fs;

    #[test]
    fn copy_replaces_the_target_with_the_whole_tree() {
        let base = std::env::temp_dir().join(format!("xtask-snapshot-{}", std::process::id()));
        let (from, to) = (base.join("pkg"), base.join("copy"));
        let _ = fs::remove_dir_all(&base);
        fs::create_dir_all(from.join("snippets/x")).expect("mkdir");
        fs::write(from.join("a_bg.wasm"), b"wasm").expect("write");
        fs::write(from.join("snippets/x/e.js"), b"js").expect("write");
        fs::create_dir_all(&to).expect("mkdir");
        fs::write(to.join("stale.js"), b"old").expect("write");
        copy_tree(&from, &to).expect("copies");
        assert_eq!(fs::read(to.join("a_bg.wasm")).expect("read"), b"wasm");
        assert_eq!(fs::read(to.join("snippets/x/e.js")).expect("read"), b"js");
        assert!(!to.join("stale.js").exists(), "the old copy is replaced");
        let _ = fs::remove_dir_all(base);
    }
}
