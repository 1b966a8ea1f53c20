//! The server event envelope shared by the events SSE stream and the session WebSocket.

use serde::Deserialize;
use serde_json::value::RawValue;

use super::{parse_rfc3339_millis, EventPayload, ProtocolError};

/// One server→client event (operator-api.md §3.3).
///
/// `id`, `created_at`, `conversation_id` and `payload` are required. `agent_id`, `livemode` and
/// `experimental` are documented as required too, but the widget does not need them to render, so
/// they default (empty / `false`) when absent rather than dropping the event. Unknown fields are
/// ignored; an unknown `payload.type` gives [`EventPayload::Unknown`].
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Opaque event id, e.g. `ev_8qm9JBCiTe7`: the de-duplication key of the replay every
    /// connect gets.
    pub id: String,
    /// RFC 3339 creation time as sent, e.g. `2025-07-01T12:00:00Z`.
    pub created_at: String,
    /// Version-specific agent id, e.g. `ca_8qm9JBCiTe7@v0`.
    pub agent_id: String,
    /// Whether the conversation is in livemode.
    pub livemode: bool,
    /// The conversation this event belongs to.
    pub conversation_id: String,
    /// Whether the event is flagged experimental.
    pub experimental: bool,
    /// What happened.
    pub payload: EventPayload,
}

impl Event {
    /// Parses one event envelope from JSON text (an SSE `data:` line or a WebSocket frame).
    ///
    /// ```
    /// use operator_chat::protocol::{Event, EventPayload};
    /// let json = r#"{"id":"ev_1","created_at":"2025-07-01T12:00:00Z","agent_id":"ca_1@v0",
    ///   "livemode":true,"conversation_id":"conv_1","experimental":false,
    ///   "payload":{"type":"agent.message.delta","text_delta":"Hel","generation_id":"g1"}}"#;
    /// let event = Event::from_json(json)?;
    /// assert!(matches!(event.payload, EventPayload::AgentMessageDelta { .. }));
    /// # Ok::<(), operator_chat::protocol::ProtocolError>(())
    /// ```
    pub fn from_json(text: &str) -> Result<Event, ProtocolError> {
        let raw: Envelope<&RawValue> =
            serde_json::from_str(text).map_err(|e| ProtocolError::Malformed {
                what: "event",
                detail: e.to_string(),
            })?;
        let fields = raw.payload.get();
        // Only an object has a `type` (serde would also read `["conversation.started"]` as one).
        let tag = fields
            .starts_with('{')
            .then(|| serde_json::from_str(fields).ok())
            .flatten();
        let Some(Tag { kind }) = tag else {
            return Err(ProtocolError::Malformed {
                what: "event payload",
                detail: "`payload.type` is missing or not a string".into(),
            });
        };
        let payload =
            EventPayload::from_tagged(&kind, &mut serde_json::Deserializer::from_str(fields))
                .map_err(|e| ProtocolError::InvalidPayload {
                    detail: e.to_string(),
                    kind,
                })?;
        Ok(raw.with_payload(payload))
    }

    /// `created_at` as Unix milliseconds, or `None` when it is not RFC 3339.
    pub fn created_at_millis(&self) -> Option<i64> {
        parse_rfc3339_millis(&self.created_at).ok()
    }

    /// The `payload.type` string of this event (for unknown events, the type as received).
    pub fn kind(&self) -> &str {
        self.payload.kind()
    }
}

/// The envelope as received, its payload not yet decoded (`P`: the payload's raw JSON text):
/// the payload is decoded once its `type` is known, so that unknown types are kept and a known
/// type's bad fields are reported as [`ProtocolError::InvalidPayload`].
#[derive(Deserialize)]
pub(crate) struct Envelope<P> {
    id: String,
    created_at: String,
    #[serde(default)]
    agent_id: String,
    #[serde(default)]
    livemode: bool,
    conversation_id: String,
    #[serde(default)]
    experimental: bool,
    /// The payload object, undecoded.
    pub(crate) payload: P,
}

/// The `type` of a payload, read on its own (the other fields are skipped).
#[derive(Deserialize)]
struct Tag {
    #[serde(rename = "type")]
    kind: String,
}

impl<P> Envelope<P> {
    /// The event, with its payload decoded.
    pub(crate) fn with_payload(self, payload: EventPayload) -> Event {
        Event {
            payload,
            id: self.id,
            created_at: self.created_at,
            agent_id: self.agent_id,
            livemode: self.livemode,
            conversation_id: self.conversation_id,
            experimental: self.experimental,
        }
    }
}
