//! The spawned emulator's guards (issue 27): it answers only requests addressed to itself (DNS
//! rebinding), and it closes connections that send nothing, drip their headers or sit idle, and
//! holds no more than its cap at once.

use std::time::{Duration, Instant};

use api_emulator::{ConnectionLimits, EmulatorConfig, DEFAULT_API_KEY, SEEDED_AGENT_ID};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Error as WsError;

use crate::support::*;

/// `(status, body)` of `method path` on `base` with the API key, addressed to `host`.
async fn as_host(emu: &Emu, method: reqwest::Method, path: &str, host: &str) -> (u16, Value) {
    let mut request = emu
        .api(method.clone(), path)
        .header(reqwest::header::HOST, host);
    if method == reqwest::Method::POST {
        request = request.json(&json!({
            "agent_id": SEEDED_AGENT_ID, "channel": {"type": "chat_realtime"}
        }));
    }
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_rebound_host_can_neither_create_nor_list_nor_join_conversations() {
    let emu = start().await;
    let chat = emu.create_chat().await;
    let port = emu.base.rsplit(':').next().unwrap().to_owned();
    let rebound = format!("evil.example:{port}");

    let created = as_host(&emu, reqwest::Method::POST, "/conversations", &rebound).await;
    let listed = as_host(&emu, reqwest::Method::GET, "/conversations", &rebound).await;
    let events = emu
        .http
        .get(&chat.events_url)
        .query(&[("token", &chat.token)])
        .header(reqwest::header::HOST, &rebound)
        .send()
        .await
        .expect("request");
    let session_port = emu.session_host.rsplit(':').next().unwrap();
    let mut join = format!("{}?token={}", chat.session_url, chat.token)
        .into_client_request()
        .unwrap();
    join.headers_mut().insert(
        "host",
        format!("evil.example:{session_port}").parse().unwrap(),
    );
    let joined = tokio_tungstenite::connect_async(join).await;

    for (what, (status, body)) in [("create", &created), ("list", &listed)] {
        assert_eq!(*status, 403, "{what} for {rebound}: {body}");
        assert_eq!(body["code"], "forbidden", "{what}: the error schema");
    }
    assert_eq!(events.status(), 403, "the events stream for {rebound}");
    match joined {
        Err(WsError::Http(response)) => assert_eq!(response.status(), 403),
        other => panic!(
            "the session host must refuse a rebound host, got {:?}",
            other.map(|_| ())
        ),
    }
    let own = as_host(
        &emu,
        reqwest::Method::GET,
        "/conversations",
        &format!("localhost:{port}"),
    )
    .await;
    assert_eq!(own.0, 200, "localhost names a loopback emulator: {}", own.1);
}

#[tokio::test]
async fn the_public_base_url_is_a_host_of_its_own() {
    let emu = start_with(EmulatorConfig {
        public_base_url: Some("https://emulator.example.test/".into()),
        ..config()
    })
    .await;

    let public = as_host(
        &emu,
        reqwest::Method::POST,
        "/conversations",
        "emulator.example.test",
    )
    .await;
    let other = as_host(
        &emu,
        reqwest::Method::GET,
        "/conversations",
        "other.example.test",
    )
    .await;

    assert_eq!(public.0, 200, "{}", public.1);
    assert!(
        public.1["channel"]["events_url"]
            .as_str()
            .is_some_and(|u| u.starts_with("https://emulator.example.test/conversations/")),
        "{}",
        public.1
    );
    assert_eq!(other.0, 403, "{}", other.1);
}

/// Limits short enough for a test.
fn short_limits(max_connections: usize) -> ConnectionLimits {
    ConnectionLimits {
        header_read_timeout: Duration::from_millis(300),
        idle_timeout: Duration::from_millis(600),
        max_connections,
        shutdown_grace: Duration::from_secs(1),
    }
}

async fn start_limited(max_connections: usize) -> Emu {
    start_with(EmulatorConfig {
        connections: short_limits(max_connections),
        ..config()
    })
    .await
}

/// Waits for the server to close `socket` (EOF or reset); fails after [`WAIT`].
async fn closed_by_the_server(socket: &mut TcpStream) {
    let mut buf = [0u8; 1024];
    let outcome = tokio::time::timeout(WAIT, async {
        loop {
            match socket.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => continue,
            }
        }
    })
    .await;
    assert!(
        outcome.is_ok(),
        "the connection was still open after {WAIT:?}"
    );
}

fn authority(base: &str) -> String {
    base.trim_start_matches("http://").to_owned()
}

#[tokio::test]
async fn connections_that_send_nothing_or_drip_their_headers_are_closed() {
    let emu = start_limited(64).await;
    let addr = authority(&emu.base);
    let mut silent = Vec::new();
    for _ in 0..8 {
        silent.push(TcpStream::connect(&addr).await.expect("connect"));
    }
    let mut dripping = TcpStream::connect(&addr).await.expect("connect");
    dripping
        .write_all(b"GET /conversations HTTP/1.1\r\n")
        .await
        .unwrap();
    let drip = tokio::spawn(async move {
        for _ in 0..100 {
            tokio::time::sleep(Duration::from_millis(50)).await;
            if dripping.write_all(b"X").await.is_err() {
                return true;
            }
        }
        false
    });

    let started = Instant::now();
    for socket in &mut silent {
        closed_by_the_server(socket).await;
    }

    assert!(
        started.elapsed() < Duration::from_secs(3),
        "8 silent connections closed at the header-read timeout: {:?}",
        started.elapsed()
    );
    assert!(
        drip.await.unwrap(),
        "a connection dripping its headers is cut although bytes keep coming"
    );
}

#[tokio::test]
async fn a_kept_alive_connection_is_closed_when_no_next_request_comes() {
    let emu = start_limited(64).await;
    let mut socket = TcpStream::connect(authority(&emu.base)).await.unwrap();
    let request = format!(
        "GET /conversations HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {DEFAULT_API_KEY}\r\n\
         Operator-Version: 2025-06-19\r\n\r\n",
        authority(&emu.base)
    );
    socket.write_all(request.as_bytes()).await.unwrap();
    let mut first = [0u8; 12];
    socket.read_exact(&mut first).await.unwrap();
    assert_eq!(&first, b"HTTP/1.1 200", "the request is answered");

    closed_by_the_server(&mut socket).await;
}

#[tokio::test]
async fn past_the_cap_a_client_waits_until_a_connection_closes() {
    let emu = start_limited(2).await;
    let addr = authority(&emu.base);
    let started = Instant::now();
    let _held = [
        TcpStream::connect(&addr).await.unwrap(),
        TcpStream::connect(&addr).await.unwrap(),
    ];

    let listed = emu
        .api(reqwest::Method::GET, "/conversations")
        .timeout(WAIT)
        .send()
        .await
        .expect("answered once a slot is free");

    assert_eq!(listed.status(), 200);
    assert!(
        started.elapsed() >= Duration::from_millis(250),
        "served only after the idle connections were closed: {:?}",
        started.elapsed()
    );
}
