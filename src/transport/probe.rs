//! Finding out why an `EventSource` was refused. Browsers hide the HTTP status of a failed
//! `EventSource`, so after a refusal the adapter repeats the request once with `fetch` and reads
//! the status, the error body and `Retry-After`.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, RequestCache, RequestInit, Response};

use super::session_endpoint::response_text;
use crate::connection::Rejection;

/// `GET url` (the events URL with its token): `Some` rejection for an HTTP error answer, `None`
/// when the request succeeds (the body is aborted at once) or the network fails.
pub async fn probe_status(url: &str) -> Option<Rejection> {
    let window = web_sys::window()?;
    let abort = AbortController::new().ok()?;
    let init = RequestInit::new();
    init.set_method("GET");
    init.set_cache(RequestCache::NoStore);
    init.set_signal(Some(&abort.signal()));
    let response = JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await
        .ok()?;
    let response: Response = response.dyn_into().ok()?;
    if response.ok() {
        abort.abort();
        return None;
    }
    let body = response_text(&response).await.unwrap_or_default();
    let retry_after = response.headers().get("Retry-After").ok().flatten();
    Some(Rejection::from_http(
        response.status(),
        &body,
        retry_after.as_deref(),
    ))
}
