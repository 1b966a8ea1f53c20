use std::time::Duration;

use api_emulator::EmulatorConfig;
use serde_json::{json, Value};

use crate::sse_client::*;
use crate::support::*;

/// Drives a conversation to its end over a socket: start, one message, "bye".
async fn finished_chat(emu: &Emu) -> Chat {
    let chat = emu.create_chat().await;
    let mut ws = ws_connect(&chat, &chat.token).await.expect("connect");
    ws_send(&mut ws, msg("c1", json!({"type": "conversation.start"}))).await;
    ws_send(&mut ws, user_message("c2", "/echo one two three")).await;
    ws_send(&mut ws, user_message("c3", "bye")).await;
    ws_until(&mut ws, "conversation.ended").await;
    chat
}

/// A finished conversation and its recorded event ids (more than ten).
async fn long_history(emu: &Emu) -> (Chat, Vec<String>) {
    let chat = finished_chat(emu).await;
    let all = emu.record_ids(&chat.id).await;
    assert!(all.len() > 10, "a long enough history");
    (chat, all)
}

fn ids(frames: &[Frame]) -> Vec<String> {
    frames
        .iter()
        .map(|f| f.id.clone().expect("every frame has an id"))
        .collect()
}

#[tokio::test]
async fn history_is_replayed_with_id_lines_then_the_stream_closes_after_the_end() {
    let emu = start().await;
    let chat = finished_chat(&emu).await;
    let mut sse = Sse::open(&sse_url(&chat, &chat.token, None), None)
        .await
        .expect("sse");
    let frames = sse.drain().await;
    for f in &frames {
        assert_eq!(
            f.id.as_deref(),
            f.json()["id"].as_str(),
            "id: line equals the event id"
        );
    }
    assert_eq!(
        ids(&frames),
        emu.record_ids(&chat.id).await,
        "full history, in order"
    );
    assert_eq!(frames[0].json()["payload"]["type"], "conversation.setup");
    assert_eq!(
        frames.last().expect("last").json()["payload"]["type"],
        "conversation.ended"
    );
}

#[tokio::test]
async fn live_events_follow_the_replay_on_an_open_stream() {
    let emu = start().await;
    let chat = emu.create_chat().await;
    let mut sse = Sse::open(&sse_url(&chat, &chat.token, None), None)
        .await
        .expect("sse");
    assert_eq!(
        sse.next_event().await.expect("setup").json()["payload"]["type"],
        "conversation.setup"
    );
    let mut ws = ws_connect(&chat, &chat.token).await.expect("connect");
    ws_send(&mut ws, msg("c1", json!({"type": "conversation.start"}))).await;
    let started = sse.next_event().await.expect("live event");
    assert_eq!(started.json()["payload"]["type"], "conversation.started");
    assert_eq!(started.json()["conversation_id"], chat.id.as_str());
}

#[tokio::test]
async fn every_connect_replays_from_the_first_event_ignoring_after_and_last_event_id() {
    let emu = start().await;
    let (chat, all) = long_history(&emu).await;
    let middle = all[all.len() / 2].as_str();
    for (url, header, how) in [
        (sse_url(&chat, &chat.token, Some(middle)), None, "?after="),
        (
            sse_url(&chat, &chat.token, None),
            Some(middle),
            "Last-Event-ID",
        ),
        (
            sse_url(&chat, &chat.token, Some("ev_unknown")),
            Some("ev_unknown"),
            "unknown ids",
        ),
    ] {
        let mut sse = Sse::open(&url, header).await.expect("served (A8)");
        assert_eq!(
            ids(&sse.drain().await),
            all,
            "{how} is ignored: the whole history from the first event"
        );
    }
}

#[tokio::test]
async fn with_extensions_last_event_id_or_after_resumes_exactly_after_that_event() {
    let emu = start_with_extensions().await;
    let (chat, all) = long_history(&emu).await;
    for k in [0, all.len() / 2, all.len() - 2] {
        let head = &all[..=k];
        let mut by_header = Sse::open(&sse_url(&chat, &chat.token, None), Some(&all[k]))
            .await
            .expect("sse");
        let tail = ids(&by_header.drain().await);
        assert_eq!(
            [head, &tail[..]].concat(),
            all,
            "Last-Event-ID resumes after event {k}"
        );
        let mut by_query = Sse::open(&sse_url(&chat, &chat.token, Some(&all[k])), None)
            .await
            .expect("sse");
        assert_eq!(
            ids(&by_query.drain().await),
            tail,
            "?after= resumes the same way"
        );
    }
    // Resuming after the last event (conversation.ended) closes at once with nothing.
    let mut at_end = Sse::open(
        &sse_url(&chat, &chat.token, Some(&all[all.len() - 1])),
        None,
    )
    .await
    .expect("sse");
    assert!(at_end.drain().await.is_empty());
}

#[tokio::test]
async fn with_extensions_an_unknown_resume_id_is_400_invalid_request() {
    let emu = start_with_extensions().await;
    let chat = emu.create_chat().await;
    for (url, header) in [
        (sse_url(&chat, &chat.token, Some("ev_unknown")), None),
        (sse_url(&chat, &chat.token, None), Some("ev_unknown")),
    ] {
        let response = Sse::open(&url, header).await.err().expect("refused");
        assert_eq!(response.status(), 400);
        let body: Value = response.json().await.expect("json");
        assert_eq!(body["code"], "invalid_request");
    }
}

#[tokio::test]
async fn an_idle_stream_gets_keep_alive_comments() {
    let emu = start_with(EmulatorConfig {
        keepalive_interval: Duration::from_millis(50),
        ..config()
    })
    .await;
    let chat = emu.create_chat().await;
    let mut sse = Sse::open(&sse_url(&chat, &chat.token, None), None)
        .await
        .expect("sse");
    let mut saw_setup = false;
    loop {
        let f = sse.next_frame().await.expect("stream stays open");
        if f.data.is_some() {
            saw_setup = true;
        } else if f.comment.is_some() {
            assert_eq!(f.comment.as_deref(), Some("keep-alive"));
            break;
        }
    }
    assert!(saw_setup);
}

#[tokio::test]
async fn after_drop_sse_a_reconnect_replays_everything_and_dedup_by_id_loses_nothing() {
    let emu = start().await;
    let chat = emu.create_chat().await;
    let mut sse = Sse::open(&sse_url(&chat, &chat.token, None), None)
        .await
        .expect("sse");
    let mut seen = vec![sse.next_event().await.expect("setup")];
    emu.fault(json!({"kind": "drop_sse", "after_events": 3, "conversation_id": chat.id}))
        .await;
    let mut ws = ws_connect(&chat, &chat.token).await.expect("connect");
    ws_send(&mut ws, msg("c1", json!({"type": "conversation.start"}))).await;
    ws_send(&mut ws, user_message("c2", "bye")).await;
    let first = sse.drain().await;
    assert_eq!(first.len(), 3, "the body ended after 3 more events");
    seen.extend(first);
    ws_until(&mut ws, "conversation.ended").await;
    let last = seen.last().and_then(|f| f.id.clone()).expect("last id");
    // A browser's EventSource sends Last-Event-ID on its own; the service ignores it.
    let mut again = Sse::open(&sse_url(&chat, &chat.token, None), Some(&last))
        .await
        .expect("reconnect");
    let replay = ids(&again.drain().await);
    let all = emu.record_ids(&chat.id).await;
    assert_eq!(replay, all, "the reconnect replays from the first event");
    let mut merged = ids(&seen);
    merged.extend(
        replay
            .into_iter()
            .filter(|id| !seen.iter().any(|f| f.id.as_deref() == Some(id))),
    );
    assert_eq!(
        merged, all,
        "de-duplicated by id: every event exactly once, in order"
    );
}

#[tokio::test]
async fn malformed_frame_fault_sends_one_frame_of_invalid_json_without_an_id() {
    let emu = start().await;
    let chat = emu.create_chat().await;
    let mut sse = Sse::open_past_setup(&chat).await;
    emu.fault(json!({"kind": "malformed_frame", "conversation_id": chat.id, "target": "sse"}))
        .await;
    let bad = sse.next_event().await.expect("malformed frame");
    assert!(bad.id.is_none());
    assert!(serde_json::from_str::<Value>(bad.data.as_deref().unwrap_or_default()).is_err());
    let mut ws = ws_connect(&chat, &chat.token).await.expect("connect");
    ws_send(&mut ws, msg("c1", json!({"type": "conversation.start"}))).await;
    assert_eq!(
        sse.next_event().await.expect("next").json()["payload"]["type"],
        "conversation.started"
    );
}

#[tokio::test]
async fn sse_answers_bad_tokens_before_any_stream_bytes() {
    // A3: the old token is refused for new connections once refreshed.
    let emu = start().await;
    let chat = emu.create_chat().await;
    let other = emu.create_chat().await;
    let old = chat.token.clone();
    let fresh = emu.refresh(&chat.id).await;
    for (token, status, code) in [
        ("tok_bogus".to_string(), 401, "token_invalid"),
        (other.token.clone(), 403, "forbidden"),
        (old, 401, "token_revoked"),
    ] {
        let response = Sse::open(&sse_url(&chat, &token, None), None)
            .await
            .err()
            .expect("refused");
        assert_eq!(response.status(), status, "{code}");
        assert_eq!(response.headers()["content-type"], "application/json");
        let body: Value = response.json().await.expect("json");
        assert_eq!(body["code"], code);
    }
    emu.fault(json!({"kind": "expire_token", "conversation_id": chat.id}))
        .await;
    let response = Sse::open(&sse_url(&chat, &fresh, None), None)
        .await
        .err()
        .expect("refused");
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["code"], "token_expired");
}

#[tokio::test]
async fn an_injected_503_on_events_carries_retry_after() {
    let emu = start().await;
    let chat = emu.create_chat().await;
    emu.fault(json!({"kind": "http_status", "status": 503, "count": 1, "retry_after_s": 2}))
        .await;
    let response = Sse::open(&sse_url(&chat, &chat.token, None), None)
        .await
        .err()
        .expect("refused");
    assert_eq!(response.status(), 503);
    assert_eq!(response.headers()["retry-after"], "2");
    let body: Value = response.json().await.expect("json");
    assert_eq!(
        (body["code"].clone(), body["transient"].clone()),
        (json!("unavailable"), json!(true))
    );
    assert!(
        Sse::open(&sse_url(&chat, &chat.token, None), None)
            .await
            .is_ok(),
        "then served"
    );
}
