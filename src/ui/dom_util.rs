//! Small DOM helpers shared by both renderers.

use web_sys::Document;

/// The page's document. The widget only runs in a browser window.
pub(crate) fn document() -> Document {
    web_sys::window()
        .and_then(|w| w.document())
        .unwrap_or_else(unreachable_document)
}

#[cold]
fn unreachable_document() -> Document {
    // No window (a worker): nothing can be rendered; fail loudly rather than misbehave.
    wasm_bindgen::throw_str("operator-chat needs a browser window with a document")
}
