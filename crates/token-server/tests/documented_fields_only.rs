//! Against an upstream that answers only the documented fields (no `session_url`, no
//! `expires_at` on create), the snippet puts the WebSocket on the session host (never on the
//! REST host) and learns the expiry from a refresh.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use common::*;
use serde_json::{json, Value};

#[derive(Default)]
struct Calls {
    refreshes: AtomicUsize,
}

async fn create(headers: HeaderMap) -> (StatusCode, Json<Value>) {
    let authorized = headers
        .get("authorization")
        .is_some_and(|v| v == "Bearer op_doc_key");
    let versioned = headers
        .get("operator-version")
        .is_some_and(|v| v == "2025-06-19");
    if !(authorized && versioned) {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"code": "unauthorized"})),
        );
    }
    let channel = json!({"type": "chat_realtime", "token": "tok_first", "events_url": "https://events.test/conversations/conv_doc/events"});
    (
        StatusCode::OK,
        Json(json!({"id": "conv_doc", "channel": channel})),
    )
}

async fn refresh(State(calls): State<Arc<Calls>>, Path(id): Path<String>) -> Json<Value> {
    let n = calls.refreshes.fetch_add(1, Ordering::SeqCst);
    Json(json!({"token": format!("tok_{id}_{n}"), "expires_at": "2030-01-01T00:00:00Z"}))
}

async fn documented_upstream(calls: Arc<Calls>) -> String {
    let upstream = Router::new()
        .route("/conversations", post(create))
        .route("/conversations/{id}/token/refresh", post(refresh))
        .with_state(calls);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, upstream).await });
    format!("http://{addr}")
}

#[tokio::test]
async fn the_session_url_is_on_operators_session_host_and_the_expiry_comes_from_a_refresh() {
    let calls = Arc::new(Calls::default());
    let base = documented_upstream(calls.clone()).await;
    let (app, auth) = test_app(&base, "op_doc_key", generous());

    let answer = post_session(&app, Some(&cookie_for(&auth, "demo_doc")), None).await;

    assert_eq!(answer.status, StatusCode::OK, "{}", answer.raw);
    let body = &answer.body;
    assert_eq!(
        body["session_url"], "wss://agent.app.operator.xyz/conversations/conv_doc/session",
        "the default session host, not derived from the REST base {base}"
    );
    assert_eq!(
        body["events_url"], "https://events.test/conversations/conv_doc/events",
        "kept as given"
    );
    assert_eq!(
        body["token"], "tok_conv_doc_0",
        "minted by refresh, not the expiry-less create token"
    );
    assert_eq!(
        body["expires_at"], "2030-01-01T00:00:00Z",
        "the refresh's expiry"
    );
    assert_eq!(calls.refreshes.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_configured_session_host_is_used_as_given() {
    let base = documented_upstream(Arc::new(Calls::default())).await;
    let (app, auth) =
        test_app_with_session(&base, "wss://agent.eu.example/", "op_doc_key", generous());

    let answer = post_session(&app, Some(&cookie_for(&auth, "demo_doc")), None).await;

    assert_eq!(
        answer.body["session_url"], "wss://agent.eu.example/conversations/conv_doc/session",
        "{}",
        answer.raw
    );
}
