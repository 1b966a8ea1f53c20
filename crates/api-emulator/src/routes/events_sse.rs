//! `GET /conversations/{id}/events` (§3): history from the first event then live, `id:` on every
//! frame, keep-alive comments, end after `conversation.ended`. `Last-Event-ID` and `?after=` are
//! ignored (A8) unless the extensions are on; then the stream resumes exactly after that event.

use std::convert::Infallible;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, Stream};

use crate::assumptions::{KEEPALIVE_COMMENT, RESUME_HEADER_WINS_OVER_QUERY};
use crate::auth::authorize_stream;
use crate::error::{ApiError, ApiResult};
use crate::extract::{PathId, QueryMap};
use crate::faults::Transport;
use crate::feed::{Feed, FeedItem, MALFORMED_FRAME};
use crate::state::AppState;

fn resume_id<'a>(headers: &'a HeaderMap, query: &'a QueryMap) -> Option<&'a str> {
    let header = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty());
    let after = query.get("after").filter(|v| !v.is_empty());
    if RESUME_HEADER_WINS_OVER_QUERY {
        header.or(after)
    } else {
        after.or(header)
    }
}

fn frames(feed: Feed, already_ended: bool) -> impl Stream<Item = Result<SseEvent, Infallible>> {
    stream::unfold((feed, already_ended), |(mut feed, done)| async move {
        if done {
            return None;
        }
        match feed.next().await {
            FeedItem::Event(event) => {
                let ended = event.payload_type == "conversation.ended";
                let frame = SseEvent::default()
                    .id(event.id.as_str())
                    .data(event.json.as_str());
                Some((Ok(frame), (feed, ended)))
            }
            FeedItem::Malformed => {
                Some((Ok(SseEvent::default().data(MALFORMED_FRAME)), (feed, false)))
            }
            FeedItem::Drop | FeedItem::Close => None,
        }
    })
}

/// The events SSE handler.
pub async fn events(
    State(state): State<AppState>,
    PathId(id): PathId,
    headers: HeaderMap,
    query: QueryMap,
) -> ApiResult<Response> {
    authorize_stream(&state, &headers, query.get("token"), &id)?;
    let log = state
        .store()
        .conversations
        .get(&id)
        .map(|c| c.log.clone())
        .ok_or_else(|| ApiError::not_found(format!("Conversation {id} not found.")))?;
    let resume = if state.config.extensions {
        resume_id(&headers, &query)
    } else {
        None
    };
    let start = match resume {
        None => 0,
        Some(after) => log.position_after(after).ok_or_else(|| {
            ApiError::invalid_field(
                "after",
                format!("Unknown event id {after} for this conversation."),
            )
        })?,
    };
    let already_ended = log
        .all()
        .iter()
        .take(start)
        .any(|e| e.payload_type == "conversation.ended");
    tracing::info!(conversation = %id, start, "events stream opened");
    let feed = Feed::new(state.clone(), log, start, Transport::Sse, id);
    let keep_alive = KeepAlive::new()
        .interval(state.config.keepalive_interval)
        .text(KEEPALIVE_COMMENT);
    Ok(Sse::new(frames(feed, already_ended))
        .keep_alive(keep_alive)
        .into_response())
}
