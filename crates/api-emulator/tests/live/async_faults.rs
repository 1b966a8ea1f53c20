//! The `chat_async` session (`POST …/session`) under injected faults, over a real socket.

use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::*;

/// Posts `body` over a raw connection and returns every byte the server wrote before it closed.
async fn raw_post(emu: &Emu, chat: &Chat, body: &str) -> Vec<u8> {
    let authority = emu.base.trim_start_matches("http://");
    let mut socket = TcpStream::connect(authority).await.expect("connect");
    let request = format!(
        "POST /conversations/{}/session?token={} HTTP/1.1\r\nHost: {authority}\r\n\
         Content-Type: application/json\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
        chat.id,
        chat.token,
        body.len()
    );
    socket.write_all(request.as_bytes()).await.expect("write");
    let mut answer = Vec::new();
    tokio::time::timeout(WAIT, socket.read_to_end(&mut answer))
        .await
        .expect("closed in time")
        .expect("read");
    answer
}

fn received(record: &serde_json::Value) -> Vec<String> {
    record["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["payload"]["type"] == "user.message.received")
        .map(|e| e["payload"]["text"].as_str().expect("text").to_string())
        .collect()
}

#[tokio::test]
async fn a_lost_message_cuts_the_post_before_any_answer_and_never_reaches_the_agent() {
    let emu = start().await;
    let chat = emu.create_chat_on("chat_async").await;
    emu.fault(json!({"kind": "lose_message", "conversation_id": chat.id}))
        .await;
    let lost = json!({"payload": {"type": "user.message.send", "text": "/echo lost"}});
    let answer = raw_post(&emu, &chat, &lost.to_string()).await;
    assert!(
        answer.is_empty(),
        "no status line, nothing at all: {:?}",
        String::from_utf8_lossy(&answer)
    );

    // The fault is spent: the next message is answered and reaches the agent.
    let kept = json!({"payload": {"type": "user.message.send", "text": "/echo kept"}});
    let answer = raw_post(&emu, &chat, &kept.to_string()).await;
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    assert!(text.contains("agent.message.completed"), "{text}");
    assert_eq!(received(&emu.record(&chat.id).await), ["/echo kept"]);
}

#[tokio::test]
async fn a_drop_before_any_event_still_starts_the_answer_so_no_client_posts_again() {
    // A connection cut with no status line looks stale to a browser, which then sends the POST
    // again by itself: the message would reach the agent twice.
    let emu = start().await;
    let chat = emu.create_chat_on("chat_async").await;
    emu.fault(json!({"kind": "drop_async", "after_events": 0, "conversation_id": chat.id}))
        .await;
    let body = json!({"payload": {"type": "user.message.send", "text": "/echo once"}});
    let answer = raw_post(&emu, &chat, &body.to_string()).await;
    let text = String::from_utf8_lossy(&answer);
    assert!(
        text.starts_with("HTTP/1.1 200"),
        "the answer started: {text}"
    );
    assert!(
        !text.contains("\r\n0\r\n\r\n"),
        "then it was cut, not ended: {text}"
    );
    assert!(!text.contains("data:"), "before any event: {text}");
    // The agent's turn goes on; the events stream has it.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_eq!(received(&emu.record(&chat.id).await), ["/echo once"]);
}
