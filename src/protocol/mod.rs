//! The Operator wire format, as the widget sees it: server events, client session messages,
//! the token endpoint's response and error bodies, the events stream's SSE framing, timestamps and
//! URL helpers.
//!
//! Every type derives its JSON shape with serde (unknown fields are ignored), is parsed from JSON
//! text and never panics on bad input: malformed data gives a [`ProtocolError`]. Unknown event
//! types are kept as [`EventPayload::Unknown`].

mod client;
mod error;
mod event;
mod payload;
mod raw_json;
mod session;
mod sse;
mod time;
mod url;

#[cfg(test)]
mod fixture_tests;
#[cfg(test)]
mod parse_tests;
#[cfg(test)]
mod sse_tests;

pub use client::{ClientMessage, ClientPayload};
pub use error::ProtocolError;
pub use event::Event;
pub use payload::{EventPayload, SetupChannel};
pub use raw_json::RawJson;
pub use session::{ChatChannel, ErrorBody, SessionResponse};
pub use sse::{SseMessage, SseParser};
pub use time::parse_rfc3339_millis;
pub use url::{events_url, percent_encode, redact_tokens, session_url, REDACTED};
