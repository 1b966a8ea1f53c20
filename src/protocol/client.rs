//! Client→server session messages (operator-api.md §4.1): `{"id": …, "payload": {"type": …}}`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::ProtocolError;

/// The `payload` of a client message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum ClientPayload {
    /// `conversation.start`: start the conversation.
    #[serde(rename = "conversation.start")]
    Start,
    /// `user.message.send`: a message from the user to the agent.
    #[serde(rename = "user.message.send")]
    UserMessage {
        /// The user's text.
        text: String,
    },
    /// `conversation.context.update`: merge this object into the conversation context.
    #[serde(rename = "conversation.context.update")]
    ContextUpdate {
        /// The context fields to merge.
        context: Value,
    },
    /// `conversation.end`: end the conversation.
    #[serde(rename = "conversation.end")]
    End,
}

/// One client message, sent as a WebSocket text frame.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClientMessage {
    /// Client-chosen id, unique per message; echoed by the emulator as `client_message_id`.
    pub id: String,
    /// What the message asks for.
    pub payload: ClientPayload,
}

impl ClientMessage {
    /// `conversation.start` with the given client id.
    pub fn start(id: impl Into<String>) -> Self {
        Self::new(id, ClientPayload::Start)
    }

    /// `user.message.send` with the given client id and text.
    pub fn user_message(id: impl Into<String>, text: impl Into<String>) -> Self {
        Self::new(id, ClientPayload::UserMessage { text: text.into() })
    }

    /// `conversation.context.update` with the given client id and context object.
    pub fn context_update(id: impl Into<String>, context: Value) -> Self {
        Self::new(id, ClientPayload::ContextUpdate { context })
    }

    /// `conversation.end` with the given client id.
    pub fn end(id: impl Into<String>) -> Self {
        Self::new(id, ClientPayload::End)
    }

    /// A message with any payload.
    pub fn new(id: impl Into<String>, payload: ClientPayload) -> Self {
        ClientMessage {
            id: id.into(),
            payload,
        }
    }

    /// The JSON text to send, e.g. `{"id":"c_1","payload":{"type":"conversation.start"}}`.
    ///
    /// ```
    /// use operator_chat::protocol::ClientMessage;
    /// let json = ClientMessage::user_message("c_2", "Hello").to_json()?;
    /// assert_eq!(json, r#"{"id":"c_2","payload":{"type":"user.message.send","text":"Hello"}}"#);
    /// # Ok::<(), operator_chat::protocol::ProtocolError>(())
    /// ```
    pub fn to_json(&self) -> Result<String, ProtocolError> {
        serde_json::to_string(self).map_err(|e| ProtocolError::Serialise(e.to_string()))
    }

    /// Parses a client message (used by tests and by hosts that relay messages).
    pub fn from_json(text: &str) -> Result<ClientMessage, ProtocolError> {
        serde_json::from_str(text).map_err(|e| ProtocolError::malformed("client message", &e))
    }
}
