//! The copyable snippets are safe to copy: each test runs the real Node and Python files as
//! processes against a fake Operator API that misbehaves, and checks the attack or accident fails.

mod snippet_support;

use std::net::IpAddr;
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::http::{header, HeaderValue, StatusCode};
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
    type Case = (u16, Option<&'static [u8]>, Expected, Option<&'static str>);
    let cases: [Case; 11] = [
        (401, None, (502, "upstream_auth", false), None),
        (403, None, (502, "upstream_auth", false), None),
        (404, None, (502, "upstream_rejected", false), None),
        (
            429,
            Some(b"7"),
            (429, "upstream_rate_limited", true),
            Some("7"),
        ),
        (
            429,
            Some(b"Wed, 21 Oct 2015 07:28:00 GMT"),
            (429, "upstream_rate_limited", true),
            None,
        ),
        (
            503,
            Some(b"3"),
            (503, "upstream_unavailable", true),
            Some("3"),
        ),
        (
            429,
            Some(b"1e20"),
            (429, "upstream_rate_limited", true),
            None,
        ),
        (
            503,
            Some(b"18446744073709551616"),
            (503, "upstream_unavailable", true),
            None,
        ),
        // Latin-1 "²" and Arabic-Indic "١": digits to Python's str.isdigit(), not to HTTP.
        (
            503,
            Some(&[0xb2]),
            (503, "upstream_unavailable", true),
            None,
        ),
        (
            503,
            Some("\u{661}".as_bytes()),
            (503, "upstream_unavailable", true),
            None,
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
                    let value = HeaderValue::from_bytes(value).unwrap();
                    res.headers_mut().insert(header::RETRY_AFTER, value);
                }
                res
            });
            let answer = snippet.post(Some("alice")).await;
            let shown = retry_after.map(String::from_utf8_lossy);
            let what = format!("upstream {status} (Retry-After {shown:?})");
            assert_error(lang, &answer, expected, &what);
            assert_eq!(
                answer
                    .headers
                    .get(header::RETRY_AFTER)
                    .map(HeaderValue::as_bytes),
                passed_on.map(str::as_bytes),
                "{lang:?} {what}: Retry-After passed on only when it is 1 to 6 ASCII digits"
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

/// A fake Operator that answers every request with a 200 whose body arrives one byte every
/// 500 ms: each socket read succeeds well within any per-read timeout.
async fn dripping_upstream() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut request = [0u8; 4096];
                let _ = tokio::io::AsyncReadExt::read(&mut socket, &mut request).await;
                let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
                            Content-Length: 4096\r\n\r\n";
                if socket.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                for _ in 0..4096 {
                    tokio::time::sleep(Duration::from_millis(500)).await;
                    if socket.write_all(b" ").await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    url
}

/// How long `lang` takes to answer a mint against a dripping upstream, and its answer.
async fn mint_against_a_drip(lang: Lang, upstream: &str) -> Option<(Duration, Answer)> {
    let snippet = Snippet::start(lang, upstream, &[]).await?;
    let started = Instant::now();
    let answer = snippet.post(Some("alice")).await;
    Some((started.elapsed(), answer))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_drip_upstream_is_cut_at_ten_seconds_for_the_whole_call() {
    let upstream = dripping_upstream().await;
    let (node, python) = tokio::join!(
        mint_against_a_drip(Lang::Node, &upstream),
        mint_against_a_drip(Lang::Python, &upstream)
    );
    for (lang, outcome) in [(Lang::Node, node), (Lang::Python, python)] {
        let Some((took, answer)) = outcome else {
            continue;
        };
        assert_error(
            lang,
            &answer,
            (503, "upstream_unavailable", true),
            "a body dripped a byte every 500 ms",
        );
        assert!(
            took >= Duration::from_secs(9) && took < Duration::from_secs(14),
            "{lang:?}: answered after {took:?}, not at the 10 s limit of the whole call"
        );
    }
}

/// `POST /operator/session` from the allowed origin, sent from the local address `from` on a
/// connection of its own; the answer's status.
async fn status_from(snippet: &Snippet, from: std::net::Ipv4Addr, user: Option<&str>) -> u16 {
    let to: std::net::SocketAddr = snippet.url.trim_start_matches("http://").parse().unwrap();
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind((from, 0).into()).unwrap();
    let mut stream = socket.connect(to).await.unwrap();
    let user = user.map_or(String::new(), |u| format!("X-Demo-User: {u}\r\n"));
    let request = format!(
        "POST /operator/session HTTP/1.1\r\nHost: {to}\r\nOrigin: {ORIGIN}\r\n{user}\
         Content-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{}}"
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    tokio::io::AsyncReadExt::read_to_end(&mut stream, &mut answer)
        .await
        .unwrap();
    let answer = String::from_utf8_lossy(&answer);
    answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("{:?}: not an HTTP answer: {answer}", snippet.lang))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_addresses_do_not_lock_a_new_client_out() {
    use futures_util::StreamExt;
    for lang in LANGS {
        let (fake, _) = Fake::scripted().await;
        let Some(snippet) = Snippet::start(lang, &fake.url, &[]).await else {
            continue;
        };
        // 10,000 addresses of 127.10.0.0/16, each refused 401 (no user), fill the address map.
        let statuses: Vec<u16> = futures_util::stream::iter(0..10_000u32)
            .map(|n| {
                let from = std::net::Ipv4Addr::new(127, 10, (n >> 8) as u8, n as u8);
                status_from(&snippet, from, None)
            })
            .buffer_unordered(4)
            .collect()
            .await;
        assert!(
            statuses.iter().all(|s| *s == 401),
            "{lang:?}: every request without a user is refused 401"
        );

        let newcomer = std::net::Ipv4Addr::new(127, 20, 0, 1);
        let signed_in = status_from(&snippet, newcomer, Some("alice")).await;

        assert_eq!(
            signed_in, 200,
            "{lang:?}: a signed-in caller from a new address mints (the oldest window is \
             dropped, not the newcomer)"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_limiters_drop_the_oldest_window_and_count_ipv6_by_its_slash_64() {
    // Each step: (address, seconds since start); limit 2 a minute, room for 3 addresses.
    let steps = [
        ("10.0.0.1", 0),
        ("10.0.0.1", 0),
        ("10.0.0.1", 0),
        ("10.0.0.2", 0),
        ("10.0.0.3", 0),
        ("10.0.0.4", 0),
        ("2001:db8:7:7::1", 0),
        ("2001:db8:7:7:ffff::2", 0),
        ("2001:db8:7:7:1:2:3:4", 0),
        ("::ffff:10.0.0.4", 0),
        ("10.0.0.4", 0),
        ("2001:db8:7:8::1", 0),
        ("10.0.0.4", 61),
    ];
    let expected = serde_json::json!({
        "waits": [0, 0, 60, 0, 0, 0, 0, 0, 60, 0, 60, 0, 0],
        "size": 3,
    });
    let steps_json = serde_json::to_string(&steps).unwrap();
    for lang in LANGS {
        let program = match lang {
            Lang::Node => format!(
                "const {{ Limiter }} = await import({script:?});\n\
                 const l = new Limiter(2, 60_000, 3);\n\
                 const waits = {steps_json}.map(([a, s]) => l.secondsToWait(a, 1e6 + s * 1000));\n\
                 console.log(JSON.stringify({{ waits, size: l.windows.size }}));",
                script = lang.script().display().to_string()
            ),
            Lang::Python => format!(
                "import json, sys\nsys.path.insert(0, {dir:?})\nfrom mint import Limiter\n\
                 l = Limiter(2, 60, 3)\n\
                 waits = [l.seconds_to_wait(a, 1e3 + s) for a, s in {steps_json}]\n\
                 print(json.dumps({{'waits': waits, 'size': len(l.windows)}}))",
                dir = lang.script().parent().unwrap().display().to_string()
            ),
        };
        let Some(output) = run_program(lang, &program).await else {
            continue;
        };
        let got: serde_json::Value = serde_json::from_str(output.trim())
            .unwrap_or_else(|_| panic!("{lang:?}: not JSON: {output}"));
        assert_eq!(
            got, expected,
            "{lang:?}: the 4th address evicts the oldest window; one /64 (or an IPv4-mapped \
             address and its IPv4) is one address; at most 3 windows"
        );
    }
}
