//! What one token grants: access to one conversation's events and session until it expires.

use crate::protocol::{events_url, session_url, SessionResponse};

/// A token and the URLs it opens.
#[derive(Debug, Clone, PartialEq, Eq)]
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
    /// Session WebSocket URL without token.
    pub session_url: String,
}

impl From<SessionResponse> for Credentials {
    fn from(session: SessionResponse) -> Self {
        Credentials {
            expires_at_ms: session.expires_at_millis().ok(),
            conversation_id: session.conversation_id,
            token: session.token,
            events_url: session.events_url,
            session_url: session.session_url,
        }
    }
}

impl Credentials {
    /// The events URL with the token, resuming after `after` when given.
    pub fn events_url_after(&self, after: Option<&str>) -> String {
        events_url(&self.events_url, &self.token, after)
    }

    /// The session WebSocket URL with the token.
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
            session_url: "ws://127.0.0.1:9/conversations/conv_1/session".into(),
        }
    }

    #[test]
    fn credentials_carry_expiry_millis_and_build_token_urls() {
        let creds = Credentials::from(session("1970-01-01T00:00:10Z"));
        assert_eq!(creds.expires_at_ms, Some(10_000));
        assert!(!creds.expired_at(9_999) && creds.expired_at(10_000));
        assert_eq!(
            creds.events_url_after(Some("ev_3")),
            "http://127.0.0.1:9/conversations/conv_1/events?token=tok%2F1&after=ev_3"
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
}
