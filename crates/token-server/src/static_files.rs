//! Static files: the demo page (`www/`) at `/` and the built widget (`pkg/`) under `/pkg`.
//! Missing directories just answer 404.

use std::path::Path;
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

/// A router serving `www_dir` at `/` and `pkg_dir` at `/pkg`. With `demo`, an HTML page
/// requested without a valid demo cookie sets one, so the page can mint at once.
pub fn static_router(www_dir: &Path, pkg_dir: &Path, demo: Option<Arc<DemoCookieAuth>>) -> Router {
    Router::new()
        .nest_service("/pkg", ServeDir::new(pkg_dir))
        .fallback_service(ServeDir::new(www_dir))
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
