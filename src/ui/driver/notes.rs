//! Host callbacks (`on_message`, `on_error`, `on_state_change`) waiting to run, and the events
//! that produce them.

use super::Callbacks;
use crate::connection::ConnectionState;
use crate::protocol::{ChatChannel, Event, EventPayload};
use crate::ui::types::{ChatError, ChatMessage, MessageRole};

/// A host callback to run once the driver is no longer borrowed.
pub(super) enum Note {
    /// A state, with the channel of the conversation's credentials, if any.
    State(ConnectionState, Option<ChatChannel>),
    Error(ChatError),
    Message(ChatMessage),
}

impl Note {
    pub(super) fn fire(self, callbacks: &Callbacks) {
        match self {
            Note::State(s, channel) => {
                if let Some(cb) = &callbacks.on_channel {
                    cb(channel);
                }
                if let Some(cb) = &callbacks.on_state_change {
                    cb(s);
                }
            }
            Note::Error(e) => {
                if let Some(cb) = &callbacks.on_error {
                    cb(e);
                }
            }
            Note::Message(m) => {
                if let Some(cb) = &callbacks.on_message {
                    cb(m);
                }
            }
        }
    }
}

/// A `conversation.ended` for a conversation the service no longer serves.
pub(super) fn local_end_event(previous: Option<&crate::token::Credentials>) -> Event {
    Event {
        id: "local_conversation_replaced".into(),
        created_at: String::new(),
        agent_id: String::new(),
        livemode: true,
        conversation_id: previous
            .map(|c| c.conversation_id.clone())
            .unwrap_or_default(),
        experimental: false,
        payload: EventPayload::ConversationEnded {
            reason: Some("replaced".into()),
        },
    }
}

pub(super) fn message_note(event: &Event) -> Option<Note> {
    let at_ms = event.created_at_millis().unwrap_or_default();
    let (role, text) = match &event.payload {
        EventPayload::AgentMessageCompleted { text, .. } => (MessageRole::Agent, text),
        EventPayload::UserMessageReceived { text, .. } => (MessageRole::User, text),
        EventPayload::ServerError { message, code } => {
            return Some(Note::Error(ChatError::Server {
                message: message.clone(),
                code: code.clone(),
            }))
        }
        _ => return None,
    };
    Some(Note::Message(ChatMessage {
        role,
        text: text.clone(),
        at_ms,
    }))
}
