//! A JSON value the widget passes on without reading it: kept as its text.

use serde::{de, Deserialize, Deserializer, Serialize};
use serde_json::value::RawValue;

use super::ProtocolError;

/// Any JSON value, kept as the (valid) JSON text it was read from: the conversation context
/// (the widget sends and records it, never looks inside) and an error body's `data`. Written
/// back out as is. Two are equal when their texts are.
///
/// ```
/// use operator_chat::protocol::RawJson;
/// let context = RawJson::parse(r#"{"plan":"pro"}"#)?;
/// assert_eq!(context.get(), r#"{"plan":"pro"}"#);
/// assert!(RawJson::parse("{").is_err());
/// # Ok::<(), operator_chat::protocol::ProtocolError>(())
/// ```
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RawJson(Box<RawValue>);

impl RawJson {
    /// `text` as a value, if it is one JSON value.
    pub fn parse(text: &str) -> Result<RawJson, ProtocolError> {
        RawValue::from_string(text.into())
            .map(RawJson)
            .map_err(|e| ProtocolError::Malformed {
                what: "JSON value",
                detail: e.to_string(),
            })
    }

    /// `null`.
    pub fn null() -> RawJson {
        RawJson(RawValue::NULL.to_owned())
    }

    /// The JSON text.
    pub fn get(&self) -> &str {
        self.0.get()
    }

    /// Reads a value from any serde format, through [`serde_json::Value`]: for a field of a
    /// container whose derived `Deserialize` buffers its fields first (an internally tagged
    /// enum), where the derived one (serde_json only) cannot work.
    pub(crate) fn deserialize_any_format<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<RawJson, D::Error> {
        let value = serde_json::Value::deserialize(deserializer)?;
        RawValue::from_string(value.to_string())
            .map(RawJson)
            .map_err(de::Error::custom)
    }
}

impl From<serde_json::Value> for RawJson {
    fn from(value: serde_json::Value) -> RawJson {
        // A `Value` always serialises.
        serde_json::value::to_raw_value(&value)
            .map(RawJson)
            .unwrap_or_default()
    }
}

impl PartialEq for RawJson {
    fn eq(&self, other: &RawJson) -> bool {
        self.get() == other.get()
    }
}

impl Default for RawJson {
    fn default() -> Self {
        RawJson::null()
    }
}
