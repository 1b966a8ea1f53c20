//! Runs the copyable snippets (repo-root `snippets/`) as child processes, and a fake Operator API
//! that answers whatever a test needs and records what reached it.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::{Child, Command};

/// The API key the snippets are given; it must never reach an answer or their logs.
pub const KEY: &str = "op_test_snippet_key_must_stay_home";
/// The one origin the snippets are configured to allow.
pub const ORIGIN: &str = "http://app.test:3000";
/// The default agent host, used when `OPERATOR_SESSION_BASE_URL` is not set.
pub const DEFAULT_SESSION_BASE: &str = "wss://agent.app.operator.xyz";

/// One of the two snippets.
#[derive(Clone, Copy, Debug)]
pub enum Lang {
    /// `snippets/node/mint.mjs`
    Node,
    /// `snippets/python/mint.py`
    Python,
}

/// Both snippets, for tests that check each the same way.
pub const LANGS: [Lang; 2] = [Lang::Node, Lang::Python];

impl Lang {
    fn program(self) -> &'static str {
        match self {
            Lang::Node => "node",
            Lang::Python => "python3",
        }
    }

    /// The snippet's file.
    pub fn script(self) -> PathBuf {
        let file = match self {
            Lang::Node => "node/mint.mjs",
            Lang::Python => "python/mint.py",
        };
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../snippets")
            .join(file)
    }
}

/// Runs `program` (an ES module for Node, a script for Python) and returns what it printed;
/// `None` (after saying so) when the interpreter is not installed. Fails on a non-zero exit.
pub async fn run_program(lang: Lang, program: &str) -> Option<String> {
    let mut command = Command::new(lang.program());
    match lang {
        Lang::Node => command.args(["--input-type=module", "-e", program]),
        Lang::Python => command.args(["-c", program]),
    };
    let output = match command.kill_on_drop(true).output().await {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            println!(
                "SKIPPED: `{}` is not installed, so {lang:?} was not tested",
                lang.program()
            );
            return None;
        }
        other => other.unwrap_or_else(|e| panic!("could not run {lang:?}: {e}")),
    };
    assert!(
        output.status.success(),
        "{lang:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// A running snippet demo server.
pub struct Snippet {
    pub lang: Lang,
    pub url: String,
    stderr: Arc<Mutex<Vec<u8>>>,
    _child: Child,
}

impl Snippet {
    /// Starts `lang` on a free port against `base_url`, allowing [`ORIGIN`]; `extra` env vars
    /// are added on top. `None` (after saying so) when the interpreter is not installed.
    pub async fn start(lang: Lang, base_url: &str, extra: &[(&str, &str)]) -> Option<Snippet> {
        let mut command = Command::new(lang.program());
        command
            .arg(lang.script())
            .env_remove("OPERATOR_SESSION_BASE_URL")
            .env("PORT", "0")
            .env("OPERATOR_BASE_URL", base_url)
            .env("OPERATOR_API_KEY", KEY)
            .env("OPERATOR_AGENT_ID", api_emulator::SEEDED_AGENT_ID)
            .env(
                "OPERATOR_ALLOWED_ORIGINS",
                format!("https://other.test, {ORIGIN}/"),
            )
            .envs(extra.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let mut child = match command.spawn() {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                println!(
                    "SKIPPED: `{}` is not installed, so {lang:?} was not tested",
                    lang.program()
                );
                return None;
            }
            other => other.unwrap_or_else(|e| panic!("could not start {lang:?}: {e}")),
        };
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let mut pipe = child.stderr.take().unwrap();
        let sink = stderr.clone();
        tokio::spawn(async move {
            let mut buf = [0u8; 4096];
            while let Ok(n @ 1..) = pipe.read(&mut buf).await {
                sink.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let first = tokio::time::timeout(Duration::from_secs(20), lines.next_line())
            .await
            .unwrap_or_else(|_| panic!("{lang:?} printed nothing in 20 s"))
            .unwrap()
            .unwrap_or_else(|| panic!("{lang:?} exited without printing its address"));
        let url = first
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("{lang:?}: unexpected first line {first:?}"))
            .to_owned();
        Some(Snippet {
            lang,
            url,
            stderr,
            _child: child,
        })
    }

    /// `POST /operator/session` from the allowed origin, as `user`.
    pub async fn post(&self, user: Option<&str>) -> Answer {
        self.post_from(&reqwest::Client::new(), user, Some(ORIGIN))
            .await
    }

    /// `POST /operator/session` through `client`, with an optional user and `Origin`.
    pub async fn post_from(
        &self,
        client: &reqwest::Client,
        user: Option<&str>,
        origin: Option<&str>,
    ) -> Answer {
        let mut req = client
            .post(format!("{}/operator/session", self.url))
            .header(header::CONTENT_TYPE, "application/json")
            .body("{}");
        if let Some(user) = user {
            req = req.header("X-Demo-User", user);
        }
        if let Some(origin) = origin {
            req = req.header(header::ORIGIN, origin);
        }
        let res = req
            .timeout(Duration::from_secs(30))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{:?} gave no answer: {e}", self.lang));
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let raw = res.text().await.unwrap();
        let answer = Answer {
            status,
            body: serde_json::from_str(&raw).unwrap_or(Value::Null),
            headers,
            raw,
        };
        assert!(
            !answer.raw.contains(KEY),
            "{:?}: the API key in an answer: {}",
            self.lang,
            answer.raw
        );
        answer
    }

    /// What the snippet wrote to stderr so far.
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.stderr.lock().unwrap()).into_owned()
    }
}

/// A snippet's answer.
pub struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Value,
    pub raw: String,
}

impl Answer {
    /// Asserts the documented error schema with a fixed, non-empty message; returns
    /// (status, code, transient).
    pub fn error(&self, lang: Lang) -> (u16, String, bool) {
        let code = self.body["code"].as_str();
        let transient = self.body["transient"].as_bool();
        let message = self.body["message"].as_str().unwrap_or("");
        assert!(
            code.is_some() && transient.is_some() && !message.is_empty(),
            "{lang:?}: not the error schema {{code, transient, message}}: {}",
            self.raw
        );
        assert_eq!(
            self.header("cache-control").as_deref(),
            Some("no-store"),
            "{lang:?}: errors are not cached either"
        );
        (self.status, code.unwrap().to_owned(), transient.unwrap())
    }

    /// A header's value as text.
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    }
}

/// One request that reached the fake upstream.
#[derive(Clone, Debug)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub authorization: Option<String>,
}

type Answerer = dyn Fn(&str, &str) -> Response + Send + Sync;

/// A fake Operator API on 127.0.0.1:0: `answer(method, path)` decides each answer.
pub struct Fake {
    pub url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Fake {
    pub async fn start(answer: impl Fn(&str, &str) -> Response + Send + Sync + 'static) -> Fake {
        let answer: Arc<Answerer> = Arc::new(answer);
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        let app = Router::new().fallback(move |req: Request| {
            let (answer, log) = (answer.clone(), log.clone());
            async move {
                let (method, path) = (req.method().to_string(), req.uri().path().to_owned());
                let authorization = req
                    .headers()
                    .get(header::AUTHORIZATION)
                    .map(|v| v.to_str().unwrap_or("(not text)").to_owned());
                log.lock().unwrap().push(Seen {
                    method: method.clone(),
                    path: path.clone(),
                    authorization,
                });
                answer(&method, &path)
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Fake { url, seen }
    }

    /// Every request that reached this server so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

/// The conversation the documented fake creates.
pub const CONV: &str = "conv_8qm9JBCiTe7";
/// The events URL in its create answer.
pub const EVENTS_URL: &str = "https://api.operator.xyz/conversations/conv_8qm9JBCiTe7/events";
/// The token its create answer carries (the snippets must not hand it out: it has no expiry).
pub const CREATE_TOKEN: &str = "tok_from_create";
/// The token and expiry its refresh answers.
pub const REFRESH_TOKEN: &str = "tok_from_refresh";
pub const EXPIRES_AT: &str = "2031-01-01T03:00:00Z";

/// Exactly the documented answers (operator-api.md §2.2, §5.1): the create answer is
/// `{id, channel: {type, token, events_url}}` with no `session_url` or `expires_at`.
pub fn documented(method: &str, path: &str) -> Response {
    let conv = format!("/conversations/{CONV}");
    match (method, path) {
        ("POST", "/conversations") => Json(json!({
            "id": CONV,
            "channel": {"type": "chat_realtime", "token": CREATE_TOKEN, "events_url": EVENTS_URL},
        }))
        .into_response(),
        ("GET", p) if p == conv => {
            Json(json!({"id": CONV, "status": "in-progress"})).into_response()
        }
        ("POST", p) if p == format!("{conv}/token/refresh") => {
            Json(json!({"token": REFRESH_TOKEN, "expires_at": EXPIRES_AT})).into_response()
        }
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

/// An answer with `status`, a content type and a body.
pub fn raw(status: u16, content_type: &str, body: impl Into<Body>) -> Response {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, content_type)
        .body(body.into())
        .unwrap()
}

type Maker = Arc<dyn Fn() -> Response + Send + Sync>;

/// Answers a test swaps in for one route of the [`documented`] fake, while the snippet runs.
#[derive(Clone, Default)]
pub struct Script(Arc<Mutex<Vec<(String, String, Maker)>>>);

impl Script {
    /// From now on `method path` is answered by `make`.
    pub fn on(
        &self,
        method: &str,
        path: &str,
        make: impl Fn() -> Response + Send + Sync + 'static,
    ) {
        let mut routes = self.0.lock().unwrap();
        routes.retain(|(m, p, _)| (m.as_str(), p.as_str()) != (method, path));
        routes.push((method.to_owned(), path.to_owned(), Arc::new(make)));
    }

    /// Back to the documented answers everywhere.
    pub fn reset(&self) {
        self.0.lock().unwrap().clear();
    }

    fn answer(&self, method: &str, path: &str) -> Response {
        let found = self
            .0
            .lock()
            .unwrap()
            .iter()
            .find(|(m, p, _)| (m.as_str(), p.as_str()) == (method, path))
            .map(|(_, _, make)| make.clone());
        match found {
            Some(make) => make(),
            None => documented(method, path),
        }
    }
}

impl Fake {
    /// The [`documented`] fake, with routes a test can re-script through the returned [`Script`].
    pub async fn scripted() -> (Fake, Script) {
        let script = Script::default();
        let answers = script.clone();
        let fake = Fake::start(move |method, path| answers.answer(method, path)).await;
        (fake, script)
    }
}
