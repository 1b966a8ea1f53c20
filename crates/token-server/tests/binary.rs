//! The `token-server` binary: startup lines, embedded emulator, demo login, shutdown, config errors.

mod common;

use std::process::Stdio;
use std::time::Duration;

use common::{demo_login_and_mint, next_line, server_command as server, ANY_PORT_NO_FILES};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn binary_embeds_the_emulator_serves_a_demo_login_and_mints_then_stops_on_sigterm() {
    let mut child = server()
        .args(ANY_PORT_NO_FILES)
        .env("OPERATOR_EMULATOR_ADMIN_KEY", "admin_bin_test")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = next_line(&mut lines).await;
    let second = next_line(&mut lines).await;
    let url = first
        .strip_prefix("token-server listening on ")
        .unwrap_or_else(|| panic!("{first:?}"));
    let emulator = second
        .strip_prefix("emulator at ")
        .unwrap_or_else(|| panic!("{second:?}"));
    assert!(url.starts_with("http://127.0.0.1:") && emulator.starts_with("http://127.0.0.1:"));

    let http = reqwest::Client::new();
    let (_, minted) = demo_login_and_mint(&http, url).await;
    assert_eq!(minted.status(), 200);
    let body: Value = minted.json().await.unwrap();
    let events_url = body["events_url"].as_str().unwrap();
    assert!(
        events_url.starts_with(emulator),
        "{events_url} is on the embedded emulator"
    );
    let events = http
        .get(events_url)
        .query(&[("token", body["token"].as_str().unwrap())])
        .send()
        .await
        .unwrap();
    assert_eq!(
        events.status(),
        200,
        "the minted token opens the events stream"
    );
    drop(events);

    let pid = child.id().unwrap().to_string();
    let killed = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .await
        .unwrap();
    assert!(killed.success());
    let status = tokio::time::timeout(Duration::from_secs(20), child.wait()).await;
    let status = status
        .expect("the server stops within 20 s of SIGTERM")
        .unwrap();
    assert!(status.success(), "graceful shutdown exits 0, got {status}");
}

#[tokio::test]
async fn a_base_url_without_an_api_key_is_a_clear_startup_error() {
    let output = server()
        .args(["--port", "0"])
        .env("OPERATOR_BASE_URL", "https://api.operator.xyz")
        .output()
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "stderr: {stderr}");
    assert!(
        stderr.contains("OPERATOR_API_KEY is required"),
        "stderr: {stderr}"
    );
}
