//! A running emulator plus small SSE and WebSocket clients for tests.

use std::time::Duration;

use api_emulator::{spawn, EmulatorConfig, DEFAULT_API_KEY, SEEDED_AGENT_ID};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub const ADMIN: &str = "live-admin-key";
/// Longest any single wait may take before a test fails instead of hanging.
pub const WAIT: Duration = Duration::from_secs(10);

pub fn config() -> EmulatorConfig {
    EmulatorConfig {
        admin_key: Some(ADMIN.into()),
        agent_delta_interval: Duration::from_millis(1),
        ..EmulatorConfig::default()
    }
}

pub struct Emu {
    /// `http://` REST host.
    pub base: String,
    /// `ws://` session host.
    pub session_host: String,
    pub http: reqwest::Client,
}

pub struct Chat {
    pub id: String,
    pub token: String,
    pub events_url: String,
    /// Built from the session host, as a backend does (the documented create answer has none).
    pub session_url: String,
    /// The whole create answer.
    pub created: Value,
}

pub async fn start() -> Emu {
    start_with(config()).await
}

/// An emulator with the extensions on (only for the tests of the extensions).
pub async fn start_with_extensions() -> Emu {
    start_with(EmulatorConfig {
        extensions: true,
        ..config()
    })
    .await
}

pub async fn start_with(config: EmulatorConfig) -> Emu {
    let bind = || tokio::net::TcpListener::bind("127.0.0.1:0");
    let (rest, session) = (bind().await.expect("bind"), bind().await.expect("bind"));
    let addrs = spawn(rest, session, config).await.expect("spawn");
    assert_ne!(addrs.rest, addrs.session, "two hosts");
    Emu {
        base: addrs.rest_url(),
        session_host: addrs.session_url(),
        http: reqwest::Client::new(),
    }
}

impl Emu {
    pub fn api(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(DEFAULT_API_KEY)
            .header("Operator-Version", "2025-06-19")
    }

    pub async fn create_chat(&self) -> Chat {
        self.create_chat_on("chat_realtime").await
    }

    /// A conversation on `channel` (`chat_realtime` or `chat_async`).
    pub async fn create_chat_on(&self, channel: &str) -> Chat {
        let body = json!({"agent_id": SEEDED_AGENT_ID, "channel": {"type": channel}});
        let r: Value = self
            .api(reqwest::Method::POST, "/conversations")
            .json(&body)
            .send()
            .await
            .expect("create")
            .json()
            .await
            .expect("json");
        let s = |k: &str| r["channel"][k].as_str().expect(k).to_string();
        let id = r["id"].as_str().expect("id").to_string();
        Chat {
            session_url: format!("{}/conversations/{id}/session", self.session_host),
            id,
            token: s("token"),
            events_url: s("events_url"),
            created: r,
        }
    }

    pub async fn refresh(&self, id: &str) -> String {
        let r: Value = self
            .api(
                reqwest::Method::POST,
                &format!("/conversations/{id}/token/refresh"),
            )
            .send()
            .await
            .expect("refresh")
            .json()
            .await
            .expect("json");
        r["token"].as_str().expect("token").to_string()
    }

    pub async fn fault(&self, fault: Value) {
        let status = self.try_fault(&fault).await;
        assert_eq!(status, 200, "fault {fault} armed");
    }

    /// Posts `fault` to the admin API and returns the answer's status, whatever it is.
    pub async fn try_fault(&self, fault: &Value) -> reqwest::StatusCode {
        self.http
            .post(format!("{}/_emulator/faults", self.base))
            .header("X-Emulator-Admin-Key", ADMIN)
            .json(fault)
            .send()
            .await
            .expect("fault")
            .status()
    }

    pub async fn record(&self, id: &str) -> Value {
        self.http
            .get(format!("{}/_emulator/conversations/{id}/record", self.base))
            .header("X-Emulator-Admin-Key", ADMIN)
            .send()
            .await
            .expect("record")
            .json()
            .await
            .expect("json")
    }

    /// Record event ids.
    pub async fn record_ids(&self, id: &str) -> Vec<String> {
        self.record(id).await["events"]
            .as_array()
            .expect("events")
            .iter()
            .map(|e| e["id"].as_str().expect("id").to_string())
            .collect()
    }
}

pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

pub async fn ws_connect(
    chat: &Chat,
    token: &str,
) -> Result<Socket, tokio_tungstenite::tungstenite::Error> {
    let url = format!("{}?token={token}", chat.session_url);
    tokio_tungstenite::connect_async(url).await.map(|(s, _)| s)
}

pub async fn ws_send(socket: &mut Socket, value: Value) {
    socket
        .send(Message::text(value.to_string()))
        .await
        .expect("send");
}

/// The next text message as JSON (panics on close or timeout).
pub async fn ws_event(socket: &mut Socket) -> Value {
    loop {
        let msg = tokio::time::timeout(WAIT, socket.next())
            .await
            .expect("a message within the wait")
            .expect("socket open")
            .expect("no socket error");
        if let Message::Text(t) = msg {
            return serde_json::from_str(t.as_str()).expect("JSON event");
        }
    }
}

/// Events up to and including the first of `payload_type`.
pub async fn ws_until(socket: &mut Socket, payload_type: &str) -> Vec<Value> {
    let mut out = Vec::new();
    loop {
        let e = ws_event(socket).await;
        let done = e["payload"]["type"] == payload_type;
        out.push(e);
        if done {
            return out;
        }
    }
}

pub fn types(events: &[Value]) -> Vec<String> {
    events
        .iter()
        .map(|e| {
            e["payload"]["type"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect()
}

pub fn msg(id: &str, payload: Value) -> Value {
    json!({"id": id, "payload": payload})
}

/// A `user.message.send` client message with the client id `id`.
pub fn user_message(id: &str, text: &str) -> Value {
    msg(id, json!({"type": "user.message.send", "text": text}))
}
