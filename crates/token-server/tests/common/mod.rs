//! Shared test helpers: an in-process emulator, the app in front of it, request shortcuts.
#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{header, HeaderMap, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use token_server::{
    app, AllowedOrigins, AppState, ChatChannel, DemoCookieAuth, MintState, RateLimit, StaticDirs,
    Upstream, COOKIE_NAME,
};
use tower::ServiceExt;

pub const ADMIN_KEY: &str = "admin_test_key_42";
pub const API_KEY: &str = "op_test_secret_key_for_token_server_tests";
pub const ALLOWED_ORIGIN: &str = "http://app.test:3000";
/// The `Host` the test requests are addressed to; the app's own origin is `http://` + this.
pub const OWN_HOST: &str = "127.0.0.1:8080";

/// An emulator on 127.0.0.1:0 with [`API_KEY`] and [`ADMIN_KEY`], in its default (documented)
/// mode, with its session host on a port of its own.
pub struct Emulator {
    /// `http://` REST host.
    pub url: String,
    /// `ws://` session host.
    pub session_url: String,
    http: reqwest::Client,
}

impl Emulator {
    pub async fn start() -> Emulator {
        let rest = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let session = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let config = api_emulator::EmulatorConfig {
            api_key: API_KEY.into(),
            admin_key: Some(ADMIN_KEY.into()),
            ..Default::default()
        };
        let addrs = api_emulator::spawn(rest, session, config).await.unwrap();
        Emulator {
            url: addrs.rest_url(),
            session_url: addrs.session_url(),
            http: reqwest::Client::new(),
        }
    }

    /// Installs one fault through the admin route.
    pub async fn fault(&self, fault: Value) {
        let res = self
            .http
            .post(format!("{}/_emulator/faults", self.url))
            .header("X-Emulator-Admin-Key", ADMIN_KEY)
            .json(&fault)
            .send()
            .await
            .unwrap();
        assert!(
            res.status().is_success(),
            "fault {fault} refused: {}",
            res.status()
        );
    }

    /// Status and error code of opening the events stream with `token` (the stream is dropped).
    pub async fn events_status(&self, events_url: &str, token: &str) -> (u16, Option<String>) {
        let res = self
            .http
            .get(events_url)
            .query(&[("token", token)])
            .timeout(Duration::from_secs(10))
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        if status == 200 {
            return (status, None);
        }
        let body: Value = res.json().await.unwrap_or(Value::Null);
        (status, body["code"].as_str().map(str::to_owned))
    }

    /// Ends a conversation the server-side way: deletes it (testmode conversations may be).
    pub async fn delete_conversation(&self, id: &str) {
        let deleted = self
            .api(reqwest::Method::DELETE, &format!("/conversations/{id}"))
            .await;
        assert!(
            deleted.status().is_success(),
            "emulator deleted {id}: {}",
            deleted.status()
        );
    }

    /// A request to the emulator's REST API with [`API_KEY`].
    pub async fn api(&self, method: reqwest::Method, path: &str) -> reqwest::Response {
        self.http
            .request(method, format!("{}{path}", self.url))
            .bearer_auth(API_KEY)
            .header("Operator-Version", "2025-06-19")
            .send()
            .await
            .unwrap()
    }
}

/// The app against `base_url` with `api_key`, a fixed demo secret and the given per-caller
/// limit (the per-address one is generous); session URLs on Operator's default session host.
pub fn test_app(base_url: &str, api_key: &str, limit: RateLimit) -> (Router, Arc<DemoCookieAuth>) {
    test_app_with_session(
        base_url,
        token_server::DEFAULT_SESSION_BASE_URL,
        api_key,
        limit,
    )
}

/// [`test_app`] handing out session URLs on `session_base_url` (e.g. [`Emulator::session_url`]).
pub fn test_app_with_session(
    base_url: &str,
    session_base_url: &str,
    api_key: &str,
    limit: RateLimit,
) -> (Router, Arc<DemoCookieAuth>) {
    let upstream = Upstream::new(base_url, api_key)
        .unwrap()
        .with_session_base_url(session_base_url);
    test_app_with(upstream, limit, generous())
}

/// The app with its upstream client and both rate limits given.
pub fn test_app_with(
    upstream: Upstream,
    limit: RateLimit,
    address_limit: RateLimit,
) -> (Router, Arc<DemoCookieAuth>) {
    test_app_on(upstream, limit, address_limit, ChatChannel::Realtime)
}

/// [`test_app`] creating conversations on `channel`.
pub fn test_app_on_channel(base_url: &str, channel: ChatChannel) -> (Router, Arc<DemoCookieAuth>) {
    let upstream = Upstream::new(base_url, API_KEY).unwrap();
    test_app_on(upstream, generous(), generous(), channel)
}

fn test_app_on(
    upstream: Upstream,
    limit: RateLimit,
    address_limit: RateLimit,
    channel: ChatChannel,
) -> (Router, Arc<DemoCookieAuth>) {
    let demo = Arc::new(DemoCookieAuth::new(*b"test secret test secret test sec"));
    let mint = Arc::new(
        MintState::new(demo.clone(), upstream, api_emulator::SEEDED_AGENT_ID).with_channel(channel),
    );
    let router = app(AppState {
        mint,
        demo: Some(demo.clone()),
        origins: AllowedOrigins::new([format!("http://{OWN_HOST}")], [ALLOWED_ORIGIN.to_owned()]),
        rate_limit: limit,
        address_limit,
        static_dirs: StaticDirs {
            www: "/nonexistent/www".into(),
            pkg: "/nonexistent/pkg".into(),
        },
        request_timeout: Duration::from_secs(20),
    });
    (router, demo)
}

/// `Cookie` header value for a signed-in demo caller.
pub fn cookie_for(auth: &DemoCookieAuth, caller: &str) -> String {
    format!("{COOKIE_NAME}={}", auth.sign(caller))
}

/// An answer: status, headers and the JSON body (Null when not JSON).
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
    pub raw: String,
}

/// One mint by the signed-in caller `caller` from an app against `base_url` with [`API_KEY`].
pub async fn mint_once(base_url: &str, caller: &str) -> Answer {
    let (app, auth) = test_app(base_url, API_KEY, generous());
    post_session(&app, Some(&cookie_for(&auth, caller)), None).await
}

/// `POST /operator/session` with optional cookie and origin, through `oneshot`.
pub async fn post_session(router: &Router, cookie: Option<&str>, origin: Option<&str>) -> Answer {
    let mut req = Request::post("/operator/session").header(header::HOST, OWN_HOST);
    if let Some(cookie) = cookie {
        req = req.header(header::COOKIE, cookie);
    }
    if let Some(origin) = origin {
        req = req.header(header::ORIGIN, origin);
    }
    send(router, req.body(Body::empty()).unwrap()).await
}

/// A browser's cookies for one demo caller: the demo cookie plus what the server sets.
pub struct Jar {
    cookies: Vec<(String, String)>,
}

impl Jar {
    /// A jar holding the signed demo cookie of `caller`.
    pub fn signed_in(auth: &DemoCookieAuth, caller: &str) -> Jar {
        Jar {
            cookies: vec![(COOKIE_NAME.to_owned(), auth.sign(caller))],
        }
    }

    /// The `Cookie` header value.
    pub fn header(&self) -> String {
        let pairs: Vec<String> = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        pairs.join("; ")
    }

    /// Keeps every cookie an answer sets (replacing one of the same name).
    pub fn absorb(&mut self, headers: &HeaderMap) {
        for set in headers.get_all(header::SET_COOKIE) {
            let text = set.to_str().unwrap();
            let pair = text.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            self.cookies.retain(|(k, _)| k != name);
            self.cookies.push((name.to_owned(), value.to_owned()));
        }
    }

    /// `POST /operator/session` with these cookies, keeping what the answer sets.
    pub async fn mint(&mut self, router: &Router) -> Answer {
        let answer = post_session(router, Some(&self.header()), None).await;
        self.absorb(&answer.headers);
        answer
    }
}

/// Sends any request through `oneshot`.
pub async fn send(router: &Router, req: Request<Body>) -> Answer {
    let res = router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    let raw = String::from_utf8_lossy(&bytes).into_owned();
    let body = serde_json::from_str(&raw).unwrap_or(Value::Null);
    Answer {
        status,
        headers,
        body,
        raw,
    }
}

/// Asserts the widget-facing error shape and returns (code, transient).
pub fn error_parts(answer: &Answer) -> (String, bool) {
    let body = &answer.body;
    let code = body["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no code in {}", answer.raw));
    let transient = body["transient"]
        .as_bool()
        .unwrap_or_else(|| panic!("no transient in {}", answer.raw));
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "no message in {}",
        answer.raw
    );
    (code.to_owned(), transient)
}

pub fn generous() -> RateLimit {
    RateLimit {
        burst: 1000,
        per_minute: 6000,
    }
}

pub fn fault_503(count: u32) -> Value {
    json!({"kind": "http_status", "status": 503, "count": count, "retry_after_s": 2})
}

// --- the `token-server` binary and servers over real sockets ---------------------------------

/// Flags for a server on a free loopback port that serves no static files.
pub const ANY_PORT_NO_FILES: [&str; 6] = [
    "--port",
    "0",
    "--www",
    "/nonexistent",
    "--pkg",
    "/nonexistent",
];

/// The `token-server` binary, inheriting no `OPERATOR_*` configuration, killed when dropped.
pub fn server_command() -> tokio::process::Command {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_token-server"));
    for var in [
        "OPERATOR_BASE_URL",
        "OPERATOR_API_KEY",
        "OPERATOR_AGENT_ID",
        "OPERATOR_ALLOWED_ORIGINS",
        "OPERATOR_PUBLIC_ORIGINS",
        "OPERATOR_SESSION_SECRET",
        "OPERATOR_DEMO_COOKIE_SECRET",
    ] {
        cmd.env_remove(var);
    }
    cmd.kill_on_drop(true);
    cmd
}

/// The next line a server prints; fails the test after 30 s or at the end of the output.
pub async fn next_line<R: tokio::io::AsyncBufRead + Unpin>(
    lines: &mut tokio::io::Lines<R>,
) -> String {
    let line = tokio::time::timeout(Duration::from_secs(30), lines.next_line()).await;
    line.expect("a startup line within 30 s")
        .unwrap()
        .expect("a line, not EOF")
}

/// Signs in at the demo login of the server at `base`, then mints there as a page of `base`;
/// returns the session cookie and the mint's answer.
pub async fn demo_login_and_mint(
    http: &reqwest::Client,
    base: &str,
) -> (String, reqwest::Response) {
    let login = http.get(format!("{base}/demo/login")).send().await.unwrap();
    let set_cookie = login.headers()[header::SET_COOKIE].to_str().unwrap();
    let cookie = set_cookie.split(';').next().unwrap().to_owned();
    let minted = http
        .post(format!("{base}/operator/session"))
        .header(header::COOKIE, &cookie)
        .header(header::ORIGIN, base)
        .send()
        .await
        .unwrap();
    (cookie, minted)
}
