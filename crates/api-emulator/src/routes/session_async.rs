//! `POST /conversations/{id}/session` for `chat_async` (§4.2): one client message in, the
//! events it caused out as SSE; the response ends when the agent's turn is done (A24).

use std::convert::Infallible;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream;
use tokio::sync::oneshot;

use super::client_message::parse_client_message;
use crate::agent::Command;
use crate::assumptions::{KEEPALIVE_COMMENT, MAX_BODY_BYTES};
use crate::auth::authorize_stream;
use crate::error::{ApiError, ApiResult};
use crate::extract::{PathId, QueryMap};
use crate::state::{AppState, ChannelType, Cursor, Status};

struct Turn {
    cursor: Cursor,
    done: Option<oneshot::Receiver<()>>,
}

/// The async session handler.
pub async fn session(
    State(state): State<AppState>,
    PathId(id): PathId,
    headers: HeaderMap,
    query: QueryMap,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> ApiResult<Response> {
    authorize_stream(&state, &headers, query.get("token"), &id)?;
    let body = body.map_err(|e| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::payload_too_large()
        } else {
            ApiError::invalid("Could not read the request body.")
        }
    })?;
    if body.len() > MAX_BODY_BYTES {
        return Err(ApiError::payload_too_large());
    }
    let text = std::str::from_utf8(&body)
        .map_err(|_| ApiError::invalid("The body must be UTF-8 JSON."))?;
    let (log, commands) = {
        let store = state.store();
        let c = store
            .conversations
            .get(&id)
            .ok_or_else(|| ApiError::not_found(format!("Conversation {id} not found.")))?;
        if c.channel_type != ChannelType::ChatAsync {
            return Err(ApiError::invalid(format!(
                "POST /session is for chat_async conversations; this one is {}.",
                c.channel_type.as_str()
            )));
        }
        if c.status == Status::Completed {
            return Err(ApiError::conflict("The conversation has ended."));
        }
        (c.log.clone(), c.commands.clone())
    };
    let kind = parse_client_message(text).map_err(ApiError::invalid)?;
    let (done_tx, done_rx) = oneshot::channel();
    let turn = Turn {
        cursor: Cursor::new(log.clone(), log.len()),
        done: Some(done_rx),
    };
    commands
        .send(Command {
            kind,
            done: Some(done_tx),
        })
        .map_err(|_| ApiError::not_found(format!("Conversation {id} not found.")))?;
    let frames = stream::unfold(turn, |mut turn| async move {
        loop {
            turn.cursor.mark_seen();
            if let Some(event) = turn.cursor.next_event() {
                let frame = SseEvent::default()
                    .id(event.id.as_str())
                    .data(event.json.as_str());
                return Some((Ok::<_, Infallible>(frame), turn));
            }
            let done = turn.done.as_mut()?;
            let finished = tokio::select! {
                _ = turn.cursor.changed() => false,
                _ = done => true,
            };
            if finished {
                turn.done = None;
            }
        }
    });
    let keep_alive = KeepAlive::new()
        .interval(state.config.keepalive_interval)
        .text(KEEPALIVE_COMMENT);
    Ok(Sse::new(frames).keep_alive(keep_alive).into_response())
}
