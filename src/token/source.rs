//! The token source abstraction: anything that can fetch fresh credentials asynchronously.

use std::future::Future;
use std::pin::Pin;

use super::{Credentials, TokenError};

/// The future a [`TokenSource`] returns. Not `Send`: in the browser everything runs on one thread.
pub type TokenFuture = Pin<Box<dyn Future<Output = Result<Credentials, TokenError>>>>;

/// Fetches credentials for the conversation; called at start, before expiry and after the service
/// rejects a token. The default browser implementation posts to the host's session endpoint with
/// `credentials: "include"`; a host app may pass its own.
pub trait TokenSource {
    /// Starts one fetch.
    fn fetch(&self) -> TokenFuture;
}

impl<F> TokenSource for F
where
    F: Fn() -> TokenFuture,
{
    fn fetch(&self) -> TokenFuture {
        self()
    }
}
