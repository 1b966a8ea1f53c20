//! Conversations (operator-api.md §5).

use std::sync::Arc;

use serde_json::{json, Map, Value};
use time::OffsetDateTime;
use tokio::sync::mpsc;

use super::event_log::EventLog;
use crate::agent::Command;
use crate::ids;

/// `channel.type` of a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChannelType {
    /// Phone call (not emulated beyond the resource).
    Phone,
    /// Real-time chat over the session WebSocket.
    ChatRealtime,
    /// Async chat over `POST /conversations/{id}/session`.
    ChatAsync,
}

impl ChannelType {
    /// Parses a `channel.type` value.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "phone" => Some(Self::Phone),
            "chat_realtime" => Some(Self::ChatRealtime),
            "chat_async" => Some(Self::ChatAsync),
            _ => None,
        }
    }

    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Phone => "phone",
            Self::ChatRealtime => "chat_realtime",
            Self::ChatAsync => "chat_async",
        }
    }

    /// Direction from Operator's point of view: the agent dials phone numbers; chats come in.
    pub fn direction(self) -> &'static str {
        match self {
            Self::Phone => "outbound",
            _ => "inbound",
        }
    }
}

/// Conversation status (A29).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Created, not started.
    Queued,
    /// Started.
    InProgress,
    /// Ended.
    Completed,
}

impl Status {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::InProgress => "in-progress",
            Self::Completed => "completed",
        }
    }
}

/// One conversation.
#[derive(Debug)]
pub struct Conversation {
    /// `conv_…`.
    pub id: String,
    /// Creation order (newest first in lists, and the list cursor).
    pub seq: u64,
    /// Version-specific agent id `ca_x@vN`.
    pub agent_id: String,
    /// Livemode (false = testmode).
    pub livemode: bool,
    /// Channel type.
    pub channel_type: ChannelType,
    /// `callee_no` / `caller_no` / `priority` for phone conversations.
    pub phone: Option<(Value, Value, Value)>,
    /// `override_config` from the create request.
    pub override_config: Option<Value>,
    /// Context, merged by `conversation.context.update`.
    pub context: Map<String, Value>,
    /// Creation time.
    pub created_at: OffsetDateTime,
    /// Start time.
    pub started_at: Option<OffsetDateTime>,
    /// End time.
    pub completed_at: Option<OffsetDateTime>,
    /// Status.
    pub status: Status,
    /// The event log.
    pub log: Arc<EventLog>,
    /// The scripted agent's command queue.
    pub commands: mpsc::UnboundedSender<Command>,
    /// The one active token.
    pub active_token: Option<String>,
}

fn time_or_null(t: Option<OffsetDateTime>) -> Value {
    t.map_or(Value::Null, |t| Value::String(ids::rfc3339(t)))
}

impl Conversation {
    /// The `channel` object of the get response.
    fn channel_json(&self) -> Value {
        match &self.phone {
            Some((callee, caller, _)) => json!({
                "type": "phone", "callee_no": callee, "caller_no": caller, "recording_url": null
            }),
            None => json!({ "type": self.channel_type.as_str() }),
        }
    }

    fn duration_sec(&self) -> Value {
        match (self.started_at, self.completed_at) {
            (Some(s), Some(c)) => json!((c - s).whole_seconds()),
            _ => Value::Null,
        }
    }

    /// `GET /conversations/{id}` body.
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "agent_id": self.agent_id,
            "customer_id": null,
            "channel_type": self.channel_type.as_str(),
            "channel": self.channel_json(),
            "livemode": self.livemode,
            "override_config": self.override_config,
            "created_at": ids::rfc3339(self.created_at),
            "started_at": time_or_null(self.started_at),
            "completed_at": time_or_null(self.completed_at),
            "direction": self.channel_type.direction(),
            "status": self.status.as_str(),
            "failure_reason": null,
            "custom_fields": {},
            "summary": null,
            "duration_sec": self.duration_sec(),
            "sentiment": null,
        })
    }

    /// One item of `GET /conversations`.
    pub fn to_list_item(&self) -> Value {
        json!({
            "id": self.id,
            "agent_id": self.agent_id,
            "customer_id": null,
            "channel_type": self.channel_type.as_str(),
            "livemode": self.livemode,
            "created_at": ids::rfc3339(self.created_at),
            "started_at": time_or_null(self.started_at),
            "completed_at": time_or_null(self.completed_at),
            "direction": self.channel_type.direction(),
            "status": self.status.as_str(),
            "failure_reason": null,
            "custom_fields": {},
            "duration_sec": self.duration_sec(),
            "sentiment": null,
        })
    }
}
