//! Token lifecycle: the credentials a token source hands the widget, typed token-source errors,
//! and when to refresh ahead of `expires_at`.
//!
//! The API key never reaches this code: a token source (by default the host backend's
//! `POST /operator/session`) returns [`Credentials`] for one conversation.

mod credentials;
mod error;
mod refresh;
mod source;

pub use credentials::Credentials;
pub use error::{parse_retry_after, TokenError};
pub use refresh::refresh_delay_ms;
pub use source::{TokenFuture, TokenSource};
