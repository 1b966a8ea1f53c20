//! The default token source: `POST` to the host backend's session endpoint with the page's
//! cookies (`credentials: "include"`). No `Authorization` header is ever set, and no API key is
//! involved: the endpoint answers with a token for one conversation.

use gloo_net::http::{Request, Response};
use web_sys::{RequestCache, RequestCredentials};

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
    let response = Request::post(url)
        .credentials(RequestCredentials::Include)
        .cache(RequestCache::NoStore)
        .header("Content-Type", "application/json")
        .body("{}")
        .map_err(|e| TokenError::network(gloo_detail(&e)))?
        .send()
        .await
        .map_err(|e| {
            TokenError::network(format!(
                "could not reach the session endpoint: {}",
                gloo_detail(&e)
            ))
        })?;
    let body = response_text(&response).await?;
    if response.ok() {
        let session = SessionResponse::from_json(&body).map_err(TokenError::invalid_response)?;
        return Ok(Credentials::from(session));
    }
    let retry_after = response.headers().get("Retry-After");
    Err(TokenError::from_http(
        response.status(),
        &body,
        retry_after.as_deref(),
    ))
}

/// The body of `response` as text.
pub(crate) async fn response_text(response: &Response) -> Result<String, TokenError> {
    response
        .text()
        .await
        .map_err(|e| TokenError::network(format!("the response was cut off: {}", gloo_detail(&e))))
}

/// The message of a request error, with any `token=` value redacted (a browser may quote a
/// token-bearing URL).
pub(crate) fn gloo_detail(error: &gloo_net::Error) -> String {
    crate::protocol::redact_tokens(&error.to_string())
}
