//! Small DOM helpers and layout rules shared by both renderers.

use web_sys::{Document, Element, KeyboardEvent};

/// Rows per chunk. The transcript is rendered as chunks of rows, so appending a row touches one
/// chunk, and the browser checks and lays out a few chunks, not every row, per frame (full
/// chunks are `content-visibility: auto`).
pub(crate) const CHUNK_ROWS: usize = 32;

/// How close to the bottom (px) the transcript counts as "following" new messages.
const PINNED_SLACK_PX: i32 = 48;

/// Whether the reader has the transcript `log` scrolled to (near) the bottom.
pub(crate) fn at_bottom(log: &Element) -> bool {
    log.scroll_top() + log.client_height() >= log.scroll_height() - PINNED_SLACK_PX
}

/// Whether this keydown should send the message (Enter without Shift, not while an input method
/// is composing).
pub(crate) fn is_send_key(event: &KeyboardEvent) -> bool {
    event.key() == "Enter" && !event.shift_key() && !event.is_composing()
}

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
