use axum::http::{Method, StatusCode};
use serde_json::json;

use super::support::*;
use crate::{routers, EmulatorConfig};

#[tokio::test]
async fn admin_routes_are_404_when_disabled_and_401_with_a_wrong_key() {
    let off = routers(EmulatorConfig::default()).rest;
    let r = send(
        &off,
        admin(
            Method::POST,
            "/_emulator/faults",
            Some(json!({"kind": "drop_sse", "after_events": 1})),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(error_code(&r), "not_found");

    let on = app();
    let r = send(&on, bare(Method::DELETE, "/_emulator/faults")).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let req = admin_as("wrong", Method::DELETE, "/_emulator/faults", None);
    assert_eq!(send(&on, req).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        send(&on, admin(Method::DELETE, "/_emulator/faults", None))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
}

#[tokio::test]
async fn injected_429_has_retry_after_and_is_transient_then_clears() {
    let app = app();
    let fault = json!({"kind": "http_status", "status": 429, "count": 1, "retry_after_s": 7});
    let r = send(&app, admin(Method::POST, "/_emulator/faults", Some(fault))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["armed"]["kind"], "http_status");

    let r = send(&app, api(Method::GET, "/conversations", None)).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(error_code(&r), "rate_limited");
    assert_eq!(r.body["transient"], true);
    assert_eq!(r.headers["retry-after"], "7");
    let r = send(&app, api(Method::GET, "/conversations", None)).await;
    assert_eq!(r.status, StatusCode::OK, "count was 1");
}

#[tokio::test]
async fn injected_503_only_hits_matching_paths_including_token_routes() {
    let app = app();
    let (id, token) = chat(&app).await;
    let prefix = format!("/conversations/{id}/events");
    let fault = json!({"kind": "http_status", "status": 503, "count": 2, "path_prefix": prefix});
    send(&app, admin(Method::POST, "/_emulator/faults", Some(fault))).await;
    let r = send(&app, api(Method::GET, "/conversations", None)).await;
    assert_eq!(r.status, StatusCode::OK, "other paths unaffected");
    let mut req = bare(Method::GET, &format!("{prefix}?token={token}"));
    let origin = "http://page.example".parse().expect("origin");
    req.headers_mut().insert("origin", origin);
    let r = send(&app, req).await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(error_code(&r), "unavailable");
    assert_eq!(r.headers["retry-after"], "1", "default Retry-After");
    assert_eq!(
        r.headers["access-control-allow-origin"], "*",
        "browsers can read it"
    );
    send(&app, admin(Method::DELETE, "/_emulator/faults", None)).await;
    let r = tower::ServiceExt::oneshot(
        app.clone(),
        bare(Method::GET, &format!("{prefix}?token={token}")),
    )
    .await
    .expect("infallible");
    assert_eq!(r.status(), StatusCode::OK, "cleared");
}

#[tokio::test]
async fn revoke_and_expire_faults_apply_to_the_active_token_now() {
    let app = app();
    for (kind, code) in [
        ("revoke_token", "token_revoked"),
        ("expire_token", "token_expired"),
    ] {
        let (id, token) = chat(&app).await;
        let r = send(
            &app,
            admin(
                Method::POST,
                "/_emulator/faults",
                Some(json!({"kind": kind, "conversation_id": id})),
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let r = send(
            &app,
            bare(
                Method::GET,
                &format!("/conversations/{id}/events?token={token}"),
            ),
        )
        .await;
        assert_eq!(error_code(&r), code, "{kind}");
        let r = send(
            &app,
            api(
                Method::POST,
                &format!("/conversations/{id}/token/refresh"),
                None,
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "refresh still works after {kind}");
    }
    let r = send(
        &app,
        admin(
            Method::POST,
            "/_emulator/faults",
            Some(json!({"kind": "revoke_token", "conversation_id": "conv_nope"})),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn invalid_faults_are_400() {
    let app = app();
    for fault in [
        json!({"kind": "meteor"}),
        json!({"kind": "http_status", "status": 404, "count": 1}),
        json!({"kind": "drop_sse"}),
        json!({"kind": "malformed_frame", "conversation_id": "x", "target": "carrier"}),
    ] {
        let r = send(
            &app,
            admin(Method::POST, "/_emulator/faults", Some(fault.clone())),
        )
        .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{fault}");
        assert_eq!(error_code(&r), "invalid_request");
    }
}

#[tokio::test]
async fn the_record_holds_events_and_a_transcript() {
    let app = app();
    let c = create(&app, "chat_async", true).await;
    let id = c["id"].as_str().expect("id");
    let token = c["channel"]["token"].as_str().expect("token");
    let msg = json!({"id": "c1", "payload": {"type": "user.message.send", "text": "/echo pong"}});
    let req = axum::http::Request::post(format!("/conversations/{id}/session?token={token}"))
        .body(axum::body::Body::from(msg.to_string()))
        .expect("request");
    send(&app, req).await;
    let r = send(
        &app,
        admin(
            Method::GET,
            &format!("/_emulator/conversations/{id}/record"),
            None,
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["events"][0]["payload"]["type"], "conversation.setup");
    let greeting = crate::assumptions::GREETING;
    assert_eq!(
        r.body["transcript"],
        json!([
            {"role": "agent", "text": greeting},
            {"role": "user", "text": "/echo pong"},
            {"role": "agent", "text": "pong"},
        ])
    );
    let r = send(
        &app,
        admin(
            Method::GET,
            "/_emulator/conversations/conv_nope/record",
            None,
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn slow_agent_takes_fractional_milliseconds_and_refuses_impossible_paces() {
    let app = app();
    for ok in [json!(0.5), json!(0), json!(20), json!(60_000)] {
        let fault = json!({"kind": "slow_agent", "delta_interval_ms": ok});
        let r = send(&app, admin(Method::POST, "/_emulator/faults", Some(fault))).await;
        assert_eq!(r.status, StatusCode::OK, "{ok}: {}", r.text);
    }
    for bad in [json!(-1), json!(60_001), json!(1e300)] {
        let fault = json!({"kind": "slow_agent", "delta_interval_ms": bad});
        let r = send(&app, admin(Method::POST, "/_emulator/faults", Some(fault))).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}: {}", r.text);
        assert!(r.text.contains("delta_interval_ms"), "{bad}: {}", r.text);
    }
    let fault = json!({"kind": "slow_agent", "delta_interval_ms": "fast"});
    let r = send(&app, admin(Method::POST, "/_emulator/faults", Some(fault))).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
}
