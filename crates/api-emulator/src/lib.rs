//! A faithful local emulator of the Operator API (version `2025-06-19`): conversational agents,
//! conversations, ephemeral tokens, the events SSE stream, the real-time session WebSocket and the
//! async session, with a deterministic scripted agent and test-only fault injection.
//!
//! It follows `shared/operator-api.md`; every choice the docs leave open is a named constant
//! in [`assumptions`]. See the crate README for the route list and what is not emulated.
//!
//! # Example
//!
//! ```no_run
//! use api_emulator::{spawn, EmulatorConfig, DEFAULT_API_KEY, SEEDED_AGENT_ID};
//!
//! # async fn demo() -> std::io::Result<()> {
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! let config = EmulatorConfig {
//!     admin_key: Some("admin-secret".into()),
//!     agent_delta_interval: std::time::Duration::from_millis(5),
//!     ..EmulatorConfig::default()
//! };
//! let addr = spawn(listener, config).await?;
//!
//! // A backend creates a chat conversation with the API key ...
//! //   POST http://{addr}/conversations
//! //   Authorization: Bearer op_test_emulator_key_0123456789
//! //   Operator-Version: 2025-06-19
//! //   {"agent_id": "ca_demoAgent0001", "channel": {"type": "chat_realtime"}}
//! // ... and hands `channel.token`, `channel.events_url` and `channel.session_url` to the
//! // browser, which opens `events_url?token=…` (SSE) and `session_url?token=…` (WebSocket)
//! // and sends {"id":"c1","payload":{"type":"conversation.start"}}.
//! println!("emulator on http://{addr}, key {DEFAULT_API_KEY}, agent {SEEDED_AGENT_ID}");
//! # Ok(()) }
//! ```
//!
//! With the `operator-emulator` binary: `operator-emulator --port 0 --admin-key secret` prints
//! `operator-emulator listening on http://127.0.0.1:PORT` first.

mod agent;
mod app;
pub mod assumptions;
mod auth;
mod config;
pub mod error;
mod extract;
pub mod faults;
mod feed;
mod ids;
mod routes;
mod state;
mod urls;

#[cfg(test)]
mod tests;

pub use app::{router, spawn};
pub use config::{EmulatorConfig, DEFAULT_API_KEY, SEEDED_AGENT_ID};
