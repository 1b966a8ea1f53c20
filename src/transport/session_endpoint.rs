//! The default token source: `POST` to the host backend's session endpoint with the page's
//! cookies (`credentials: "include"`). No `Authorization` header is ever set, and no API key is
//! involved: the endpoint answers with a token for one conversation.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, RequestCache, RequestCredentials, RequestInit, Response};

use super::error::js_detail;
use crate::protocol::SessionResponse;
use crate::token::{Credentials, TokenError, TokenFuture, TokenSource};

/// A [`TokenSource`] that posts to a session endpoint such as `/operator/session`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionEndpoint {
    url: String,
}

impl SessionEndpoint {
    /// A source for this URL (absolute, or relative to the page).
    pub fn new(url: impl Into<String>) -> Self {
        SessionEndpoint { url: url.into() }
    }

    /// The endpoint URL.
    pub fn url(&self) -> &str {
        &self.url
    }
}

impl TokenSource for SessionEndpoint {
    fn fetch(&self) -> TokenFuture {
        let url = self.url.clone();
        Box::pin(async move { fetch_session(&url).await })
    }
}

/// Posts `{}` to `url` and reads the session grant, or a typed error from the error body
/// `{code, transient, message}` and the `Retry-After` header.
pub async fn fetch_session(url: &str) -> Result<Credentials, TokenError> {
    let window = web_sys::window().ok_or_else(|| TokenError::network("no browser window"))?;
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_credentials(RequestCredentials::Include);
    init.set_cache(RequestCache::NoStore);
    let headers = Headers::new().map_err(|e| TokenError::network(js_detail(&e)))?;
    headers
        .set("Content-Type", "application/json")
        .map_err(|e| TokenError::network(js_detail(&e)))?;
    init.set_headers(&headers);
    init.set_body(&wasm_bindgen::JsValue::from_str("{}"));

    let response = JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await
        .map_err(|e| {
            TokenError::network(format!(
                "could not reach the session endpoint: {}",
                js_detail(&e)
            ))
        })?;
    let response: Response = response
        .dyn_into()
        .map_err(|_| TokenError::network("fetch did not return a Response"))?;
    let body = response_text(&response).await?;
    if response.ok() {
        let session = SessionResponse::from_json(&body).map_err(TokenError::invalid_response)?;
        return Ok(Credentials::from(session));
    }
    let retry_after = response.headers().get("Retry-After").ok().flatten();
    Err(TokenError::from_http(
        response.status(),
        &body,
        retry_after.as_deref(),
    ))
}

/// The body of `response` as text.
pub(crate) async fn response_text(response: &Response) -> Result<String, TokenError> {
    let promise = response
        .text()
        .map_err(|e| TokenError::network(js_detail(&e)))?;
    let text = JsFuture::from(promise)
        .await
        .map_err(|e| TokenError::network(format!("the response was cut off: {}", js_detail(&e))))?;
    Ok(text.as_string().unwrap_or_default())
}
