//! The two hosts over real sockets, token replacement with connections open (A3), the
//! `close_connections` fault, and the extensions of the create answer and the acknowledgement.

use futures_util::StreamExt;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

use crate::sse_client::*;
use crate::support::*;

#[tokio::test]
async fn the_socket_is_on_the_session_host_and_not_on_the_rest_host() {
    let emu = start().await;
    let chat = emu.create_chat().await;
    assert!(
        chat.created["channel"].get("session_url").is_none(),
        "documented answer: {}",
        chat.created
    );
    let on_rest = format!(
        "{}/conversations/{}/session?token={}",
        emu.base.replacen("http://", "ws://", 1),
        chat.id,
        chat.token
    );
    match tokio_tungstenite::connect_async(on_rest).await {
        Err(WsError::Http(response)) => {
            assert_eq!(response.status().as_u16(), 404);
            let body: Value =
                serde_json::from_slice(response.body().as_deref().unwrap_or_default())
                    .expect("JSON error body");
            assert_eq!(body["code"], "not_found");
        }
        other => panic!(
            "the REST host must refuse the socket, got {:?}",
            other.map(|_| ())
        ),
    }
    let mut ws = ws_connect(&chat, &chat.token).await.expect("session host");
    ws_send(&mut ws, msg("c1", json!({"type": "conversation.start"}))).await;
    assert_eq!(
        ws_event(&mut ws).await["payload"]["type"],
        "conversation.started"
    );
    let response = emu
        .http
        .get(format!(
            "{}/conversations",
            emu.session_host.replacen("ws://", "http://", 1)
        ))
        .bearer_auth(api_emulator::DEFAULT_API_KEY)
        .header("Operator-Version", "2025-06-19")
        .send()
        .await
        .expect("request");
    assert_eq!(
        response.status(),
        404,
        "the session host serves nothing else"
    );
}

#[tokio::test]
async fn a_refresh_refuses_the_old_token_for_new_connections_while_open_ones_continue() {
    let emu = start().await;
    let chat = emu.create_chat().await;
    let mut sse = Sse::open_past_setup(&chat).await;
    let mut ws = ws_connect(&chat, &chat.token).await.expect("connect");
    let fresh = emu.refresh(&chat.id).await;
    let refused = Sse::open(&sse_url(&chat, &chat.token, None), None)
        .await
        .err()
        .expect("a new stream with the old token is refused");
    assert_eq!(refused.status(), 401);
    assert!(
        matches!(ws_connect(&chat, &chat.token).await, Err(WsError::Http(r)) if r.status() == 401),
        "a new socket with the old token is refused"
    );
    ws_send(&mut ws, msg("c1", json!({"type": "conversation.start"}))).await;
    assert_eq!(
        ws_event(&mut ws).await["payload"]["type"],
        "conversation.started",
        "the open socket keeps working"
    );
    assert_eq!(
        sse.next_event().await.expect("live").json()["payload"]["type"],
        "conversation.started",
        "the open stream keeps working"
    );
    assert!(
        ws_connect(&chat, &fresh).await.is_ok(),
        "the new token works"
    );
}

#[tokio::test]
async fn close_connections_closes_open_sockets_with_1008_and_ends_open_streams() {
    let emu = start().await;
    let chat = emu.create_chat().await;
    let other = emu.create_chat().await;
    let mut sse = Sse::open_past_setup(&chat).await;
    let mut ws = ws_connect(&chat, &chat.token).await.expect("connect");
    let mut bystander = ws_connect(&other, &other.token).await.expect("connect");
    emu.fault(json!({"kind": "close_connections", "conversation_id": chat.id}))
        .await;
    match tokio::time::timeout(WAIT, ws.next())
        .await
        .expect("in time")
    {
        Some(Ok(Message::Close(Some(frame)))) => {
            assert_eq!(frame.code, CloseCode::Policy, "1008");
            assert_eq!(frame.reason.as_str(), "token replaced");
        }
        other => panic!("expected a 1008 close frame, got {other:?}"),
    }
    assert!(
        sse.drain().await.is_empty(),
        "the stream ended with nothing more"
    );
    // New connections (and other conversations) are not affected.
    let mut again = ws_connect(&chat, &chat.token).await.expect("reconnect");
    ws_send(&mut again, msg("c1", json!({"type": "conversation.start"}))).await;
    assert_eq!(
        ws_event(&mut again).await["payload"]["type"],
        "conversation.started"
    );
    let mut replay = Sse::open(&sse_url(&chat, &chat.token, None), None)
        .await
        .expect("sse again");
    assert_eq!(
        replay.next_event().await.expect("setup").json()["payload"]["type"],
        "conversation.setup"
    );
    ws_send(
        &mut bystander,
        msg("c1", json!({"type": "conversation.start"})),
    )
    .await;
    assert_eq!(
        ws_event(&mut bystander).await["payload"]["type"],
        "conversation.started"
    );
    let missing = emu
        .try_fault(&json!({"kind": "close_connections", "conversation_id": "conv_nope"}))
        .await;
    assert_eq!(missing, 404);
}

#[tokio::test]
async fn with_extensions_the_create_answer_names_the_session_host_and_acks_echo_the_client_id() {
    let emu = start_with_extensions().await;
    let chat = emu.create_chat().await;
    assert_eq!(
        chat.created["channel"]["session_url"],
        chat.session_url.as_str(),
        "the extension session_url is on the session host"
    );
    assert!(chat.created["channel"]["expires_at"].is_string());
    let mut ws = ws_connect(&chat, &chat.token).await.expect("connect");
    ws_send(&mut ws, user_message("c7", "/echo hi")).await;
    let events = ws_until(&mut ws, "user.message.received").await;
    assert_eq!(
        events.last().expect("ack")["payload"],
        json!({"type": "user.message.received", "text": "/echo hi", "client_message_id": "c7"})
    );
}

#[tokio::test]
async fn spawn_refuses_an_empty_key() {
    let bind = || tokio::net::TcpListener::bind("127.0.0.1:0");
    for config in [
        api_emulator::EmulatorConfig {
            admin_key: Some(String::new()),
            ..config()
        },
        api_emulator::EmulatorConfig {
            api_key: String::new(),
            ..config()
        },
    ] {
        let (rest, session) = (bind().await.expect("bind"), bind().await.expect("bind"));
        let err = api_emulator::spawn(rest, session, config)
            .await
            .expect_err("refused");
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput, "{err}");
    }
}
