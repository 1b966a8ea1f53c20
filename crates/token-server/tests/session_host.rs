//! The dev server with its embedded emulator: the emulator's session host is separate from its
//! REST host, the minted `session_url` is on the session host and opens the socket, and the
//! demo pages' CSP lets them dial it.

mod common;

use common::{demo_login_and_mint, ANY_PORT_NO_FILES};
use serde_json::Value;
use token_server::{bind, Config};

#[tokio::test]
async fn the_embedded_emulator_s_session_host_is_the_minted_session_url_s_host() {
    let config = Config::parse_args_only(ANY_PORT_NO_FILES).unwrap();
    let bound = bind(&config).await.unwrap();
    let url = bound.url.clone();
    let rest = bound.emulator_url.clone().expect("embedded emulator");
    let session_host = bound
        .emulator_session_url
        .clone()
        .expect("embedded emulator session host");
    assert!(
        session_host.starts_with("ws://127.0.0.1:"),
        "{session_host}"
    );
    assert_ne!(
        rest.rsplit(':').next(),
        session_host.rsplit(':').next(),
        "two hosts"
    );
    tokio::spawn(bound.serve(std::future::pending()));

    let http = reqwest::Client::new();
    let page = http.get(format!("{url}/index.html")).send().await.unwrap();
    let csp = page.headers()["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains(&format!("connect-src 'self' {rest} {session_host};")),
        "the demo pages may dial the session host: {csp}"
    );
    let (_, minted) = demo_login_and_mint(&http, &url).await;
    assert_eq!(minted.status(), 200);
    let body: Value = minted.json().await.unwrap();
    let id = body["conversation_id"].as_str().unwrap();
    assert_eq!(
        body["session_url"],
        format!("{session_host}/conversations/{id}/session"),
        "on the session host"
    );
    let socket = format!(
        "{}?token={}",
        body["session_url"].as_str().unwrap(),
        body["token"].as_str().unwrap()
    );
    assert!(
        tokio_tungstenite::connect_async(socket).await.is_ok(),
        "the minted session_url and token open the socket"
    );
}
