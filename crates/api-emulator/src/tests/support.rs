//! Helpers for oneshot route tests.

use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

use crate::{routers, EmulatorConfig, Routers, DEFAULT_API_KEY, SEEDED_AGENT_ID};

pub const ADMIN: &str = "admin-test-key";

pub fn config() -> EmulatorConfig {
    EmulatorConfig {
        admin_key: Some(ADMIN.into()),
        agent_delta_interval: Duration::ZERO,
        ..EmulatorConfig::default()
    }
}

/// The REST host of a fresh emulator in its default (documented) mode.
pub fn app() -> Router {
    routers(config()).rest
}

/// Both hosts of a fresh emulator.
pub fn hosts(config: EmulatorConfig) -> Routers {
    routers(config)
}

/// The host serving a token route: `session` (the WebSocket) is on the session host, `events`
/// on the REST host.
pub fn host<'a>(hosts: &'a Routers, path: &str) -> &'a Router {
    if path == "session" {
        &hosts.session
    } else {
        &hosts.rest
    }
}

/// The REST host of a fresh emulator with the extensions on.
pub fn app_with_extensions() -> Router {
    routers(EmulatorConfig {
        extensions: true,
        ..config()
    })
    .rest
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
    pub text: String,
}

pub async fn send(app: &Router, req: Request<Body>) -> Reply {
    let response = app
        .clone()
        .oneshot(req)
        .await
        .expect("router is infallible");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    let text = String::from_utf8_lossy(&bytes).to_string();
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    Reply {
        status,
        headers,
        body,
        text,
    }
}

/// A server request with the API key and version header.
pub fn api(method: Method, uri: &str, body: Option<Value>) -> Request<Body> {
    let builder = Request::builder()
        .method(method)
        .uri(uri)
        .header("authorization", format!("Bearer {DEFAULT_API_KEY}"))
        .header("operator-version", "2025-06-19")
        .header("content-type", "application/json");
    let body = body.map_or_else(Body::empty, |b| Body::from(b.to_string()));
    builder.body(body).expect("request")
}

/// A plain request without credentials.
pub fn bare(method: Method, uri: &str) -> Request<Body> {
    Request::builder()
        .method(method)
        .uri(uri)
        .body(Body::empty())
        .expect("request")
}

/// An admin request.
pub fn admin(method: Method, uri: &str, body: Option<Value>) -> Request<Body> {
    admin_as(ADMIN, method, uri, body)
}

/// An admin request presenting `key` (right, wrong or empty).
pub fn admin_as(key: &str, method: Method, uri: &str, body: Option<Value>) -> Request<Body> {
    let body = body.map_or_else(Body::empty, |b| Body::from(b.to_string()));
    Request::builder()
        .method(method)
        .uri(uri)
        .header("x-emulator-admin-key", key)
        .body(body)
        .expect("request")
}

/// Creates a conversation; returns the create response.
pub async fn create(app: &Router, channel: &str, livemode: bool) -> Value {
    let r = send(
        app,
        api(
            Method::POST,
            "/conversations",
            Some(json!({"agent_id": SEEDED_AGENT_ID, "channel": {"type": channel}, "livemode": livemode})),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "create: {}", r.text);
    r.body
}

/// (conversation id, token) of a new chat_realtime conversation.
pub async fn chat(app: &Router) -> (String, String) {
    let c = create(app, "chat_realtime", true).await;
    (
        c["id"].as_str().expect("id").to_string(),
        c["channel"]["token"].as_str().expect("token").to_string(),
    )
}

/// A new chat's session route on the session host, with its token but without an upgrade.
pub async fn session_without_upgrade(hosts: &Routers) -> Reply {
    let (id, token) = chat(&hosts.rest).await;
    send(
        &hosts.session,
        bare(
            Method::GET,
            &format!("/conversations/{id}/session?token={token}"),
        ),
    )
    .await
}

/// Asserts the error schema and returns the code.
pub fn error_code(r: &Reply) -> String {
    let obj = r
        .body
        .as_object()
        .unwrap_or_else(|| panic!("JSON error body: {}", r.text));
    let mut keys: Vec<&str> = obj.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        ["code", "data", "message", "transient"],
        "error schema: {}",
        r.text
    );
    assert!(obj["transient"].is_boolean() && obj["message"].is_string());
    obj["code"].as_str().unwrap_or_default().to_string()
}
