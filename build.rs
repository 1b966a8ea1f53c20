//! Minifies the stylesheets the widget compiles in (`src/style.css`, `src/js_api/host.css`)
//! into `OUT_DIR`, so their comments and indentation are not shipped in the wasm.

#[path = "src/minify_css.rs"]
mod minify_css;

use std::path::Path;

const STYLESHEETS: [(&str, &str); 2] = [
    ("src/style.css", "style.min.css"),
    ("src/js_api/host.css", "host.min.css"),
];

fn main() {
    let out_dir = std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR for build scripts");
    for (source, target) in STYLESHEETS {
        println!("cargo::rerun-if-changed={source}");
        let css = std::fs::read_to_string(source)
            .unwrap_or_else(|e| panic!("build.rs: cannot read {source}: {e}"));
        let path = Path::new(&out_dir).join(target);
        std::fs::write(&path, minify_css::minify_css(&css))
            .unwrap_or_else(|e| panic!("build.rs: cannot write {}: {e}", path.display()));
    }
    println!("cargo::rerun-if-changed=src/minify_css.rs");
}
