//! The browser-origin allow-list: exact origins, credentials allowed, never `*`.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, request::Parts, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::error::MintError;

/// An allowed origin that is not `scheme://host[:port]`.
#[derive(Debug, thiserror::Error, PartialEq)]
#[error(
    "allowed origin {0:?} must be an exact origin like http://localhost:3000 (no `*`, no path)"
)]
pub struct OriginError(pub String);

/// `http(s)://host[:port]` with any trailing slash removed, or an error.
pub fn normalize_origin(origin: &str) -> Result<String, OriginError> {
    let lowered = origin.trim().to_ascii_lowercase();
    let trimmed = lowered.trim_end_matches('/');
    let rest = trimmed
        .strip_prefix("http://")
        .or_else(|| trimmed.strip_prefix("https://"))
        .ok_or_else(|| OriginError(origin.to_owned()))?;
    let bad = |c: char| c.is_whitespace() || matches!(c, '/' | '*' | '?' | '#' | '@' | ',');
    if rest.is_empty() || rest.contains(bad) {
        return Err(OriginError(origin.to_owned()));
    }
    Ok(trimmed.to_owned())
}

/// The exact origins allowed to call the mint endpoint from a browser.
#[derive(Debug, Clone, Default)]
pub struct AllowedOrigins {
    exact: Arc<Vec<String>>,
}

impl AllowedOrigins {
    /// Allows these (already normalized) origins, plus same-origin requests.
    pub fn new(origins: impl IntoIterator<Item = String>) -> Self {
        AllowedOrigins {
            exact: Arc::new(origins.into_iter().collect()),
        }
    }

    /// Whether `origin` may call us; `host` is the request's `Host` (same origin is allowed).
    pub fn allows(&self, origin: &str, host: Option<&str>) -> bool {
        let origin = origin.to_ascii_lowercase();
        let same_origin = host.is_some_and(|h| {
            let h = h.to_ascii_lowercase();
            origin == format!("http://{h}") || origin == format!("https://{h}")
        });
        same_origin || self.exact.contains(&origin)
    }

    /// A CORS layer answering only allowed origins, with credentials.
    pub fn cors_layer(&self) -> CorsLayer {
        let allowed = self.clone();
        CorsLayer::new()
            .allow_origin(AllowOrigin::predicate(
                move |origin: &HeaderValue, parts: &Parts| {
                    let host = parts
                        .headers
                        .get(header::HOST)
                        .and_then(|h| h.to_str().ok());
                    origin.to_str().is_ok_and(|o| allowed.allows(o, host))
                },
            ))
            .allow_credentials(true)
            .allow_methods([Method::GET, Method::POST])
            .allow_headers([header::CONTENT_TYPE])
            .max_age(std::time::Duration::from_secs(600))
    }
}

/// Middleware: a request carrying a disallowed `Origin` gets 403 `origin_not_allowed`.
/// Requests without `Origin` (curl, server-to-server) pass; the caller check still applies.
pub async fn check_origin(
    State(allowed): State<AllowedOrigins>,
    request: Request,
    next: Next,
) -> Response {
    let headers = request.headers();
    if let Some(origin) = headers.get(header::ORIGIN) {
        let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
        let text = origin.to_str().unwrap_or("(not text)");
        if !allowed.allows(text, host) {
            tracing::warn!(origin = text, "refused origin");
            return MintError::OriginNotAllowed(text.to_owned()).into_response();
        }
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_exact_origins_normalize() {
        assert_eq!(
            normalize_origin("HTTP://Localhost:3000/"),
            Ok("http://localhost:3000".into())
        );
        for bad in [
            "*",
            "localhost:3000",
            "http://a.test/path",
            "http://*.a.test",
            "null",
            "http://",
        ] {
            assert!(normalize_origin(bad).is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn listed_and_same_origin_are_allowed_others_are_not() {
        let allowed = AllowedOrigins::new(["http://app.test:3000".to_owned()]);
        assert!(allowed.allows("http://app.test:3000", Some("127.0.0.1:8080")));
        assert!(
            allowed.allows("http://127.0.0.1:8080", Some("127.0.0.1:8080")),
            "same origin"
        );
        assert!(!allowed.allows("http://evil.test", Some("127.0.0.1:8080")));
        assert!(
            !allowed.allows("http://app.test:3001", None),
            "port is part of the origin"
        );
        assert!(!allowed.allows("null", Some("127.0.0.1:8080")));
    }
}
