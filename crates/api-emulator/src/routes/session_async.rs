//! `POST /conversations/{id}/session` for `chat_async` (§4.2): one client message in, the
//! events it caused out as SSE; the response ends when the agent's turn is done (A24). Faults
//! reach it as they reach the events stream (the same [`Feed`], transport `async`): a drop
//! ends the body abruptly, a malformed frame, `close_connections` ends it cleanly; a lost
//! message (`lose_message`) cuts the connection before any answer and never reaches the agent.

/// Ends an answer abruptly (a `drop_async` fault): the body errors, so the connection is cut
/// without the chunked body's end.
#[derive(Debug)]
struct AnswerDropped;

impl std::fmt::Display for AnswerDropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("answer dropped (fault)")
    }
}

impl std::error::Error for AnswerDropped {}

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
use crate::faults::Transport;
use crate::feed::{Feed, FeedItem, MALFORMED_FRAME};
use crate::state::{AppState, ChannelType, Status};

struct Turn {
    feed: Feed,
    done: Option<oneshot::Receiver<()>>,
    /// Whether a frame went out (so the status line and headers have).
    started: bool,
    /// A drop is due once the answer has started.
    cut: bool,
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
    if state.faults().take_lose_message(&id) {
        tracing::info!(conversation = %id, "client message lost, connection cut (fault)");
        return Ok(cut_before_answer());
    }
    let kind = parse_client_message(text).map_err(ApiError::invalid)?;
    let (done_tx, done_rx) = oneshot::channel();
    let turn = Turn {
        feed: Feed::new(
            state.clone(),
            log.clone(),
            log.len(),
            Transport::Async,
            id.clone(),
        ),
        done: Some(done_rx),
        started: false,
        cut: false,
    };
    commands
        .send(Command {
            kind,
            done: Some(done_tx),
        })
        .map_err(|_| ApiError::not_found(format!("Conversation {id} not found.")))?;
    let frames = stream::unfold(turn, |mut turn| async move {
        if turn.cut {
            // Pending for a moment first, so the server writes out what it has (the status
            // line) before the cut.
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            tracing::info!("async session answer dropped (fault)");
            return Some((Err(AnswerDropped), turn));
        }
        let item = match turn.done.as_mut() {
            Some(done) => tokio::select! {
                biased;
                item = turn.feed.next() => item,
                _ = done => {
                    // The turn is over: send what it logged, then end (the feed has it all).
                    turn.done = None;
                    turn.feed.next_ready()?
                }
            },
            None => turn.feed.next_ready()?,
        };
        let frame = match item {
            FeedItem::Event(event) => SseEvent::default()
                .id(event.id.as_str())
                .data(event.json.as_str()),
            FeedItem::Malformed => SseEvent::default().data(MALFORMED_FRAME),
            // The service took the message, so its answer has started: a drop before any
            // event still sends the status line (a comment frame makes hyper write it), or the
            // browser would take the cut connection for a stale one and post the message again.
            FeedItem::Drop if !turn.started => {
                turn.cut = true;
                SseEvent::default().comment("")
            }
            FeedItem::Drop => {
                tracing::info!("async session answer dropped (fault)");
                return Some((Err(AnswerDropped), turn));
            }
            FeedItem::Close => return None,
        };
        turn.started = true;
        Some((Ok(frame), turn))
    });
    let keep_alive = KeepAlive::new()
        .interval(state.config.keepalive_interval)
        .text(KEEPALIVE_COMMENT);
    Ok(Sse::new(frames).keep_alive(keep_alive).into_response())
}

/// A response whose body fails before its first byte: the server drops the connection without
/// writing the status line, so the client sees the request fail as if it were lost in transit.
fn cut_before_answer() -> Response {
    let cut = stream::once(async { Err::<Bytes, _>(AnswerDropped) });
    axum::body::Body::from_stream(cut).into_response()
}
