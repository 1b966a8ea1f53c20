//! The eleven documented event payloads, plus a catch-all for types the widget does not know.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::ProtocolError;

/// The `channel` object of `conversation.setup`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetupChannel {
    /// `phone`, `chat_realtime` or `chat_async`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Phone channels only.
    pub callee_no: Option<String>,
    /// Phone channels only.
    pub caller_no: Option<String>,
    /// Phone channels only.
    pub recording_url: Option<String>,
}

/// An event's `payload`, discriminated by `payload.type` (operator-api.md §3.4).
///
/// Fields the spec marks as assumed or nullable are lenient: they default when absent; unknown
/// fields are ignored. The derived serde impls cover the known types only: a `type` this widget
/// does not know is kept as [`EventPayload::Unknown`] by [`EventPayload::from_value`] (and so by
/// [`super::Event`]), and serialising `Unknown` is an error.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum EventPayload {
    /// `conversation.setup`: the conversation is being set up.
    #[serde(rename = "conversation.setup")]
    ConversationSetup {
        /// The channel the conversation runs on.
        channel: SetupChannel,
        /// `inbound` or `outbound`, from Operator's point of view.
        direction: String,
    },
    /// `conversation.started`: the user is connected.
    #[serde(rename = "conversation.started")]
    ConversationStarted,
    /// `conversation.context.updated`: the agent applied a context update.
    #[serde(rename = "conversation.context.updated")]
    ContextUpdated {
        /// The merged context (assumed field; `null` when absent).
        #[serde(default)]
        context: Value,
    },
    /// `agent.notice.sent`: a system-level notice from the agent.
    #[serde(rename = "agent.notice.sent")]
    NoticeSent {
        /// The notice text (assumed field; empty when absent).
        #[serde(default)]
        text: String,
    },
    /// `agent.message.delta`: the next piece of an agent message.
    #[serde(rename = "agent.message.delta")]
    AgentMessageDelta {
        /// The increment (not the text so far).
        text_delta: String,
        /// Ties the deltas to their completion.
        generation_id: String,
    },
    /// `agent.message.completed`: the authoritative final text of an agent message.
    #[serde(rename = "agent.message.completed")]
    AgentMessageCompleted {
        /// The final text; replaces the joined deltas.
        text: String,
        /// Whether the message was cut short.
        #[serde(default)]
        interrupted: bool,
        /// Whether this generation also made tool calls.
        #[serde(default)]
        has_tool_calls: bool,
        /// The generation this completes.
        generation_id: String,
    },
    /// `agent.tool_call.created`: the agent started a tool call.
    #[serde(rename = "agent.tool_call.created")]
    ToolCallCreated {
        /// Ties creation and return together.
        call_id: String,
        /// Tool name.
        name: String,
        /// JSON-encoded arguments, treated as opaque text.
        #[serde(default)]
        arguments: String,
    },
    /// `agent.tool_call.returned`: a tool call finished.
    #[serde(rename = "agent.tool_call.returned")]
    ToolCallReturned {
        /// Ties creation and return together.
        call_id: String,
        /// Tool name.
        name: String,
        /// JSON-encoded arguments, treated as opaque text.
        #[serde(default)]
        arguments: String,
        /// The result text; absent or `null` when the call failed.
        result: Option<String>,
        /// The error text; absent or `null` when the call succeeded.
        error: Option<String>,
    },
    /// `user.message.received`: the server acknowledged a user message. It carries the text
    /// only (no client message id: an emulator's `client_message_id` extension is ignored), so
    /// the transcript matches it to a sent message by order and text.
    #[serde(rename = "user.message.received")]
    UserMessageReceived {
        /// The user's text.
        text: String,
    },
    /// `conversation.ended`: the conversation is over.
    #[serde(rename = "conversation.ended")]
    ConversationEnded {
        /// Why it ended (assumed, optional).
        reason: Option<String>,
    },
    /// `server.error`: the server failed to handle something.
    #[serde(rename = "server.error")]
    ServerError {
        /// Human-readable message.
        #[serde(default)]
        message: String,
        /// Machine-readable code, when given.
        code: Option<String>,
    },
    /// A `payload.type` this widget does not know. Kept, never fatal; the reducer ignores it.
    #[serde(skip)]
    Unknown {
        /// The `payload.type` as received.
        kind: String,
    },
}

const KNOWN: [&str; 11] = [
    "conversation.setup",
    "conversation.started",
    "conversation.context.updated",
    "agent.notice.sent",
    "agent.message.delta",
    "agent.message.completed",
    "agent.tool_call.created",
    "agent.tool_call.returned",
    "user.message.received",
    "conversation.ended",
    "server.error",
];

impl EventPayload {
    /// Decodes a payload object; unknown `type` values become [`EventPayload::Unknown`].
    pub fn from_value(value: Value) -> Result<EventPayload, ProtocolError> {
        let kind = match value.get("type") {
            Some(Value::String(kind)) => kind.clone(),
            _ => {
                return Err(ProtocolError::Malformed {
                    what: "event payload",
                    detail: "`payload.type` is missing or not a string".into(),
                })
            }
        };
        if !KNOWN.contains(&kind.as_str()) {
            return Ok(EventPayload::Unknown { kind });
        }
        EventPayload::deserialize(value).map_err(|e| ProtocolError::InvalidPayload {
            kind,
            detail: e.to_string(),
        })
    }

    /// The `payload.type` string.
    pub fn kind(&self) -> &str {
        match self {
            EventPayload::ConversationSetup { .. } => KNOWN[0],
            EventPayload::ConversationStarted => KNOWN[1],
            EventPayload::ContextUpdated { .. } => KNOWN[2],
            EventPayload::NoticeSent { .. } => KNOWN[3],
            EventPayload::AgentMessageDelta { .. } => KNOWN[4],
            EventPayload::AgentMessageCompleted { .. } => KNOWN[5],
            EventPayload::ToolCallCreated { .. } => KNOWN[6],
            EventPayload::ToolCallReturned { .. } => KNOWN[7],
            EventPayload::UserMessageReceived { .. } => KNOWN[8],
            EventPayload::ConversationEnded { .. } => KNOWN[9],
            EventPayload::ServerError { .. } => KNOWN[10],
            EventPayload::Unknown { kind } => kind,
        }
    }
}
