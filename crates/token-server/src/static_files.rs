//! Static files: the demo page (`www/`) at `/` and the built npm package (`pkg/`) under `/pkg`.
//! Missing directories just answer 404.

use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use tower_http::services::ServeDir;

use crate::demo_auth::DemoCookieAuth;

/// Headers every static response gets. Extend here (issue 5 adds the CSP).
pub fn static_headers(headers: &mut HeaderMap) {
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    }
}

/// The directories the dev server serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaticDirs {
    /// The demo pages, served at `/`.
    pub www: PathBuf,
    /// The npm package, served under `/pkg`.
    pub pkg: PathBuf,
}

/// A router serving `dirs` (see [`StaticDirs`]). With `demo`, an HTML page requested without a
/// valid demo cookie sets one, so the page can mint at once.
pub fn static_router(dirs: &StaticDirs, demo: Option<Arc<DemoCookieAuth>>) -> Router {
    Router::new()
        .nest_service("/pkg", ServeDir::new(&dirs.pkg))
        .fallback_service(ServeDir::new(&dirs.www))
        .layer(middleware::from_fn_with_state(demo, decorate))
}

async fn decorate(
    State(demo): State<Option<Arc<DemoCookieAuth>>>,
    request: Request,
    next: Next,
) -> Response {
    let needs_cookie = demo
        .as_ref()
        .is_some_and(|auth| auth.from_headers(request.headers()).is_err());
    let mut response = next.run(request).await;
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if let (true, true, Some(auth)) = (needs_cookie, is_html, demo) {
        let (_, set_cookie) = auth.issue();
        response
            .headers_mut()
            .insert(header::SET_COOKIE, set_cookie);
    }
    static_headers(response.headers_mut());
    response
}

/// The demo pages' `Content-Security-Policy` (issue 5): scripts and styles only from this
/// server (wasm compilation allowed, no inline code), connections only to this server, the
/// Operator REST host at `operator_base_url` (its `http(s)` origin, for the events stream) and
/// the session host at `session_base_url` (its `ws(s)` origin, for the session socket); no page
/// may frame them (clickjacking).
pub fn content_security_policy(operator_base_url: &str, session_base_url: &str) -> String {
    let origin = |url: &str, schemes: [&str; 2]| {
        url.split_once("://")
            .map(|(scheme, rest)| (scheme, rest.split('/').next().unwrap_or_default()))
            .filter(|(scheme, host)| schemes.contains(scheme) && !host.is_empty())
            .map(|(scheme, host)| format!(" {scheme}://{host}"))
            .unwrap_or_default()
    };
    let hosts =
        origin(operator_base_url, ["http", "https"]) + &origin(session_base_url, ["ws", "wss"]);
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
         connect-src 'self'{hosts}; object-src 'none'; base-uri 'self'; frame-ancestors 'none'"
    )
}

#[cfg(test)]
mod csp_tests {
    use super::content_security_policy;

    #[test]
    fn csp_allows_the_operator_hosts_for_events_and_session_only() {
        let csp = content_security_policy(
            "https://api.operator.xyz/v1",
            "wss://agent.app.operator.xyz",
        );
        assert!(
            csp.contains(
                "connect-src 'self' https://api.operator.xyz wss://agent.app.operator.xyz;"
            ),
            "{csp}"
        );
        assert!(
            csp.contains("script-src 'self' 'wasm-unsafe-eval';"),
            "{csp}"
        );
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        let local = content_security_policy("http://127.0.0.1:4010", "ws://127.0.0.1:4011/");
        assert!(
            local.contains("'self' http://127.0.0.1:4010 ws://127.0.0.1:4011;"),
            "the emulator's two hosts: {local}"
        );
        assert!(content_security_policy("nonsense", "http://x").contains("connect-src 'self';"));
    }
}
