//! The two hosts: the REST host never serves the session socket, the session host serves
//! nothing but the socket; both answer 404 in the error schema.

use axum::http::{Method, StatusCode};
use serde_json::json;

use super::support::*;
use crate::{routers, EmulatorConfig};

#[tokio::test]
async fn the_rest_host_answers_404_for_the_session_socket_path() {
    let h = hosts(config());
    let (id, token) = chat(&h.rest).await;
    let mut req = bare(
        Method::GET,
        &format!("/conversations/{id}/session?token={token}"),
    );
    for (name, value) in [
        ("connection", "upgrade"),
        ("upgrade", "websocket"),
        ("sec-websocket-version", "13"),
        ("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ=="),
    ] {
        req.headers_mut()
            .insert(name, value.parse().expect("header"));
    }
    let r = send(&h.rest, req).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
    assert_eq!(error_code(&r), "not_found");
    assert!(
        r.text.contains("session host"),
        "says where it is: {}",
        r.text
    );
}

#[tokio::test]
async fn the_session_host_answers_404_for_every_rest_path() {
    let h = hosts(config());
    let (id, token) = chat(&h.rest).await;
    for (method, path) in [
        (Method::GET, "/conversations".to_string()),
        (Method::POST, "/conversations".to_string()),
        (Method::GET, format!("/conversations/{id}")),
        (
            Method::GET,
            format!("/conversations/{id}/events?token={token}"),
        ),
        (
            Method::POST,
            format!("/conversations/{id}/session?token={token}"),
        ),
        (Method::POST, format!("/conversations/{id}/token/refresh")),
        (Method::GET, "/conversational_agents".to_string()),
        (Method::DELETE, "/_emulator/faults".to_string()),
    ] {
        let r = send(&h.session, api(method.clone(), &path, None)).await;
        assert_eq!(
            r.status,
            StatusCode::NOT_FOUND,
            "{method} {path}: {}",
            r.text
        );
        assert_eq!(error_code(&r), "not_found", "{method} {path}");
    }
    let r = send(&h.session, admin(Method::DELETE, "/_emulator/faults", None)).await;
    assert_eq!(
        r.status,
        StatusCode::NOT_FOUND,
        "no admin routes on the session host"
    );
}

#[tokio::test]
async fn both_hosts_share_one_state() {
    let r = session_without_upgrade(&hosts(config())).await;
    assert_eq!(
        (r.status, error_code(&r)),
        (StatusCode::BAD_REQUEST, "invalid_request".to_string()),
        "the token minted on the REST host is known there (only the upgrade is missing)"
    );
}

#[tokio::test]
async fn an_empty_admin_key_unlocks_nothing() {
    let app = routers(EmulatorConfig {
        admin_key: Some(String::new()),
        ..config()
    })
    .rest;
    let r = send(
        &app,
        admin_as("", Method::DELETE, "/_emulator/faults", None),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
    let fault = json!({"kind": "http_status", "status": 503, "count": 1});
    let req = admin_as("", Method::POST, "/_emulator/faults", Some(fault));
    assert_eq!(send(&app, req).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        send(&app, api(Method::GET, "/conversations", None))
            .await
            .status,
        StatusCode::OK,
        "no fault was armed"
    );
}

#[tokio::test]
async fn an_empty_api_key_accepts_no_request() {
    let app = routers(EmulatorConfig {
        api_key: String::new(),
        ..config()
    })
    .rest;
    let mut req = bare(Method::GET, "/conversations");
    req.headers_mut()
        .insert("authorization", "Bearer ".parse().expect("header"));
    req.headers_mut()
        .insert("operator-version", "2025-06-19".parse().expect("header"));
    assert_eq!(send(&app, req).await.status, StatusCode::UNAUTHORIZED);
}
