//! The second round of the security suite (issue 27): attacks an attack review made work
//! against the Rust mint, each tried as described and asserted to fail.
//!
//! - a huge upstream `Retry-After` (`1e20`, 2^64 s) no longer panics the mint;
//! - a handler that panics all the same is answered in the error schema;
//! - an upstream conversation id cannot add path segments, a query or a fragment.
//!
//! The servers' connection limits are in `connections.rs`, the snippets' in `snippets_safety.rs`.

mod common;
mod snippet_support;

use std::sync::Arc;

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use common::*;
use futures_util::future::BoxFuture;
use serde_json::json;
use snippet_support::{documented, raw, Fake};
use token_server::{
    app, AllowedOrigins, AppState, Authorize, CallerId, MintState, Refused, StaticDirs, Upstream,
};

#[tokio::test]
async fn a_huge_upstream_retry_after_is_dropped_and_answered_in_the_error_schema() {
    // (upstream status, its Retry-After, our status, our code)
    let cases: [(u16, &[u8], StatusCode, &str); 5] = [
        (
            429,
            b"1e20",
            StatusCode::TOO_MANY_REQUESTS,
            "upstream_rate_limited",
        ),
        (
            429,
            b"18446744073709551616",
            StatusCode::TOO_MANY_REQUESTS,
            "upstream_rate_limited",
        ),
        (
            503,
            b"1e20",
            StatusCode::SERVICE_UNAVAILABLE,
            "upstream_unavailable",
        ),
        (
            500,
            b"18446744073709551616",
            StatusCode::SERVICE_UNAVAILABLE,
            "upstream_unavailable",
        ),
        // Latin-1 "²": a digit to Python's str.isdigit(), not to HTTP.
        (
            503,
            &[0xb2],
            StatusCode::SERVICE_UNAVAILABLE,
            "upstream_unavailable",
        ),
    ];
    for (status, retry_after, expected_status, expected_code) in cases {
        let fake = Fake::start(move |method, path| {
            if (method, path) == ("POST", "/conversations") {
                let mut answer = raw(status, "application/json", "{}");
                let value = HeaderValue::from_bytes(retry_after).unwrap();
                answer.headers_mut().insert(header::RETRY_AFTER, value);
                answer
            } else {
                documented(method, path)
            }
        })
        .await;

        let answer = mint_once(&fake.url, "demo_patient").await;

        let shown = String::from_utf8_lossy(retry_after);
        let what = format!("upstream {status} with Retry-After {shown:?}");
        assert_eq!(answer.status, expected_status, "{what}: {}", answer.raw);
        assert_eq!(
            error_parts(&answer),
            (expected_code.to_owned(), true),
            "{what}"
        );
        assert!(
            answer.headers.get(header::RETRY_AFTER).is_none() && answer.body["data"].is_null(),
            "{what}: not whole seconds of at most six digits, so not passed on: {}",
            answer.raw
        );
    }
}

/// An [`Authorize`] hook with a bug: it panics on every request.
struct PanickingHook;

impl Authorize for PanickingHook {
    fn caller<'a>(&'a self, _: &'a HeaderMap) -> BoxFuture<'a, Result<CallerId, Refused>> {
        Box::pin(async { panic!("hook bug while reading {API_KEY}") })
    }
}

#[tokio::test]
async fn a_panicking_handler_is_answered_in_the_error_schema_without_its_text() {
    let upstream = Upstream::new("http://127.0.0.1:9", API_KEY).unwrap();
    let mint = Arc::new(MintState::new(Arc::new(PanickingHook), upstream, "ca_any"));
    let router = app(AppState {
        mint,
        demo: None,
        origins: AllowedOrigins::new([format!("http://{OWN_HOST}")], []),
        rate_limit: generous(),
        address_limit: generous(),
        static_dirs: StaticDirs {
            www: "/nonexistent/www".into(),
            pkg: "/nonexistent/pkg".into(),
        },
        request_timeout: std::time::Duration::from_secs(5),
    });

    let answer = post_session(&router, None, None).await;

    assert_eq!(
        answer.status,
        StatusCode::INTERNAL_SERVER_ERROR,
        "{}",
        answer.raw
    );
    assert_eq!(error_parts(&answer), ("internal".to_owned(), true));
    assert!(
        !answer.raw.contains("hook bug") && !answer.raw.contains(API_KEY),
        "the panic's text stays in the log: {}",
        answer.raw
    );
}

#[tokio::test]
async fn an_upstream_conversation_id_stays_one_path_segment() {
    let id = "../conversational_agents/ca_x?all=1#frag";
    let encoded = "..%2Fconversational_agents%2Fca_x%3Fall%3D1%23frag";
    let fake = Fake::start(move |method, path| match (method, path) {
        ("POST", "/conversations") => raw(
            200,
            "application/json",
            json!({"id": id, "channel": {"type": "chat_realtime", "token": "tok_c"}}).to_string(),
        ),
        ("POST", p) if p.ends_with("/token/refresh") => raw(
            200,
            "application/json",
            json!({"token": "tok_r", "expires_at": "2031-01-01T00:00:00Z"}).to_string(),
        ),
        _ => raw(404, "application/json", "{}"),
    })
    .await;

    let answer = mint_once(&fake.url, "demo_paths").await;

    assert_eq!(answer.status, StatusCode::OK, "{}", answer.raw);
    let paths: Vec<String> = fake.seen().into_iter().map(|s| s.path).collect();
    assert_eq!(
        paths,
        [
            "/conversations".to_owned(),
            format!("/conversations/{encoded}/token/refresh")
        ],
        "the id is one encoded segment in upstream paths"
    );
    assert_eq!(
        answer.body["events_url"],
        format!("{}/conversations/{encoded}/events", fake.url)
    );
    assert_eq!(
        answer.body["session_url"],
        format!("wss://agent.app.operator.xyz/conversations/{encoded}/session")
    );
    assert_eq!(answer.body["conversation_id"], id, "the id itself is kept");
}
