//! The dev server's connections (issue 27): `axum::serve` ran hyper without a timer, so a
//! client that connected and sent nothing held its connection for ever (8 were still open after
//! 79 s; 130 of them with a file limit of 128 made `GET /` fail). Now each is closed at the
//! header-read timeout, and past the cap clients wait their turn instead of costing a file.

mod common;

use std::process::Stdio;
use std::time::{Duration, Instant};

use common::{next_line, server_command, ANY_PORT_NO_FILES};
use token_server::{bind, Config, ConnectionLimits};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// Waits until the server closes `socket` (EOF or reset); `false` after `within`.
async fn closed_within(socket: &mut TcpStream, within: Duration) -> bool {
    let mut buf = [0u8; 1024];
    tokio::time::timeout(within, async {
        loop {
            match socket.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => continue,
            }
        }
    })
    .await
    .is_ok()
}

/// A dev server (embedded emulator, no static files) on a free port with `limits`; its URL.
async fn serve_with(limits: ConnectionLimits) -> String {
    let mut config = Config::parse_args_only(ANY_PORT_NO_FILES).unwrap();
    config.connections = limits;
    let bound = bind(&config).await.unwrap();
    let url = bound.url.clone();
    tokio::spawn(bound.serve(std::future::pending()));
    url
}

fn short(max_connections: usize) -> ConnectionLimits {
    ConnectionLimits {
        header_read_timeout: Duration::from_millis(300),
        idle_timeout: Duration::from_millis(600),
        max_connections,
        shutdown_grace: Duration::from_secs(1),
    }
}

#[tokio::test]
async fn silent_and_dripping_connections_are_closed_at_the_header_read_timeout() {
    let url = serve_with(short(64)).await;
    let addr = url.trim_start_matches("http://").to_owned();
    let mut silent = Vec::new();
    for _ in 0..8 {
        silent.push(TcpStream::connect(&addr).await.unwrap());
    }
    let mut dripping = TcpStream::connect(&addr).await.unwrap();
    dripping.write_all(b"GET / HTTP/1.1\r\n").await.unwrap();
    let drip = tokio::spawn(async move {
        for _ in 0..100 {
            tokio::time::sleep(Duration::from_millis(50)).await;
            if dripping.write_all(b"X").await.is_err() {
                return true;
            }
        }
        false
    });

    for (n, socket) in silent.iter_mut().enumerate() {
        assert!(
            closed_within(socket, Duration::from_secs(5)).await,
            "silent connection {n} still open after 5 s"
        );
    }
    assert!(
        drip.await.unwrap(),
        "a connection dripping its headers is cut although bytes keep coming"
    );
}

#[tokio::test]
async fn past_the_cap_a_page_load_waits_for_a_free_slot_and_is_served() {
    let url = serve_with(short(2)).await;
    let addr = url.trim_start_matches("http://").to_owned();
    let started = Instant::now();
    let _held = [
        TcpStream::connect(&addr).await.unwrap(),
        TcpStream::connect(&addr).await.unwrap(),
    ];

    let login = reqwest::Client::new()
        .get(format!("{url}/demo/login"))
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .expect("served once the idle connections are closed");

    assert_eq!(login.status(), 200);
    assert!(
        started.elapsed() >= Duration::from_millis(250),
        "not served while both slots were held: {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn the_binary_closes_idle_connections_with_its_default_limits() {
    let limits = ConnectionLimits::default();
    assert!(limits.header_read_timeout <= Duration::from_secs(30));
    let mut child = server_command()
        .args(ANY_PORT_NO_FILES)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = next_line(&mut lines).await;
    let addr = first
        .strip_prefix("token-server listening on http://")
        .unwrap_or_else(|| panic!("{first:?}"))
        .to_owned();
    let mut idle = Vec::new();
    for _ in 0..8 {
        idle.push(TcpStream::connect(&addr).await.unwrap());
    }

    let deadline = limits.header_read_timeout + Duration::from_secs(5);
    for (n, socket) in idle.iter_mut().enumerate() {
        assert!(
            closed_within(socket, deadline).await,
            "idle connection {n} still open after {deadline:?}"
        );
    }
    child.kill().await.unwrap();
}
