//! The JSON body of `POST /_emulator/faults`.

use serde::{Deserialize, Serialize};

/// Which streaming transport a fault targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Transport {
    /// `GET /conversations/{id}/events`.
    Sse,
    /// `GET /conversations/{id}/session` (WebSocket).
    Ws,
    /// The SSE answer of `POST /conversations/{id}/session` (`chat_async`).
    Async,
}

/// One fault, tagged by `kind`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum FaultSpec {
    /// End the next SSE stream (of the conversation, or any) after N more events.
    DropSse {
        /// Events still delivered before the body ends.
        after_events: u32,
        /// Limit to one conversation.
        #[serde(default)]
        conversation_id: Option<String>,
    },
    /// Close the next WebSocket abruptly (no close frame) after N more events.
    DropWs {
        /// Events still delivered before the socket drops.
        after_events: u32,
        /// Limit to one conversation.
        #[serde(default)]
        conversation_id: Option<String>,
    },
    /// End the next `chat_async` session answer (`POST …/session`) abruptly after N more
    /// events (the agent's turn goes on; the events stream still has it). The answer has
    /// started even with N = 0: its status line goes out before the cut.
    DropAsync {
        /// Events still delivered before the body ends.
        after_events: u32,
        /// Limit to one conversation.
        #[serde(default)]
        conversation_id: Option<String>,
    },
    /// Answer the next `count` matching requests with `status` (429, 500, 502 or 503).
    HttpStatus {
        /// HTTP status.
        status: u16,
        /// How many requests.
        count: u32,
        /// `Retry-After` seconds (default 1).
        #[serde(default)]
        retry_after_s: Option<u64>,
        /// Only requests whose path starts with this.
        #[serde(default)]
        path_prefix: Option<String>,
    },
    /// Revoke the conversation's active token now.
    RevokeToken {
        /// The conversation.
        conversation_id: String,
    },
    /// Expire the conversation's active token now.
    ExpireToken {
        /// The conversation.
        conversation_id: String,
    },
    /// Change the pause between agent deltas (until faults are cleared).
    SlowAgent {
        /// Pause in milliseconds; fractions allowed (0.5 = 2,000 deltas/s), at most 60 000.
        delta_interval_ms: f64,
        /// Limit to one conversation.
        #[serde(default)]
        conversation_id: Option<String>,
    },
    /// Lose the conversation's next client message in transit, before the service reads it:
    /// the session socket it arrives on drops abruptly (no close frame), or for `chat_async`
    /// its `POST …/session` connection is cut before any answer.
    LoseMessage {
        /// The conversation.
        conversation_id: String,
    },
    /// Close every connection of the conversation that is open now, cleanly: session sockets
    /// get a `1008` close frame (A14: token replaced), events streams end their body. New
    /// connections are not affected; pair it with `revoke_token` (or a refresh) for the
    /// "token replaced while open" path.
    CloseConnections {
        /// The conversation.
        conversation_id: String,
    },
    /// Send one frame that is not valid JSON on the conversation's open (or next) stream.
    MalformedFrame {
        /// The conversation.
        conversation_id: String,
        /// `sse`, `ws` or `async`.
        target: Transport,
    },
}

/// Statuses `http_status` may inject.
pub const INJECTABLE_STATUSES: [u16; 4] = [429, 500, 502, 503];
