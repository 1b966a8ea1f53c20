use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use serde_json::json;

use super::support::*;
use crate::DEFAULT_API_KEY;

#[tokio::test]
async fn unknown_routes_are_404_in_the_error_schema() {
    let r = send(&app(), bare(Method::GET, "/nope")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(error_code(&r), "not_found");
}

#[tokio::test]
async fn a_wrong_method_is_405_in_the_error_schema() {
    for (method, uri) in [
        (Method::PATCH, "/conversations"),
        (Method::PUT, "/conversations/conv_x/events"),
        (Method::GET, "/conversations/conv_x/token/refresh"),
    ] {
        let r = send(&app(), api(method.clone(), uri, None)).await;
        assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {uri}");
        assert_eq!(error_code(&r), "method_not_allowed", "{method} {uri}");
    }
}

#[tokio::test]
async fn malformed_json_is_400_invalid_request() {
    let req = Request::post("/conversations")
        .header("authorization", format!("Bearer {DEFAULT_API_KEY}"))
        .header("operator-version", "2025-06-19")
        .header("content-type", "application/json")
        .body(Body::from("{\"agent_id\": "))
        .expect("request");
    let r = send(&app(), req).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&r), "invalid_request");
}

#[tokio::test]
async fn an_oversized_body_is_413_payload_too_large() {
    let big = json!({"agent_id": "x".repeat(70 * 1024), "channel": {"type": "chat_realtime"}});
    let r = send(&app(), api(Method::POST, "/conversations", Some(big))).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(error_code(&r), "payload_too_large");
}

#[tokio::test]
async fn a_body_that_is_not_an_object_or_misses_fields_is_400_with_the_field() {
    let app = app();
    let r = send(
        &app,
        api(Method::POST, "/conversations", Some(json!([1, 2]))),
    )
    .await;
    assert_eq!(error_code(&r), "invalid_request");
    let r = send(
        &app,
        api(
            Method::POST,
            "/conversations",
            Some(json!({"channel": {"type": "chat_realtime"}})),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.body["data"]["field"], "agent_id");
    let r = send(
        &app,
        api(
            Method::POST,
            "/conversations",
            Some(json!({"agent_id": "ca_demoAgent0001", "channel": {"type": "carrier_pigeon"}})),
        ),
    )
    .await;
    assert_eq!(r.body["data"]["field"], "channel.type");
}

#[tokio::test]
async fn invalid_ids_are_404_not_found() {
    let app = app();
    for uri in [
        "/conversations/%00bad",
        "/conversations/conv_nope",
        "/conversational_agents/ca_x@vx",
    ] {
        let r = send(&app, api(Method::GET, uri, None)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{uri}: {}", r.text);
        assert_eq!(error_code(&r), "not_found", "{uri}");
    }
}
