//! The snippet: `POST /operator/session`. Copy this file (with `channel.rs`, `upstream.rs`, `error.rs`,
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
use crate::channel::ChatChannel;
use crate::conversation_cookie::{is_https, ConversationCookie};
use crate::error::MintError;
use crate::upstream::{ConversationStatus, Upstream};

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
    /// The channel new conversations are created on (default `chat_realtime`).
    pub channel: ChatChannel,
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
            channel: ChatChannel::default(),
        }
    }

    /// Creates new conversations on `channel` (`OPERATOR_CHANNEL`). A caller's conversation on
    /// the other channel is not resumed: they get a new one.
    pub fn with_channel(mut self, channel: ChatChannel) -> Self {
        self.channel = channel;
        self
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
    session_url: Option<String>,
}

/// The 200 answer (the widget's `SessionResponse`). Its `Debug` hides the token.
#[derive(Serialize)]
pub struct Session {
    /// The conversation the token opens.
    pub conversation_id: String,
    /// Its channel, which names the session API the widget drives it with.
    pub channel: ChatChannel,
    /// Ephemeral token for that conversation only.
    pub token: String,
    /// RFC 3339 expiry.
    pub expires_at: String,
    /// Events SSE URL (no token).
    pub events_url: String,
    /// Session WebSocket URL (no token), for `chat_realtime` only: a `chat_async` conversation
    /// is driven with `POST {events_url without /events}/session`, so the field is left out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_url: Option<String>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("conversation_id", &self.conversation_id)
            .field("channel", &self.channel)
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
    let channel = state.channel;
    if let Some(id) = state.conversations.from_headers(&caller, headers) {
        if state
            .upstream
            .status(&id)
            .await?
            .is_some_and(|s| resumable(&s, channel))
        {
            let minted = state.upstream.refresh_token(&id).await?;
            tracing::info!(conversation = %id, "token refreshed for the current conversation");
            let conv = Conversation::derived(&state.upstream, id, channel);
            return Ok((
                session(conv, channel, minted.token, minted.expires_at),
                None,
            ));
        }
    }
    let created = state
        .upstream
        .create_conversation(&state.agent_id, channel)
        .await?;
    let derived = Conversation::derived(&state.upstream, created.id, channel);
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
    Ok((session(conv, channel, token, expires_at), set_cookie))
}

/// Whether the caller's conversation can be resumed on `channel`: not ended, and on that
/// channel (when Operator names it; `channel_type` is documented as nullable).
fn resumable(status: &ConversationStatus, channel: ChatChannel) -> bool {
    !status.ended
        && status
            .channel_type
            .as_deref()
            .is_none_or(|t| t == channel.as_str())
}

impl Conversation {
    /// Conversation `id` with its events URL on the REST host (used when resuming, and when a
    /// create answer does not carry it) and, for `chat_realtime`, its session URL on the
    /// session host.
    fn derived(upstream: &Upstream, id: String, channel: ChatChannel) -> Conversation {
        Conversation {
            events_url: upstream.events_url(&id),
            session_url: (channel == ChatChannel::Realtime).then(|| upstream.session_url(&id)),
            id,
        }
    }
}

fn session(conv: Conversation, channel: ChatChannel, token: String, expires_at: String) -> Session {
    Session {
        conversation_id: conv.id,
        channel,
        token,
        expires_at,
        events_url: conv.events_url,
        session_url: conv.session_url,
    }
}

#[cfg(test)]
mod tests {
    use super::{resumable, ChatChannel, ConversationStatus};

    #[test]
    fn only_a_running_conversation_on_the_configured_channel_is_resumed() {
        let status = |ended, channel_type: Option<&str>| ConversationStatus {
            ended,
            channel_type: channel_type.map(str::to_owned),
        };
        let async_ = ChatChannel::Async;
        assert!(resumable(&status(false, Some("chat_async")), async_));
        assert!(
            resumable(&status(false, None), async_),
            "channel_type is nullable"
        );
        assert!(
            !resumable(&status(false, Some("chat_realtime")), async_),
            "OPERATOR_CHANNEL changed: a new conversation"
        );
        assert!(!resumable(&status(true, Some("chat_async")), async_));
    }

    #[test]
    fn debug_output_hides_the_token() {
        let session = super::Session {
            conversation_id: "conv_1".into(),
            channel: super::ChatChannel::Realtime,
            token: "tok_secret_debug".into(),
            expires_at: "2030-01-01T00:00:00Z".into(),
            events_url: "http://e".into(),
            session_url: Some("ws://s".into()),
        };
        let shown = format!("{session:?}");
        assert!(
            shown.contains("conv_1") && !shown.contains("tok_secret_debug"),
            "{shown}"
        );
    }
}
