//! The error type of the transports.

use wasm_bindgen::JsValue;

/// A browser API refused an operation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    /// The events request or `new WebSocket(url)` could not be made (e.g. a malformed URL).
    #[error("could not open {what}: {detail}")]
    Open {
        /// `"the events stream"`, `"the session socket"` or `"the session request"`.
        what: &'static str,
        /// The kind of error the browser threw (its `name`, e.g. `SyntaxError`). Never its
        /// message: browsers quote the URL there, and the URL carries the token.
        detail: String,
    },
    /// `WebSocket.send` threw, or the socket is not open.
    #[error("could not send on the session socket: {0}")]
    Send(String),
    /// There is no `window` (not running in a browser page).
    #[error("no browser window")]
    NoWindow,
}

/// The message of a thrown JS value (`Error.message`, a string, or its JSON form), with any
/// `token=` value redacted (a browser may quote a token-bearing URL).
pub(crate) fn js_detail(value: &JsValue) -> String {
    let text = value.as_string().or_else(|| {
        js_sys::Reflect::get(value, &JsValue::from_str("message"))
            .ok()
            .and_then(|m| m.as_string())
            .or_else(|| js_sys::JSON::stringify(value).ok()?.as_string())
    });
    match text {
        Some(text) => crate::protocol::redact_tokens(&text),
        None => "an unknown error".to_owned(),
    }
}

/// The `name` of a thrown JS error (`SyntaxError`, `SecurityError`, ...), without its message:
/// for errors of calls whose argument is a token-bearing URL.
pub(crate) fn js_error_name(value: &JsValue) -> String {
    js_sys::Reflect::get(value, &JsValue::from_str("name"))
        .ok()
        .and_then(|n| n.as_string())
        .filter(|n| !n.is_empty() && n.len() <= 40 && n.bytes().all(|b| b.is_ascii_alphanumeric()))
        .unwrap_or_else(|| "the browser refused the URL".to_owned())
}
