//! The session socket under bad tokens and injected faults.

use futures_util::StreamExt;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

use crate::support::*;

fn handshake_status(result: Result<Socket, WsError>) -> (u16, Value) {
    match result {
        Err(WsError::Http(response)) => {
            let body = response
                .body()
                .as_deref()
                .map(|b| serde_json::from_slice(b).unwrap_or(Value::Null))
                .unwrap_or(Value::Null);
            (response.status().as_u16(), body)
        }
        Err(e) => panic!("expected an HTTP refusal, got {e}"),
        Ok(_) => panic!("expected the handshake to be refused"),
    }
}

/// Reads `ws` until it closes: the text frames it delivered, and how it ended (`close frame …`
/// for a clean close, else the error or `end`).
async fn read_until_closed(ws: &mut Socket) -> (Vec<String>, String) {
    let mut texts = Vec::new();
    let end = loop {
        match tokio::time::timeout(WAIT, ws.next())
            .await
            .expect("in time")
        {
            Some(Ok(Message::Text(text))) => texts.push(text.to_string()),
            Some(Ok(Message::Close(frame))) => break format!("close frame {frame:?}"),
            Some(Ok(_)) => {}
            Some(Err(e)) => break format!("error {e}"),
            None => break "end".to_string(),
        }
    };
    (texts, end)
}

#[tokio::test]
async fn bad_expired_revoked_and_foreign_tokens_are_refused_at_the_handshake() {
    let emu = start().await;
    let chat = emu.create_chat().await;
    let other = emu.create_chat().await;
    let (status, body) = handshake_status(ws_connect(&chat, "tok_bogus").await);
    assert_eq!(
        (status, body["code"].clone()),
        (401, json!("token_invalid"))
    );
    let (status, body) = handshake_status(ws_connect(&chat, &other.token).await);
    assert_eq!((status, body["code"].clone()), (403, json!("forbidden")));
    let fresh = emu.refresh(&chat.id).await;
    let (status, body) = handshake_status(ws_connect(&chat, &chat.token).await);
    assert_eq!(
        (status, body["code"].clone()),
        (401, json!("token_revoked"))
    );
    emu.fault(json!({"kind": "expire_token", "conversation_id": chat.id}))
        .await;
    let (status, body) = handshake_status(ws_connect(&chat, &fresh).await);
    assert_eq!(
        (status, body["code"].clone()),
        (401, json!("token_expired"))
    );
}

#[tokio::test]
async fn an_injected_429_refuses_the_handshake_with_retry_after() {
    let emu = start().await;
    let chat = emu.create_chat().await;
    emu.fault(json!({"kind": "http_status", "status": 429, "count": 1, "retry_after_s": 4, "path_prefix": "/conversations/"})).await;
    match ws_connect(&chat, &chat.token).await {
        Err(WsError::Http(response)) => {
            assert_eq!(response.status().as_u16(), 429);
            assert_eq!(response.headers()["retry-after"], "4");
        }
        other => panic!("expected 429, got {:?}", other.map(|_| ())),
    }
    assert!(ws_connect(&chat, &chat.token).await.is_ok(), "count was 1");
}

#[tokio::test]
async fn drop_ws_closes_abruptly_after_n_events() {
    let emu = start().await;
    let chat = emu.create_chat().await;
    let mut ws = ws_connect(&chat, &chat.token).await.expect("connect");
    emu.fault(json!({"kind": "drop_ws", "after_events": 2, "conversation_id": chat.id}))
        .await;
    ws_send(&mut ws, msg("c1", json!({"type": "conversation.start"}))).await;
    let (texts, end) = read_until_closed(&mut ws).await;
    assert_eq!(texts.len(), 2, "exactly N events before the drop");
    assert!(!end.starts_with("close frame"), "no close frame: {end}");
    // The next socket is not dropped (the fault was used).
    let mut ws = ws_connect(&chat, &chat.token).await.expect("reconnect");
    ws_send(&mut ws, user_message("c2", "/echo again")).await;
    // The greeting may still be streaming; the reply follows the acknowledgement.
    ws_until(&mut ws, "user.message.received").await;
    let reply = ws_until(&mut ws, "agent.message.completed").await;
    assert_eq!(reply.last().expect("completed")["payload"]["text"], "again");
}

#[tokio::test]
async fn malformed_frame_fault_sends_one_invalid_json_text_on_the_socket() {
    let emu = start().await;
    let chat = emu.create_chat().await;
    let mut ws = ws_connect(&chat, &chat.token).await.expect("connect");
    emu.fault(json!({"kind": "malformed_frame", "conversation_id": chat.id, "target": "ws"}))
        .await;
    let msg1 = tokio::time::timeout(WAIT, ws.next())
        .await
        .expect("in time")
        .expect("open")
        .expect("ok");
    let text = msg1.to_text().expect("text").to_string();
    assert!(
        serde_json::from_str::<Value>(&text).is_err(),
        "not JSON: {text}"
    );
    ws_send(&mut ws, msg("c1", json!({"type": "conversation.start"}))).await;
    assert_eq!(
        ws_event(&mut ws).await["payload"]["type"],
        "conversation.started"
    );
}

#[tokio::test]
async fn slow_agent_paces_the_deltas() {
    let emu = start().await;
    let chat = emu.create_chat().await;
    let mut ws = ws_connect(&chat, &chat.token).await.expect("connect");
    ws_send(&mut ws, msg("c0", json!({"type": "conversation.start"}))).await;
    ws_until(&mut ws, "agent.message.completed").await;
    emu.fault(json!({"kind": "slow_agent", "delta_interval_ms": 60, "conversation_id": chat.id}))
        .await;
    ws_send(&mut ws, user_message("c1", "/stream 4")).await;
    ws_until(&mut ws, "user.message.received").await;
    let started = std::time::Instant::now();
    ws_until(&mut ws, "agent.message.completed").await;
    assert!(
        started.elapsed() >= std::time::Duration::from_millis(180),
        "paced: {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn lose_message_drops_the_socket_and_the_message_never_arrives() {
    let emu = start().await;
    let chat = emu.create_chat().await;
    let mut ws = ws_connect(&chat, &chat.token).await.expect("connect");
    emu.fault(json!({"kind": "lose_message", "conversation_id": chat.id}))
        .await;
    ws_send(&mut ws, user_message("c1", "/echo lost")).await;
    let (texts, end) = read_until_closed(&mut ws).await;
    assert!(
        texts.is_empty(),
        "nothing arrives after a lost message: {texts:?}"
    );
    assert!(!end.starts_with("close frame"), "no close frame: {end}");
    // The fault is used up: the same message sent again arrives and is answered once.
    let mut ws = ws_connect(&chat, &chat.token).await.expect("reconnect");
    ws_send(&mut ws, user_message("c1", "/echo lost")).await;
    // A first message starts the conversation: the greeting comes before the answer.
    ws_until(&mut ws, "user.message.received").await;
    let reply = ws_until(&mut ws, "agent.message.completed").await;
    assert_eq!(reply.last().expect("completed")["payload"]["text"], "lost");
    let record = emu.record(&chat.id).await;
    let received: Vec<_> = record["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["payload"]["type"] == "user.message.received")
        .map(|e| e["payload"]["text"].clone())
        .collect();
    assert_eq!(
        received,
        [json!("/echo lost")],
        "the lost copy never arrived"
    );
}
