//! The copyable snippets are safe to copy: each test runs the real Node and Python files as
//! processes against a fake Operator API that misbehaves, and checks the attack or accident fails.

mod snippet_support;

use std::net::IpAddr;
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use snippet_support::*;
use tokio::io::AsyncWriteExt;

/// What a misbehaving upstream puts first in its body; the browser must never see it.
const MARKER: &str = "LEAK-7f3a";

/// An answer `(status, code, transient)`.
type Expected = (u16, &'static str, bool);

/// An upstream answer to `POST path` that must not reach the browser.
struct Misbehaviour {
    what: &'static str,
    path: String,
    status: u16,
    content_type: &'static str,
    body: String,
    expected: Expected,
}

/// Asserts `answer` is the error schema with this status, code and transient flag.
fn assert_error(lang: Lang, answer: &Answer, expected: Expected, what: &str) {
    let (status, code, transient) = answer.error(lang);
    assert_eq!(
        (status, code.as_str(), transient),
        expected,
        "{lang:?} {what}: {}",
        answer.raw
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_or_foreign_origin_is_refused_and_mints_nothing() {
    for lang in LANGS {
        let (fake, _) = Fake::scripted().await;
        let Some(snippet) = Snippet::start(lang, &fake.url, &[]).await else {
            continue;
        };
        let client = reqwest::Client::new();
        for origin in [
            None,
            Some("https://evil.example"),
            Some("http://app.test:3000.evil.example"),
            Some("http://app.test:3001"),
            Some("null"),
        ] {
            let answer = snippet.post_from(&client, Some("alice"), origin).await;
            let what = format!("Origin {origin:?}");
            assert_error(lang, &answer, (403, "origin_not_allowed", false), &what);
        }
        assert!(
            fake.seen().is_empty(),
            "{lang:?}: a refused origin reached the API: {:?}",
            fake.seen()
        );
        let allowed = snippet.post(Some("alice")).await;
        assert_eq!(allowed.status, 200, "{lang:?}: {}", allowed.raw);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_address_gets_sixty_requests_a_minute() {
    for lang in LANGS {
        let (fake, _) = Fake::scripted().await;
        let Some(snippet) = Snippet::start(lang, &fake.url, &[]).await else {
            continue;
        };
        let client = reqwest::Client::new();
        for n in 1..=60 {
            let answer = snippet.post_from(&client, None, Some(ORIGIN)).await;
            assert_eq!(answer.status, 401, "{lang:?}: request {n}: {}", answer.raw);
        }
        let limited = snippet
            .post_from(&client, Some("alice"), Some(ORIGIN))
            .await;
        assert_error(
            lang,
            &limited,
            (429, "rate_limited", true),
            "the 61st request",
        );
        let wait: u64 = limited
            .header("retry-after")
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("{lang:?}: Retry-After in {:?}", limited.headers));
        assert!((1..=60).contains(&wait), "{lang:?}: Retry-After {wait}");
        assert!(fake.seen().is_empty(), "{lang:?}: limited requests minted");

        let other = reqwest::Client::builder()
            .local_address(IpAddr::from([127, 0, 0, 2]))
            .build()
            .unwrap();
        let answer = snippet.post_from(&other, Some("alice"), Some(ORIGIN)).await;
        assert_eq!(
            answer.status, 200,
            "{lang:?}: another address is not limited: {}",
            answer.raw
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upstream_text_never_reaches_the_browser() {
    let conv = format!("/conversations/{CONV}");
    let refresh = format!("{conv}/token/refresh");
    let create = "/conversations".to_owned();
    let cases = [
        Misbehaviour {
            what: "create answers HTML",
            path: create.clone(),
            status: 200,
            content_type: "text/html",
            body: format!("{MARKER} <html>upstream internals</html>"),
            expected: (502, "upstream_rejected", false),
        },
        Misbehaviour {
            what: "refresh answers text",
            path: refresh.clone(),
            status: 200,
            content_type: "text/plain",
            body: format!("{MARKER} not json"),
            expected: (502, "upstream_rejected", false),
        },
        Misbehaviour {
            what: "create fails with a 500 page",
            path: create.clone(),
            status: 500,
            content_type: "text/plain",
            body: format!("{MARKER} stack trace"),
            expected: (503, "upstream_unavailable", true),
        },
        Misbehaviour {
            what: "create refused with an error message",
            path: create,
            status: 400,
            content_type: "application/json",
            body: format!(r#"{{"code":"invalid_request","transient":false,"message":"{MARKER}"}}"#),
            expected: (502, "upstream_rejected", false),
        },
        Misbehaviour {
            what: "refresh answers JSON of the wrong shape",
            path: refresh,
            status: 200,
            content_type: "application/json",
            body: format!(r#"{{"token":{{"detail":"{MARKER}"}},"expires_at":"{MARKER}"}}"#),
            expected: (502, "upstream_rejected", false),
        },
    ];
    for lang in LANGS {
        let (fake, script) = Fake::scripted().await;
        let Some(snippet) = Snippet::start(lang, &fake.url, &[]).await else {
            continue;
        };
        for (n, case) in cases.iter().enumerate() {
            let Misbehaviour {
                what,
                status,
                content_type,
                expected,
                ..
            } = *case;
            let body = case.body.clone();
            script.on("POST", &case.path, move || {
                raw(status, content_type, body.clone())
            });
            let answer = snippet.post(Some(&format!("user{n}"))).await;
            assert!(
                !answer.raw.contains(MARKER),
                "{lang:?} {what}: upstream text reached the browser: {}",
                answer.raw
            );
            for (name, value) in &answer.headers {
                assert!(
                    !value.to_str().unwrap_or("").contains(MARKER),
                    "{lang:?} {what}: upstream text in header {name}"
                );
            }
            assert_error(lang, &answer, expected, what);
            script.reset();
        }
    }
}

/// Answers every request with `status` and a `Location` on `to` (same path).
fn redirector(status: Arc<AtomicU16>, to: String) -> impl Fn(&str, &str) -> Response {
    move |_, path| {
        let code = StatusCode::from_u16(status.load(Ordering::SeqCst)).unwrap();
        (code, [(header::LOCATION, format!("{to}{path}"))], "moved").into_response()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirects_are_refused_and_the_key_never_follows_them() {
    for lang in LANGS {
        let (elsewhere, _) = Fake::scripted().await;
        let status = Arc::new(AtomicU16::new(302));
        let fake = Fake::start(redirector(status.clone(), elsewhere.url.clone())).await;
        let Some(snippet) = Snippet::start(lang, &fake.url, &[]).await else {
            continue;
        };
        for code in [301, 302, 303, 307, 308] {
            status.store(code, Ordering::SeqCst);
            let answer = snippet.post(Some("alice")).await;
            let what = format!("upstream {code}");
            assert_error(lang, &answer, (502, "upstream_rejected", false), &what);
        }
        let followed: Vec<_> = elsewhere
            .seen()
            .into_iter()
            .map(|s| (s.method, s.path, s.authorization.is_some()))
            .collect();
        assert!(
            followed.is_empty(),
            "{lang:?}: redirects were followed, (method, path, carrying the key): {followed:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_upstream_body_is_refused() {
    for lang in LANGS {
        let (fake, script) = Fake::scripted().await;
        let Some(snippet) = Snippet::start(lang, &fake.url, &[]).await else {
            continue;
        };
        let padding = "x".repeat(4 * 1024 * 1024);
        script.on("POST", "/conversations", move || {
            let body = format!(
                r#"{{"id":"{CONV}","channel":{{"type":"chat_realtime","token":"t","events_url":"{EVENTS_URL}"}},"pad":"{padding}"}}"#
            );
            raw(200, "application/json", body)
        });
        let started = Instant::now();
        let answer = snippet.post(Some("alice")).await;
        assert_error(
            lang,
            &answer,
            (502, "upstream_rejected", false),
            "4 MiB create answer",
        );
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{lang:?}: took {:?}",
            started.elapsed()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn any_unexpected_upstream_body_gets_a_clear_answer() {
    let conv = format!("/conversations/{CONV}");
    let refresh = format!("{conv}/token/refresh");
    let cases = [
        ("POST", "/conversations", "{}"),
        ("POST", "/conversations", "[]"),
        ("POST", "/conversations", "null"),
        ("POST", "/conversations", "\"conv_x\""),
        ("POST", "/conversations", r#"{"id":"conv_x"}"#),
        ("POST", "/conversations", r#"{"id":7,"channel":{}}"#),
        ("POST", "/conversations", r#"{"id":"conv_x","channel":[]}"#),
        (
            "POST",
            "/conversations",
            r#"{"id":"conv_x","channel":{"events_url":7}}"#,
        ),
        ("POST", refresh.as_str(), "{}"),
        ("POST", refresh.as_str(), r#"{"token":"tok_x"}"#),
        (
            "POST",
            refresh.as_str(),
            r#"{"token":"","expires_at":"2031-01-01T00:00:00Z"}"#,
        ),
        ("POST", refresh.as_str(), ""),
        ("GET", conv.as_str(), r#"{"id":"conv_x"}"#),
        ("GET", conv.as_str(), "[1,2]"),
    ];
    for lang in LANGS {
        let (fake, script) = Fake::scripted().await;
        let Some(snippet) = Snippet::start(lang, &fake.url, &[]).await else {
            continue;
        };
        for (n, (method, path, body)) in cases.iter().enumerate() {
            let user = format!("user{n}");
            if *method == "GET" {
                // The status check happens when a caller comes back to a conversation.
                let first = snippet.post(Some(&user)).await;
                assert_eq!(first.status, 200, "{lang:?}: {}", first.raw);
            }
            let what = format!("{method} {path} answering {body:?}");
            let body = body.to_string();
            script.on(method, path, move || {
                raw(200, "application/json", body.clone())
            });
            let answer = snippet.post(Some(&user)).await;
            assert_error(lang, &answer, (502, "upstream_rejected", false), &what);
            script.reset();
        }
        let after = snippet.post(Some("after")).await;
        assert_eq!(after.status, 200, "{lang:?} still serves: {}", after.raw);
        assert!(
            !snippet.stderr().contains(KEY),
            "{lang:?}: key in the snippet's log"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upstream_statuses_map_to_the_documented_errors() {
    // (upstream status, its Retry-After, our answer, our Retry-After)
    let cases: [(u16, Option<&str>, Expected, Option<&str>); 7] = [
        (401, None, (502, "upstream_auth", false), None),
        (403, None, (502, "upstream_auth", false), None),
        (404, None, (502, "upstream_rejected", false), None),
        (
            429,
            Some("7"),
            (429, "upstream_rate_limited", true),
            Some("7"),
        ),
        (
            429,
            Some("Wed, 21 Oct 2015 07:28:00 GMT"),
            (429, "upstream_rate_limited", true),
            None,
        ),
        (
            503,
            Some("3"),
            (503, "upstream_unavailable", true),
            Some("3"),
        ),
        (502, None, (503, "upstream_unavailable", true), None),
    ];
    for lang in LANGS {
        let (fake, script) = Fake::scripted().await;
        let Some(snippet) = Snippet::start(lang, &fake.url, &[]).await else {
            continue;
        };
        for (status, retry_after, expected, passed_on) in cases {
            script.on("POST", "/conversations", move || {
                let mut res = raw(status, "application/json", "{}");
                if let Some(value) = retry_after {
                    res.headers_mut()
                        .insert(header::RETRY_AFTER, value.parse().unwrap());
                }
                res
            });
            let answer = snippet.post(Some("alice")).await;
            let what = format!("upstream {status} (Retry-After {retry_after:?})");
            assert_error(lang, &answer, expected, &what);
            assert_eq!(
                answer.header("retry-after").as_deref(),
                passed_on,
                "{lang:?} {what}: Retry-After passed on only when it is seconds"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_or_garbled_upstream_is_transient() {
    let closed = {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let garbage = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let garbled = format!("http://{}", garbage.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = garbage.accept().await {
            let _ = socket.write_all(b"this is not HTTP\r\n\r\n").await;
        }
    });
    for lang in LANGS {
        for (what, base) in [("closed port", &closed), ("not HTTP", &garbled)] {
            let Some(snippet) = Snippet::start(lang, base, &[]).await else {
                continue;
            };
            let answer = snippet.post(Some("alice")).await;
            assert_error(lang, &answer, (503, "upstream_unavailable", true), what);
        }
    }
}
