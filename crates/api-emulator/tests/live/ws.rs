//! The session socket: start, replies, bad frames, isolation, end, parity with SSE.

use futures_util::StreamExt;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

use crate::sse_client::*;
use crate::support::*;

const GREETING: &str = "Hi! I'm the Operator demo agent. How can I help you today?";

fn joined_deltas(events: &[Value]) -> String {
    events
        .iter()
        .filter(|e| e["payload"]["type"] == "agent.message.delta")
        .filter_map(|e| e["payload"]["text_delta"].as_str())
        .collect()
}

#[tokio::test]
async fn start_streams_the_notice_and_the_greeting() {
    let emu = start().await;
    let chat = emu.create_chat().await;
    let mut ws = ws_connect(&chat, &chat.token).await.expect("connect");
    ws_send(&mut ws, msg("c1", json!({"type": "conversation.start"}))).await;
    let events = ws_until(&mut ws, "agent.message.completed").await;
    let t = types(&events);
    assert_eq!(
        t[0], "conversation.started",
        "no history replay on the socket: {t:?}"
    );
    assert_eq!(t[1], "agent.notice.sent");
    assert!(
        t[2..t.len() - 1].iter().all(|x| x == "agent.message.delta"),
        "{t:?}"
    );
    assert!(t.len() >= 6, "the greeting comes in several deltas: {t:?}");
    let completed = &events[events.len() - 1]["payload"];
    assert_eq!(completed["text"], GREETING);
    assert_eq!(
        joined_deltas(&events),
        GREETING,
        "deltas join to the completed text"
    );
    let gen = completed["generation_id"].clone();
    assert!(events
        .iter()
        .filter(|e| e["payload"]["type"] == "agent.message.delta")
        .all(|e| e["payload"]["generation_id"] == gen));
    let r: Value = emu
        .api(reqwest::Method::GET, &format!("/conversations/{}", chat.id))
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(r["status"], "in-progress");
}

#[tokio::test]
async fn user_text_is_acknowledged_then_answered_deterministically() {
    let emu = start().await;
    let chat = emu.create_chat().await;
    let mut ws = ws_connect(&chat, &chat.token).await.expect("connect");
    // A message before conversation.start starts the conversation implicitly.
    ws_send(&mut ws, user_message("c1", "/echo Hello brave new world")).await;
    let greeting = ws_until(&mut ws, "agent.message.completed").await;
    assert_eq!(types(&greeting)[0], "conversation.started");
    let reply = ws_until(&mut ws, "agent.message.completed").await;
    assert_eq!(
        reply[0]["payload"],
        json!({"type": "user.message.received", "text": "/echo Hello brave new world"}),
        "documented fields only: the client id is not echoed"
    );
    assert_eq!(
        reply.last().expect("completed")["payload"]["text"],
        "Hello brave new world"
    );
    assert_eq!(joined_deltas(&reply), "Hello brave new world");

    ws_send(&mut ws, user_message("c2", "Hi")).await;
    let reply = ws_until(&mut ws, "agent.message.completed").await;
    assert_eq!(
        reply.last().expect("completed")["payload"]["text"],
        "You said: \"Hi\". I can look up an order, explain returns, find your boot size or help with a repair."
    );

    ws_send(&mut ws, user_message("c3", "/stream 7")).await;
    let reply = ws_until(&mut ws, "agent.message.completed").await;
    assert_eq!(
        types(&reply)
            .iter()
            .filter(|t| *t == "agent.message.delta")
            .count(),
        7
    );
}

#[tokio::test]
async fn an_order_question_calls_lookup_order_before_answering() {
    let emu = start().await;
    let chat = emu.create_chat().await;
    let mut ws = ws_connect(&chat, &chat.token).await.expect("connect");
    ws_send(&mut ws, msg("c1", json!({"type": "conversation.start"}))).await;
    ws_until(&mut ws, "agent.message.completed").await;
    ws_send(
        &mut ws,
        user_message("c2", "Where is order A-77? Give me a notice"),
    )
    .await;
    let reply = ws_until(&mut ws, "agent.message.completed").await;
    let t = types(&reply);
    let pos = |x: &str| {
        t.iter()
            .position(|y| y == x)
            .unwrap_or_else(|| panic!("{x} in {t:?}"))
    };
    assert!(pos("user.message.received") < pos("agent.notice.sent"));
    assert!(pos("agent.notice.sent") < pos("agent.tool_call.created"));
    assert!(pos("agent.tool_call.created") < pos("agent.tool_call.returned"));
    let created = &reply[pos("agent.tool_call.created")]["payload"];
    let returned = &reply[pos("agent.tool_call.returned")]["payload"];
    assert_eq!(created["name"], "lookup_order");
    assert_eq!(created["arguments"], "{\"order_id\":\"A-77\"}");
    assert_eq!(created["call_id"], returned["call_id"]);
    let completed = &reply.last().expect("completed")["payload"];
    assert_eq!(completed["has_tool_calls"], true);
    assert_eq!(completed["text"], "Let me look that order up. Your order A-77 has shipped and will arrive in 2 business days.");
    assert_eq!(
        joined_deltas(&reply),
        completed["text"].as_str().expect("text")
    );
}

#[tokio::test]
async fn bad_frames_get_a_server_error_and_the_socket_stays_open() {
    let emu = start().await;
    let chat = emu.create_chat().await;
    let mut ws = ws_connect(&chat, &chat.token).await.expect("connect");
    let big = msg(
        "c0",
        json!({"type": "user.message.send", "text": "x".repeat(70 * 1024)}),
    );
    for frame in [
        Message::text("not json"),
        Message::text(json!({"id": "c1", "payload": {"type": "dance"}}).to_string()),
        Message::text(big.to_string()),
        Message::binary(vec![1u8, 2, 3]),
    ] {
        futures_util::SinkExt::send(&mut ws, frame)
            .await
            .expect("send");
        let e = ws_event(&mut ws).await;
        assert_eq!(e["payload"]["type"], "server.error", "{e}");
        assert_eq!(e["payload"]["code"], "invalid_request");
        assert!(e["payload"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()));
    }
    ws_send(&mut ws, msg("c2", json!({"type": "conversation.start"}))).await;
    let events = ws_until(&mut ws, "agent.message.completed").await;
    assert_eq!(
        types(&events)[0],
        "conversation.started",
        "still open and working"
    );
}

#[tokio::test]
async fn concurrent_sessions_do_not_cross_talk() {
    let emu = start().await;
    let mut tasks = Vec::new();
    for n in 0..4 {
        let chat = emu.create_chat().await;
        tasks.push(tokio::spawn(async move {
            let mut ws = ws_connect(&chat, &chat.token).await.expect("connect");
            let text = format!("/echo conversation number {n}");
            ws_send(&mut ws, user_message("c1", &text)).await;
            ws_until(&mut ws, "agent.message.completed").await;
            let reply = ws_until(&mut ws, "agent.message.completed").await;
            (chat.id, n, reply)
        }));
    }
    for task in tasks {
        let (id, n, reply) = task.await.expect("task");
        assert!(
            reply.iter().all(|e| e["conversation_id"] == id.as_str()),
            "only own events"
        );
        assert_eq!(
            reply.last().expect("completed")["payload"]["text"],
            format!("conversation number {n}")
        );
    }
}

#[tokio::test]
async fn conversation_end_sends_ended_then_closes_with_1000() {
    let emu = start().await;
    let chat = emu.create_chat().await;
    let mut ws = ws_connect(&chat, &chat.token).await.expect("connect");
    ws_send(&mut ws, msg("c1", json!({"type": "conversation.start"}))).await;
    ws_send(&mut ws, msg("c2", json!({"type": "conversation.end"}))).await;
    let events = ws_until(&mut ws, "conversation.ended").await;
    assert_eq!(
        events.last().expect("ended")["payload"]["reason"],
        "user_ended"
    );
    let close = tokio::time::timeout(WAIT, ws.next())
        .await
        .expect("close in time");
    match close {
        Some(Ok(Message::Close(Some(frame)))) => assert_eq!(u16::from(frame.code), 1000),
        other => panic!("expected a 1000 close, got {other:?}"),
    }
    // A new socket to the ended conversation is closed normally at once.
    let mut again = ws_connect(&chat, &chat.token).await.expect("connect");
    match tokio::time::timeout(WAIT, again.next())
        .await
        .expect("in time")
    {
        Some(Ok(Message::Close(Some(frame)))) => assert_eq!(u16::from(frame.code), 1000),
        other => panic!("expected a 1000 close, got {other:?}"),
    }
}

#[tokio::test]
async fn sse_and_websocket_deliver_the_same_events_with_the_same_ids() {
    let emu = start().await;
    let chat = emu.create_chat().await;
    let mut sse = Sse::open(&sse_url(&chat, &chat.token, None), None)
        .await
        .expect("sse");
    let setup = sse.next_event().await.expect("setup");
    assert_eq!(setup.json()["payload"]["type"], "conversation.setup");
    let mut ws = ws_connect(&chat, &chat.token).await.expect("connect");
    ws_send(&mut ws, msg("c1", json!({"type": "conversation.start"}))).await;
    ws_send(
        &mut ws,
        msg(
            "c2",
            json!({"type": "conversation.context.update", "context": {"plan": "pro"}}),
        ),
    )
    .await;
    ws_send(&mut ws, user_message("c3", "bye")).await;
    let ws_events = ws_until(&mut ws, "conversation.ended").await;
    let sse_events: Vec<Value> = sse.drain().await.iter().map(Frame::json).collect();
    let ids = |v: &[Value]| v.iter().map(|e| e["id"].clone()).collect::<Vec<_>>();
    assert_eq!(
        ids(&ws_events),
        ids(&sse_events),
        "same ids in the same order"
    );
    assert_eq!(
        sse_events.last().expect("ended")["payload"]["reason"],
        "agent_ended"
    );
}

#[tokio::test]
async fn replies_never_interleave_and_messages_queue_in_order() {
    let emu = start().await;
    let chat = emu.create_chat().await;
    let mut ws = ws_connect(&chat, &chat.token).await.expect("connect");
    for (i, text) in ["/echo first reply here", "/echo second one", "/stream 4"]
        .iter()
        .enumerate()
    {
        let payload = json!({"type": "user.message.send", "text": text});
        ws_send(&mut ws, msg(&format!("c{i}"), payload)).await;
    }
    let mut events = ws_until(&mut ws, "agent.message.completed").await; // greeting
    for _ in 0..3 {
        events.extend(ws_until(&mut ws, "agent.message.completed").await);
    }
    // Each generation's deltas are contiguous and closed by its completed event.
    let mut open: Option<Value> = None;
    let mut closed = Vec::new();
    for e in &events {
        let p = &e["payload"];
        match p["type"].as_str() {
            Some("agent.message.delta") => {
                match &open {
                    None => open = Some(p["generation_id"].clone()),
                    Some(g) => assert_eq!(g, &p["generation_id"], "no interleaving"),
                }
                assert!(
                    !closed.contains(&p["generation_id"]),
                    "no delta after completed"
                );
            }
            Some("agent.message.completed") => {
                closed.push(p["generation_id"].clone());
                open = None;
            }
            Some("user.message.received") => {
                assert!(open.is_none(), "acks wait for the current reply")
            }
            _ => {}
        }
    }
    let replies: Vec<_> = events
        .iter()
        .filter(|e| e["payload"]["type"] == "agent.message.completed")
        .map(|e| e["payload"]["text"].clone())
        .collect();
    assert_eq!(
        replies[1..],
        [
            json!("first reply here"),
            json!("second one"),
            json!("w1 w2 w3 w4")
        ]
    );
}
