use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use axum::Router;
use serde_json::{json, Value};

use super::support::*;

fn post(id: &str, token: &str, body: Value) -> Request<Body> {
    Request::post(format!("/conversations/{id}/session?token={token}"))
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .expect("request")
}

/// The `data:` JSON of every SSE frame, and the `id:` lines.
fn frames(text: &str) -> (Vec<Value>, Vec<String>) {
    let data = text
        .lines()
        .filter_map(|l| l.strip_prefix("data: "))
        .map(|d| serde_json::from_str(d).expect("each frame is JSON"))
        .collect();
    let ids = text
        .lines()
        .filter_map(|l| l.strip_prefix("id: "))
        .map(String::from)
        .collect();
    (data, ids)
}

async fn async_chat(app: &Router) -> (String, String) {
    let c = create(app, "chat_async", true).await;
    (
        c["id"].as_str().expect("id").into(),
        c["channel"]["token"].as_str().expect("token").into(),
    )
}

fn types(events: &[Value]) -> Vec<&str> {
    events
        .iter()
        .filter_map(|e| e["payload"]["type"].as_str())
        .collect()
}

#[tokio::test]
async fn an_async_message_streams_the_turn_it_caused_and_ends() {
    let app = app();
    let (id, token) = async_chat(&app).await;
    let r = send(
        &app,
        post(
            &id,
            &token,
            json!({"id": "c1", "payload": {"type": "user.message.send", "text": "/echo Hi there"}}),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.headers["content-type"], "text/event-stream");
    let (events, ids) = frames(&r.text);
    assert_eq!(ids.len(), events.len(), "every frame has an id");
    let t = types(&events);
    assert_eq!(
        &t[..3],
        [
            "conversation.started",
            "agent.notice.sent",
            "agent.message.delta"
        ],
        "implicit start: {t:?}"
    );
    let received = events
        .iter()
        .position(|e| e["payload"]["type"] == "user.message.received")
        .expect("received");
    assert_eq!(
        events[received]["payload"],
        json!({"type": "user.message.received", "text": "/echo Hi there"}),
        "documented fields only: the client id is not echoed"
    );
    let last = events.last().expect("events");
    assert_eq!(last["payload"]["type"], "agent.message.completed");
    assert_eq!(last["payload"]["text"], "Hi there");
    let joined: String = events[received..]
        .iter()
        .filter(|e| e["payload"]["type"] == "agent.message.delta")
        .filter_map(|e| e["payload"]["text_delta"].as_str())
        .collect();
    assert_eq!(joined, "Hi there", "deltas join to the completed text");

    let r = send(
        &app,
        post(
            &id,
            &token,
            json!({"payload": {"type": "conversation.end"}}),
        ),
    )
    .await;
    let (events, _) = frames(&r.text);
    assert_eq!(types(&events), ["conversation.ended"]);
    let r = send(
        &app,
        post(
            &id,
            &token,
            json!({"payload": {"type": "conversation.start"}}),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "ended");
}

#[tokio::test]
async fn async_session_rejects_bad_bodies_and_realtime_conversations() {
    let app = app();
    let (id, token) = async_chat(&app).await;
    let r = send(
        &app,
        post(&id, &token, json!({"payload": {"type": "dance"}})),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&r), "invalid_request");
    let (rt, rt_token) = chat(&app).await;
    let r = send(
        &app,
        post(
            &rt,
            &rt_token,
            json!({"payload": {"type": "conversation.start"}}),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = send(
        &app,
        api(
            Method::POST,
            &format!("/conversations/{id}/session"),
            Some(json!({"payload": {"type": "conversation.start"}})),
        ),
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "a backend may use the API key: {}",
        r.text
    );
}

#[tokio::test]
async fn with_extensions_the_async_answer_echoes_the_client_id_and_names_the_session_url() {
    let app = app_with_extensions();
    let c = create(&app, "chat_async", true).await;
    let id = c["id"].as_str().expect("id");
    let token = c["channel"]["token"].as_str().expect("token");
    assert!(
        c["channel"]["session_url"].as_str().is_some_and(
            |u| u.starts_with("http") && u.ends_with(&format!("/conversations/{id}/session"))
        ),
        "{c}"
    );
    let body = json!({"id": "c1", "payload": {"type": "user.message.send", "text": "/echo Hi"}});
    let r = send(&app, post(id, token, body)).await;
    let (events, _) = frames(&r.text);
    let received = events
        .iter()
        .find(|e| e["payload"]["type"] == "user.message.received")
        .expect("received");
    assert_eq!(received["payload"]["client_message_id"], "c1");
}

/// Status, the body read until it ended or broke, and whether it broke.
async fn read_until_broken(app: &Router, req: Request<Body>) -> (StatusCode, String, bool) {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let response = app
        .clone()
        .oneshot(req)
        .await
        .expect("router is infallible");
    let status = response.status();
    let mut body = response.into_body();
    let mut text = String::new();
    while let Some(frame) = body.frame().await {
        match frame {
            Ok(frame) => {
                if let Some(data) = frame.data_ref() {
                    text.push_str(&String::from_utf8_lossy(data));
                }
            }
            Err(_) => return (status, text, true),
        }
    }
    (status, text, false)
}

#[tokio::test]
async fn faults_reach_the_async_answer_as_they_reach_the_events_stream() {
    let app = app();
    let (id, token) = async_chat(&app).await;
    let arm = |fault: Value| admin(Method::POST, "/_emulator/faults", Some(fault));
    let r = send(
        &app,
        arm(json!({"kind": "malformed_frame", "conversation_id": id, "target": "async"})),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = send(
        &app,
        arm(json!({"kind": "drop_async", "after_events": 2, "conversation_id": id})),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let body = json!({"payload": {"type": "user.message.send", "text": "/echo one two three"}});
    let (status, text, broke) = read_until_broken(&app, post(&id, &token, body)).await;
    assert_eq!(status, StatusCode::OK, "the answer starts: {text}");
    assert!(broke, "the body ends abruptly: {text}");
    let data: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("data: "))
        .collect();
    assert_eq!(data.len(), 3, "a malformed frame, then two events: {text}");
    assert!(
        serde_json::from_str::<Value>(data[0]).is_err(),
        "malformed first"
    );
    assert!(
        !text.contains("agent.message.completed"),
        "cut before the turn's end: {text}"
    );

    let r = send(
        &app,
        arm(json!({"kind": "http_status", "status": 429, "count": 1,
        "path_prefix": format!("/conversations/{id}/session")})),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let body = json!({"payload": {"type": "user.message.send", "text": "/echo again"}});
    let r = send(&app, post(&id, &token, body)).await;
    assert_eq!(
        r.status,
        StatusCode::TOO_MANY_REQUESTS,
        "refused before any event"
    );
    assert_eq!(error_code(&r), "rate_limited");
}
