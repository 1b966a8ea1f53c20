//! Every choice the Operator docs leave open (operator-api.md §13, "NOT DOCUMENTED") and every
//! override from issue 2, as named constants in one place. Change them here if the real service
//! turns out to differ. The emulator's extensions beyond the docs are listed on
//! [`crate::EmulatorConfig::extensions`].

use std::time::Duration;

/// The only `Operator-Version` the emulator accepts (FACT: the enum has one value).
pub const API_VERSION: &str = "2025-06-19";

/// A4: default lifetime of an ephemeral token (FACT: 3 hours by default).
pub const DEFAULT_TOKEN_TTL: Duration = Duration::from_secs(3 * 60 * 60);
/// A4: token strings are opaque; the emulator uses this prefix ...
pub const TOKEN_PREFIX: &str = "tok_";
/// ... followed by this many random alphanumerics.
pub const TOKEN_RANDOM_LEN: usize = 32;

/// A9: SSE keep-alive comments are sent this often while a stream is idle.
pub const DEFAULT_KEEPALIVE_INTERVAL: Duration = Duration::from_secs(15);
/// A9: the text of the keep-alive comment line (`: keep-alive`).
pub const KEEPALIVE_COMMENT: &str = "keep-alive";

/// Pace between streamed `agent.message.delta` events of the scripted agent.
pub const DEFAULT_AGENT_DELTA_INTERVAL: Duration = Duration::from_millis(25);

/// A28: conversations (and agents) per list page; newest first, `cursor: null` at the end.
pub const PAGE_SIZE: usize = 20;

/// Largest accepted HTTP request body and WebSocket client message (bytes). Larger HTTP bodies
/// get `413 payload_too_large`; larger socket messages get a `server.error` event.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// Hard limit of the WebSocket transport itself; messages between [`MAX_BODY_BYTES`] and this get
/// a `server.error`, larger ones drop the connection (tungstenite refuses them).
pub const WS_TRANSPORT_LIMIT_BYTES: usize = 16 * 1024 * 1024;

/// A27: status of a successful `DELETE` (the docs page says 200, the setup page 204).
pub const DELETE_STATUS: u16 = 204;

/// Issue 2 override of §2.3: a token used on another conversation's URL gets `403 forbidden`.
pub const OTHER_CONVERSATION_TOKEN_STATUS: u16 = 403;

/// A14: close code after `conversation.ended`, and for a socket to an ended conversation.
pub const WS_CLOSE_NORMAL: u16 = 1000;

/// A14: close code when the token is replaced while the socket is open (sent by the
/// `close_connections` fault), with this reason.
pub const WS_CLOSE_TOKEN_REPLACED: u16 = 1008;
/// The reason text of a [`WS_CLOSE_TOKEN_REPLACED`] close frame.
pub const WS_CLOSE_TOKEN_REPLACED_REASON: &str = "token replaced";

/// A8: every events connect replays from the first event; `Last-Event-ID` and `?after=` are
/// ignored. Extension (`extensions` on): resume exactly after that event, `Last-Event-ID`
/// winning when both are present (a browser sends the newer one on reconnect).
pub const RESUME_HEADER_WINS_OVER_QUERY: bool = true;

/// A19: the recording notice the scripted agent sends when a conversation starts.
pub const RECORDING_NOTICE: &str = "This chat may be recorded for quality and training purposes.";

/// The scripted agent's greeting after `conversation.start`.
pub const GREETING: &str = "Hi! I'm the Operator demo agent. How can I help you today?";

/// A20: `conversation.ended.reason` when the client sends `conversation.end`.
pub const END_REASON_USER: &str = "user_ended";
/// A20: `conversation.ended.reason` when the agent ends the chat (user said "bye").
pub const END_REASON_AGENT: &str = "agent_ended";

/// `Retry-After` seconds for injected 429/503 answers when the fault names none.
pub const DEFAULT_RETRY_AFTER_S: u64 = 1;

/// Largest N accepted by the scripted agent's `/stream <N>` command.
pub const MAX_STREAM_DELTAS: usize = 50_000;
