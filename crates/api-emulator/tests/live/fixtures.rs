//! Each event type the emulator emits has exactly the key set and value types of
//! `fixtures/events/<type>.json`.

use std::path::PathBuf;

use serde_json::{json, Value};

use crate::support::*;

/// Describes where `actual`'s shape differs from `expected`'s, recursively.
fn shape_diff(path: &str, expected: &Value, actual: &Value) -> Option<String> {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            let mut ek: Vec<_> = e.keys().collect();
            let mut ak: Vec<_> = a.keys().collect();
            ek.sort();
            ak.sort();
            if ek != ak {
                return Some(format!("{path}: keys {ak:?}, expected {ek:?}"));
            }
            e.iter()
                .find_map(|(k, v)| shape_diff(&format!("{path}.{k}"), v, &a[k]))
        }
        (Value::Array(e), Value::Array(a)) => match e.first() {
            Some(first) => a
                .iter()
                .enumerate()
                .find_map(|(i, v)| shape_diff(&format!("{path}[{i}]"), first, v)),
            None => None,
        },
        (Value::String(_), Value::String(_))
        | (Value::Number(_), Value::Number(_))
        | (Value::Bool(_), Value::Bool(_))
        | (Value::Null, Value::Null) => None,
        _ => Some(format!("{path}: {actual}, expected the type of {expected}")),
    }
}

#[test]
fn shape_diff_notices_missing_keys_and_wrong_types() {
    assert_eq!(shape_diff("$", &json!({"a": 1}), &json!({"a": 2})), None);
    assert!(shape_diff("$", &json!({"a": 1}), &json!({"a": "x"})).is_some());
    assert!(shape_diff("$", &json!({"a": 1}), &json!({"a": 1, "b": 2})).is_some());
    assert!(shape_diff("$", &json!({"a": {"b": true}}), &json!({"a": {}})).is_some());
}

fn fixtures() -> Vec<(String, Value)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/events");
    let mut out: Vec<(String, Value)> = std::fs::read_dir(&dir)
        .expect("fixtures dir")
        .map(|entry| {
            let path = entry.expect("entry").path();
            let text = std::fs::read_to_string(&path).expect("read fixture");
            let value: Value = serde_json::from_str(&text).expect("fixture is JSON");
            let name = path
                .file_stem()
                .expect("stem")
                .to_string_lossy()
                .to_string();
            (name, value)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[tokio::test]
async fn every_emitted_event_type_matches_its_fixture_shape() {
    let emu = start().await;
    let chat = emu.create_chat().await;
    let mut ws = ws_connect(&chat, &chat.token).await.expect("connect");
    ws_send(&mut ws, msg("c1", json!({"type": "conversation.start"}))).await;
    ws_until(&mut ws, "agent.message.completed").await;
    ws_send(&mut ws, msg("c2", json!({"type": "conversation.context.update", "context": {"plan": "pro", "locale": "en"}}))).await;
    ws_until(&mut ws, "conversation.context.updated").await;
    ws_send(
        &mut ws,
        user_message("c3", "notice: where is order A-1001?"),
    )
    .await;
    ws_until(&mut ws, "agent.message.completed").await;
    ws_send(&mut ws, msg("c4", json!({"type": "bogus"}))).await;
    ws_until(&mut ws, "server.error").await;
    ws_send(&mut ws, msg("c5", json!({"type": "conversation.end"}))).await;
    ws_until(&mut ws, "conversation.ended").await;

    let record = emu.record(&chat.id).await;
    let events = record["events"].as_array().expect("events").clone();
    let fixtures = fixtures();
    assert_eq!(fixtures.len(), 11, "one fixture per documented event type");
    for (name, fixture) in &fixtures {
        let emitted: Vec<&Value> = events
            .iter()
            .filter(|e| e["payload"]["type"] == name.as_str())
            .collect();
        assert!(!emitted.is_empty(), "the emulator emitted a {name}");
        for e in emitted {
            assert_eq!(
                shape_diff("$", fixture, e),
                None,
                "{name} matches its fixture: {e}"
            );
        }
    }
    for e in &events {
        let t = e["payload"]["type"].as_str().unwrap_or_default();
        assert!(
            fixtures.iter().any(|(n, _)| n == t),
            "{t} is a documented type"
        );
    }
}

fn response_fixture(name: &str) -> Value {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("fixtures/responses/{name}.json"));
    serde_json::from_str(&std::fs::read_to_string(&path).expect("read fixture"))
        .expect("fixture is JSON")
}

#[tokio::test]
async fn http_answers_match_the_response_fixtures() {
    let emu = start().await;
    let body =
        json!({"agent_id": api_emulator::SEEDED_AGENT_ID, "channel": {"type": "chat_realtime"}});
    let created: Value = emu
        .api(reqwest::Method::POST, "/conversations")
        .json(&body)
        .send()
        .await
        .expect("create")
        .json()
        .await
        .expect("json");
    let fixture = response_fixture("conversation.create.chat_realtime");
    assert_eq!(shape_diff("$", &fixture, &created), None, "{created}");
    let extended = start_with_extensions().await.create_chat().await.created;
    assert_eq!(
        shape_diff(
            "$",
            &response_fixture("conversation.create.chat_realtime.extensions"),
            &extended
        ),
        None,
        "{extended}"
    );
    let id = created["id"].as_str().expect("id");

    let refreshed: Value = emu
        .api(
            reqwest::Method::POST,
            &format!("/conversations/{id}/token/refresh"),
        )
        .send()
        .await
        .expect("refresh")
        .json()
        .await
        .expect("json");
    assert_eq!(
        shape_diff("$", &response_fixture("token.refresh"), &refreshed),
        None,
        "{refreshed}"
    );

    emu.fault(json!({"kind": "expire_token", "conversation_id": id}))
        .await;
    let token = refreshed["token"].as_str().expect("token");
    let url = format!("{}/conversations/{id}/events?token={token}", emu.base);
    let error: Value = emu
        .http
        .get(url)
        .send()
        .await
        .expect("events")
        .json()
        .await
        .expect("json");
    assert_eq!(
        shape_diff("$", &response_fixture("error"), &error),
        None,
        "{error}"
    );

    emu.fault(json!({"kind": "http_status", "status": 429, "count": 1}))
        .await;
    let limited: Value = emu
        .api(reqwest::Method::GET, "/conversations")
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    assert_eq!(
        shape_diff("$", &response_fixture("error.rate_limited"), &limited),
        None,
        "{limited}"
    );
}
