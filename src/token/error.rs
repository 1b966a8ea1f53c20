//! Why a token source could not produce credentials.

use crate::protocol::ErrorBody;

/// A token source failure, with enough detail to decide whether and when to retry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} ({code})")]
pub struct TokenError {
    /// Machine-readable code, e.g. `rate_limited`, `network`, `forbidden`.
    pub code: String,
    /// Human-readable explanation.
    pub message: String,
    /// Whether trying again later may succeed.
    pub transient: bool,
    /// Do not retry sooner than this many milliseconds (from `Retry-After` or the error body).
    pub retry_after_ms: Option<u64>,
}

impl TokenError {
    /// A network failure (no HTTP response): transient.
    pub fn network(message: impl Into<String>) -> Self {
        TokenError {
            code: "network".into(),
            message: message.into(),
            transient: true,
            retry_after_ms: None,
        }
    }

    /// A 2xx response whose body was not a session response: not transient (misconfiguration).
    pub fn invalid_response(detail: impl std::fmt::Display) -> Self {
        TokenError {
            code: "invalid_response".into(),
            message: format!("the session endpoint answered with an unexpected body: {detail}"),
            transient: false,
            retry_after_ms: None,
        }
    }

    /// Classifies an HTTP error response from the token endpoint. The JSON body
    /// `{code, transient, message}` is used when present; otherwise 429 and 5xx are transient.
    /// `retry_after` is the raw `Retry-After` header value.
    pub fn from_http(status: u16, body: &str, retry_after: Option<&str>) -> Self {
        let header_delay = retry_after.and_then(parse_retry_after);
        match ErrorBody::from_json(body) {
            Ok(err) => TokenError {
                retry_after_ms: header_delay.or_else(|| err.retry_after_millis()),
                code: err.code,
                message: err.message,
                transient: err.transient,
            },
            Err(_) => TokenError {
                code: format!("http_{status}"),
                message: format!("the session endpoint answered HTTP {status}"),
                transient: status == 429 || status >= 500,
                retry_after_ms: header_delay,
            },
        }
    }
}

/// Parses a `Retry-After` value given in seconds (`"2"`, `"1.5"`) into milliseconds. The
/// HTTP-date form is not supported and gives `None` (the caller then uses plain backoff).
pub fn parse_retry_after(value: &str) -> Option<u64> {
    let secs: f64 = value.trim().parse().ok()?;
    (secs.is_finite() && secs >= 0.0).then(|| (secs * 1000.0).ceil() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_error_body_decides_code_and_transience() {
        let body = r#"{"code":"forbidden","transient":false,"message":"not allowed"}"#;
        let err = TokenError::from_http(403, body, None);
        assert_eq!((err.code.as_str(), err.transient), ("forbidden", false));
        assert_eq!(err.to_string(), "not allowed (forbidden)");
    }

    #[test]
    fn retry_after_header_wins_over_the_body_hint() {
        let body =
            r#"{"code":"rate_limited","transient":true,"message":"m","data":{"retry_after_s":1}}"#;
        assert_eq!(
            TokenError::from_http(429, body, Some("3")).retry_after_ms,
            Some(3000)
        );
        assert_eq!(
            TokenError::from_http(429, body, None).retry_after_ms,
            Some(1000)
        );
    }

    #[test]
    fn non_json_errors_are_transient_only_for_429_and_5xx() {
        assert!(TokenError::from_http(502, "<html>bad gateway</html>", None).transient);
        assert!(TokenError::from_http(429, "", Some("2")).transient);
        assert!(!TokenError::from_http(404, "", None).transient);
    }

    #[test]
    fn retry_after_accepts_seconds_and_rejects_dates_and_garbage() {
        assert_eq!(parse_retry_after(" 2 "), Some(2000));
        assert_eq!(parse_retry_after("0.25"), Some(250));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
        assert_eq!(parse_retry_after("-1"), None);
        assert_eq!(parse_retry_after("NaN"), None);
    }
}
