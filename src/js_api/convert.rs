//! Between Rust and JS values: the host's callbacks get plain JS objects, and an async
//! `getToken()` becomes the widget's token source.

use js_sys::{Function, Object, Promise, Reflect};
use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::connection::{ConnectionError, ConnectionState};
use crate::protocol::{ChatChannel, SessionResponse};
use crate::token::{Credentials, TokenError, TokenFuture};
use crate::ui::{ChatError, ChatMessage, MessageRole, TokenSourceFn};

/// `value` as a plain JS object (`None` serialised as `null`).
fn to_js(value: &impl Serialize) -> JsValue {
    let serializer = serde_wasm_bindgen::Serializer::new().serialize_missing_as_null(true);
    // Strings, booleans and small numbers only: serialising cannot fail.
    value.serialize(&serializer).unwrap_or(JsValue::UNDEFINED)
}

/// `ChatMessage` of `api.d.ts`.
#[derive(Serialize)]
struct MessagePayload<'a> {
    role: &'static str,
    text: &'a str,
    /// Unix milliseconds (a JS number).
    at: f64,
}

/// The fields `ChatError` of `api.d.ts` adds to an `Error`.
#[derive(Serialize)]
struct ErrorFields {
    code: Option<String>,
    transient: bool,
}

/// `ChatState` of `api.d.ts`: the optional fields are left out when they do not apply.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct StatePayload {
    state: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    channel: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    attempt: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    delay_ms: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// `{role: "user" | "agent", text, at}` (`at` in Unix milliseconds).
pub fn message_to_js(message: &ChatMessage) -> JsValue {
    to_js(&MessagePayload {
        role: match message.role {
            MessageRole::User => "user",
            MessageRole::Agent => "agent",
        },
        text: &message.text,
        at: message.at_ms as f64,
    })
}

/// A JS `Error` with the human-readable message, plus `code` and `transient`.
pub fn error_to_js(error: &ChatError) -> JsValue {
    let js = js_sys::Error::new(&error.to_string());
    let (code, transient): (Option<String>, bool) = match error {
        ChatError::Connection(ConnectionError::TokenSource(t)) => {
            (Some(t.code.clone()), t.transient)
        }
        ChatError::Connection(ConnectionError::Unauthorized { code }) => {
            (Some(code.clone()), false)
        }
        ChatError::Connection(ConnectionError::Forbidden) => (Some("forbidden".into()), false),
        ChatError::Connection(ConnectionError::Rejected { code, .. }) => (code.clone(), false),
        ChatError::Server { code, .. } => (code.clone(), false),
        ChatError::Transport(_) => (Some("transport".into()), true),
    };
    let fields = to_js(&ErrorFields { code, transient });
    if let Some(fields) = fields.dyn_ref::<Object>() {
        Object::assign(js.unchecked_ref(), fields);
    }
    js.into()
}

/// The state name the JS API uses.
pub fn state_name(state: &ConnectionState) -> &'static str {
    match state {
        ConnectionState::Idle => "idle",
        ConnectionState::FetchingToken => "fetching_token",
        ConnectionState::Connecting => "connecting",
        ConnectionState::Open => "open",
        ConnectionState::Reconnecting { .. } => "reconnecting",
        ConnectionState::RefreshingToken => "refreshing_token",
        ConnectionState::Ended => "ended",
        ConnectionState::Failed { .. } => "failed",
    }
}

/// `{state, channel?, attempt?, delayMs?, error?}`: `channel` (`chat_realtime` or `chat_async`)
/// once a session answer named it.
pub fn state_to_js(state: &ConnectionState, channel: Option<ChatChannel>) -> JsValue {
    let mut payload = StatePayload {
        state: state_name(state),
        channel: channel.map(ChatChannel::as_str),
        attempt: None,
        delay_ms: None,
        error: None,
    };
    match state {
        ConnectionState::Reconnecting { attempt, delay_ms } => {
            payload.attempt = Some(*attempt);
            payload.delay_ms = Some(*delay_ms as f64);
        }
        ConnectionState::Failed { error } => payload.error = Some(error.to_string()),
        _ => {}
    }
    to_js(&payload)
}

/// Calls a host callback, logging (never propagating) what it throws.
pub fn call_host(f: &Function, arg: &JsValue) {
    if let Err(e) = f.call1(&JsValue::NULL, arg) {
        web_sys::console::error_2(&JsValue::from_str("operator-chat: a callback threw"), &e);
    }
}

/// What `getToken()` threw, as text (any `token=` value in it redacted).
fn describe(value: &JsValue) -> String {
    let text = match value.dyn_ref::<js_sys::Error>() {
        Some(e) => String::from(e.message()),
        None => value
            .as_string()
            .unwrap_or_else(|| "getToken() failed".into()),
    };
    crate::protocol::redact_tokens(&text)
}

/// A failure thrown by `getToken()`: its `code`/`transient`/`retryAfterMs` fields when it has
/// them; otherwise a transient `token_source_failed` (the widget retries with backoff).
fn thrown_to_token_error(value: &JsValue) -> TokenError {
    let field = |k: &str| Reflect::get(value, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED);
    let (code, transient, retry) = if value.is_object() {
        (
            field("code").as_string(),
            field("transient").as_bool(),
            field("retryAfterMs").as_f64(),
        )
    } else {
        (None, None, None)
    };
    TokenError {
        code: code.unwrap_or_else(|| "token_source_failed".into()),
        message: describe(value),
        transient: transient.unwrap_or(true),
        retry_after_ms: retry.filter(|ms| *ms >= 0.0).map(|ms| ms as u64),
    }
}

/// Reads `{conversation_id, token, expires_at, events_url, session_url}` (the session
/// endpoint's answer) from what `getToken()` resolved to.
pub fn credentials_from_js(value: &JsValue) -> Result<Credentials, TokenError> {
    let invalid = |detail: String| {
        TokenError {
        code: "invalid_token_response".into(),
        message: format!("getToken() must resolve to {{conversation_id, channel?, token, expires_at, events_url, session_url?}}: {detail}"),
        transient: false,
        retry_after_ms: None,
    }
    };
    if !value.is_object() {
        return Err(invalid("got a non-object".into()));
    }
    serde_wasm_bindgen::from_value::<SessionResponse>(value.clone())
        .map_err(|e| invalid(e.to_string()))?
        .validated()
        .map(Credentials::from)
        .map_err(|e| invalid(e.to_string()))
}

/// Wraps an async `getToken()` as the widget's token source.
pub fn js_token_source(get_token: Function) -> TokenSourceFn {
    TokenSourceFn::from(move || -> TokenFuture {
        let get_token = get_token.clone();
        Box::pin(async move {
            let returned = get_token
                .call0(&JsValue::NULL)
                .map_err(|e| thrown_to_token_error(&e))?;
            let resolved = JsFuture::from(Promise::resolve(&returned))
                .await
                .map_err(|e| thrown_to_token_error(&e))?;
            credentials_from_js(&resolved)
        })
    })
}
