//! The error type of the protocol module.

/// Why a piece of wire data could not be understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProtocolError {
    /// The text is not valid JSON, or a required field is missing or has the wrong type.
    #[error("malformed {what}: {detail}")]
    Malformed {
        /// What was being parsed (e.g. "event", "session response").
        what: &'static str,
        /// The parser's explanation, e.g. "missing field `id` at line 1 column 2".
        detail: String,
    },
    /// A known event type whose payload fields do not match the documented shape.
    #[error("invalid `{kind}` payload: {detail}")]
    InvalidPayload {
        /// The `payload.type` of the event.
        kind: String,
        /// The parser's explanation.
        detail: String,
    },
    /// A timestamp that is not an RFC 3339 date-time.
    #[error("invalid timestamp `{0}`: expected RFC 3339, e.g. 2025-07-01T12:00:00Z")]
    InvalidTimestamp(String),
    /// A client message could not be turned into JSON text (e.g. a context that is not
    /// representable as JSON).
    #[error("could not serialise client message: {0}")]
    Serialise(String),
}
