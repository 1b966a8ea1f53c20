//! The eleven documented event payloads, plus a catch-all for types the widget does not know.

use crate::json::Value;

use super::fields::Fields;
use super::ProtocolError;

/// The `channel` object of `conversation.setup`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetupChannel {
    /// `phone`, `chat_realtime` or `chat_async`.
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
/// Fields the spec marks as assumed or nullable are lenient: they default when absent.
#[derive(Debug, Clone, PartialEq)]
pub enum EventPayload {
    /// `conversation.setup`: the conversation is being set up.
    ConversationSetup {
        /// The channel the conversation runs on.
        channel: SetupChannel,
        /// `inbound` or `outbound`, from Operator's point of view.
        direction: String,
    },
    /// `conversation.started`: the user is connected.
    ConversationStarted,
    /// `conversation.context.updated`: the agent applied a context update.
    ContextUpdated {
        /// The merged context (assumed field; `null` when absent).
        context: Value,
    },
    /// `agent.notice.sent`: a system-level notice from the agent.
    NoticeSent {
        /// The notice text (assumed field; empty when absent).
        text: String,
    },
    /// `agent.message.delta`: the next piece of an agent message.
    AgentMessageDelta {
        /// The increment (not the text so far).
        text_delta: String,
        /// Ties the deltas to their completion.
        generation_id: String,
    },
    /// `agent.message.completed`: the authoritative final text of an agent message.
    AgentMessageCompleted {
        /// The final text; replaces the joined deltas.
        text: String,
        /// Whether the message was cut short.
        interrupted: bool,
        /// Whether this generation also made tool calls.
        has_tool_calls: bool,
        /// The generation this completes.
        generation_id: String,
    },
    /// `agent.tool_call.created`: the agent started a tool call.
    ToolCallCreated {
        /// Ties creation and return together.
        call_id: String,
        /// Tool name.
        name: String,
        /// JSON-encoded arguments, treated as opaque text.
        arguments: String,
    },
    /// `agent.tool_call.returned`: a tool call finished.
    ToolCallReturned {
        /// Ties creation and return together.
        call_id: String,
        /// Tool name.
        name: String,
        /// JSON-encoded arguments, treated as opaque text.
        arguments: String,
        /// The result text; absent or `null` when the call failed.
        result: Option<String>,
        /// The error text; absent or `null` when the call succeeded.
        error: Option<String>,
    },
    /// `user.message.received`: the server acknowledged a user message. It carries the text
    /// only (no client message id: an emulator's `client_message_id` extension is ignored), so
    /// the transcript matches it to a sent message by order and text.
    UserMessageReceived {
        /// The user's text.
        text: String,
    },
    /// `conversation.ended`: the conversation is over.
    ConversationEnded {
        /// Why it ended (assumed, optional).
        reason: Option<String>,
    },
    /// `server.error`: the server failed to handle something.
    ServerError {
        /// Human-readable message.
        message: String,
        /// Machine-readable code, when given.
        code: Option<String>,
    },
    /// A `payload.type` this widget does not know. Kept, never fatal; the reducer ignores it.
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
        decode(&kind, value).map_err(|detail| ProtocolError::InvalidPayload { kind, detail })
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

/// The fields of a known payload `kind`, taken out of its object `value`.
fn decode(kind: &str, value: Value) -> Result<EventPayload, String> {
    let mut f = Fields::of(value)?;
    let payload = match kind {
        "conversation.setup" => {
            let mut channel =
                Fields::of(f.value("channel")?).map_err(|e| format!("field `channel`: {e}"))?;
            EventPayload::ConversationSetup {
                channel: SetupChannel {
                    kind: channel.string("type")?,
                    callee_no: channel.opt_string("callee_no")?,
                    caller_no: channel.opt_string("caller_no")?,
                    recording_url: channel.opt_string("recording_url")?,
                },
                direction: f.string("direction")?,
            }
        }
        "conversation.started" => EventPayload::ConversationStarted,
        "conversation.context.updated" => EventPayload::ContextUpdated {
            context: f.value_or_null("context"),
        },
        "agent.notice.sent" => EventPayload::NoticeSent {
            text: f.string_or_default("text")?,
        },
        "agent.message.delta" => EventPayload::AgentMessageDelta {
            text_delta: f.string("text_delta")?,
            generation_id: f.string("generation_id")?,
        },
        "agent.message.completed" => EventPayload::AgentMessageCompleted {
            text: f.string("text")?,
            interrupted: f.bool_or_default("interrupted")?,
            has_tool_calls: f.bool_or_default("has_tool_calls")?,
            generation_id: f.string("generation_id")?,
        },
        "agent.tool_call.created" => EventPayload::ToolCallCreated {
            call_id: f.string("call_id")?,
            name: f.string("name")?,
            arguments: f.string_or_default("arguments")?,
        },
        "agent.tool_call.returned" => EventPayload::ToolCallReturned {
            call_id: f.string("call_id")?,
            name: f.string("name")?,
            arguments: f.string_or_default("arguments")?,
            result: f.opt_string("result")?,
            error: f.opt_string("error")?,
        },
        "user.message.received" => EventPayload::UserMessageReceived {
            text: f.string("text")?,
        },
        "conversation.ended" => EventPayload::ConversationEnded {
            reason: f.opt_string("reason")?,
        },
        "server.error" => EventPayload::ServerError {
            message: f.string_or_default("message")?,
            code: f.opt_string("code")?,
        },
        other => EventPayload::Unknown {
            kind: other.to_owned(),
        },
    };
    Ok(payload)
}
