//! Absolute URLs in create responses (`events_url`, extension `session_url`; never with a token).

use axum::http::header::HOST;
use axum::http::HeaderMap;

use crate::state::AppState;

/// `http://host:port` from the config, else from the `Host` header.
pub fn base_url(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(base) = &state.config.public_base_url {
        return base.trim_end_matches('/').to_string();
    }
    let host = headers
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    format!("http://{host}")
}

/// Base of the extension `session_url` of a `chat_realtime` conversation: the configured session
/// host, else the WebSocket form of the REST base `rest_base`.
pub fn session_base_url(state: &AppState, rest_base: &str) -> String {
    match &state.config.session_base_url {
        Some(base) => base.trim_end_matches('/').to_string(),
        None => ws_base(rest_base),
    }
}

/// The WebSocket form of an http(s) base URL.
pub fn ws_base(base: &str) -> String {
    if let Some(rest) = base.strip_prefix("https://") {
        format!("wss://{rest}")
    } else if let Some(rest) = base.strip_prefix("http://") {
        format!("ws://{rest}")
    } else {
        base.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::ws_base;

    #[test]
    fn ws_base_swaps_the_scheme() {
        assert_eq!(ws_base("http://127.0.0.1:4010"), "ws://127.0.0.1:4010");
        assert_eq!(ws_base("https://api.example"), "wss://api.example");
    }
}
