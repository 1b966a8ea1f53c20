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
///
/// Read digit by digit (`digits[.digits]`, rounded up to a whole millisecond, saturating)
/// rather than through `f64::from_str`, whose tables would add several KB to the wasm build.
pub fn parse_retry_after(value: &str) -> Option<u64> {
    let (whole, fraction) = match value.trim().split_once('.') {
        Some((whole, fraction)) => (whole, fraction),
        None => (value.trim(), ""),
    };
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty()) || !all_digits(whole) || !all_digits(fraction) {
        return None;
    }
    let digit = |b: u8| u64::from(b - b'0');
    let secs = whole
        .bytes()
        .fold(0u64, |n, b| n.saturating_mul(10).saturating_add(digit(b)));
    let (millis, rest) = fraction.as_bytes().split_at(fraction.len().min(3));
    let millis = (0..3).fold(0u64, |n, i| n * 10 + millis.get(i).map_or(0, |&b| digit(b)));
    let round_up = u64::from(rest.iter().any(|&b| b != b'0'));
    Some(
        secs.saturating_mul(1000)
            .saturating_add(millis)
            .saturating_add(round_up),
    )
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

    #[test]
    fn retry_after_fractions_round_up_to_a_whole_millisecond() {
        assert_eq!(parse_retry_after("1.5"), Some(1500));
        assert_eq!(parse_retry_after("0.0001"), Some(1));
        assert_eq!(parse_retry_after("2.0000"), Some(2000));
        assert_eq!(parse_retry_after(".5"), Some(500));
        assert_eq!(parse_retry_after("3."), Some(3000));
        assert_eq!(parse_retry_after("0"), Some(0));
    }

    #[test]
    fn retry_after_rejects_signs_exponents_and_empty_values_and_saturates() {
        for bad in ["", " ", ".", "+2", "1e3", "1.2.3", "inf", "2 s", "١"] {
            assert_eq!(parse_retry_after(bad), None, "{bad:?}");
        }
        assert_eq!(parse_retry_after("99999999999999999999999"), Some(u64::MAX));
    }
}
