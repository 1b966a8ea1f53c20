//! Parsing client→server session messages (§4.1): `{"id", "payload": {"type", ...}}`.

use serde_json::{json, Value};

use crate::agent::CommandKind;
use crate::assumptions::MAX_BODY_BYTES;
use crate::state::EventLog;

/// Parses one client message into the agent command it asks for, or the reason it is invalid.
pub fn parse_client_message(text: &str) -> Result<CommandKind, String> {
    if text.len() > MAX_BODY_BYTES {
        return Err(format!("Message too large (max {MAX_BODY_BYTES} bytes)."));
    }
    let value: Value =
        serde_json::from_str(text).map_err(|e| format!("Malformed JSON message: {e}"))?;
    let obj = value
        .as_object()
        .ok_or("A client message must be a JSON object.")?;
    let client_id = match obj.get("id") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err("`id` must be a string.".into()),
    };
    let payload = obj
        .get("payload")
        .and_then(Value::as_object)
        .ok_or("`payload` must be an object.")?;
    let kind = payload
        .get("type")
        .and_then(Value::as_str)
        .ok_or("`payload.type` must be a string.")?;
    match kind {
        "conversation.start" => Ok(CommandKind::Start),
        "conversation.end" => Ok(CommandKind::End),
        "user.message.send" => {
            let text = payload
                .get("text")
                .and_then(Value::as_str)
                .ok_or("`payload.text` must be a string.")?;
            if text.trim().is_empty() {
                return Err("`payload.text` must not be empty.".into());
            }
            Ok(CommandKind::UserMessage {
                text: text.to_string(),
                client_id,
            })
        }
        "conversation.context.update" => payload
            .get("context")
            .and_then(Value::as_object)
            .map(|c| CommandKind::ContextUpdate(c.clone()))
            .ok_or_else(|| "`payload.context` must be an object.".to_string()),
        other => Err(format!("Unknown message type `{other}`.")),
    }
}

/// Appends a `server.error` (code `invalid_request`) for a rejected client message.
pub fn report_invalid(log: &EventLog, message: &str) {
    log.append(json!({ "type": "server.error", "message": message, "code": "invalid_request" }));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> String {
        let path = format!("{}/fixtures/client/{name}.json", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    #[test]
    fn every_client_fixture_parses_into_its_command() {
        assert_eq!(
            parse_client_message(&fixture("conversation.start")),
            Ok(CommandKind::Start)
        );
        assert_eq!(
            parse_client_message(&fixture("conversation.end")),
            Ok(CommandKind::End)
        );
        assert_eq!(
            parse_client_message(&fixture("user.message.send")),
            Ok(CommandKind::UserMessage {
                text: "Hello".into(),
                client_id: Some("c_2".into())
            })
        );
        assert!(matches!(
            parse_client_message(&fixture("conversation.context.update")),
            Ok(CommandKind::ContextUpdate(c)) if c.get("plan") == Some(&json!("pro"))
        ));
    }

    #[test]
    fn bad_messages_are_rejected_with_a_reason() {
        for bad in [
            "not json",
            "[]",
            r#"{"id":"c","payload":{"type":"dance"}}"#,
            r#"{"id":"c","payload":{"type":"user.message.send"}}"#,
            r#"{"id":7,"payload":{"type":"conversation.start"}}"#,
            r#"{"id":"c"}"#,
        ] {
            assert!(parse_client_message(bad).is_err(), "{bad} is rejected");
        }
        let big = format!(
            r#"{{"payload":{{"type":"user.message.send","text":"{}"}}}}"#,
            "x".repeat(70_000)
        );
        assert!(parse_client_message(&big)
            .unwrap_err()
            .contains("too large"));
    }
}
