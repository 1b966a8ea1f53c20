//! A faithful local emulator of the Operator API (version `2025-06-19`): conversational agents,
//! conversations, ephemeral tokens, the events SSE stream, the real-time session WebSocket and the
//! async session, with a deterministic scripted agent and test-only fault injection.
//!
//! It follows `shared/operator-api.md`; every choice the docs leave open is a named constant
//! in [`assumptions`]. See the crate README for the route list and what is not emulated.
//!
//! # Example
//!
//! A backend creates a chat conversation with the API key and hands the token and URLs to the
//! browser, which opens `events_url?token=…` (SSE) and `session_url?token=…` (WebSocket) and
//! sends `{"id":"c1","payload":{"type":"conversation.start"}}`:
//!
//! ```
//! use api_emulator::{spawn, EmulatorConfig, DEFAULT_API_KEY, SEEDED_AGENT_ID};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! let config = EmulatorConfig {
//!     admin_key: Some("admin-secret".into()), // enables /_emulator/* fault injection
//!     agent_delta_interval: std::time::Duration::from_millis(5),
//!     ..EmulatorConfig::default()
//! };
//! let addr = spawn(listener, config).await?;
//!
//! let created: serde_json::Value = reqwest::Client::new()
//!     .post(format!("http://{addr}/conversations"))
//!     .bearer_auth(DEFAULT_API_KEY)
//!     .header("Operator-Version", "2025-06-19")
//!     .json(&serde_json::json!({
//!         "agent_id": SEEDED_AGENT_ID,
//!         "channel": { "type": "chat_realtime" },
//!     }))
//!     .send()
//!     .await?
//!     .json()
//!     .await?;
//! let channel = &created["channel"];
//! assert!(channel["token"].as_str().is_some_and(|t| t.starts_with("tok_")));
//! assert_eq!(
//!     channel["session_url"],
//!     format!("ws://{addr}/conversations/{}/session", created["id"].as_str().unwrap_or_default())
//! );
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
