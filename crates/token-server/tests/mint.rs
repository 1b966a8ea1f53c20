//! The mint handler through `oneshot`, against an in-process emulator.

mod common;

use axum::http::{header, StatusCode};
use common::*;

#[tokio::test]
async fn signed_in_caller_gets_a_working_session_with_no_store() {
    let emu = Emulator::start().await;
    let (app, auth) = test_app_with_session(&emu.url, &emu.session_url, API_KEY, generous());

    let answer = post_session(&app, Some(&cookie_for(&auth, "demo_alice")), None).await;

    assert_eq!(answer.status, StatusCode::OK, "body: {}", answer.raw);
    assert_eq!(answer.headers[header::CACHE_CONTROL], "no-store");
    let body = &answer.body;
    for field in [
        "conversation_id",
        "token",
        "expires_at",
        "events_url",
        "session_url",
    ] {
        assert!(
            body[field].as_str().is_some_and(|v| !v.is_empty()),
            "{field} missing: {}",
            answer.raw
        );
    }
    let events_url = body["events_url"].as_str().unwrap();
    assert!(
        events_url.starts_with(&emu.url) && !events_url.contains("token"),
        "{events_url}"
    );
    let id = body["conversation_id"].as_str().unwrap();
    assert_eq!(
        body["session_url"],
        format!("{}/conversations/{id}/session", emu.session_url),
        "on the emulator's separate session host, not its REST host"
    );
    let token = body["token"].as_str().unwrap();
    assert_eq!(
        emu.events_status(events_url, token).await,
        (200, None),
        "token opens the events"
    );
}

#[tokio::test]
async fn an_async_channel_session_names_its_channel_has_no_session_url_and_drives_the_post() {
    let emu = Emulator::start().await;
    let (app, auth) = test_app_on_channel(&emu.url, token_server::ChatChannel::Async);
    let mut jar = Jar::signed_in(&auth, "demo_async");

    let first = jar.mint(&app).await;
    let second = jar.mint(&app).await.body;

    assert_eq!(first.status, StatusCode::OK, "body: {}", first.raw);
    let body = &first.body;
    assert_eq!(body["channel"], "chat_async", "{}", first.raw);
    assert!(
        body.get("session_url").is_none(),
        "no WebSocket for chat_async: {}",
        first.raw
    );
    assert_eq!(
        second["conversation_id"], body["conversation_id"],
        "resumed like a realtime one"
    );
    let events_url = second["events_url"].as_str().unwrap();
    let session = format!(
        "{}/session?token={}",
        events_url.trim_end_matches("/events"),
        second["token"].as_str().unwrap()
    );
    let answer = reqwest::Client::new()
        .post(session)
        .json(&serde_json::json!({"payload": {"type": "user.message.send", "text": "/echo hi"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200, "the async session takes the token");
    let text = answer.text().await.unwrap();
    assert!(
        text.contains("user.message.received") && text.contains("agent.message.completed"),
        "the answer streams the turn: {text}"
    );
}

#[tokio::test]
async fn a_realtime_session_names_its_channel() {
    let emu = Emulator::start().await;
    let answer = mint_once(&emu.url, "demo_realtime").await;
    assert_eq!(answer.body["channel"], "chat_realtime", "{}", answer.raw);
}

#[tokio::test]
async fn second_mint_reuses_the_conversation_and_revokes_the_first_token() {
    let emu = Emulator::start().await;
    let (app, auth) = test_app(&emu.url, API_KEY, generous());
    let mut jar = Jar::signed_in(&auth, "demo_bob");

    let first = jar.mint(&app).await.body;
    let second = jar.mint(&app).await.body;

    assert_eq!(
        first["conversation_id"], second["conversation_id"],
        "same caller, same conversation"
    );
    assert_ne!(first["token"], second["token"], "a new token each mint");
    let events_url = second["events_url"].as_str().unwrap();
    let revoked = emu
        .events_status(events_url, first["token"].as_str().unwrap())
        .await;
    assert_eq!(
        revoked,
        (401, Some("token_revoked".into())),
        "the first token is revoked"
    );
    let fresh = emu
        .events_status(events_url, second["token"].as_str().unwrap())
        .await;
    assert_eq!(fresh, (200, None), "the second token works");
}

#[tokio::test]
async fn different_callers_get_different_conversations() {
    let emu = Emulator::start().await;
    let (app, auth) = test_app(&emu.url, API_KEY, generous());

    let a = post_session(&app, Some(&cookie_for(&auth, "demo_a")), None)
        .await
        .body;
    let b = post_session(&app, Some(&cookie_for(&auth, "demo_b")), None)
        .await
        .body;

    assert_ne!(a["conversation_id"], b["conversation_id"]);
}

#[tokio::test]
async fn a_conversation_that_is_gone_is_replaced_by_a_new_one() {
    let emu = Emulator::start().await;
    let (app, auth) = test_app(&emu.url, API_KEY, generous());
    let mut jar = Jar::signed_in(&auth, "demo_carol");
    let first = jar.mint(&app).await.body;
    let id = first["conversation_id"].as_str().unwrap();
    emu.delete_conversation(id).await;

    let second = jar.mint(&app).await;

    assert_eq!(second.status, StatusCode::OK, "{}", second.raw);
    assert_ne!(
        second.body["conversation_id"], first["conversation_id"],
        "a new conversation"
    );
    let third = jar.mint(&app).await;
    assert_eq!(
        third.body["conversation_id"], second.body["conversation_id"],
        "the replacement is the one resumed next"
    );
}

#[tokio::test]
async fn missing_or_forged_cookie_is_refused_with_401_before_any_upstream_call() {
    let emu = Emulator::start().await;
    let (app, auth) = test_app(&emu.url, API_KEY, generous());
    let forged = cookie_for(&auth, "demo_eve").replace("demo_eve", "demo_admin");

    for cookie in [None, Some(forged.as_str()), Some("opchat_demo=garbage")] {
        let answer = post_session(&app, cookie, None).await;
        assert_eq!(
            answer.status,
            StatusCode::UNAUTHORIZED,
            "cookie {cookie:?}: {}",
            answer.raw
        );
        assert_eq!(
            error_parts(&answer),
            ("unauthorized".into(), false),
            "cookie {cookie:?}"
        );
    }
}

#[tokio::test]
async fn upstream_503_is_passed_on_as_transient_with_retry_after() {
    let emu = Emulator::start().await;
    let (app, auth) = test_app(&emu.url, API_KEY, generous());
    emu.fault(fault_503(1)).await;

    let answer = post_session(&app, Some(&cookie_for(&auth, "demo_dan")), None).await;

    assert_eq!(
        answer.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        answer.raw
    );
    assert_eq!(error_parts(&answer), ("upstream_unavailable".into(), true));
    assert_eq!(
        answer
            .headers
            .get(header::RETRY_AFTER)
            .map(|v| v.to_str().unwrap()),
        Some("2")
    );
    let retry = post_session(&app, Some(&cookie_for(&auth, "demo_dan")), None).await;
    assert_eq!(
        retry.status,
        StatusCode::OK,
        "the fault was used up: {}",
        retry.raw
    );
}

#[tokio::test]
async fn upstream_429_stays_transient() {
    let emu = Emulator::start().await;
    let (app, auth) = test_app(&emu.url, API_KEY, generous());
    emu.fault(
        serde_json::json!({"kind": "http_status", "status": 429, "count": 1, "retry_after_s": 1}),
    )
    .await;

    let answer = post_session(&app, Some(&cookie_for(&auth, "demo_erin")), None).await;

    assert_eq!(
        answer.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        answer.raw
    );
    assert_eq!(error_parts(&answer), ("upstream_rate_limited".into(), true));
}

#[tokio::test]
async fn bad_upstream_key_is_a_non_transient_502_that_never_shows_the_key() {
    let emu = Emulator::start().await;
    let wrong_key = "op_test_wrong_key_that_must_not_leak";
    let (app, auth) = test_app(&emu.url, wrong_key, generous());

    let answer = post_session(&app, Some(&cookie_for(&auth, "demo_frank")), None).await;

    assert_eq!(answer.status, StatusCode::BAD_GATEWAY, "{}", answer.raw);
    assert_eq!(error_parts(&answer), ("upstream_auth".into(), false));
    for leaked in [wrong_key, API_KEY] {
        assert!(!answer.raw.contains(leaked), "key in body: {}", answer.raw);
        for (name, value) in &answer.headers {
            assert!(
                !value.to_str().unwrap_or("").contains(leaked),
                "key in header {name}"
            );
        }
    }
}

#[tokio::test]
async fn unreachable_upstream_is_transient() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let answer = mint_once(&dead, "demo_gus").await;

    assert_eq!(
        answer.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        answer.raw
    );
    assert_eq!(error_parts(&answer), ("upstream_unavailable".into(), true));
}

#[tokio::test]
async fn an_ended_conversation_is_replaced_by_a_new_one() {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message;
    let emu = Emulator::start().await;
    let (app, auth) = test_app_with_session(&emu.url, &emu.session_url, API_KEY, generous());
    let mut jar = Jar::signed_in(&auth, "demo_hank");
    let first = jar.mint(&app).await.body;
    let session_url = first["session_url"].as_str().unwrap();
    let url = format!("{session_url}?token={}", first["token"].as_str().unwrap());
    let (mut ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    let end = r#"{"id":"c_end","payload":{"type":"conversation.end"}}"#;
    ws.send(Message::Text(end.into())).await.unwrap();
    let ended = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        while let Some(Ok(msg)) = ws.next().await {
            if matches!(&msg, Message::Text(t) if t.contains("conversation.ended")) {
                return true;
            }
        }
        false
    });
    assert!(
        ended.await.unwrap_or(false),
        "the emulator ended the conversation"
    );

    let second = jar.mint(&app).await;

    assert_eq!(second.status, StatusCode::OK, "{}", second.raw);
    assert_ne!(
        second.body["conversation_id"], first["conversation_id"],
        "a new conversation"
    );
}
