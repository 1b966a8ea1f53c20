//! What a transcript is made of.

/// Where an optimistic user message is in its round trip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserStatus {
    /// Shown locally, waiting in the outgoing queue.
    Pending,
    /// Written to the session socket, not yet acknowledged.
    Sent,
    /// Acknowledged by `user.message.received`.
    Confirmed,
    /// Could not be delivered (e.g. the conversation ended first).
    Failed,
    /// Written over a connection that dropped, and not acknowledged after the reconnect: it may
    /// not have arrived. The user can send it again ([`crate::Conversation::resend`]); a late
    /// acknowledgement still confirms it.
    Unconfirmed,
}

/// A message from the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserMessage {
    /// The client message id, for messages sent from this widget.
    pub client_id: Option<String>,
    /// The text.
    pub text: String,
    /// Round-trip status.
    pub status: UserStatus,
}

/// A message from the agent, built from deltas and finalised by its completion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentMessage {
    /// The generation the deltas and completion share.
    pub generation_id: String,
    /// The text so far; the final text once `done`.
    pub text: String,
    /// Whether this row is finished: `agent.message.completed` arrived, or a tool call came
    /// after it and the generation went on in a new row.
    pub done: bool,
    /// Whether the message was cut short.
    pub interrupted: bool,
    /// Whether this generation made tool calls.
    pub has_tool_calls: bool,
    /// The row with this generation's text from before a tool call: this row continues it, so
    /// the tool call's row sits between what the agent said before and after it.
    pub continues: Option<usize>,
}

/// Whether a tool call is still running.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToolCallStatus {
    /// `agent.tool_call.created` seen.
    Running,
    /// `agent.tool_call.returned` seen.
    Returned,
}

/// A tool call made by the agent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolCall {
    /// Ties creation and return together.
    pub call_id: String,
    /// Tool name.
    pub name: String,
    /// Arguments as sent (opaque text).
    pub arguments: String,
    /// Result text, once returned successfully.
    pub result: Option<String>,
    /// Error text, once returned with an error.
    pub error: Option<String>,
    /// Running or returned.
    pub status: ToolCallStatus,
}

/// The kind of one transcript row.
#[derive(Debug, Clone, PartialEq)]
pub enum EntryKind {
    /// A user message.
    User(UserMessage),
    /// An agent message.
    Agent(AgentMessage),
    /// A tool call.
    ToolCall(ToolCall),
    /// A notice from the agent (`agent.notice.sent`).
    Notice {
        /// The notice text.
        text: String,
    },
    /// A `server.error` event.
    Error {
        /// Human-readable message.
        message: String,
        /// Machine-readable code, when given.
        code: Option<String>,
    },
    /// The agent applied a context update.
    ContextUpdated {
        /// The merged context.
        context: crate::protocol::RawJson,
    },
    /// The conversation started.
    Started,
    /// The conversation ended.
    Ended {
        /// Why, when given.
        reason: Option<String>,
    },
}

/// One transcript row with its time.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// What the row shows.
    pub kind: EntryKind,
    /// Unix milliseconds: the event's `created_at` (or the local time for optimistic messages).
    pub at_ms: i64,
}

/// Where the conversation is in its life, as seen in the events.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ConversationStatus {
    /// No lifecycle event seen yet.
    #[default]
    NotStarted,
    /// `conversation.setup` seen.
    SettingUp,
    /// `conversation.started` seen.
    InProgress,
    /// `conversation.ended` seen.
    Ended {
        /// Why, when given.
        reason: Option<String>,
    },
}
