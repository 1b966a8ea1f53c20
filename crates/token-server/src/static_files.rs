//! Static files: the demo page (`www/`) at `/` and the built npm package (`pkg/`) under `/pkg`.
//! Missing directories just answer 404.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use tower_http::services::ServeDir;

use crate::demo_auth::DemoCookieAuth;
use crate::rate_limit::{ClientKey, Limiter};

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

/// Who hands out demo identities on page loads, and the per-address limit they count against.
#[derive(Clone)]
pub struct PageLogin {
    /// The demo cookie issuer.
    pub auth: Arc<DemoCookieAuth>,
    /// The bucket `GET /demo/login` takes from; `None` issues without a limit.
    pub addresses: Option<Arc<Limiter<ClientKey>>>,
}

/// A router serving `dirs` (see [`StaticDirs`]). With `demo`, an HTML page requested without a
/// valid demo cookie sets one, so the page can mint at once; a new identity takes a token from
/// the client address's bucket, as `GET /demo/login` does (when it is empty, the page is served
/// without a cookie).
pub fn static_router(dirs: &StaticDirs, demo: Option<PageLogin>) -> Router {
    Router::new()
        .nest_service("/pkg", ServeDir::new(&dirs.pkg))
        .fallback_service(ServeDir::new(&dirs.www))
        .layer(middleware::from_fn_with_state(demo, decorate))
}

async fn decorate(State(demo): State<Option<PageLogin>>, request: Request, next: Next) -> Response {
    let needs_cookie = demo
        .as_ref()
        .is_some_and(|login| login.auth.from_headers(request.headers()).is_err());
    let ip = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip());
    let uri = request.uri().clone();
    let mut response = next.run(request).await;
    if response.status() == StatusCode::TEMPORARY_REDIRECT {
        // ServeDir's "add the slash" redirect names the path it saw: without the `/pkg` it was
        // nested under, and `//css` would become the protocol-relative `//css/` (another host).
        if let Ok(location) = HeaderValue::from_str(&directory_location(&uri)) {
            response.headers_mut().insert(header::LOCATION, location);
        }
    }
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if let (true, true, Some(login)) = (needs_cookie, is_html, demo) {
        let allowed = login
            .addresses
            .as_ref()
            .is_none_or(|limiter| limiter.check(ClientKey::of(ip), Instant::now()).is_ok());
        if allowed {
            let (_, set_cookie) = login.auth.issue();
            response
                .headers_mut()
                .insert(header::SET_COOKIE, set_cookie);
        } else {
            tracing::warn!(
                ?ip,
                "page load without a new demo identity: address rate limited"
            );
        }
    }
    static_headers(response.headers_mut());
    response
}

/// Where a directory requested without its trailing slash lives: the whole request path (with
/// the prefix it was nested under) plus `/`, always one leading `/`, so the target stays on
/// this host. The query is kept.
fn directory_location(uri: &Uri) -> String {
    let path = uri.path().trim_start_matches(['/', '\\']);
    let path = path.trim_end_matches('/');
    match uri.query() {
        Some(query) => format!("/{path}/?{query}"),
        None => format!("/{path}/"),
    }
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
mod redirect_tests {
    use super::directory_location;

    #[test]
    fn directory_redirects_stay_on_this_host_and_keep_their_prefix() {
        for (path, location) in [
            ("/css", "/css/"),
            ("//css", "/css/"),
            ("///css?x=1", "/css/?x=1"),
            ("/\\evil.example", "/evil.example/"),
            ("/pkg/snippets", "/pkg/snippets/"),
        ] {
            let uri = path.parse().unwrap();
            assert_eq!(directory_location(&uri), location, "{path}");
        }
    }
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
