//! The security suite: each test runs an attack on the token server and asserts it fails.
//!
//! - a public interface with the demo auth on is refused at startup;
//! - DNS rebinding (`Host: evil.example`, matching `Origin`) mints nothing;
//! - one address cannot mint without limit by taking fresh identities, IPv6 by /64;
//! - a caller hopping addresses keeps its own limit;
//! - the conversation a caller resumes survives a second instance and cannot be forged;
//! - headers (`frame-ancestors`, `nosniff`), the upstream deadline and body cap, the redactor.

mod common;

use std::net::SocketAddr;
use std::process::Stdio;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Request, StatusCode};
use axum::routing::{get, post};
use axum::Router;
use common::*;
use serde_json::Value;
use token_server::{RateLimit, Redactor, Upstream, CONVERSATION_COOKIE, COOKIE_NAME};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

// --- 1. no open mint by accident -------------------------------------------------------------

fn server() -> Command {
    let mut cmd = server_command();
    cmd.args(ANY_PORT_NO_FILES);
    cmd
}

/// Starts a server and returns it with its URL (its first stdout line).
async fn start(mut cmd: Command) -> (Child, String) {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = next_line(&mut lines).await;
    let url = first
        .strip_prefix("token-server listening on ")
        .unwrap_or_else(|| panic!("{first:?}"))
        .to_owned();
    // Keep reading stdout, so later lines never meet a closed pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    (child, url)
}

#[tokio::test]
async fn the_demo_auth_on_a_public_interface_is_refused_with_one_clear_line() {
    let output = server().args(["--host", "0.0.0.0"]).output().await.unwrap();

    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "exits non-zero: {stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
    assert!(
        stderr.contains("0.0.0.0") && stderr.contains("--insecure-demo-auth"),
        "says what and how: {stderr}"
    );
    assert!(output.stdout.is_empty(), "it never listened");
}

#[tokio::test]
async fn insecure_demo_auth_starts_on_a_public_interface_but_warns() {
    let mut cmd = server();
    cmd.args(["--host", "0.0.0.0", "--insecure-demo-auth"]);
    let (mut child, url) = start(cmd).await;
    child.kill().await.unwrap();
    let mut stderr = String::new();
    tokio::io::AsyncReadExt::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr)
        .await
        .unwrap();

    assert!(url.starts_with("http://0.0.0.0:"), "{url}");
    assert!(
        stderr.contains("WARNING") && stderr.contains("Never deploy the demo auth"),
        "warned at start: {stderr}"
    );
}

// --- 2. host and origin ----------------------------------------------------------------------

fn request(method: &str, path: &str, host: &str) -> axum::http::request::Builder {
    Request::builder()
        .method(method)
        .uri(path)
        .header(header::HOST, host)
}

#[tokio::test]
async fn dns_rebinding_with_a_matching_origin_is_refused_and_mints_nothing() {
    let emu = Emulator::start().await;
    let (app, auth) = test_app(&emu.url, API_KEY, generous());
    let rebound = "evil.example:8080";

    let mint = request("POST", "/operator/session", rebound)
        .header(header::ORIGIN, format!("http://{rebound}"))
        .header(header::COOKIE, cookie_for(&auth, "demo_victim"))
        .body(Body::empty())
        .unwrap();
    let minted = send(&app, mint).await;
    let login = request("GET", "/demo/login?fresh=1", rebound)
        .body(Body::empty())
        .unwrap();
    let logged_in = send(&app, login).await;
    let page = send(
        &app,
        request("GET", "/", rebound).body(Body::empty()).unwrap(),
    )
    .await;

    assert_eq!(minted.status, StatusCode::FORBIDDEN, "{}", minted.raw);
    assert_eq!(error_parts(&minted), ("host_not_allowed".into(), false));
    assert!(
        minted
            .headers
            .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
            .is_none(),
        "no CORS grant for the rebound page"
    );
    assert_eq!(
        logged_in.status,
        StatusCode::FORBIDDEN,
        "no identity handed out"
    );
    assert!(logged_in.headers.get(header::SET_COOKIE).is_none());
    assert_eq!(page.status, StatusCode::FORBIDDEN, "not even a page");
    let listed = emu.api(reqwest::Method::GET, "/conversations").await;
    let listed = listed.text().await.unwrap();
    assert!(
        !listed.contains("conv_"),
        "a conversation was created: {listed}"
    );
}

#[tokio::test]
async fn a_request_without_any_host_is_refused() {
    let emu = Emulator::start().await;
    let (app, auth) = test_app(&emu.url, API_KEY, generous());
    let mint = Request::post("/operator/session")
        .header(header::COOKIE, cookie_for(&auth, "demo_nohost"))
        .body(Body::empty())
        .unwrap();

    let answer = send(&app, mint).await;

    assert_eq!(error_parts(&answer), ("host_not_allowed".into(), false));
}

#[tokio::test]
async fn localhost_and_127_0_0_1_both_name_a_loopback_server_but_stay_separate_origins() {
    let mut cmd = server();
    cmd.env("OPERATOR_EMULATOR_ADMIN_KEY", "admin_security_test");
    let (_child, url) = start(cmd).await;
    let port = url.rsplit(':').next().unwrap();
    let by_name = format!("http://localhost:{port}");
    let http = reqwest::Client::new();

    let mut minted = Vec::new();
    for base in [url.as_str(), by_name.as_str()] {
        let (cookie, answer) = demo_login_and_mint(&http, base).await;
        minted.push((base.to_owned(), answer.status(), cookie));
    }
    let cross = http
        .post(format!("{url}/operator/session"))
        .header(header::COOKIE, &minted[0].2)
        .header(header::ORIGIN, &by_name)
        .send()
        .await
        .unwrap();

    for (base, status, _) in &minted {
        assert_eq!(*status, 200, "same-origin mint at {base}");
    }
    assert_eq!(
        cross.status(),
        403,
        "a page on localhost is another origin than 127.0.0.1"
    );
}

// --- 3. rate limits that hold ----------------------------------------------------------------

fn from(addr: &str, req: axum::http::request::Builder) -> Request<Body> {
    let addr: SocketAddr = addr.parse().unwrap();
    let mut req = req.body(Body::empty()).unwrap();
    req.extensions_mut().insert(ConnectInfo(addr));
    req
}

fn mint_as(addr: &str, cookie: &str) -> Request<Body> {
    from(
        addr,
        request("POST", "/operator/session", OWN_HOST).header(header::COOKIE, cookie),
    )
}

#[tokio::test]
async fn fresh_identities_do_not_buy_one_address_more_mints() {
    let emu = Emulator::start().await;
    let upstream = Upstream::new(&emu.url, API_KEY).unwrap();
    let address = RateLimit {
        burst: 5,
        per_minute: 1,
    };
    let (app, auth) = test_app_with(upstream, generous(), address);

    let mut statuses = Vec::new();
    for i in 0..12 {
        let cookie = cookie_for(&auth, &format!("demo_fresh_{i}"));
        statuses.push(
            send(&app, mint_as("203.0.113.9:4000", &cookie))
                .await
                .status,
        );
    }
    let elsewhere = send(
        &app,
        mint_as("198.51.100.1:4000", &cookie_for(&auth, "demo_other")),
    )
    .await;

    let ok = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    assert_eq!(ok, 5, "only the address burst is minted: {statuses:?}");
    assert!(
        statuses[5..]
            .iter()
            .all(|s| *s == StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    assert_eq!(
        elsewhere.status,
        StatusCode::OK,
        "another address is not limited"
    );
}

#[tokio::test]
async fn an_ipv6_slash_64_is_one_address_and_demo_login_counts_too() {
    let emu = Emulator::start().await;
    let upstream = Upstream::new(&emu.url, API_KEY).unwrap();
    let address = RateLimit {
        burst: 3,
        per_minute: 1,
    };
    let (app, _) = test_app_with(upstream, generous(), address);

    let mut statuses = Vec::new();
    for i in 0..4 {
        let addr = format!("[2001:db8:7:7::{:x}]:5000", i + 1);
        let login = request("GET", "/demo/login?fresh=1", OWN_HOST);
        statuses.push(send(&app, from(&addr, login)).await.status);
    }
    let next_prefix = request("GET", "/demo/login?fresh=1", OWN_HOST);
    let other = send(&app, from("[2001:db8:7:8::1]:5000", next_prefix)).await;

    assert_eq!(
        statuses,
        [
            StatusCode::OK,
            StatusCode::OK,
            StatusCode::OK,
            StatusCode::TOO_MANY_REQUESTS
        ],
        "four addresses of one /64 share a bucket, logins included"
    );
    assert_eq!(other.status, StatusCode::OK, "the next /64 has its own");
}

#[tokio::test]
async fn a_caller_hopping_addresses_keeps_its_own_limit() {
    let emu = Emulator::start().await;
    let upstream = Upstream::new(&emu.url, API_KEY).unwrap();
    let caller = RateLimit {
        burst: 2,
        per_minute: 1,
    };
    let (app, auth) = test_app_with(upstream, caller, generous());
    let cookie = cookie_for(&auth, "demo_hopper");

    let mut statuses = Vec::new();
    for addr in ["192.0.2.1:1", "192.0.2.2:1", "192.0.2.3:1"] {
        statuses.push(send(&app, mint_as(addr, &cookie)).await.status);
    }

    assert_eq!(
        statuses,
        [
            StatusCode::OK,
            StatusCode::OK,
            StatusCode::TOO_MANY_REQUESTS
        ]
    );
}

// --- 4. state that scales out ----------------------------------------------------------------

const SESSION_SECRET: &str = "shared session secret for the security suite";
const DEMO_SECRET: &str = "shared demo cookie secret for the security suite";

async fn instance(emu: &Emulator, session_secret: &str) -> (Child, String) {
    let mut cmd = server();
    cmd.env("OPERATOR_BASE_URL", &emu.url)
        .env("OPERATOR_API_KEY", API_KEY)
        .env("OPERATOR_DEMO_COOKIE_SECRET", DEMO_SECRET)
        .env("OPERATOR_SESSION_SECRET", session_secret);
    start(cmd).await
}

/// `(status, body, Set-Cookie pairs)` of `POST /operator/session` with `cookies`.
async fn mint_at(url: &str, cookies: &str) -> (u16, Value, Vec<String>) {
    let answer = reqwest::Client::new()
        .post(format!("{url}/operator/session"))
        .header(header::COOKIE, cookies)
        .send()
        .await
        .unwrap();
    let set: Vec<String> = answer
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned())
        .collect();
    (answer.status().as_u16(), answer.json().await.unwrap(), set)
}

async fn login_at(url: &str) -> String {
    let login = reqwest::get(format!("{url}/demo/login?fresh=1"))
        .await
        .unwrap();
    let set = login.headers()[header::SET_COOKIE].to_str().unwrap();
    set.split(';').next().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_instance_resumes_the_conversation_and_ignores_forged_or_foreign_cookies() {
    let emu = Emulator::start().await;
    let (_a, a) = instance(&emu, SESSION_SECRET).await;
    let (_b, b) = instance(&emu, SESSION_SECRET).await;
    let (_c, c) = instance(&emu, "another secret entirely, not shared").await;
    let alice = login_at(&a).await;
    let mallory = login_at(&a).await;

    let (status, first, set) = mint_at(&a, &alice).await;
    assert_eq!(status, 200, "{first}");
    let conv_cookie = set
        .iter()
        .find(|c| c.starts_with(&format!("{CONVERSATION_COOKIE}=")))
        .unwrap_or_else(|| panic!("no conversation cookie in {set:?}"))
        .clone();
    let (_, resumed, _) = mint_at(&b, &format!("{alice}; {conv_cookie}")).await;
    let tampered = conv_cookie.replacen(".", "0.", 1);
    let (_, forged, _) = mint_at(&b, &format!("{alice}; {tampered}")).await;
    let (_, stolen, _) = mint_at(&b, &format!("{mallory}; {conv_cookie}")).await;
    let (_, unshared, _) = mint_at(&c, &format!("{alice}; {conv_cookie}")).await;

    let id = &first["conversation_id"];
    assert_eq!(
        resumed["conversation_id"], *id,
        "instance B resumes A's conversation"
    );
    assert_ne!(resumed["token"], first["token"], "with a new token");
    let revoked = emu
        .events_status(
            resumed["events_url"].as_str().unwrap(),
            first["token"].as_str().unwrap(),
        )
        .await;
    assert_eq!(
        revoked,
        (401, Some("token_revoked".into())),
        "A's token was revoked by B"
    );
    for (what, answer) in [
        ("a tampered cookie", &forged),
        ("another caller's cookie", &stolen),
        ("an instance with another secret", &unshared),
    ] {
        assert!(answer["conversation_id"].is_string(), "{what}: {answer}");
        assert_ne!(answer["conversation_id"], *id, "{what} must not resume it");
    }
    assert!(!alice.contains(CONVERSATION_COOKIE) && alice.starts_with(COOKIE_NAME));
}

// --- 9. headers and limits -------------------------------------------------------------------

#[tokio::test]
async fn json_answers_are_nosniff_and_pages_may_not_be_framed() {
    let emu = Emulator::start().await;
    let (app, auth) = test_app(&emu.url, API_KEY, generous());

    let ok = post_session(&app, Some(&cookie_for(&auth, "demo_hdr")), None).await;
    let refused = post_session(&app, None, None).await;
    let login = send(
        &app,
        request("GET", "/demo/login", OWN_HOST)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    let page = send(
        &app,
        request("GET", "/", OWN_HOST).body(Body::empty()).unwrap(),
    )
    .await;

    for (what, answer) in [("mint", &ok), ("401", &refused), ("login", &login)] {
        assert_eq!(
            answer
                .headers
                .get(header::X_CONTENT_TYPE_OPTIONS)
                .map(|v| v.to_str().unwrap()),
            Some("nosniff"),
            "{what}"
        );
    }
    let csp = page.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
}

#[test]
fn the_upstream_deadline_is_below_the_request_timeout() {
    assert!(
        token_server::UPSTREAM_TOTAL_TIMEOUT < token_server::REQUEST_TIMEOUT,
        "a slow Operator must be answered in the error schema, not cut off"
    );
    assert!(token_server::UPSTREAM_CALL_TIMEOUT <= token_server::UPSTREAM_TOTAL_TIMEOUT);
}

#[tokio::test]
async fn a_hanging_upstream_is_answered_in_the_error_schema_within_the_deadline() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    // Accepts connections and never answers.
    let hold = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    let upstream = Upstream::new(&url, API_KEY)
        .unwrap()
        .with_total_timeout(Duration::from_millis(800));
    let (app, auth) = test_app_with(upstream, generous(), generous());

    let started = Instant::now();
    let answer = post_session(&app, Some(&cookie_for(&auth, "demo_slow")), None).await;

    assert_eq!(
        answer.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        answer.raw
    );
    assert_eq!(error_parts(&answer), ("upstream_unavailable".into(), true));
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "answered at the deadline, not the per-call timeout: {:?}",
        started.elapsed()
    );
    hold.abort();
}

/// A fake Operator whose create answer is valid JSON padded to `pad` bytes; `chunked` streams
/// it without a `Content-Length`.
async fn oversized_upstream(pad: usize, chunked: bool) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let body = format!(
        r#"{{"id":"conv_big","channel":{{"type":"chat_realtime","token":"tok_big","expires_at":"2030-01-01T00:00:00Z","events_url":"{url}/e","pad":"{}"}}}}"#,
        "x".repeat(pad)
    );
    let create = move || {
        let body = body.clone();
        async move {
            let body = if chunked {
                let chunks: Vec<Result<String, std::io::Error>> = body
                    .as_bytes()
                    .chunks(8 * 1024)
                    .map(|c| Ok(String::from_utf8(c.to_vec()).unwrap()))
                    .collect();
                Body::from_stream(futures_util::stream::iter(chunks))
            } else {
                Body::from(body)
            };
            ([(header::CONTENT_TYPE, "application/json")], body)
        }
    };
    let router = Router::new()
        .route("/conversations", post(create))
        .route("/conversations/{id}", get(|| async { "{}" }));
    tokio::spawn(async move { axum::serve(listener, router).await });
    url
}

#[tokio::test]
async fn an_oversized_upstream_body_is_refused_whether_announced_or_streamed() {
    for chunked in [false, true] {
        let url = oversized_upstream(2 * token_server::UPSTREAM_BODY_LIMIT, chunked).await;
        let answer = mint_once(&url, "demo_big").await;

        assert_eq!(
            answer.status,
            StatusCode::BAD_GATEWAY,
            "chunked {chunked}: {}",
            answer.raw
        );
        assert_eq!(error_parts(&answer), ("upstream_rejected".into(), false));
        assert!(
            !answer.raw.contains("tok_big"),
            "nothing of the body is passed on"
        );
    }
    let small = oversized_upstream(100, true).await;
    let answer = mint_once(&small, "demo_small").await;
    assert_eq!(
        answer.status,
        StatusCode::OK,
        "a normal body still mints: {}",
        answer.raw
    );
}

#[test]
fn the_log_redactor_masks_tokens_in_any_case_and_inside_escaped_json() {
    let redactor = Redactor::new([API_KEY.to_owned()]);
    let line = format!(
        r#"upstream body="{{\"Token\":\"tok_escaped\"}}" url=/e?TOKEN=tok_query authorization="BEARER tok_bearer" key={}"#,
        API_KEY.to_uppercase()
    );

    let clean = redactor.redact(&line);

    for leaked in ["tok_escaped", "tok_query", "tok_bearer"] {
        assert!(!clean.contains(leaked), "{leaked} in {clean}");
    }
    assert!(
        !clean.to_lowercase().contains(&API_KEY.to_lowercase()),
        "the key in another case: {clean}"
    );
}
