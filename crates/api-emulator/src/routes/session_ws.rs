//! WebSocket `GET /conversations/{id}/session?token=` (§4.1): live events only (A12), client
//! messages drive the scripted agent, bad frames get a `server.error` and the socket stays open.

use std::sync::Arc;

use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use futures_util::{SinkExt, StreamExt};
use tokio::sync::mpsc;

use super::client_message::{parse_client_message, report_invalid};
use crate::agent::Command;
use crate::assumptions::{
    WS_CLOSE_NORMAL, WS_CLOSE_TOKEN_REPLACED, WS_CLOSE_TOKEN_REPLACED_REASON,
    WS_TRANSPORT_LIMIT_BYTES,
};
use crate::auth::authorize_stream;
use crate::error::{ApiError, ApiResult};
use crate::extract::{PathId, QueryMap};
use crate::faults::Transport;
use crate::feed::{Feed, FeedItem, MALFORMED_FRAME};
use crate::state::{AppState, ChannelType, EventLog, Status};

struct Session {
    state: AppState,
    id: String,
    log: Arc<EventLog>,
    commands: mpsc::UnboundedSender<Command>,
    ended: bool,
}

/// `GET /conversations/{id}/session` on the REST host: 404, the socket lives on the session
/// host (`wss://agent.app.operator.xyz` for the real service).
pub async fn not_on_the_rest_host(uri: axum::http::Uri) -> ApiError {
    ApiError::not_found(format!(
        "No route for GET {} on the REST host; the session WebSocket is served by the session host.",
        uri.path()
    ))
}

/// The session WebSocket handler (session host only): token checked before the upgrade.
pub async fn session(
    State(state): State<AppState>,
    PathId(id): PathId,
    headers: HeaderMap,
    query: QueryMap,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> ApiResult<Response> {
    authorize_stream(&state, &headers, query.get("token"), &id)?;
    // The feed is created before the upgrade, so a fault armed as the handshake completes applies.
    let (session, feed) = {
        let store = state.store();
        let c = store
            .conversations
            .get(&id)
            .ok_or_else(|| ApiError::not_found(format!("Conversation {id} not found.")))?;
        if c.channel_type != ChannelType::ChatRealtime {
            return Err(ApiError::invalid(format!(
                "The session WebSocket is for chat_realtime conversations; this one is {}.",
                c.channel_type.as_str()
            )));
        }
        let session = Session {
            state: state.clone(),
            id: id.clone(),
            log: c.log.clone(),
            commands: c.commands.clone(),
            ended: c.status == Status::Completed,
        };
        let feed = Feed::new(
            state.clone(),
            c.log.clone(),
            c.log.len(),
            Transport::Ws,
            id.clone(),
        );
        (session, feed)
    };
    let upgrade =
        upgrade.map_err(|_| ApiError::invalid("Expected a WebSocket upgrade request."))?;
    tracing::info!(conversation = %id, "session socket opened");
    Ok(upgrade
        .max_message_size(WS_TRANSPORT_LIMIT_BYTES)
        .max_frame_size(WS_TRANSPORT_LIMIT_BYTES)
        .on_upgrade(move |socket| run(session, feed, socket)))
}

fn close_normal(reason: &str) -> Message {
    Message::Close(Some(CloseFrame {
        code: WS_CLOSE_NORMAL,
        reason: reason.into(),
    }))
}

fn close_token_replaced() -> Message {
    Message::Close(Some(CloseFrame {
        code: WS_CLOSE_TOKEN_REPLACED,
        reason: WS_CLOSE_TOKEN_REPLACED_REASON.into(),
    }))
}

async fn run(session: Session, mut feed: Feed, socket: WebSocket) {
    let (mut sink, mut incoming) = socket.split();
    if session.ended {
        let _ = sink.send(close_normal("conversation ended")).await;
        return;
    }
    loop {
        tokio::select! {
            item = feed.next() => match item {
                FeedItem::Event(event) => {
                    if sink.send(Message::Text(event.json.as_str().into())).await.is_err() {
                        break;
                    }
                    if event.payload_type == "conversation.ended" {
                        let _ = sink.send(close_normal("conversation ended")).await;
                        break;
                    }
                }
                FeedItem::Malformed => {
                    if sink.send(Message::Text(MALFORMED_FRAME.into())).await.is_err() {
                        break;
                    }
                }
                FeedItem::Close => {
                    tracing::info!(conversation = %session.id, "session socket closed 1008 (fault)");
                    let _ = sink.send(close_token_replaced()).await;
                    break;
                }
                FeedItem::Drop => {
                    tracing::info!(conversation = %session.id, "session socket dropped (fault)");
                    return; // abrupt: no close frame
                }
            },
            message = incoming.next() => match message {
                Some(Ok(Message::Close(_))) => {
                    let _ = sink.close().await;
                    break;
                }
                None | Some(Err(_)) => break,
                Some(Ok(Message::Text(_))) if session.state.faults().take_lose_message(&session.id) => {
                    tracing::info!(conversation = %session.id, "client message lost, socket dropped (fault)");
                    return; // abrupt: no close frame, the message never reaches the agent
                }
                Some(Ok(Message::Text(text))) => handle_text(&session, text.as_str()),
                Some(Ok(Message::Binary(_))) => {
                    report_invalid(&session.log, "Binary frames are not supported; send JSON text frames.");
                }
                Some(Ok(_)) => {} // ping/pong are answered by the transport
            },
        }
    }
    tracing::info!(conversation = %session.id, "session socket closed");
}

fn handle_text(session: &Session, text: &str) {
    match parse_client_message(text) {
        Ok(kind) => {
            if session.commands.send(Command { kind, done: None }).is_err() {
                report_invalid(&session.log, "The conversation no longer exists.");
            }
        }
        Err(reason) => report_invalid(&session.log, &reason),
    }
}
