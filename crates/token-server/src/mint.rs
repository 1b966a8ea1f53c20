//! The snippet: `POST /operator/session`. Copy this file (with `upstream.rs`, `error.rs`,
//! `authorize.rs` and `conversation_cookie.rs`) into your backend; the browser gets a token,
//! never the API key. It keeps no state: which conversation a caller resumes travels in a
//! signed cookie, so any number of instances sharing the secret behave as one.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

use crate::authorize::{Authorize, CallerId};
use crate::conversation_cookie::{is_https, ConversationCookie};
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
    /// Signs the cookie telling any instance which conversation a caller resumes.
    pub conversations: ConversationCookie,
}

impl MintState {
    /// State with a random conversation-cookie secret: callers resume their conversation on
    /// this process only. Behind a load balancer use [`MintState::with_session_secret`].
    pub fn new(auth: Arc<dyn Authorize>, upstream: Upstream, agent_id: impl Into<String>) -> Self {
        MintState {
            auth,
            upstream,
            agent_id: agent_id.into(),
            conversations: ConversationCookie::random(),
        }
    }

    /// Signs conversation cookies with `secret`, shared by every instance.
    pub fn with_session_secret(mut self, secret: impl Into<Vec<u8>>) -> Self {
        self.conversations = ConversationCookie::new(secret);
        self
    }
}

/// A caller's conversation and its token-free URLs.
#[derive(Debug, Clone)]
pub struct Conversation {
    id: String,
    events_url: String,
    session_url: String,
}

/// The 200 answer (the widget's `SessionResponse`). Its `Debug` hides the token.
#[derive(Serialize)]
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

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("conversation_id", &self.conversation_id)
            .field("token", &"[REDACTED]")
            .field("expires_at", &self.expires_at)
            .field("events_url", &self.events_url)
            .field("session_url", &self.session_url)
            .finish()
    }
}

/// `POST /operator/session`: authorize, create or resume the caller's conversation (named by
/// its signed cookie), mint a token. All Operator calls share one deadline
/// ([`Upstream::total_timeout`]).
///
/// Works with the documented create answer `{type, token, events_url}`: `expires_at` is learned
/// from `POST /conversations/{id}/token/refresh` (which documents it), and `session_url` is built
/// on the session host ([`Upstream::session_url`]), never from the REST base.
pub async fn mint(State(state): State<Arc<MintState>>, headers: HeaderMap) -> Response {
    let deadline = state.upstream.total_timeout();
    let minted = tokio::time::timeout(deadline, mint_session(&state, &headers))
        .await
        .unwrap_or_else(|_| Err(MintError::UpstreamUnavailable("timed out".into(), None)));
    match minted {
        Ok((session, set_cookie)) => {
            let mut response = Json(session).into_response();
            let headers = response.headers_mut();
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            headers.insert(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            );
            if let Some(set_cookie) = set_cookie {
                headers.insert(header::SET_COOKIE, set_cookie);
            }
            response
        }
        Err(err) => err.into_response(),
    }
}

/// The session, and the cookie to set when the caller starts a new conversation.
async fn mint_session(
    state: &MintState,
    headers: &HeaderMap,
) -> Result<(Session, Option<HeaderValue>), MintError> {
    let caller: CallerId = state.auth.caller(headers).await?;
    if let Some(id) = state.conversations.from_headers(&caller, headers) {
        if state.upstream.has_ended(&id).await? == Some(false) {
            let minted = state.upstream.refresh_token(&id).await?;
            tracing::info!(conversation = %id, "token refreshed for the current conversation");
            let conv = Conversation::derived(&state.upstream, id);
            return Ok((session(conv, minted.token, minted.expires_at), None));
        }
    }
    let created = state.upstream.create_conversation(&state.agent_id).await?;
    let derived = Conversation::derived(&state.upstream, created.id);
    let conv = Conversation {
        events_url: created.channel.events_url.unwrap_or(derived.events_url),
        ..derived
    };
    let set_cookie = state
        .conversations
        .set_cookie(&caller, &conv.id, is_https(headers));
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
    Ok((session(conv, token, expires_at), set_cookie))
}

impl Conversation {
    /// Conversation `id` with its events URL on the REST host (used when resuming, and when a
    /// create answer does not carry it) and its session URL on the session host.
    fn derived(upstream: &Upstream, id: String) -> Conversation {
        Conversation {
            events_url: upstream.events_url(&id),
            session_url: upstream.session_url(&id),
            id,
        }
    }
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

#[cfg(test)]
mod tests {
    #[test]
    fn debug_output_hides_the_token() {
        let session = super::Session {
            conversation_id: "conv_1".into(),
            token: "tok_secret_debug".into(),
            expires_at: "2030-01-01T00:00:00Z".into(),
            events_url: "http://e".into(),
            session_url: "ws://s".into(),
        };
        let shown = format!("{session:?}");
        assert!(
            shown.contains("conv_1") && !shown.contains("tok_secret_debug"),
            "{shown}"
        );
    }
}
