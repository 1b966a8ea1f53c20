//! The error type of the transports.

use wasm_bindgen::JsValue;

/// A browser API refused an operation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    /// `new EventSource(url)` or `new WebSocket(url)` threw (e.g. a malformed URL).
    #[error("could not open {what}: {detail}")]
    Open {
        /// `"the events stream"` or `"the session socket"`.
        what: &'static str,
        /// The browser's explanation.
        detail: String,
    },
    /// `WebSocket.send` threw, or the socket is not open.
    #[error("could not send on the session socket: {0}")]
    Send(String),
    /// There is no `window` (not running in a browser page).
    #[error("no browser window")]
    NoWindow,
}

/// The message of a thrown JS value (`Error.message`, a string, or its JSON form).
pub(crate) fn js_detail(value: &JsValue) -> String {
    if let Some(text) = value.as_string() {
        return text;
    }
    js_sys::Reflect::get(value, &JsValue::from_str("message"))
        .ok()
        .and_then(|m| m.as_string())
        .or_else(|| js_sys::JSON::stringify(value).ok()?.as_string())
        .unwrap_or_else(|| "an unknown error".to_owned())
}
