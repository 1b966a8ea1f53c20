//! Bodies of the token server's `POST /operator/session` endpoint (and Operator's error shape).

use crate::json::Value;

use super::fields::Fields;
use super::{parse_rfc3339_millis, ProtocolError};

/// The token server's 200 answer: everything the browser needs for one conversation. Its
/// `Debug` output shows [`super::REDACTED`] instead of the token.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionResponse {
    /// The conversation this token opens.
    pub conversation_id: String,
    /// The ephemeral token (sent as `?token=` only).
    pub token: String,
    /// RFC 3339 UTC expiry, e.g. `2025-07-01T15:00:00Z`.
    pub expires_at: String,
    /// Absolute events SSE URL, without token.
    pub events_url: String,
    /// Absolute session WebSocket URL (`ws://` or `wss://`), without token.
    pub session_url: String,
}

impl std::fmt::Debug for SessionResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionResponse")
            .field("conversation_id", &self.conversation_id)
            .field("token", &super::REDACTED)
            .field("expires_at", &self.expires_at)
            .field("events_url", &super::redact_tokens(&self.events_url))
            .field("session_url", &super::redact_tokens(&self.session_url))
            .finish()
    }
}

impl SessionResponse {
    /// Parses the response body.
    pub fn from_json(text: &str) -> Result<SessionResponse, ProtocolError> {
        let read = || {
            let mut f = Fields::parse(text)?;
            Ok(SessionResponse {
                conversation_id: f.string("conversation_id")?,
                token: f.string("token")?,
                expires_at: f.string("expires_at")?,
                events_url: f.string("events_url")?,
                session_url: f.string("session_url")?,
            })
        };
        read().map_err(|detail| ProtocolError::Malformed {
            what: "session response",
            detail,
        })
    }

    /// `expires_at` as Unix milliseconds.
    pub fn expires_at_millis(&self) -> Result<i64, ProtocolError> {
        parse_rfc3339_millis(&self.expires_at)
    }
}

/// An error body `{code, transient, message, data?}` (operator-api.md §8.2; token server too).
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorBody {
    /// Stable machine-readable code, e.g. `token_expired`, `rate_limited`.
    pub code: String,
    /// Whether retrying the same request later may succeed.
    pub transient: bool,
    /// For humans; never parsed.
    pub message: String,
    /// Optional extra detail, e.g. `{"retry_after_s": 2}`.
    pub data: Option<Value>,
}

impl ErrorBody {
    /// Parses an error body.
    pub fn from_json(text: &str) -> Result<ErrorBody, ProtocolError> {
        let read = || {
            let mut f = Fields::parse(text)?;
            Ok(ErrorBody {
                code: f.string("code")?,
                transient: f.bool_or_default("transient")?,
                message: f.string_or_default("message")?,
                data: f.opt_value("data"),
            })
        };
        read().map_err(|detail| ProtocolError::Malformed {
            what: "error body",
            detail,
        })
    }

    /// `data.retry_after_s` in milliseconds (rounded up, saturating), when present and a
    /// non-negative number written as `digits[.digits]`.
    ///
    /// The number's text is read exactly, like a `Retry-After` header, rather than through an
    /// `f64` (whose parser would add several KB to the wasm build); the exponent form (`2e1`)
    /// is not accepted and gives `None`, so the caller uses plain backoff.
    pub fn retry_after_millis(&self) -> Option<u64> {
        let secs = self.data.as_ref()?.get("retry_after_s")?.as_number()?;
        crate::token::parse_retry_after(secs.as_str())
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
            "events_url":"http://h/e?token=tok_secret","session_url":"ws://h/s"}"#;
        let session = SessionResponse::from_json(body).expect("valid body");
        let shown = format!("{session:?}");
        assert!(!shown.contains("tok_secret"), "token in {shown}");
        assert!(shown.contains("conv_1"), "{shown}");
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
        assert_eq!(millis("2e1"), None, "exponent form");
        assert_eq!(millis("\"2\""), None, "string");
    }

    #[test]
    fn error_body_without_data_has_no_retry_after() {
        let err = ErrorBody::from_json(r#"{"code":"forbidden","transient":false,"message":"no"}"#)
            .expect("valid error body");
        assert_eq!(err.data, None);
        assert_eq!(err.retry_after_millis(), None);
    }
}
