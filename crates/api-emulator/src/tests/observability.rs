//! CORS on token routes, and logs that never carry secrets.

use std::io::Write;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use serde_json::json;
use tower::ServiceExt;

use super::support::*;
use crate::DEFAULT_API_KEY;

#[tokio::test]
async fn token_routes_answer_cors_preflights_for_any_origin_without_credentials() {
    let app = app();
    let (id, _) = chat(&app).await;
    let req = Request::options(format!("/conversations/{id}/session"))
        .header("origin", "https://shop.example")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type")
        .body(Body::empty())
        .expect("request");
    let response = app.clone().oneshot(req).await.expect("infallible");
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers();
    assert_eq!(headers["access-control-allow-origin"], "*");
    assert!(headers.get("access-control-allow-credentials").is_none());
    // Server routes are not for browsers: no CORS headers.
    let mut req = api(Method::GET, "/conversations", None);
    req.headers_mut()
        .insert("origin", "https://shop.example".parse().expect("origin"));
    let response = app.oneshot(req).await.expect("infallible");
    assert!(response
        .headers()
        .get("access-control-allow-origin")
        .is_none());
}

#[derive(Clone)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn logs_name_conversations_but_never_keys_or_tokens() {
    let buf = Arc::new(Mutex::new(Vec::new()));
    let writer = Capture(buf.clone());
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let app = app();
    let (id, token) = chat(&app).await;
    let r = send(
        &app,
        api(
            Method::POST,
            &format!("/conversations/{id}/token/refresh"),
            None,
        ),
    )
    .await;
    let fresh = r.body["token"].as_str().expect("token").to_string();
    let events = bare(
        Method::GET,
        &format!("/conversations/{id}/events?token={fresh}"),
    );
    let response = app.clone().oneshot(events).await.expect("infallible");
    assert_eq!(response.status(), StatusCode::OK);
    send(
        &app,
        bare(
            Method::GET,
            &format!("/conversations/{id}/events?token={token}"),
        ),
    )
    .await;
    let fault = json!({"kind": "http_status", "status": 503, "count": 1});
    send(&app, admin(Method::POST, "/_emulator/faults", Some(fault))).await;
    send(
        &app,
        bare(
            Method::GET,
            &format!("/conversations/{id}/events?token={fresh}"),
        ),
    )
    .await;

    let logs = String::from_utf8_lossy(&buf.lock().unwrap_or_else(|e| e.into_inner())).to_string();
    assert!(logs.contains(&id), "logs name the conversation:\n{logs}");
    for secret in [DEFAULT_API_KEY, &token, &fresh, ADMIN, "tok_"] {
        assert!(
            !logs.contains(secret),
            "{secret} must not be logged:\n{logs}"
        );
    }
}
