//! operator-chat: a live chat with an Operator conversational agent, compiled to WebAssembly.
//! The browser only ever holds an ephemeral conversation token.
//!
//! The widget is one Leptos component, `OperatorChat`. Rust apps render it in their own view;
//! the npm package's JS API (`mount()`, the `<operator-chat>` element) renders the same
//! component into a shadow root.
//!
//! # Three ways to use it
//!
//! A host app's backend exposes a session endpoint (see the `token-server` crate) that mints a
//! token for one conversation; the widget does the rest. The crate's features are Leptos' own,
//! and additive:
//!
//! - **Client-side** (Leptos CSR): the default feature `csr`; render `OperatorChat` in your view
//!   (below).
//! - **Server-rendered with hydration** (leptos_axum, cargo-leptos): `default-features = false`,
//!   with `ssr` in the server build and `hydrate` in the browser build (forward them from your
//!   app's own `ssr`/`hydrate` features). On the server the component renders its launcher and
//!   panel markup (closed, idle) and touches no browser API and fetches no token; put
//!   `STYLE_CSS` in a `<style>` of your page's head so that markup is styled before the wasm
//!   arrives. In the browser it hydrates that markup, then runs as client-side. The
//!   repository's `examples/ssr-axum` is such an app, with the mint in the same axum router.
//! - **JS / npm**: the npm package built from this crate with the default features, with its
//!   `mount()` API and `<operator-chat>` element (module `js_api`, compiled for the browser with
//!   `csr` only).
//!
//!
//! ```
//! # #[cfg(feature = "ssr")] {
//! use leptos::prelude::*;
//! use operator_chat::OperatorChat;
//!
//! #[component]
//! fn App() -> impl IntoView {
//!     view! {
//!         <main>
//!             <h1>"Acme support"</h1>
//!             <OperatorChat
//!                 session_endpoint="/operator/session"
//!                 title="Ask Acme"
//!                 placeholder="Type your question…"
//!                 on_error=move |err| leptos::logging::warn!("chat error: {err}")
//!             />
//!         </main>
//!     }
//! }
//! # }
//! ```
//!
//! Browser APIs run only in a browser build (wasm32 with `csr` or `hydrate`); with `ssr` the
//! component is compiled natively and renders to HTML:
//!
//! ```
//! # #[cfg(feature = "ssr")] {
//! // operator-chat = { default-features = false, features = ["ssr"] }
//! use leptos::prelude::*;
//! use operator_chat::OperatorChat;
//!
//! let html = Owner::new().with(|| view! { <OperatorChat session_endpoint="/operator/session" /> }.to_html());
//! assert!(html.contains(r#"data-testid="launcher""#));
//! # }
//! ```
//!
//! # The pure core
//!
//! Everything that decides *what* happens is plain Rust with no browser types, tested natively:
//!
//! - [`protocol`]: the wire format (events, client messages, session and error bodies).
//! - [`transcript`]: the reducer, events in, transcript out, idempotent by event id. The events
//!   stream has no cursor: every connect replays the conversation from its first event, and the
//!   reducer skips the events it already applied (rows on screen are not touched again). The
//!   service acknowledges a user message with its text only, so the transcript confirms the
//!   oldest sent message with that text.
//! - [`connection`]: the policy state machine (backoff with jitter, `Retry-After`, token refresh,
//!   outgoing queue, messages unconfirmed after a drop), and [`Conversation`], which wires it to
//!   the transcript.
//! - [`token`]: credentials, token-source errors and refresh timing.
//!
//! A browser adapter owns a [`Conversation`], turns browser happenings into [`Input`]s and
//! carries out the [`Command`]s it gets back:
//!
//! ```
//! use operator_chat::connection::{Channel, Command, Conversation, Input, Policy, PolicyConfig,
//!     SplitMix64};
//! use operator_chat::protocol::SessionResponse;
//! use operator_chat::token::Credentials;
//! use operator_chat::transcript::EntryKind;
//!
//! let policy = Policy::new(PolicyConfig::default(), Box::new(SplitMix64(7)));
//! let mut chat = Conversation::new(policy, "c_k3x9");
//! let now = 1_751_371_200_000; // Date.now()
//!
//! // Mount: the policy asks for a token; the adapter calls the token source.
//! let update = chat.handle(Input::Start, now);
//! assert!(update.commands.contains(&Command::FetchToken));
//! let body = r#"{"conversation_id":"conv_1","token":"tok_abc","expires_at":"2025-07-01T15:00:00Z",
//!     "events_url":"http://127.0.0.1:4010/conversations/conv_1/events",
//!     "session_url":"ws://127.0.0.1:4010/conversations/conv_1/session"}"#;
//! let credentials = Credentials::from(SessionResponse::from_json(body)?);
//! let update = chat.handle(Input::TokenFetched(credentials), now);
//!
//! // The adapter opens the events stream and a WebSocket on these URLs, tagged with `connection`.
//! let Some(Command::Connect { connection, events_url, .. }) = update.commands.iter()
//!     .find(|c| matches!(c, Command::Connect { .. })).cloned() else { unreachable!() };
//! assert_eq!(events_url, "http://127.0.0.1:4010/conversations/conv_1/events?token=tok_abc");
//! chat.handle(Input::Opened(connection, Channel::Events), now);
//! let update = chat.handle(Input::Opened(connection, Channel::Session), now);
//! // Open: a fresh conversation is started over the socket.
//! assert!(matches!(&update.commands[1], Command::Send(m) if m.id == "c_start_conv_1"));
//!
//! // The user types; the row shows at once and the message goes out.
//! let update = chat.send_text("Where is my order?", now + 1_000);
//! assert!(matches!(&update.commands[..], [Command::Send(m)] if m.id == "c_k3x9_1"));
//!
//! // Frames from the events stream update the transcript; a replayed id changes nothing.
//! let frame = r#"{"id":"ev_1","created_at":"2025-07-01T12:00:02Z","agent_id":"ca_1@v0",
//!     "livemode":true,"conversation_id":"conv_1","experimental":false,
//!     "payload":{"type":"agent.message.delta","text_delta":"Let me check","generation_id":"g1"}}"#;
//! let update = chat.receive_frame(frame)?;
//! assert!(chat.transcript().agent_streaming());
//! assert!(chat.receive_frame(frame)?.changes.is_empty(), "the replay of ev_1 changes nothing");
//! let row = &chat.transcript().entries()[1];
//! assert!(matches!(&row.kind, EntryKind::Agent(m) if m.text == "Let me check"));
//! # let _ = update;
//! # Ok::<(), operator_chat::protocol::ProtocolError>(())
//! ```
//!
//! ## What the adapter must do
//!
//! - `Connect`: close any previous transports, open the events stream (the widget reads it with
//!   `fetch()` and parses it with [`protocol::SseParser`]) and the session `WebSocket`, and
//!   report `Opened`/`Closed`/`Rejected` with the given [`connection::ConnectionId`] (reports
//!   about older ids are ignored, so replaced sockets need no special care).
//! - An HTTP error answer to the events request is `Rejected` (its status, error body and
//!   `Retry-After` via [`connection::Rejection::from_http`]); a stream that fails or ends is
//!   `Closed`, and is not reopened by the adapter (the policy reconnects). Browsers hide the
//!   HTTP status of a refused `WebSocket`: for a failure before open the policy asks for a
//!   `Probe` (a `fetch` of the events URL), and a WebSocket close code 1008 (token expired or
//!   replaced) is reported via [`connection::Rejection::unauthorized`]. The policy fetches a
//!   new token after repeated failed connects.
//! - `ScheduleTimer`: `setTimeout` and report `TimerFired` with the same id (no cancelling needed).
//!   Report `Tick` when the tab becomes visible again, in case timers were throttled.
//! - Feed [`Conversation::receive_frame`] with the events stream's `data:` frames: after every
//!   (re)connect the stream replays the whole conversation, and frames already applied come
//!   back as an empty [`Update`](connection::Update). The session socket carries the same
//!   events, but its live ones can overtake the stream's replay after a reconnect (which would
//!   put deltas out of order), so render from the stream only.
//! - After a page reload, give the restored conversation the last event id the earlier page
//!   showed ([`Conversation::with_history_until`]), so the replayed acknowledgements of its
//!   messages do not confirm messages written since.
//! - `Send`: write the JSON text to the socket; if that throws, call
//!   [`Conversation::send_failed`].
//! - Render [`Update::changes`](connection::Update) incrementally: `Added(i)` appends row `i`,
//!   `Updated(i)` re-renders it.
// The transcript's nested keyed lists (`ChunkedFor`: groups, chunks, rows) make the hydrate
// build's view types deeper than rustc's default query depth allows.
#![recursion_limit = "256"]
#![deny(missing_docs)]

pub mod connection;
#[cfg(all(oc_browser, feature = "csr"))]
pub mod js_api;
pub mod markdown;
pub mod protocol;
pub mod token;
pub mod transcript;
#[cfg(oc_ui)]
pub mod transport;
// A server build compiles the browser side (so the component type-checks alike) but runs none.
#[cfg(oc_ui)]
#[cfg_attr(not(oc_browser), allow(dead_code))]
mod ui;
// The texts live beside the view code but are pure, so they are compiled (and tested) natively.
#[path = "ui/strings.rs"]
mod strings;
// What `persist` keeps is pure too (its storage is wasm-only, in `ui/persist.rs`).
#[path = "ui/saved.rs"]
mod saved;

/// The build script's CSS minifier, compiled here only for its tests.
#[cfg(test)]
mod minify_css;

/// Property tests keep their failure seeds beside their source (`<file>.regressions`).
#[cfg(all(test, not(target_arch = "wasm32")))]
fn proptest_config() -> proptest::test_runner::Config {
    proptest::test_runner::Config {
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::WithSource("regressions"),
        )),
        ..proptest::test_runner::Config::default()
    }
}

pub use connection::{Command, Conversation, Input};
/// Every user-visible text of the widget (English by default), for the `strings` prop of
/// `OperatorChat` and the JS API's `options.locale`.
pub use strings::Strings;
#[cfg(oc_ui)]
pub use ui::OperatorChat;
#[cfg(oc_ui)]
pub use ui::{
    adopt_styles, clear_persisted, ChatController, ChatError, ChatMessage, Control, Loading,
    MessageRole, TokenSourceFn, STYLE_CSS,
};
