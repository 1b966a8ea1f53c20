//! Client→server session messages (operator-api.md §4.1): `{"id": …, "payload": {"type": …}}`.

use serde::{Deserialize, Serialize};

use super::{ProtocolError, RawJson};

/// The `payload` of a client message, tagged by its `type` (written first).
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
        #[serde(deserialize_with = "RawJson::deserialize_any_format")]
        context: RawJson,
    },
    /// `conversation.end`: end the conversation.
    #[serde(rename = "conversation.end")]
    End,
}

impl ClientPayload {
    /// The `type` of the payload on the wire, e.g. `user.message.send`.
    pub fn kind(&self) -> &'static str {
        match self {
            ClientPayload::Start => "conversation.start",
            ClientPayload::UserMessage { .. } => "user.message.send",
            ClientPayload::ContextUpdate { .. } => "conversation.context.update",
            ClientPayload::End => "conversation.end",
        }
    }
}

/// One client message, sent as a WebSocket text frame. Unknown fields are ignored when read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClientMessage {
    /// Client-chosen id, unique per message (the service does not echo it back).
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
    pub fn context_update(id: impl Into<String>, context: RawJson) -> Self {
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
        serde_json::from_str(text).map_err(|e| ProtocolError::Malformed {
            what: "client message",
            detail: e.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_message_round_trips_through_its_json_text() {
        let messages = [
            ClientMessage::start("c_1"),
            ClientMessage::user_message("c_2", "Hi \"you\"\n"),
            ClientMessage::context_update("c_3", json!({"plan": "pro", "n": [1, null]}).into()),
            ClientMessage::end("c_4"),
        ];
        for message in messages {
            let text = message.to_json().expect("writes");
            assert_eq!(ClientMessage::from_json(&text), Ok(message), "{text}");
        }
    }

    #[test]
    fn context_updates_keep_the_type_first_then_the_context() {
        let text = ClientMessage::context_update("c_1", json!({"a": 1}).into()).to_json();
        let expected =
            r#"{"id":"c_1","payload":{"type":"conversation.context.update","context":{"a":1}}}"#;
        assert_eq!(text.as_deref(), Ok(expected), "wire shape");
    }

    #[test]
    fn malformed_client_messages_are_errors_naming_the_problem() {
        let cases = [
            (
                r#"{"payload":{"type":"conversation.start"}}"#,
                "missing field `id`",
            ),
            (
                r#"{"id":"c","payload":{"type":"nope"}}"#,
                "unknown variant `nope`",
            ),
            (
                r#"{"id":"c","payload":{"type":"user.message.send"}}"#,
                "missing field `text`",
            ),
            (
                r#"{"id":"c","payload":{"text":"x"}}"#,
                "missing field `type`",
            ),
            (r#"{"id":"c","payload":[]}"#, "missing field `type`"),
            (r#"{"id":"c","payload":"#, "EOF while parsing a value"),
        ];
        for (text, expected) in cases {
            let err = ClientMessage::from_json(text).expect_err(text).to_string();
            assert!(err.contains(expected), "{text}: {err}");
        }
    }
}
