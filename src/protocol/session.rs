//! Bodies of the token server's `POST /operator/session` endpoint (and Operator's error shape).

use super::{parse_rfc3339_millis, ProtocolError, RawJson};
use serde::{Deserialize, Serialize};

/// The conversation's channel, which names its session API (operator-api.md §4).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ChatChannel {
    /// `chat_realtime`: messages go over the session WebSocket (§4.1).
    #[default]
    #[serde(rename = "chat_realtime")]
    Realtime,
    /// `chat_async`: each message is a `POST …/session` answered with SSE (§4.2).
    #[serde(rename = "chat_async")]
    Async,
}

impl ChatChannel {
    /// The wire name, `chat_realtime` or `chat_async`.
    pub fn as_str(self) -> &'static str {
        match self {
            ChatChannel::Realtime => "chat_realtime",
            ChatChannel::Async => "chat_async",
        }
    }
}

/// The token server's 200 answer: everything the browser needs for one conversation. Its
/// `Debug` output shows [`super::REDACTED`] instead of the token. Unknown fields are ignored.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionResponse {
    /// The conversation this token opens.
    pub conversation_id: String,
    /// Its channel; `chat_realtime` when absent (answers from before there was a choice).
    #[serde(default)]
    pub channel: ChatChannel,
    /// The ephemeral token (sent as `?token=` only).
    pub token: String,
    /// RFC 3339 UTC expiry, e.g. `2025-07-01T15:00:00Z`.
    pub expires_at: String,
    /// Absolute events SSE URL, without token.
    pub events_url: String,
    /// Absolute session WebSocket URL (`ws://` or `wss://`), without token: required for
    /// `chat_realtime`, absent for `chat_async` (whose session is `POST` on the events host:
    /// [`SessionResponse::session_post_url`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_url: Option<String>,
}

impl std::fmt::Debug for SessionResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionResponse")
            .field("conversation_id", &self.conversation_id)
            .field("channel", &self.channel)
            .field("token", &super::REDACTED)
            .field("expires_at", &self.expires_at)
            .field("events_url", &super::redact_tokens(&self.events_url))
            .field(
                "session_url",
                &self.session_url.as_deref().map(super::redact_tokens),
            )
            .finish()
    }
}

impl SessionResponse {
    /// Parses the response body ([`SessionResponse::validated`]).
    pub fn from_json(text: &str) -> Result<SessionResponse, ProtocolError> {
        serde_json::from_str::<SessionResponse>(text)
            .map_err(|e| ProtocolError::Malformed {
                what: "session response",
                detail: e.to_string(),
            })?
            .validated()
    }

    /// The answer, if its channel can be driven: `chat_realtime` needs a `session_url`;
    /// `chat_async` needs an events URL ending in `/events` (its session is the sibling
    /// `/session`).
    pub fn validated(self) -> Result<SessionResponse, ProtocolError> {
        let malformed = |detail: &str| ProtocolError::Malformed {
            what: "session response",
            detail: detail.to_owned(),
        };
        match self.channel {
            ChatChannel::Realtime if self.session_url.is_none() => {
                Err(malformed("missing field `session_url` (chat_realtime)"))
            }
            ChatChannel::Async if self.session_post_url().is_none() => Err(malformed(
                "`events_url` must end in /events (chat_async posts to the sibling /session)",
            )),
            _ => Ok(self),
        }
    }

    /// The URL a message goes to, without token: the `session_url` (WebSocket) for
    /// `chat_realtime`; for `chat_async`, `POST {conversation}/session` beside `events_url`
    /// on the same host (§4.2).
    pub fn session_post_url(&self) -> Option<String> {
        match self.channel {
            ChatChannel::Realtime => self.session_url.clone(),
            ChatChannel::Async => {
                let base = self.events_url.split(['?', '#']).next()?;
                let conversation = base.strip_suffix("/events")?;
                Some(format!("{conversation}/session"))
            }
        }
    }

    /// `expires_at` as Unix milliseconds.
    pub fn expires_at_millis(&self) -> Result<i64, ProtocolError> {
        parse_rfc3339_millis(&self.expires_at)
    }
}

/// An error body `{code, transient, message, data?}` (operator-api.md §8.2; token server too).
/// `transient` and `message` default when absent; unknown fields are ignored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// Stable machine-readable code, e.g. `token_expired`, `rate_limited`.
    pub code: String,
    /// Whether retrying the same request later may succeed.
    #[serde(default)]
    pub transient: bool,
    /// For humans; never parsed.
    #[serde(default)]
    pub message: String,
    /// Optional extra detail, e.g. `{"retry_after_s": 2}`.
    pub data: Option<RawJson>,
}

impl ErrorBody {
    /// Parses an error body.
    pub fn from_json(text: &str) -> Result<ErrorBody, ProtocolError> {
        serde_json::from_str(text).map_err(|e| ProtocolError::Malformed {
            what: "error body",
            detail: e.to_string(),
        })
    }

    /// `data.retry_after_s` in milliseconds (rounded up to a whole millisecond, saturating),
    /// when present and a non-negative number; otherwise `None`, and the caller uses plain
    /// backoff.
    pub fn retry_after_millis(&self) -> Option<u64> {
        /// The one field of `data` the widget reads.
        #[derive(Deserialize)]
        struct RetryAfter {
            retry_after_s: Option<f64>,
        }
        let data = self.data.as_ref()?.get();
        // Only an object names its fields (serde would also read `[2]` as the struct).
        if !data.trim_start().starts_with('{') {
            return None;
        }
        let secs = serde_json::from_str::<RetryAfter>(data)
            .ok()?
            .retry_after_s?;
        // `as` saturates at u64::MAX for huge values.
        (secs >= 0.0).then(|| (secs * 1000.0).ceil() as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_response_parses_and_yields_expiry_millis() {
        let body = r#"{"conversation_id":"conv_1","token":"tok_a","expires_at":"2025-07-01T15:00:00Z",
            "events_url":"http://127.0.0.1:1/conversations/conv_1/events",
            "session_url":"ws://127.0.0.1:1/conversations/conv_1/session"}"#;
        let session = SessionResponse::from_json(body).expect("valid body");
        assert_eq!(session.token, "tok_a");
        assert_eq!(session.expires_at_millis(), Ok(1_751_382_000_000));
    }

    #[test]
    fn session_response_debug_hides_the_token() {
        let body = r#"{"conversation_id":"conv_1","token":"tok_secret","expires_at":"x",
            "events_url":"http://h/e?token=tok_secret","session_url":"ws://h/s?token=tok_secret"}"#;
        let session = SessionResponse::from_json(body).expect("valid body");
        let shown = format!("{session:?}");
        assert!(!shown.contains("tok_secret"), "token in {shown}");
        assert!(shown.contains("conv_1"), "{shown}");
    }

    #[test]
    fn an_async_session_has_no_socket_and_posts_beside_its_events() {
        let body = r#"{"conversation_id":"conv_1","channel":"chat_async","token":"t",
            "expires_at":"2025-07-01T15:00:00Z",
            "events_url":"http://127.0.0.1:1/conversations/conv_1/events"}"#;
        let session = SessionResponse::from_json(body).expect("valid async body");
        assert_eq!(session.channel, ChatChannel::Async);
        assert_eq!(
            session.session_post_url().as_deref(),
            Some("http://127.0.0.1:1/conversations/conv_1/session")
        );
        let odd = body.replace("/events\"", "/stream\"");
        assert!(
            SessionResponse::from_json(&odd).is_err(),
            "no /events, no session"
        );
    }

    #[test]
    fn a_realtime_session_needs_its_socket_and_the_channel_defaults_to_realtime() {
        let body = r#"{"conversation_id":"conv_1","token":"t","expires_at":"x",
            "events_url":"http://h/conversations/conv_1/events"}"#;
        let err = SessionResponse::from_json(body).unwrap_err();
        assert!(err.to_string().contains("session_url"), "got {err}");
        let unknown = body.replace("\"token\"", "\"channel\":\"phone\",\"token\"");
        assert!(
            SessionResponse::from_json(&unknown).is_err(),
            "phone is no chat"
        );
    }

    #[test]
    fn session_response_without_token_is_an_error() {
        let err = SessionResponse::from_json(r#"{"conversation_id":"c"}"#).unwrap_err();
        assert!(err.to_string().contains("missing field"), "got {err}");
    }

    #[test]
    fn error_body_reads_retry_after_from_data() {
        let body = r#"{"code":"rate_limited","transient":true,"message":"slow down","data":{"retry_after_s":2}}"#;
        let err = ErrorBody::from_json(body).expect("valid error body");
        assert!(err.transient);
        assert_eq!(err.retry_after_millis(), Some(2000));
    }

    #[test]
    fn retry_after_fractions_round_up_and_odd_forms_are_ignored() {
        let millis = |secs: &str| {
            let body = format!(
                r#"{{"code":"c","transient":true,"message":"m","data":{{"retry_after_s":{secs}}}}}"#
            );
            ErrorBody::from_json(&body)
                .expect("valid error body")
                .retry_after_millis()
        };
        assert_eq!(millis("1.5"), Some(1500), "fraction");
        assert_eq!(millis("0.0001"), Some(1), "rounded up to a millisecond");
        assert_eq!(millis("0"), Some(0), "zero");
        assert_eq!(millis("-1"), None, "negative");
        assert_eq!(millis("2e1"), Some(20_000), "exponent form");
        assert_eq!(millis("1e30"), Some(u64::MAX), "saturates");
        assert_eq!(millis("\"2\""), None, "string");
    }

    #[test]
    fn data_of_any_shape_keeps_the_body_and_gives_no_retry_after_unless_it_says_one() {
        for data in [
            r#""soon""#,
            "[2]",
            "null",
            r#"{"other":1}"#,
            r#"{"retry_after_s":null}"#,
        ] {
            let body = format!(r#"{{"code":"c","transient":true,"message":"m","data":{data}}}"#);
            let err = ErrorBody::from_json(&body).expect("any data is accepted");
            assert_eq!(err.code, "c", "{data}");
            assert_eq!(err.retry_after_millis(), None, "{data}");
        }
    }

    #[test]
    fn error_body_without_data_has_no_retry_after() {
        let err = ErrorBody::from_json(r#"{"code":"forbidden","transient":false,"message":"no"}"#)
            .expect("valid error body");
        assert_eq!(err.data, None);
        assert_eq!(err.retry_after_millis(), None);
    }
}
