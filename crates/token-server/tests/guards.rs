//! The dev server's guards around the snippet: origins, rate limit, demo login, static files.

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::*;
use token_server::RateLimit;

fn preflight(origin: &str) -> Request<Body> {
    Request::builder()
        .method(Method::OPTIONS)
        .uri("/operator/session")
        .header(header::HOST, OWN_HOST)
        .header(header::ORIGIN, origin)
        .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
        .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "content-type")
        .body(Body::empty())
        .unwrap()
}

#[tokio::test]
async fn preflight_from_a_listed_origin_allows_credentials_for_that_origin_only() {
    let emu = Emulator::start().await;
    let (app, _) = test_app(&emu.url, API_KEY, generous());

    let answer = send(&app, preflight(ALLOWED_ORIGIN)).await;

    assert_eq!(
        answer.headers[header::ACCESS_CONTROL_ALLOW_ORIGIN],
        ALLOWED_ORIGIN
    );
    assert_eq!(
        answer.headers[header::ACCESS_CONTROL_ALLOW_CREDENTIALS],
        "true"
    );
}

#[tokio::test]
async fn preflight_from_an_unlisted_origin_gets_no_allow_header() {
    let emu = Emulator::start().await;
    let (app, _) = test_app(&emu.url, API_KEY, generous());

    let answer = send(&app, preflight("http://evil.test")).await;

    assert!(
        answer
            .headers
            .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
            .is_none(),
        "unlisted origin was allowed: {:?}",
        answer.headers
    );
}

#[tokio::test]
async fn post_from_a_disallowed_origin_is_403_in_the_error_schema() {
    let emu = Emulator::start().await;
    let (app, auth) = test_app(&emu.url, API_KEY, generous());

    let answer = post_session(
        &app,
        Some(&cookie_for(&auth, "demo_a")),
        Some("http://evil.test"),
    )
    .await;

    assert_eq!(answer.status, StatusCode::FORBIDDEN, "{}", answer.raw);
    assert_eq!(error_parts(&answer), ("origin_not_allowed".into(), false));
    assert!(answer.body["message"]
        .as_str()
        .unwrap()
        .contains("http://evil.test"));
}

#[tokio::test]
async fn post_from_a_listed_or_the_own_origin_mints_with_cors_headers() {
    let emu = Emulator::start().await;
    let (app, auth) = test_app(&emu.url, API_KEY, generous());
    let cookie = cookie_for(&auth, "demo_b");

    let listed = post_session(&app, Some(&cookie), Some(ALLOWED_ORIGIN)).await;
    let own = post_session(&app, Some(&cookie), Some("http://127.0.0.1:8080")).await;

    assert_eq!(listed.status, StatusCode::OK, "{}", listed.raw);
    assert_eq!(
        listed.headers[header::ACCESS_CONTROL_ALLOW_ORIGIN],
        ALLOWED_ORIGIN
    );
    assert_eq!(own.status, StatusCode::OK, "own origin: {}", own.raw);
}

#[tokio::test]
async fn minting_past_the_burst_answers_429_in_the_error_schema_with_retry_after() {
    let emu = Emulator::start().await;
    let (app, auth) = test_app(
        &emu.url,
        API_KEY,
        RateLimit {
            burst: 2,
            per_minute: 6,
        },
    );
    let cookie = cookie_for(&auth, "demo_c");

    for i in 0..2 {
        let ok = post_session(&app, Some(&cookie), None).await;
        assert_eq!(ok.status, StatusCode::OK, "request {i}: {}", ok.raw);
    }
    let limited = post_session(&app, Some(&cookie), None).await;

    assert_eq!(
        limited.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        limited.raw
    );
    assert_eq!(error_parts(&limited), ("rate_limited".into(), true));
    let retry: u64 = limited.headers[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=10).contains(&retry), "Retry-After {retry}");
    let other = post_session(&app, Some(&cookie_for(&auth, "demo_d")), None).await;
    assert_eq!(
        other.status,
        StatusCode::OK,
        "another caller has its own bucket"
    );
}

#[tokio::test]
async fn demo_login_sets_a_cookie_that_then_mints() {
    let emu = Emulator::start().await;
    let (app, _) = test_app(&emu.url, API_KEY, generous());
    let login = Request::get("/demo/login")
        .header(header::HOST, OWN_HOST)
        .body(Body::empty())
        .unwrap();

    let answer = send(&app, login).await;

    assert_eq!(answer.status, StatusCode::OK);
    let set_cookie = answer.headers[header::SET_COOKIE].to_str().unwrap();
    let pair = set_cookie.split(';').next().unwrap();
    assert!(
        answer.body["caller_id"]
            .as_str()
            .is_some_and(|c| pair.contains(c)),
        "{set_cookie}"
    );
    let minted = post_session(&app, Some(pair), None).await;
    assert_eq!(minted.status, StatusCode::OK, "{}", minted.raw);
    let again = Request::get("/demo/login")
        .header(header::HOST, OWN_HOST)
        .header(header::COOKIE, pair)
        .body(Body::empty())
        .unwrap();
    let kept = send(&app, again).await;
    assert!(
        kept.headers.get(header::SET_COOKIE).is_none(),
        "a valid cookie is kept"
    );
    assert_eq!(kept.body["caller_id"], answer.body["caller_id"]);
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let emu = Emulator::start().await;
    let (app, auth) = test_app(&emu.url, API_KEY, generous());
    let req = Request::post("/operator/session")
        .header(header::HOST, OWN_HOST)
        .header(header::COOKIE, cookie_for(&auth, "demo_e"))
        .header(header::CONTENT_LENGTH, token_server::BODY_LIMIT + 1)
        .body(Body::from(vec![b'x'; token_server::BODY_LIMIT + 1]))
        .unwrap();

    let answer = send(&app, req).await;

    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
}
