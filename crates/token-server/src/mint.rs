//! The snippet: `POST /operator/session`. Copy this file (with `upstream.rs`, `error.rs` and
//! `authorize.rs`) into your backend; the browser gets a token, never the API key.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

use crate::authorize::{Authorize, CallerId};
use crate::error::MintError;
use crate::upstream::Upstream;

/// What the mint handler needs: who may chat, where Operator is, which agent answers.
pub struct MintState {
    /// The host app's hook.
    pub auth: Arc<dyn Authorize>,
    /// Operator API client (holds the API key).
    pub upstream: Upstream,
    /// The conversational agent new conversations go to.
    pub agent_id: String,
    /// Each caller's current conversation (in memory; use your database in production).
    pub current: Mutex<HashMap<CallerId, Conversation>>,
}

impl MintState {
    /// State with an empty conversation map.
    pub fn new(auth: Arc<dyn Authorize>, upstream: Upstream, agent_id: impl Into<String>) -> Self {
        let (agent_id, current) = (agent_id.into(), Mutex::default());
        MintState {
            auth,
            upstream,
            agent_id,
            current,
        }
    }
}

/// A caller's conversation and its token-free URLs.
#[derive(Debug, Clone)]
pub struct Conversation {
    id: String,
    events_url: String,
    session_url: String,
}

/// The 200 answer (the widget's `SessionResponse`).
#[derive(Debug, Serialize)]
pub struct Session {
    /// The conversation the token opens.
    pub conversation_id: String,
    /// Ephemeral token for that conversation only.
    pub token: String,
    /// RFC 3339 expiry.
    pub expires_at: String,
    /// Events SSE URL (no token).
    pub events_url: String,
    /// Session WebSocket URL (no token).
    pub session_url: String,
}

/// `POST /operator/session`: authorize, create or reuse the caller's conversation, mint a token.
///
/// Works with the documented create answer `{type, token, events_url}`: `expires_at` is learned
/// from `POST /conversations/{id}/token/refresh` (which documents it), and `session_url` is built
/// on the session host ([`Upstream::session_url`]), never from the REST base.
pub async fn mint(State(state): State<Arc<MintState>>, headers: HeaderMap) -> Response {
    match mint_session(&state, &headers).await {
        Ok(session) => {
            let mut response = Json(session).into_response();
            let no_store = HeaderValue::from_static("no-store");
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, no_store);
            response
        }
        Err(err) => err.into_response(),
    }
}

async fn mint_session(state: &MintState, headers: &HeaderMap) -> Result<Session, MintError> {
    let caller = state.auth.caller(headers).await?;
    let known = lock(&state.current).get(&caller).cloned();
    if let Some(conv) = known {
        if state.upstream.has_ended(&conv.id).await? == Some(false) {
            let minted = state.upstream.refresh_token(&conv.id).await?;
            tracing::info!(conversation = %conv.id, "token refreshed for the current conversation");
            return Ok(session(conv, minted.token, minted.expires_at));
        }
    }
    let created = state.upstream.create_conversation(&state.agent_id).await?;
    let base = state.upstream.base_url();
    let conv = Conversation {
        events_url: created
            .channel
            .events_url
            .clone()
            .unwrap_or_else(|| format!("{base}/conversations/{}/events", created.id)),
        session_url: state.upstream.session_url(&created.id),
        id: created.id,
    };
    lock(&state.current).insert(caller, conv.clone());
    // The documented create answer carries a token but no expiry, so the expiry (and the token
    // the browser gets) comes from `POST /conversations/{id}/token/refresh`, whose `expires_at`
    // is documented. Only an answer that has both (the emulator's extensions) skips the refresh.
    let (token, expires_at) = match (created.channel.token, created.channel.expires_at) {
        (Some(token), Some(expires_at)) => (token, expires_at),
        _ => {
            let minted = state.upstream.refresh_token(&conv.id).await?;
            (minted.token, minted.expires_at)
        }
    };
    tracing::info!(conversation = %conv.id, "new conversation created");
    Ok(session(conv, token, expires_at))
}

fn session(conv: Conversation, token: String, expires_at: String) -> Session {
    Session {
        conversation_id: conv.id,
        token,
        expires_at,
        events_url: conv.events_url,
        session_url: conv.session_url,
    }
}

/// Locks the map even if another request panicked while holding it (the map stays usable).
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
