use axum::http::{Method, Request, StatusCode};

use super::support::*;
use crate::{EmulatorConfig, DEFAULT_API_KEY};

#[tokio::test]
async fn missing_api_key_is_401_unauthorized() {
    let r = send(&app(), bare(Method::GET, "/conversations")).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(error_code(&r), "unauthorized");
}

#[tokio::test]
async fn wrong_api_key_is_401_even_without_a_version() {
    let req = Request::get("/conversations")
        .header("authorization", "Bearer op_wrong")
        .body(axum::body::Body::empty())
        .expect("request");
    let r = send(&app(), req).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "auth is checked first");
    assert_eq!(error_code(&r), "unauthorized");
}

#[tokio::test]
async fn missing_or_unknown_version_is_400_unsupported_version() {
    for version in [None, Some("2024-11-11")] {
        let mut req = Request::get("/conversations")
            .header("authorization", format!("Bearer {DEFAULT_API_KEY}"));
        if let Some(v) = version {
            req = req.header("operator-version", v);
        }
        let r = send(&app(), req.body(axum::body::Body::empty()).expect("req")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "version {version:?}");
        assert_eq!(error_code(&r), "unsupported_version");
    }
}

#[tokio::test]
async fn a_token_is_not_accepted_on_server_routes() {
    let app = app();
    let (id, token) = chat(&app).await;
    let r = send(
        &app,
        bare(Method::GET, &format!("/conversations/{id}?token={token}")),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(error_code(&r), "unauthorized");
}

#[tokio::test]
async fn the_api_key_passed_as_token_is_rejected() {
    let app = app();
    let (id, _) = chat(&app).await;
    let uri = format!("/conversations/{id}/events?token={DEFAULT_API_KEY}");
    let r = send(&app, bare(Method::GET, &uri)).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(error_code(&r), "token_invalid");
}

#[tokio::test]
async fn token_routes_without_a_token_are_401_token_invalid() {
    let h = hosts(config());
    let app = h.rest.clone();
    let (id, _) = chat(&app).await;
    for path in ["events", "session"] {
        let r = send(
            host(&h, path),
            bare(Method::GET, &format!("/conversations/{id}/{path}")),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(error_code(&r), "token_invalid", "{path}");
    }
    let r = send(
        &app,
        bare(
            Method::GET,
            &format!("/conversations/{id}/events?token=tok_nope"),
        ),
    )
    .await;
    assert_eq!(error_code(&r), "token_invalid");
}

#[tokio::test]
async fn a_token_for_another_conversation_is_403_forbidden() {
    let h = hosts(config());
    let app = h.rest.clone();
    let (a, _) = chat(&app).await;
    let (_, token_b) = chat(&app).await;
    for path in ["events", "session"] {
        let r = send(
            host(&h, path),
            bare(
                Method::GET,
                &format!("/conversations/{a}/{path}?token={token_b}"),
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
        assert_eq!(error_code(&r), "forbidden", "{path}");
    }
}

#[tokio::test]
async fn a_refreshed_token_revokes_the_old_one() {
    let h = hosts(config());
    let app = h.rest.clone();
    let (id, old) = chat(&app).await;
    let r = send(
        &app,
        api(
            Method::POST,
            &format!("/conversations/{id}/token/refresh"),
            None,
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let new = r.body["token"].as_str().expect("token").to_string();
    assert!(new.starts_with("tok_") && new.len() == 36, "{new}");
    assert_ne!(new, old);
    assert!(r.body["expires_at"]
        .as_str()
        .is_some_and(|s| s.ends_with('Z')));
    for path in ["events", "session"] {
        let r = send(
            host(&h, path),
            bare(
                Method::GET,
                &format!("/conversations/{id}/{path}?token={old}"),
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(error_code(&r), "token_revoked", "{path}");
    }
}

#[tokio::test]
async fn an_expired_token_is_401_token_expired() {
    let h = hosts(EmulatorConfig {
        token_ttl: std::time::Duration::ZERO,
        ..config()
    });
    let app = h.rest.clone();
    let (id, token) = chat(&app).await;
    for path in ["events", "session"] {
        let r = send(
            host(&h, path),
            bare(
                Method::GET,
                &format!("/conversations/{id}/{path}?token={token}"),
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(error_code(&r), "token_expired", "{path}");
    }
}

#[tokio::test]
async fn refresh_needs_the_api_key_and_an_existing_conversation() {
    let app = app();
    let (id, token) = chat(&app).await;
    let r = send(
        &app,
        bare(
            Method::POST,
            &format!("/conversations/{id}/token/refresh?token={token}"),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = send(
        &app,
        api(
            Method::POST,
            "/conversations/conv_missing/token/refresh",
            None,
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(error_code(&r), "not_found");
}

#[tokio::test]
async fn the_session_route_without_an_upgrade_is_400() {
    let r = session_without_upgrade(&hosts(config())).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&r), "invalid_request");
}

#[tokio::test]
async fn events_accept_the_api_key_header_from_a_backend() {
    let app = app();
    let (id, _) = chat(&app).await;
    let mut req = api(Method::GET, &format!("/conversations/{id}/events"), None);
    req.headers_mut().remove("content-type");
    let response = tower::ServiceExt::oneshot(app, req)
        .await
        .expect("infallible");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"],
        "text/event-stream",
        "an SSE stream"
    );
}
