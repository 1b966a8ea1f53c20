//! Parser leniency and strictness on hand-written inputs.

use serde_json::{json, Value};

use super::*;

#[test]
fn nullable_and_absent_optional_fields_are_accepted() {
    let base = |payload: Value| {
        json!({"id":"ev_1","created_at":"2025-07-01T12:00:00Z","conversation_id":"c","payload":payload})
            .to_string()
    };
    let returned = Event::from_json(&base(
        json!({"type":"agent.tool_call.returned","call_id":"k","name":"n","arguments":"{}"}),
    ))
    .expect("result and error may be absent");
    assert!(matches!(
        returned.payload,
        EventPayload::ToolCallReturned {
            result: None,
            error: None,
            ..
        }
    ));
    let ended = Event::from_json(&base(json!({"type":"conversation.ended","reason":null})))
        .expect("reason may be null");
    assert_eq!(
        ended.payload,
        EventPayload::ConversationEnded { reason: None }
    );
    let received = Event::from_json(&base(json!({"type":"user.message.received","text":"x"})))
        .expect("text is the only field");
    assert_eq!(
        received.payload,
        EventPayload::UserMessageReceived { text: "x".into() }
    );
    let extended = Event::from_json(&base(
        json!({"type":"user.message.received","text":"x","client_message_id":"c_1"}),
    ))
    .expect("an emulator extension field is ignored");
    assert_eq!(extended.payload, received.payload);
    let started = Event::from_json(&base(json!({"type":"conversation.started","extra":1})))
        .expect("extra fields are ignored");
    assert_eq!(started.payload, EventPayload::ConversationStarted);
}

#[test]
fn unknown_event_types_are_kept_not_rejected() {
    let text = r#"{"id":"ev_x","created_at":"2025-07-01T12:00:00Z","agent_id":"a","livemode":true,
        "conversation_id":"c","experimental":true,"payload":{"type":"agent.thought.sent","x":1}}"#;
    let event = Event::from_json(text).expect("unknown types parse");
    assert_eq!(
        event.payload,
        EventPayload::Unknown {
            kind: "agent.thought.sent".into()
        }
    );
    assert_eq!(event.kind(), "agent.thought.sent");
}

#[test]
fn malformed_json_and_missing_fields_are_typed_errors() {
    let cases = [
        ("not json", "malformed event"),
        ("{\"id\":\"ev\"", "malformed event"),
        (
            r#"{"created_at":"x","conversation_id":"c","payload":{"type":"conversation.started"}}"#,
            "missing field `id`",
        ),
        (
            r#"{"id":"e","created_at":"x","conversation_id":"c"}"#,
            "missing field `payload`",
        ),
        (
            r#"{"id":"e","created_at":"x","conversation_id":"c","payload":{}}"#,
            "`payload.type` is missing",
        ),
        (
            r#"{"id":"e","created_at":"x","conversation_id":"c","payload":["conversation.started"]}"#,
            "`payload.type` is missing",
        ),
        (
            r#"{"id":"e","created_at":"x","conversation_id":"c","payload":{"type":7}}"#,
            "`payload.type` is missing or not a string",
        ),
        (
            r#"{"id":"e","created_at":"x","conversation_id":"c","payload":{"type":"agent.message.delta","generation_id":"g"}}"#,
            "invalid `agent.message.delta` payload: missing field `text_delta`",
        ),
        (
            r#"{"id":"e","created_at":"x","conversation_id":"c","payload":{"type":"agent.message.completed","text":1,"generation_id":"g"}}"#,
            "invalid `agent.message.completed` payload",
        ),
    ];
    for (text, expected) in cases {
        let err = Event::from_json(text).expect_err(text);
        assert!(err.to_string().contains(expected), "`{text}` gave `{err}`");
    }
}
