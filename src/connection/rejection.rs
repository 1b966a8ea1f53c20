//! HTTP rejections of a connect attempt, and how the policy reads them.

use crate::protocol::ErrorBody;
use crate::token::parse_retry_after;

/// An HTTP error answer to a connect attempt (seen by the adapter, e.g. via a probe request).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// HTTP status.
    pub status: u16,
    /// Error `code` from the body, e.g. `token_expired`.
    pub code: Option<String>,
    /// `transient` from the body, when given.
    pub transient: Option<bool>,
    /// Do not retry sooner than this (from `Retry-After` or the body's `data.retry_after_s`).
    pub retry_after_ms: Option<u64>,
}

/// What the policy does about a rejection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Verdict {
    /// Get a new token (401).
    Refresh,
    /// Back off and retry, never sooner than the hint.
    Retry(Option<u64>),
    /// Give up until the user retries.
    Fail,
}

impl Rejection {
    /// Builds a rejection from a status, a response body and a raw `Retry-After` header.
    pub fn from_http(status: u16, body: &str, retry_after: Option<&str>) -> Self {
        let parsed = ErrorBody::from_json(body).ok();
        let header = retry_after.and_then(parse_retry_after);
        Rejection {
            status,
            retry_after_ms: header.or_else(|| parsed.as_ref()?.retry_after_millis()),
            transient: parsed.as_ref().map(|p| p.transient),
            code: parsed.map(|p| p.code),
        }
    }

    /// A token rejection the adapter inferred without seeing the HTTP response, e.g. a WebSocket
    /// closed with code 1008 (token expired or replaced while open).
    pub fn unauthorized(code: impl Into<String>) -> Self {
        Rejection {
            status: 401,
            code: Some(code.into()),
            transient: Some(false),
            retry_after_ms: None,
        }
    }

    /// Whether the rejection concerns the connection (token, permission, load) rather than
    /// what one request carried: 401, 403, 429, 5xx or a `transient` error.
    pub fn about_the_connection(&self) -> bool {
        matches!(self.status, 401 | 403 | 429) || self.status >= 500 || self.transient == Some(true)
    }

    pub(super) fn verdict(&self) -> Verdict {
        match self.status {
            401 => Verdict::Refresh,
            403 => Verdict::Fail,
            429 => Verdict::Retry(self.retry_after_ms),
            s if s >= 500 || self.transient == Some(true) => Verdict::Retry(self.retry_after_ms),
            _ => Verdict::Fail,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_map_to_refresh_retry_or_fail() {
        let body = r#"{"code":"token_revoked","transient":false,"message":"m"}"#;
        let revoked = Rejection::from_http(401, body, None);
        assert_eq!(revoked.code.as_deref(), Some("token_revoked"));
        assert_eq!(revoked.verdict(), Verdict::Refresh);
        assert_eq!(Rejection::from_http(403, "", None).verdict(), Verdict::Fail);
        assert_eq!(Rejection::from_http(404, "", None).verdict(), Verdict::Fail);
        assert_eq!(
            Rejection::from_http(429, "", Some("2")).verdict(),
            Verdict::Retry(Some(2000))
        );
        assert_eq!(
            Rejection::from_http(503, "", None).verdict(),
            Verdict::Retry(None)
        );
    }

    #[test]
    fn an_inferred_token_rejection_asks_for_a_refresh() {
        let r = Rejection::unauthorized("token_revoked");
        assert_eq!((r.status, r.verdict()), (401, Verdict::Refresh));
    }

    #[test]
    fn a_transient_body_makes_an_odd_status_retryable() {
        let body = r#"{"code":"busy","transient":true,"message":"m","data":{"retry_after_s":1}}"#;
        assert_eq!(
            Rejection::from_http(409, body, None).verdict(),
            Verdict::Retry(Some(1000))
        );
    }
}
