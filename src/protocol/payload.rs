//! The eleven documented event payloads, plus a catch-all for types the widget does not know.

use serde::de::{self, Deserializer, EnumAccess, IgnoredAny, IntoDeserializer, VariantAccess};
use serde::{Deserialize, Serialize};

use super::RawJson;

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
/// fields are ignored. The variants' fields derive their serde shape; the variant is named by the
/// payload's `type`, read first ([`EventPayload::from_tagged`], and so [`super::Event`]), so a
/// payload is decoded in one pass straight into its variant, and a `type` this widget does not
/// know is kept as [`EventPayload::Unknown`] without reading its fields.
#[derive(Debug, Clone, PartialEq, Deserialize)]
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
        context: RawJson,
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
    /// Decodes a payload of type `kind` (its `type` field, read beforehand) from `fields`, the
    /// payload object in any serde format; unknown `kind`s become [`EventPayload::Unknown`]
    /// and their fields are not read.
    pub fn from_tagged<'de, D: Deserializer<'de>>(
        kind: &str,
        fields: D,
    ) -> Result<EventPayload, D::Error> {
        if !KNOWN.contains(&kind) {
            return Ok(EventPayload::Unknown { kind: kind.into() });
        }
        EventPayload::deserialize(Tagged { kind, fields })
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

/// A payload seen as the enum [`EventPayload`]'s derived `Deserialize` reads it: the variant
/// named by `kind`, its fields read straight from `fields` (the `type` among them is ignored).
struct Tagged<'k, D> {
    kind: &'k str,
    fields: D,
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Tagged<'_, D> {
    type Error = D::Error;

    fn deserialize_any<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        visitor.visit_enum(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum
        identifier ignored_any
    }
}

impl<'de, D: Deserializer<'de>> EnumAccess<'de> for Tagged<'_, D> {
    type Error = D::Error;
    type Variant = Fields<D>;

    fn variant_seed<V: de::DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, Fields<D>), D::Error> {
        let variant = seed.deserialize(self.kind.into_deserializer())?;
        Ok((variant, Fields(self.fields)))
    }
}

/// The fields of the variant [`Tagged`] named.
struct Fields<D>(D);

impl<'de, D: Deserializer<'de>> VariantAccess<'de> for Fields<D> {
    type Error = D::Error;

    fn unit_variant(self) -> Result<(), D::Error> {
        IgnoredAny::deserialize(self.0).map(|_| ())
    }

    fn newtype_variant_seed<T: de::DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<T::Value, D::Error> {
        seed.deserialize(self.0)
    }

    fn tuple_variant<V: de::Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_tuple(len, visitor)
    }

    fn struct_variant<V: de::Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_struct("", fields, visitor)
    }
}
