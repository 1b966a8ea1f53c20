use axum::http::{Method, StatusCode};
use serde_json::json;

use super::support::*;
use crate::{routers, EmulatorConfig, SEEDED_AGENT_ID};

fn create_with_host(body: serde_json::Value) -> axum::http::Request<axum::body::Body> {
    let mut r = api(Method::POST, "/conversations", Some(body));
    r.headers_mut()
        .insert("host", "emu.local:4010".parse().expect("host"));
    r
}

fn channel_keys(body: &serde_json::Value) -> Vec<String> {
    let mut keys: Vec<_> = body["channel"]
        .as_object()
        .expect("channel")
        .keys()
        .cloned()
        .collect();
    keys.sort();
    keys
}

#[tokio::test]
async fn creating_a_chat_answers_exactly_the_documented_channel_fields() {
    let app = app();
    for channel in ["chat_realtime", "chat_async"] {
        let body = json!({"agent_id": SEEDED_AGENT_ID, "channel": {"type": channel}});
        let r = send(&app, create_with_host(body)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let id = r.body["id"].as_str().expect("id");
        assert!(id.starts_with("conv_"));
        assert_eq!(
            channel_keys(&r.body),
            ["events_url", "token", "type"],
            "{channel}: {{type, token, events_url}} and nothing else (§5.1)"
        );
        let ch = &r.body["channel"];
        assert_eq!(ch["type"], channel);
        assert_eq!(
            ch["events_url"],
            format!("http://emu.local:4010/conversations/{id}/events"),
            "absolute, without the token"
        );
        assert!(ch["token"].as_str().is_some_and(|t| t.starts_with("tok_")));
    }
}

#[tokio::test]
async fn with_extensions_a_chat_also_gets_expires_at_and_the_session_host_url() {
    let app = routers(EmulatorConfig {
        extensions: true,
        session_base_url: Some("ws://agent.emu.local:4011/".into()),
        ..config()
    })
    .rest;
    let body = json!({"agent_id": SEEDED_AGENT_ID, "channel": {"type": "chat_realtime"}});
    let r = send(&app, create_with_host(body)).await;
    let id = r.body["id"].as_str().expect("id");
    assert_eq!(
        channel_keys(&r.body),
        ["events_url", "expires_at", "session_url", "token", "type"]
    );
    let ch = &r.body["channel"];
    assert_eq!(
        ch["session_url"],
        format!("ws://agent.emu.local:4011/conversations/{id}/session"),
        "on the session host, not the REST host"
    );
    assert!(ch["expires_at"].as_str().is_some_and(|t| t.ends_with('Z')));
}

#[tokio::test]
async fn the_public_base_url_wins_over_the_host_header() {
    let app = routers(EmulatorConfig {
        public_base_url: Some("https://api.example.test/".into()),
        ..config()
    })
    .rest;
    let c = create(&app, "chat_realtime", true).await;
    let id = c["id"].as_str().expect("id");
    assert_eq!(
        c["channel"]["events_url"],
        format!("https://api.example.test/conversations/{id}/events")
    );
}

#[tokio::test]
async fn a_phone_conversation_needs_a_callee_number() {
    let app = app();
    let body = json!({"agent_id": SEEDED_AGENT_ID, "channel": {"type": "phone"}});
    let r = send(&app, api(Method::POST, "/conversations", Some(body))).await;
    assert_eq!(r.body["data"]["field"], "channel.callee_no");
    let body = json!({"agent_id": SEEDED_AGENT_ID, "channel": {"type": "phone", "callee_no": "+15550100"}});
    let r = send(&app, api(Method::POST, "/conversations", Some(body))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["channel"]["callee_no"], "+15550100");
    assert_eq!(
        channel_keys(&r.body),
        ["callee_no", "caller_no", "events_url", "token", "type"],
        "the documented phone answer"
    );
    let id = r.body["id"].as_str().expect("id");
    let r = send(
        &app,
        api(Method::GET, &format!("/conversations/{id}"), None),
    )
    .await;
    assert_eq!(r.body["direction"], "outbound");
    assert_eq!(r.body["channel"]["type"], "phone");
}

#[tokio::test]
async fn a_new_conversation_is_queued_with_the_documented_fields() {
    let app = app();
    let (id, _) = chat(&app).await;
    let r = send(
        &app,
        api(Method::GET, &format!("/conversations/{id}"), None),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let mut keys: Vec<_> = r
        .body
        .as_object()
        .expect("object")
        .keys()
        .cloned()
        .collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "agent_id",
            "channel",
            "channel_type",
            "completed_at",
            "created_at",
            "custom_fields",
            "customer_id",
            "direction",
            "duration_sec",
            "failure_reason",
            "id",
            "livemode",
            "override_config",
            "sentiment",
            "started_at",
            "status",
            "summary"
        ]
    );
    assert_eq!(r.body["status"], "queued");
    assert_eq!(r.body["agent_id"], format!("{SEEDED_AGENT_ID}@v0"));
    assert_eq!(r.body["direction"], "inbound");
}

#[tokio::test]
async fn listing_pages_newest_first_twenty_at_a_time() {
    let app = app();
    let mut ids = Vec::new();
    for _ in 0..25 {
        ids.push(chat(&app).await.0);
    }
    let r = send(&app, api(Method::GET, "/conversations", None)).await;
    let page1 = r.body["data"].as_array().expect("data").clone();
    assert_eq!(page1.len(), 20);
    assert_eq!(page1[0]["id"], ids[24].as_str(), "newest first");
    assert!(
        page1[0].get("channel").is_none(),
        "list items have no channel"
    );
    let cursor = r.body["cursor"]
        .as_str()
        .expect("a cursor on a full page")
        .to_string();
    let r = send(
        &app,
        api(
            Method::GET,
            &format!("/conversations?cursor={cursor}"),
            None,
        ),
    )
    .await;
    let page2 = r.body["data"].as_array().expect("data").clone();
    assert_eq!(page2.len(), 5);
    assert_eq!(page2[4]["id"], ids[0].as_str(), "oldest last");
    assert!(r.body["cursor"].is_null(), "null at the end");
    let r = send(&app, api(Method::GET, "/conversations?cursor=bogus", None)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = send(
        &app,
        api(Method::GET, "/conversations?created_at_gte=yesterday", None),
    )
    .await;
    assert_eq!(r.body["data"]["field"], "created_at_gte");
    let r = send(
        &app,
        api(
            Method::GET,
            "/conversations?completed_at_gte=2000-01-01T00:00:00Z",
            None,
        ),
    )
    .await;
    assert_eq!(
        r.body["data"].as_array().map(Vec::len),
        Some(0),
        "none completed"
    );
}

#[tokio::test]
async fn deleting_follows_the_livemode_and_status_rules() {
    let app = app();
    let test = create(&app, "chat_realtime", false).await;
    let test_id = test["id"].as_str().expect("id");
    let r = send(
        &app,
        api(Method::DELETE, &format!("/conversations/{test_id}"), None),
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = send(
        &app,
        api(Method::DELETE, &format!("/conversations/{test_id}"), None),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "a second delete is 404");
    let token = test["channel"]["token"].as_str().expect("token");
    let r = send(
        &app,
        bare(
            Method::GET,
            &format!("/conversations/{test_id}/events?token={token}"),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "its token is gone too");

    let (queued, _) = chat(&app).await;
    let r = send(
        &app,
        api(Method::DELETE, &format!("/conversations/{queued}"), None),
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "livemode but queued");

    let live = create(&app, "chat_async", true).await;
    let live_id = live["id"].as_str().expect("id");
    let token = live["channel"]["token"].as_str().expect("token");
    let start = json!({"id": "c1", "payload": {"type": "conversation.start"}});
    let req = axum::http::Request::post(format!("/conversations/{live_id}/session?token={token}"))
        .body(axum::body::Body::from(start.to_string()))
        .expect("request");
    let r = send(&app, req).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = send(
        &app,
        api(Method::DELETE, &format!("/conversations/{live_id}"), None),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "livemode in progress");
    assert_eq!(error_code(&r), "conflict");
}
