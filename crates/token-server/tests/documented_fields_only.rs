//! Against an upstream that answers only the documented fields (no `session_url`, no
//! `expires_at` on create), the snippet derives the WebSocket URL and mints with refresh.

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

#[tokio::test]
async fn missing_session_url_is_derived_and_a_missing_expiry_means_a_refresh() {
    let calls = Arc::new(Calls::default());
    let upstream = Router::new()
        .route("/conversations", post(create))
        .route("/conversations/{id}/token/refresh", post(refresh))
        .with_state(calls.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, upstream).await });
    let (app, auth) = test_app(&format!("http://{addr}"), "op_doc_key", generous());

    let answer = post_session(&app, Some(&cookie_for(&auth, "demo_doc")), None).await;

    assert_eq!(answer.status, StatusCode::OK, "{}", answer.raw);
    let body = &answer.body;
    assert_eq!(
        body["session_url"],
        format!("ws://{addr}/conversations/conv_doc/session")
    );
    assert_eq!(
        body["events_url"], "https://events.test/conversations/conv_doc/events",
        "kept as given"
    );
    assert_eq!(
        body["token"], "tok_conv_doc_0",
        "minted by refresh, not the expiry-less create token"
    );
    assert_eq!(calls.refreshes.load(Ordering::SeqCst), 1);
}
