//! The browser-origin allow-list: exact origins, credentials allowed, never `*`.

use std::net::SocketAddr;
use std::sync::Arc;

use api_emulator::{host_forms, request_host};
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

/// This server's own origins and the other browser origins allowed to call it.
///
/// The own origins come from the bound address and the configuration, never from a request:
/// a request whose `Host` is not one of them is refused ([`check_host`]), which stops DNS
/// rebinding (a page on `evil.example` whose name now resolves to this machine).
#[derive(Debug, Clone, Default)]
pub struct AllowedOrigins {
    own: Arc<Vec<OwnOrigin>>,
    listed: Arc<Vec<String>>,
}

#[derive(Debug)]
struct OwnOrigin {
    origin: String,
    /// The `Host` header values that address this origin (with and without a default port).
    hosts: Vec<String>,
}

impl AllowedOrigins {
    /// `own`: the origins this server is reached at (already normalized); they are its only
    /// valid `Host`s, and each may call it when the request is addressed to it (same origin).
    /// `listed`: other origins allowed to call it from any of its own hosts.
    pub fn new(
        own: impl IntoIterator<Item = String>,
        listed: impl IntoIterator<Item = String>,
    ) -> Self {
        let own = own
            .into_iter()
            .map(|origin| OwnOrigin {
                hosts: host_forms(&origin),
                origin,
            })
            .collect();
        AllowedOrigins {
            own: Arc::new(own),
            listed: Arc::new(listed.into_iter().collect()),
        }
    }

    /// The origins of a server bound at `addr` ([`api_emulator::bound_origins`], the rule the
    /// emulator's Host check follows too): `http://<addr>`, plus `http://localhost:<port>` for a
    /// loopback bind; an unspecified bind (`0.0.0.0`, `::`) gives the loopback ones.
    pub fn bound_origins(addr: SocketAddr) -> Vec<String> {
        api_emulator::bound_origins(addr)
    }

    /// Whether `host` (a `Host` header value) addresses this server.
    pub fn is_own_host(&self, host: &str) -> bool {
        let host = host.trim().to_ascii_lowercase();
        self.own.iter().any(|own| own.hosts.contains(&host))
    }

    /// Whether a browser page on `origin` may call us with a request addressed to `host`:
    /// a listed origin, or the own origin the request was sent to.
    pub fn allows(&self, origin: &str, host: Option<&str>) -> bool {
        let origin = origin.to_ascii_lowercase();
        if self.listed.contains(&origin) {
            return true;
        }
        let host = host.map(|h| h.trim().to_ascii_lowercase());
        self.own
            .iter()
            .any(|own| own.origin == origin && host.as_ref().is_some_and(|h| own.hosts.contains(h)))
    }

    /// A CORS layer answering only allowed origins, with credentials.
    pub fn cors_layer(&self) -> CorsLayer {
        let allowed = self.clone();
        CorsLayer::new()
            .allow_origin(AllowOrigin::predicate(
                move |origin: &HeaderValue, parts: &Parts| {
                    let host = request_host(&parts.headers, &parts.uri);
                    origin.to_str().is_ok_and(|o| allowed.allows(o, host))
                },
            ))
            .allow_credentials(true)
            .allow_methods([Method::GET, Method::POST])
            .allow_headers([header::CONTENT_TYPE])
            .max_age(std::time::Duration::from_secs(600))
    }
}

/// Middleware: a request addressed to a host that is not one of this server's own (DNS
/// rebinding, a spoofed `Host`) gets 403 `host_not_allowed` and reaches nothing else.
pub async fn check_host(
    State(allowed): State<AllowedOrigins>,
    request: Request,
    next: Next,
) -> Response {
    let host = request_host(request.headers(), request.uri());
    if !host.is_some_and(|h| allowed.is_own_host(h)) {
        let shown: String = host.unwrap_or("(none)").chars().take(100).collect();
        tracing::warn!(
            host = %shown,
            "refused a request for another host (add it with --public-origin if it is ours)"
        );
        return MintError::HostNotAllowed(shown).into_response();
    }
    next.run(request).await
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
        let host = request_host(headers, request.uri());
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
        let allowed = AllowedOrigins::new(
            AllowedOrigins::bound_origins("127.0.0.1:8080".parse().unwrap()),
            ["http://app.test:3000".to_owned()],
        );
        assert!(allowed.allows("http://app.test:3000", Some("127.0.0.1:8080")));
        assert!(
            allowed.allows("http://127.0.0.1:8080", Some("127.0.0.1:8080")),
            "same origin"
        );
        assert!(
            allowed.allows("http://localhost:8080", Some("localhost:8080")),
            "same origin by name"
        );
        assert!(
            !allowed.allows("http://localhost:8080", Some("127.0.0.1:8080")),
            "localhost and 127.0.0.1 are different origins to a browser"
        );
        assert!(!allowed.allows("http://evil.test", Some("127.0.0.1:8080")));
        assert!(
            !allowed.allows("http://evil.test:8080", Some("evil.test:8080")),
            "a rebound name is not same origin"
        );
        assert!(
            !allowed.allows("http://app.test:3001", None),
            "port is part of the origin"
        );
        assert!(!allowed.allows("null", Some("127.0.0.1:8080")));
    }

    #[test]
    fn own_hosts_come_from_the_bound_address_and_public_origins() {
        let mut own = AllowedOrigins::bound_origins("127.0.0.1:8080".parse().unwrap());
        own.push("https://chat.example.com".into());
        own.push("http://plain.example.com:80".into());
        let allowed = AllowedOrigins::new(own, []);
        for host in [
            "127.0.0.1:8080",
            "localhost:8080",
            "LOCALHOST:8080",
            "chat.example.com",
            "chat.example.com:443",
            "plain.example.com",
            "plain.example.com:80",
        ] {
            assert!(allowed.is_own_host(host), "{host} is ours");
        }
        for host in [
            "evil.example:8080",
            "127.0.0.1:8081",
            "127.0.0.1",
            "chat.example.com:80",
        ] {
            assert!(!allowed.is_own_host(host), "{host} is not ours");
        }
        let v6 = AllowedOrigins::new(
            AllowedOrigins::bound_origins("[::1]:9000".parse().unwrap()),
            [],
        );
        assert!(v6.is_own_host("[::1]:9000") && v6.is_own_host("localhost:9000"));
        let any = AllowedOrigins::bound_origins("0.0.0.0:9000".parse().unwrap());
        assert_eq!(any, ["http://127.0.0.1:9000", "http://localhost:9000"]);
        let lan = AllowedOrigins::bound_origins("192.168.1.5:9000".parse().unwrap());
        assert_eq!(lan, ["http://192.168.1.5:9000"]);
    }
}
