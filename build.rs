//! Minifies the stylesheets the widget compiles in (`src/style.css`, `src/js_api/host.css`)
//! into `OUT_DIR`, so their comments and indentation are not shipped in the wasm, and sets the
//! crate's two cfgs from its features and target:
//!
//! - `oc_ui`: the Leptos component is compiled: a wasm32 build with `csr` or `hydrate`, or any
//!   build with `ssr` (server rendering).
//! - `oc_browser`: it runs in a browser (wasm32 with `csr` or `hydrate`). Browser APIs (timers,
//!   storage, `EventSource`/`WebSocket`, the session endpoint) are only called under it; a
//!   server build renders the markup and never touches them.

#[path = "src/minify_css.rs"]
mod minify_css;

use std::path::Path;

const STYLESHEETS: [(&str, &str); 2] = [
    ("src/style.css", "style.min.css"),
    ("src/js_api/host.css", "host.min.css"),
];

fn main() {
    println!("cargo::rustc-check-cfg=cfg(oc_ui, oc_browser)");
    let feature = |name: &str| std::env::var_os(format!("CARGO_FEATURE_{name}")).is_some();
    let wasm = std::env::var("CARGO_CFG_TARGET_ARCH").is_ok_and(|arch| arch == "wasm32");
    let browser = wasm && (feature("CSR") || feature("HYDRATE"));
    if browser || feature("SSR") {
        println!("cargo::rustc-cfg=oc_ui");
    }
    if browser {
        println!("cargo::rustc-cfg=oc_browser");
    }
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
