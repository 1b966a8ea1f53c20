//! What one token grants: access to one conversation's events and session until it expires.

use crate::protocol::{
    events_url, redact_tokens, session_url, ChatChannel, SessionResponse, REDACTED,
};

/// A token and the URLs it opens. Its `Debug` output shows [`REDACTED`] instead of the token.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    /// The conversation the token opens.
    pub conversation_id: String,
    /// The ephemeral token (sent only as `?token=`).
    pub token: String,
    /// Expiry in Unix milliseconds; `None` when the server's `expires_at` was unreadable, in which
    /// case the widget only refreshes when the service rejects the token.
    pub expires_at_ms: Option<i64>,
    /// Events SSE URL without token.
    pub events_url: String,
    /// Session URL without token: the WebSocket for `chat_realtime`, the `POST …/session` for
    /// `chat_async`.
    pub session_url: String,
    /// The conversation's channel: which session API `session_url` is.
    pub channel: ChatChannel,
}

impl From<SessionResponse> for Credentials {
    /// Takes a [`SessionResponse::validated`] answer (an unvalidated realtime one without
    /// `session_url` gets an empty one, which the socket refuses).
    fn from(session: SessionResponse) -> Self {
        Credentials {
            expires_at_ms: session.expires_at_millis().ok(),
            session_url: session.session_post_url().unwrap_or_default(),
            channel: session.channel,
            conversation_id: session.conversation_id,
            token: session.token,
            events_url: session.events_url,
        }
    }
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("conversation_id", &self.conversation_id)
            .field("channel", &self.channel)
            .field("token", &REDACTED)
            .field("expires_at_ms", &self.expires_at_ms)
            .field("events_url", &redact_tokens(&self.events_url))
            .field("session_url", &redact_tokens(&self.session_url))
            .finish()
    }
}

impl Credentials {
    /// The events URL with the token (its only parameter: every connect replays the
    /// conversation from its first event).
    pub fn events_url_with_token(&self) -> String {
        events_url(&self.events_url, &self.token)
    }

    /// The session URL with the token (the WebSocket, or the async `POST`).
    pub fn session_url_with_token(&self) -> String {
        session_url(&self.session_url, &self.token)
    }

    /// Whether the token is known to have expired at `now_ms`.
    pub fn expired_at(&self, now_ms: i64) -> bool {
        self.expires_at_ms.is_some_and(|expiry| now_ms >= expiry)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(expires_at: &str) -> SessionResponse {
        SessionResponse {
            conversation_id: "conv_1".into(),
            token: "tok/1".into(),
            expires_at: expires_at.into(),
            events_url: "http://127.0.0.1:9/conversations/conv_1/events".into(),
            session_url: Some("ws://127.0.0.1:9/conversations/conv_1/session".into()),
            channel: ChatChannel::Realtime,
        }
    }

    #[test]
    fn credentials_carry_expiry_millis_and_build_token_urls() {
        let creds = Credentials::from(session("1970-01-01T00:00:10Z"));
        assert_eq!(creds.expires_at_ms, Some(10_000));
        assert!(!creds.expired_at(9_999) && creds.expired_at(10_000));
        assert_eq!(
            creds.events_url_with_token(),
            "http://127.0.0.1:9/conversations/conv_1/events?token=tok%2F1"
        );
        assert_eq!(
            creds.session_url_with_token(),
            "ws://127.0.0.1:9/conversations/conv_1/session?token=tok%2F1"
        );
    }

    #[test]
    fn unreadable_expiry_is_kept_as_unknown_not_expired() {
        let creds = Credentials::from(session("soon"));
        assert_eq!(creds.expires_at_ms, None);
        assert!(!creds.expired_at(i64::MAX));
    }

    #[test]
    fn debug_output_never_shows_the_token() {
        let creds = Credentials::from(session("1970-01-01T00:00:10Z"));
        let shown = format!("{creds:?} {creds:#?}");
        assert!(!shown.contains("tok/1"), "token in {shown}");
        assert!(
            shown.contains("[redacted]") && shown.contains("conv_1"),
            "{shown}"
        );
    }
}
