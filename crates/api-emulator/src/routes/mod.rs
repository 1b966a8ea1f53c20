//! HTTP handlers, one file per resource or transport.

pub mod admin;
pub mod agents;
pub mod client_message;
pub mod conversations;
pub mod events_sse;
pub mod fallback;
pub mod pagination;
pub mod session_async;
pub mod session_ws;
pub mod tokens;
