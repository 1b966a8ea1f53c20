//! The widget-facing error: one enum, answered as `{code, transient, message, data}`.
//!
//! Messages are written here, never copied from upstream, so neither the API key nor a token
//! can leak through an error body.

use std::time::Duration;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

/// Everything `POST /operator/session` (and the dev server around it) can refuse with.
#[derive(Debug, thiserror::Error)]
pub enum MintError {
    /// The host app's [`Authorize`](crate::Authorize) hook did not recognise the caller.
    #[error("sign in before chatting: {0}")]
    Unauthorized(String),
    /// The caller is known but may not chat.
    #[error("this account may not chat: {0}")]
    Forbidden(String),
    /// The request came from a browser origin that is not on the allow-list.
    #[error("origin {0} is not allowed to request chat sessions")]
    OriginNotAllowed(String),
    /// The request was addressed to a host that is not this server (e.g. DNS rebinding).
    #[error("this server does not answer for host {0}")]
    HostNotAllowed(String),
    /// This server's own per-client rate limit.
    #[error("too many session requests; retry later")]
    RateLimited {
        /// When a new request will be accepted.
        retry_after: Duration,
    },
    /// Operator answered 429.
    #[error("the Operator API is rate limiting this server; retry later")]
    UpstreamRateLimited {
        /// Operator's `Retry-After`, when it sent one.
        retry_after: Option<Duration>,
    },
    /// Operator answered 5xx, timed out or could not be reached.
    #[error("the Operator API is unavailable ({0}); retry later")]
    UpstreamUnavailable(String, Option<Duration>),
    /// Operator rejected this server's API key (401/403): a server misconfiguration.
    #[error("the chat backend is misconfigured: the Operator API rejected its API key")]
    UpstreamAuth,
    /// Operator refused the request for another reason (e.g. unknown agent) or answered nonsense.
    #[error("the Operator API refused the request ({0})")]
    UpstreamRejected(String),
    /// A bug in this server (a handler panicked); the details are in its (redacted) log only.
    #[error("the chat backend failed; its log says why")]
    Internal,
}

impl MintError {
    /// HTTP status, stable `code` and `transient` flag.
    pub fn parts(&self) -> (StatusCode, &'static str, bool) {
        match self {
            MintError::Unauthorized(_) => (StatusCode::UNAUTHORIZED, "unauthorized", false),
            MintError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden", false),
            MintError::OriginNotAllowed(_) => (StatusCode::FORBIDDEN, "origin_not_allowed", false),
            MintError::HostNotAllowed(_) => (StatusCode::FORBIDDEN, "host_not_allowed", false),
            MintError::RateLimited { .. } => (StatusCode::TOO_MANY_REQUESTS, "rate_limited", true),
            MintError::UpstreamRateLimited { .. } => {
                (StatusCode::TOO_MANY_REQUESTS, "upstream_rate_limited", true)
            }
            MintError::UpstreamUnavailable(..) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "upstream_unavailable",
                true,
            ),
            MintError::UpstreamAuth => (StatusCode::BAD_GATEWAY, "upstream_auth", false),
            MintError::UpstreamRejected(_) => (StatusCode::BAD_GATEWAY, "upstream_rejected", false),
            MintError::Internal => (StatusCode::INTERNAL_SERVER_ERROR, "internal", true),
        }
    }

    /// How long the client should wait before retrying, when known.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            MintError::RateLimited { retry_after } => Some(*retry_after),
            MintError::UpstreamRateLimited { retry_after } => *retry_after,
            MintError::UpstreamUnavailable(_, retry_after) => *retry_after,
            _ => None,
        }
    }
}

impl IntoResponse for MintError {
    fn into_response(self) -> Response {
        let (status, code, transient) = self.parts();
        let retry_secs = self
            .retry_after()
            .map(|d| d.as_secs_f64().ceil().max(1.0) as u64);
        let data = retry_secs.map(|s| json!({ "retry_after_s": s }));
        let body = json!({ "code": code, "transient": transient, "message": self.to_string(), "data": data });
        let mut response = (status, Json(body)).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        headers.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        if let Some(secs) = retry_secs {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;

    async fn body_of(err: MintError) -> (StatusCode, Option<String>, serde_json::Value) {
        let response = err.into_response();
        let status = response.status();
        let retry = response
            .headers()
            .get(header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        (status, retry, serde_json::from_slice(&bytes).unwrap())
    }

    #[tokio::test]
    async fn upstream_unavailable_is_transient_and_passes_retry_after_on() {
        let err = MintError::UpstreamUnavailable("503".into(), Some(Duration::from_secs(3)));
        let (status, retry, body) = body_of(err).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(retry.as_deref(), Some("3"), "Retry-After header");
        assert_eq!(body["code"], "upstream_unavailable");
        assert_eq!(body["transient"], true);
        assert_eq!(body["data"]["retry_after_s"], 3);
    }

    #[tokio::test]
    async fn upstream_auth_is_a_non_transient_bad_gateway() {
        let (status, retry, body) = body_of(MintError::UpstreamAuth).await;
        assert_eq!(status, StatusCode::BAD_GATEWAY);
        assert_eq!(retry, None, "no Retry-After for a misconfiguration");
        assert_eq!(body["code"], "upstream_auth");
        assert_eq!(body["transient"], false);
    }
}
