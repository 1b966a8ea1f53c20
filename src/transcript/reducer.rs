//! `Transcript::apply`: folding server events into transcript rows.

use std::collections::{HashMap, HashSet};

use super::entry::{ConversationStatus, Entry, EntryKind, UserStatus};
use crate::protocol::{Event, EventPayload};

/// What one call changed, so the UI can touch only that row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// The event id was already applied; nothing changed.
    Duplicate,
    /// Nothing visible changed (unknown type, late delta, or a no-op local update).
    None,
    /// Only [`Transcript::status`] changed (e.g. `conversation.setup`).
    Status,
    /// A new row was appended at this index.
    Added(usize),
    /// A tool call interrupted an agent message: its row `closed` is finished and the message
    /// goes on in the new row `added`.
    Continued {
        /// The finished row.
        closed: usize,
        /// The new row (appended).
        added: usize,
    },
    /// The row at this index changed in place.
    Updated(usize),
}

/// The conversation as rows, built from events (and optimistic local user messages).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Transcript {
    pub(super) entries: Vec<Entry>,
    seen: HashSet<String>,
    pub(super) generations: HashMap<String, usize>,
    pub(super) calls: HashMap<String, usize>,
    /// The row of the latest tool call.
    pub(super) last_call_row: Option<usize>,
    pub(super) by_client_id: HashMap<String, usize>,
    /// This widget's user messages still waiting for their `user.message.received`, oldest
    /// first: (row, written to the socket at least once). Only these are searched when an
    /// acknowledgement arrives, so a replay of thousands of events stays linear.
    pub(super) awaiting: Vec<(usize, bool)>,
    /// Events up to and including this id were shown by an earlier page (before a reload):
    /// their acknowledgements are history and confirm none of this page's messages.
    history_until: Option<String>,
    pub(super) open_generations: usize,
    last_event_id: Option<String>,
    last_at_ms: i64,
    status: ConversationStatus,
}

impl Transcript {
    /// An empty transcript.
    pub fn new() -> Self {
        Self::default()
    }

    /// The rows, oldest first.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The id of the last event applied (kept across reloads to tell replayed history from new
    /// events; the stream itself always replays from the first event).
    pub fn last_event_id(&self) -> Option<&str> {
        self.last_event_id.as_deref()
    }

    /// Whether the agent is producing a message right now (for a typing indicator).
    pub fn agent_streaming(&self) -> bool {
        self.open_generations > 0 && !matches!(self.status, ConversationStatus::Ended { .. })
    }

    /// Whether the user's latest message reached the server and the agent has not answered it
    /// yet (so a UI can show the typing indicator before the first delta).
    pub fn awaiting_agent(&self) -> bool {
        if matches!(self.status, ConversationStatus::Ended { .. }) {
            return false;
        }
        for entry in self.entries.iter().rev() {
            match &entry.kind {
                EntryKind::Agent(_) | EntryKind::ToolCall(_) => return false,
                EntryKind::User(m) => {
                    return matches!(m.status, UserStatus::Sent | UserStatus::Confirmed)
                }
                _ => {}
            }
        }
        false
    }

    /// Lifecycle status from the events seen.
    pub fn status(&self) -> &ConversationStatus {
        &self.status
    }

    /// Marks the events up to and including `event_id` as an earlier page's history (after a
    /// reload, the persisted last event id): the replay rebuilds them, but their
    /// `user.message.received` confirm none of the messages written since.
    pub fn set_history_until(&mut self, event_id: Option<String>) {
        self.history_until = event_id;
    }

    /// Whether the event with this id has been applied.
    pub fn has_seen(&self, event_id: &str) -> bool {
        self.seen.contains(event_id)
    }

    /// Applies one event. Applying an event id a second time changes nothing.
    pub fn apply(&mut self, event: &Event) -> Change {
        if !self.seen.insert(event.id.clone()) {
            return Change::Duplicate;
        }
        let history = self.history_until.is_some();
        if self.history_until.as_deref() == Some(event.id.as_str()) {
            self.history_until = None;
        }
        self.last_event_id = Some(event.id.clone());
        let at = event.created_at_millis().unwrap_or(self.last_at_ms);
        self.last_at_ms = at;
        match &event.payload {
            EventPayload::ConversationSetup { .. } => {
                if self.status == ConversationStatus::NotStarted {
                    self.status = ConversationStatus::SettingUp;
                    return Change::Status;
                }
                Change::None
            }
            EventPayload::ConversationStarted => {
                if !matches!(self.status, ConversationStatus::Ended { .. }) {
                    self.status = ConversationStatus::InProgress;
                }
                self.push(EntryKind::Started, at)
            }
            EventPayload::ConversationEnded { reason } => {
                self.status = ConversationStatus::Ended {
                    reason: reason.clone(),
                };
                self.push(
                    EntryKind::Ended {
                        reason: reason.clone(),
                    },
                    at,
                )
            }
            EventPayload::ContextUpdated { context } => self.push(
                EntryKind::ContextUpdated {
                    context: context.clone(),
                },
                at,
            ),
            EventPayload::NoticeSent { text } => {
                self.push(EntryKind::Notice { text: text.clone() }, at)
            }
            EventPayload::ServerError { message, code } => self.push(
                EntryKind::Error {
                    message: message.clone(),
                    code: code.clone(),
                },
                at,
            ),
            EventPayload::AgentMessageDelta {
                text_delta,
                generation_id,
            } => self.delta(generation_id, text_delta, at),
            EventPayload::AgentMessageCompleted {
                text,
                interrupted,
                has_tool_calls,
                generation_id,
            } => self.completed(generation_id, text, *interrupted, *has_tool_calls, at),
            EventPayload::ToolCallCreated {
                call_id,
                name,
                arguments,
            } => self.tool_call(call_id, name, arguments, None, at),
            EventPayload::ToolCallReturned {
                call_id,
                name,
                arguments,
                result,
                error,
            } => self.tool_call(call_id, name, arguments, Some((result, error)), at),
            EventPayload::UserMessageReceived { text } => self.user_received(text, at, history),
            EventPayload::Unknown { .. } => Change::None,
        }
    }

    pub(super) fn push(&mut self, kind: EntryKind, at_ms: i64) -> Change {
        self.entries.push(Entry { kind, at_ms });
        Change::Added(self.entries.len() - 1)
    }
}
