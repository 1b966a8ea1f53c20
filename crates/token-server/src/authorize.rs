//! The host-app hook: who is calling, and may they chat?
//!
//! Plug real auth in by implementing [`Authorize`] over your own session: read your session
//! cookie or `Authorization` header from `headers`, look the user up, and answer a stable
//! [`CallerId`] (it keys the caller's current conversation and the rate limit).

use axum::http::HeaderMap;
use futures_util::future::BoxFuture;

use crate::error::MintError;

/// A stable, non-secret identifier for the calling user (e.g. your user id).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CallerId(pub String);

/// Why a caller may not mint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// Not signed in, or the credentials are invalid (answered 401).
    Unauthenticated(String),
    /// Signed in but not allowed to chat (answered 403).
    Forbidden(String),
}

impl From<Refused> for MintError {
    fn from(refused: Refused) -> Self {
        match refused {
            Refused::Unauthenticated(why) => MintError::Unauthorized(why),
            Refused::Forbidden(why) => MintError::Forbidden(why),
        }
    }
}

/// Decides who the caller is from the request headers. Called before anything is minted.
///
/// ```
/// use axum::http::HeaderMap;
/// use futures_util::future::BoxFuture;
/// use token_server::{Authorize, CallerId, Refused};
///
/// /// Trusts an `X-User` header set by an authenticating reverse proxy.
/// struct ProxyAuth;
///
/// impl Authorize for ProxyAuth {
///     fn caller<'a>(&'a self, headers: &'a HeaderMap) -> BoxFuture<'a, Result<CallerId, Refused>> {
///         Box::pin(async move {
///             match headers.get("x-user").and_then(|v| v.to_str().ok()) {
///                 Some(user) if !user.is_empty() => Ok(CallerId(user.to_owned())),
///                 _ => Err(Refused::Unauthenticated("no X-User header".into())),
///             }
///         })
///     }
/// }
/// ```
pub trait Authorize: Send + Sync + 'static {
    /// The caller's id, or why they are refused.
    fn caller<'a>(&'a self, headers: &'a HeaderMap) -> BoxFuture<'a, Result<CallerId, Refused>>;
}
