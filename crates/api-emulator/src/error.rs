//! The one error type of the emulator's HTTP surface, answered in the assumed Operator error
//! schema `{code, transient, message, data}` (operator-api.md §8.2, A30).

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

/// An error answer: HTTP status plus the error body.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{status} {code}: {message}")]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Stable machine-readable code (§8.2 table).
    pub code: &'static str,
    /// Whether retrying later may succeed.
    pub transient: bool,
    /// Human-readable text.
    pub message: String,
    /// Optional detail object.
    pub data: Option<Value>,
    /// `Retry-After` seconds (sent on 429/503).
    pub retry_after_s: Option<u64>,
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            transient: false,
            message: message.into(),
            data: None,
            retry_after_s: None,
        }
    }

    /// Attaches a `data` object.
    pub fn with_data(mut self, data: Value) -> Self {
        self.data = Some(data);
        self
    }

    /// 400 `invalid_request`.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_request", message)
    }

    /// 400 `invalid_request` naming the offending field.
    pub fn invalid_field(field: &str, message: impl Into<String>) -> Self {
        Self::invalid(message).with_data(json!({ "field": field }))
    }

    /// 400 `unsupported_version`.
    pub fn unsupported_version(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "unsupported_version", message)
    }

    /// 401 `unauthorized`.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }

    /// 401 `token_invalid`.
    pub fn token_invalid(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "token_invalid", message)
    }

    /// 401 `token_expired`.
    pub fn token_expired() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "token_expired",
            "The token has expired.",
        )
    }

    /// 401 `token_revoked`.
    pub fn token_revoked() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "token_revoked",
            "The token was replaced by a newer one or revoked.",
        )
    }

    /// 403 `forbidden`.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    /// 404 `not_found`.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    /// 405 `method_not_allowed`.
    pub fn method_not_allowed() -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "This method is not allowed on this path.",
        )
    }

    /// 409 `conflict`.
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "conflict", message)
    }

    /// 413 `payload_too_large`.
    pub fn payload_too_large() -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "The request body is too large.",
        )
    }

    /// 500 `internal` (transient).
    pub fn internal(message: impl Into<String>) -> Self {
        let mut e = Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", message);
        e.transient = true;
        e
    }

    /// An injected transient failure (429/5xx) with `Retry-After`.
    pub fn injected(status: StatusCode, retry_after_s: u64) -> Self {
        let code = match status.as_u16() {
            429 => "rate_limited",
            503 => "unavailable",
            _ => "internal",
        };
        let mut e = Self::new(
            status,
            code,
            format!("Injected {} (fault injection).", status),
        )
        .with_data(json!({ "retry_after_s": retry_after_s }));
        e.transient = true;
        e.retry_after_s = Some(retry_after_s);
        e
    }

    /// The error body as JSON.
    pub fn body(&self) -> Value {
        json!({
            "code": self.code,
            "transient": self.transient,
            "message": self.message,
            "data": self.data,
        })
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(self.body())).into_response();
        if let Some(secs) = self.retry_after_s {
            if let Ok(value) = HeaderValue::from_str(&secs.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
        }
        response
    }
}

/// Result alias for handlers.
pub type ApiResult<T> = Result<T, ApiError>;
