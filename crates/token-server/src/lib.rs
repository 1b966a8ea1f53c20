//! The companion backend of operator-chat: the browser asks it for a chat token, it asks
//! Operator with the API key, and the key never leaves the server.
//!
//! Two layers, kept apart:
//!
//! 1. **The snippet** — [`mint()`] (`POST /operator/session`) in `mint.rs`, with its
//!    [`Upstream`] client, [`MintError`] and the [`Authorize`] hook. It asks the hook who the
//!    caller is, creates a conversation on the configured [`ChatChannel`] (`chat_realtime` by
//!    default, `chat_async` with [`MintState::with_channel`] / `OPERATOR_CHANNEL`) for the
//!    configured agent (or reuses the caller's current one, named by a signed `opchat_conv`
//!    cookie, while it has not ended and is on that channel), mints a token with
//!    `POST /conversations/{id}/token/refresh`, and answers
//!    `{conversation_id, channel, token, expires_at, events_url, session_url}` with
//!    `Cache-Control: no-store`; `session_url` (realtime only) is on Operator's session host
//!    ([`DEFAULT_SESSION_BASE_URL`], or [`Upstream::with_session_base_url`]). It keeps no state
//!    of its own ([`ConversationCookie`]), so instances sharing `OPERATOR_SESSION_SECRET` behave
//!    as one. Copy it into your own axum app.
//! 2. **The dev server** — [`app()`] and the `token-server` binary: the snippet plus the demo
//!    cookie login ([`DemoCookieAuth`], `GET /demo/login`), static files for `www/` and `pkg/`
//!    ([`StaticDirs`]),
//!    a `Host` check (its own origins only), an exact-origin CORS allow-list, rate limits per
//!    client address and per caller, timeouts, body limits, redacted logs ([`Redactor`]) and
//!    graceful shutdown. It is served through [`serve`] (shared with the emulator): a
//!    header-read timeout, an idle timeout and a cap on open connections ([`ConnectionLimits`]). The demo auth only ever listens on loopback unless told otherwise.
//!
//! ```no_run
//! use std::sync::Arc;
//! use axum::{routing::post, Router};
//! use token_server::{mint, DemoCookieAuth, MintState, Upstream};
//!
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! let key = std::env::var("OPERATOR_API_KEY")?;
//! let upstream = Upstream::new("https://api.operator.xyz", &key)?;
//! // Replace DemoCookieAuth with your own `Authorize` implementation.
//! let auth = Arc::new(DemoCookieAuth::random());
//! let state = Arc::new(MintState::new(auth, upstream, "ca_8qm9JBCiTe7"));
//! let app: Router = Router::new().route("/operator/session", post(mint)).with_state(state);
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
//! axum::serve(listener, app).await?;
//! # Ok(()) }
//! ```
#![deny(missing_docs)]

mod app;
mod authorize;
mod channel;
mod config;
mod conversation_cookie;
mod demo_auth;
mod error;
mod mint;
mod origins;
mod rate_limit;
mod redact;
mod server;
mod shutdown;
mod static_files;
mod upstream;

pub use api_emulator::{serve, ConnectionLimits};
pub use app::{app, AppState, BODY_LIMIT};
pub use authorize::{Authorize, CallerId, Refused};
pub use channel::{ChatChannel, UnknownChannel};
pub use config::{is_loopback_host, Config, ConfigError, Flags};
pub use conversation_cookie::{cookie, is_https, ConversationCookie, CONVERSATION_COOKIE};
pub use demo_auth::{demo_login, DemoCookieAuth, COOKIE_NAME};
pub use error::MintError;
pub use mint::{mint, Conversation, MintState, Session};
pub use origins::{check_host, check_origin, normalize_origin, AllowedOrigins, OriginError};
pub use rate_limit::{spawn_sweeper, ClientKey, Limiter, RateLimit, DEFAULT_CAPACITY};
pub use redact::{RedactingMakeWriter, RedactingWriter, Redactor};
pub use server::{bind, effective_api_key, secrets, Bound, ServeError, REQUEST_TIMEOUT};
pub use shutdown::shutdown_signal;
pub use static_files::{static_headers, static_router, PageLogin, StaticDirs};
pub use upstream::{
    is_final_status, ConversationStatus, Created, CreatedChannel, Minted, Upstream,
    DEFAULT_SESSION_BASE_URL, OPERATOR_VERSION, UPSTREAM_BODY_LIMIT, UPSTREAM_CALL_TIMEOUT,
    UPSTREAM_TOTAL_TIMEOUT,
};
