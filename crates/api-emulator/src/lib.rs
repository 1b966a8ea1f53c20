//! A faithful local emulator of the Operator API (version `2025-06-19`): conversational agents,
//! conversations, ephemeral tokens, the events SSE stream, the real-time session WebSocket and the
//! async session, with a deterministic scripted agent and test-only fault injection.
//!
//! It follows `shared/operator-api.md`; every choice the docs leave open is a named constant
//! in [`assumptions`]. Like the real service it has two hosts: the REST host (REST, events SSE,
//! async session, admin routes) and the session host (the session WebSocket only). By default it
//! answers only documented fields; [`EmulatorConfig::extensions`] turns its extensions on. See the
//! crate README for the route list and what is not emulated.
//!
//! # Example
//!
//! A backend creates a chat conversation with the API key and hands the token and URLs to the
//! browser, which opens `events_url?token=…` (SSE) and
//! `<session host>/conversations/{id}/session?token=…` (WebSocket) and sends
//! `{"id":"c1","payload":{"type":"conversation.start"}}`:
//!
//! ```
//! use api_emulator::{spawn, EmulatorConfig, DEFAULT_API_KEY, SEEDED_AGENT_ID};
//! use tokio::net::TcpListener;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let rest = TcpListener::bind("127.0.0.1:0").await?;
//! let session = TcpListener::bind("127.0.0.1:0").await?;
//! let config = EmulatorConfig {
//!     admin_key: Some("admin-secret".into()), // enables /_emulator/* fault injection
//!     agent_delta_interval: std::time::Duration::from_millis(5),
//!     ..EmulatorConfig::default()
//! };
//! let addrs = spawn(rest, session, config).await?;
//!
//! let created: serde_json::Value = reqwest::Client::new()
//!     .post(format!("{}/conversations", addrs.rest_url()))
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
//! let id = created["id"].as_str().unwrap_or_default();
//! let channel = &created["channel"];
//! assert!(channel["token"].as_str().is_some_and(|t| t.starts_with("tok_")));
//! assert_eq!(channel["events_url"], format!("{}/conversations/{id}/events", addrs.rest_url()));
//! // The documented answer has no session URL: the backend builds it from the session host.
//! assert!(channel.get("session_url").is_none());
//! let socket = format!("{}/conversations/{id}/session", addrs.session_url());
//! assert!(socket.starts_with("ws://127.0.0.1:"));
//! # Ok(()) }
//! ```
//!
//! [`spawn`] serves each host through [`serve`] (a header-read timeout, an idle timeout, a cap on
//! open connections) and answers only requests addressed to it ([`OwnHosts`]: its bound
//! address, `localhost` on loopback, and the configured public base URLs).
//!
//! With the `operator-emulator` binary: `operator-emulator --port 0 --session-port 0 --admin-key
//! secret` prints `operator-emulator listening on http://127.0.0.1:PORT` first and
//! `operator-emulator session host ws://127.0.0.1:PORT` second.

mod agent;
mod app;
pub mod assumptions;
mod auth;
mod config;
pub mod error;
mod extract;
pub mod faults;
mod feed;
mod hosts;
mod ids;
mod routes;
mod serve;
mod state;
mod urls;

#[cfg(test)]
mod tests;

pub use app::{routers, spawn, EmulatorAddrs, Routers};
pub use config::{ConfigError, EmulatorConfig, DEFAULT_API_KEY, SEEDED_AGENT_ID};
pub use hosts::{bound_origins, check_hosts, host_forms, request_host, OwnHosts};
pub use serve::{default_max_connections, serve, ConnectionLimits};
