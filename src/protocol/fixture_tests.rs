//! The parser checked against the emulator's fixture files, read as data (never shared structs).

use std::path::PathBuf;

use serde_json::{json, Value};

use super::*;

fn fixture_dir(kind: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("crates/api-emulator/fixtures/{kind}"))
}

fn read_fixtures(kind: &str) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = std::fs::read_dir(fixture_dir(kind))
        .expect("fixture directory exists")
        .map(|entry| entry.expect("readable entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .map(|path| {
            let stem = path.file_stem().expect("file name").to_string_lossy();
            let text = std::fs::read_to_string(&path).expect("readable fixture");
            (stem.into_owned(), text)
        })
        .collect();
    files.sort();
    files
}

#[test]
fn every_event_fixture_parses_to_its_own_known_type() {
    let fixtures = read_fixtures("events");
    assert_eq!(fixtures.len(), 11, "one fixture per documented event type");
    for (name, text) in fixtures {
        let event = Event::from_json(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(event.kind(), name, "payload type matches the file name");
        assert!(
            !matches!(event.payload, EventPayload::Unknown { .. }),
            "{name} is known"
        );
        let raw: Value = serde_json::from_str(&text).expect("fixture is JSON");
        assert_eq!(event.id, raw["id"], "{name}: id");
        assert_eq!(
            event.conversation_id, raw["conversation_id"],
            "{name}: conversation id"
        );
        assert_eq!(event.agent_id, raw["agent_id"], "{name}: agent id");
        assert_eq!(event.livemode, raw["livemode"], "{name}: livemode");
        assert_eq!(
            event.experimental, raw["experimental"],
            "{name}: experimental"
        );
        assert_eq!(
            event.created_at_millis(),
            Some(1_751_371_200_000),
            "{name}: created_at"
        );
    }
}

fn fixture_event(name: &str) -> Event {
    let path = fixture_dir("events").join(format!("{name}.json"));
    let text = std::fs::read_to_string(path).expect("fixture exists");
    Event::from_json(&text).expect("fixture parses")
}

#[test]
fn event_fixture_payload_fields_are_read_exactly() {
    assert_eq!(
        fixture_event("agent.message.delta").payload,
        EventPayload::AgentMessageDelta {
            text_delta: "Hel".into(),
            generation_id: "gen_8qm9JBCiTe7".into()
        }
    );
    assert_eq!(
        fixture_event("agent.message.completed").payload,
        EventPayload::AgentMessageCompleted {
            text: "Hello! How can I help?".into(),
            interrupted: false,
            has_tool_calls: false,
            generation_id: "gen_8qm9JBCiTe7".into()
        }
    );
    assert_eq!(
        fixture_event("agent.tool_call.returned").payload,
        EventPayload::ToolCallReturned {
            call_id: "call_8qm9JBCiTe7".into(),
            name: "lookup_order".into(),
            arguments: r#"{"order_id":"A-1001"}"#.into(),
            result: Some(r#"{"status":"shipped"}"#.into()),
            error: None,
        }
    );
    assert_eq!(
        fixture_event("user.message.received").payload,
        EventPayload::UserMessageReceived { text: "Hi".into() }
    );
    let EventPayload::ContextUpdated { context } =
        fixture_event("conversation.context.updated").payload
    else {
        panic!("a context update");
    };
    assert_eq!(
        serde_json::from_str::<Value>(context.get()).expect("kept as JSON text"),
        json!({"plan": "pro", "locale": "en"})
    );
    assert_eq!(
        fixture_event("server.error").payload,
        EventPayload::ServerError {
            message: "Malformed client message.".into(),
            code: Some("invalid_request".into())
        }
    );
    let EventPayload::ConversationSetup { channel, direction } =
        fixture_event("conversation.setup").payload
    else {
        panic!("setup fixture is a setup payload");
    };
    assert_eq!(
        (channel.kind.as_str(), direction.as_str()),
        ("chat_realtime", "inbound")
    );
}

#[test]
fn client_messages_serialise_to_the_fixture_shapes() {
    let fixtures = read_fixtures("client");
    assert_eq!(
        fixtures.len(),
        4,
        "one fixture per documented client message"
    );
    for (name, text) in fixtures {
        let expected: Value = serde_json::from_str(&text).expect("fixture is JSON");
        let id = expected["id"].as_str().expect("fixture id").to_owned();
        let built = match name.as_str() {
            "conversation.start" => ClientMessage::start(id),
            "conversation.end" => ClientMessage::end(id),
            "user.message.send" => ClientMessage::user_message(id, "Hello"),
            "conversation.context.update" => {
                ClientMessage::context_update(id, json!({"plan": "pro"}).into())
            }
            other => panic!("unexpected client fixture {other}"),
        };
        let ours: Value = serde_json::from_str(&built.to_json().expect("serialises")).unwrap();
        assert_eq!(ours, expected, "{name}: same JSON as the fixture");
        assert_eq!(
            ClientMessage::from_json(&text),
            Ok(built),
            "{name}: parses back"
        );
    }
}
