//! Finding out why a connect attempt failed before opening. Browsers hide the HTTP status of a
//! refused `WebSocket`, so after such a failure the adapter requests the events URL once with
//! `fetch` and reads the status, the error body and `Retry-After`.

use gloo_net::http::Request;
use web_sys::{AbortController, RequestCache};

use super::session_endpoint::response_text;
use crate::connection::Rejection;

/// `GET url` (the events URL with its token): `Some` rejection for an HTTP error answer, `None`
/// when the request succeeds (the body is aborted at once) or the network fails.
pub async fn probe_status(url: &str) -> Option<Rejection> {
    let abort = AbortController::new().ok()?;
    let response = Request::get(url)
        .cache(RequestCache::NoStore)
        .abort_signal(Some(&abort.signal()))
        .send()
        .await
        .ok()?;
    if response.ok() {
        abort.abort();
        return None;
    }
    let body = response_text(&response).await.unwrap_or_default();
    let retry_after = response.headers().get("Retry-After");
    Some(Rejection::from_http(
        response.status(),
        &body,
        retry_after.as_deref(),
    ))
}
