//! The vocabulary of the connection policy: its states, inputs and commands.

use crate::protocol::{ChatChannel, ClientMessage};
use crate::token::{Credentials, TokenError};

use super::Rejection;

/// The two transports of one conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// The events SSE stream (the whole history on every connect, then live events).
    Events,
    /// The session WebSocket (sending; live events).
    Session,
}

/// Identifies one connect attempt; inputs about older attempts are ignored, so the adapter does
/// not need to detach handlers from sockets it replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ConnectionId(pub u64);

/// What a timer is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimerKind {
    /// Retry a connect or a token fetch after backoff.
    Retry,
    /// Refresh the token ahead of its expiry.
    Refresh,
    /// Check, after a reconnect, that messages written before the drop were acknowledged.
    Confirm,
}

/// Identifies one scheduled timer. Fired timers that are no longer current are ignored, so the
/// adapter never needs to cancel timers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimerId {
    /// What the timer is for.
    pub kind: TimerKind,
    /// Sequence number; only the latest of each kind counts.
    pub seq: u64,
}

/// A failure the policy will not retry on its own (the user may press retry).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConnectionError {
    /// The token source refused or gave an unusable answer.
    #[error("Could not start the chat: {0}")]
    TokenSource(TokenError),
    /// The service kept rejecting fresh tokens.
    #[error("The chat service did not accept this session ({code}).")]
    Unauthorized {
        /// `token_expired`, `token_revoked`, `token_invalid` or another 401 code.
        code: String,
    },
    /// The service forbids this session.
    #[error("This chat is not available here (forbidden).")]
    Forbidden,
    /// Another non-transient HTTP rejection.
    #[error("The chat service refused the connection (HTTP {status}).")]
    Rejected {
        /// HTTP status.
        status: u16,
        /// Error code from the body, if any.
        code: Option<String>,
    },
}

/// The connection's state, for the UI (status line, disabled composer, retry button).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectionState {
    /// Not started, or stopped.
    Idle,
    /// Asking the token source for the first credentials.
    FetchingToken,
    /// Opening the events stream and session socket.
    Connecting,
    /// Both transports are open; messages flow.
    Open,
    /// Waiting `delay_ms` before retry number `attempt` (1-based).
    Reconnecting {
        /// Which retry this is, starting at 1.
        attempt: u32,
        /// The wait before it, in milliseconds.
        delay_ms: u64,
    },
    /// Asking the token source for new credentials (before expiry or after a rejection).
    RefreshingToken,
    /// The conversation ended; nothing more will happen.
    Ended,
    /// Gave up; [`Input::Retry`] starts again.
    Failed {
        /// Why.
        error: ConnectionError,
    },
}

/// Something that happened, fed to [`super::Policy::handle`].
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// The widget wants a live conversation (mount / first open).
    Start,
    /// The token source answered.
    TokenFetched(Credentials),
    /// The token source failed.
    TokenFailed(TokenError),
    /// A transport of connect attempt `ConnectionId` finished opening.
    Opened(ConnectionId, Channel),
    /// A transport closed or errored (without an HTTP status the adapter could see).
    Closed(ConnectionId, Channel),
    /// A connect attempt was answered with an HTTP error (status, code, Retry-After).
    Rejected(ConnectionId, Rejection),
    /// The probe asked for by [`Command::Probe`] saw no HTTP error (or could not tell, e.g. the
    /// network failed or it timed out): the failure counts as a plain drop.
    ProbePassed(ConnectionId),
    /// A timer scheduled by [`Command::ScheduleTimer`] fired.
    TimerFired(TimerId),
    /// A clock tick (e.g. on tab visibility change): checks refresh and retry deadlines even if
    /// timers were throttled.
    Tick,
    /// The user pressed retry.
    Retry,
    /// The widget is going away: close everything.
    Stop,
}

/// Something the adapter must do, returned by the policy. Its `Debug` output redacts the
/// tokens in the URLs it carries.
#[derive(Clone, PartialEq)]
pub enum Command {
    /// Call the token source, then report [`Input::TokenFetched`] or [`Input::TokenFailed`].
    FetchToken,
    /// Replace any open transports with these (URLs carry `?token=` and nothing else). Report
    /// their events with this `connection` id.
    Connect {
        /// Echo this back in [`Input::Opened`], [`Input::Closed`] and [`Input::Rejected`].
        connection: ConnectionId,
        /// Events SSE URL (it replays the conversation from its first event).
        events_url: String,
        /// Session URL: the WebSocket to open (`chat_realtime`), or where each
        /// [`Command::Send`] is posted (`chat_async`: nothing to open).
        session_url: String,
        /// Which session API `session_url` is.
        channel: ChatChannel,
    },
    /// A transport of this attempt failed before it opened, and browsers hide the HTTP status
    /// of a refused WebSocket: request `events_url` once (e.g. with `fetch`,
    /// independent of the transports, so closing them does not cancel it) and report
    /// [`Input::Rejected`] for an HTTP error answer, else [`Input::ProbePassed`].
    Probe {
        /// Echo this back.
        connection: ConnectionId,
        /// The events URL of the attempt (with its token).
        events_url: String,
    },
    /// Close both transports.
    Close,
    /// Write this message to the session socket (exactly once).
    Send(ClientMessage),
    /// A queued message that can no longer be delivered (the conversation ended).
    Discard(ClientMessage),
    /// A message written over a connection that has since dropped, and still not acknowledged
    /// [`super::PolicyConfig::confirm_within_ms`] after the next open: it may never have
    /// arrived. It is not sent again by itself (that could duplicate it); the transcript marks
    /// it [`crate::transcript::UserStatus::Unconfirmed`] so the user can send it again.
    Unconfirmed(ClientMessage),
    /// Report [`Input::TimerFired`] with this id after `after_ms` milliseconds.
    ScheduleTimer {
        /// Echo this back.
        timer: TimerId,
        /// Delay in milliseconds.
        after_ms: u64,
    },
    /// The state changed (for the UI and `on_state_change`).
    EmitState(ConnectionState),
}

impl std::fmt::Debug for Command {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::protocol::redact_tokens;
        match self {
            Command::FetchToken => f.write_str("FetchToken"),
            Command::Connect {
                connection,
                events_url,
                session_url,
                channel,
            } => f
                .debug_struct("Connect")
                .field("connection", connection)
                .field("events_url", &redact_tokens(events_url))
                .field("session_url", &redact_tokens(session_url))
                .field("channel", channel)
                .finish(),
            Command::Probe {
                connection,
                events_url,
            } => f
                .debug_struct("Probe")
                .field("connection", connection)
                .field("events_url", &redact_tokens(events_url))
                .finish(),
            Command::Close => f.write_str("Close"),
            Command::Send(m) => f.debug_tuple("Send").field(m).finish(),
            Command::Discard(m) => f.debug_tuple("Discard").field(m).finish(),
            Command::Unconfirmed(m) => f.debug_tuple("Unconfirmed").field(m).finish(),
            Command::ScheduleTimer { timer, after_ms } => f
                .debug_struct("ScheduleTimer")
                .field("timer", timer)
                .field("after_ms", after_ms)
                .finish(),
            Command::EmitState(state) => f.debug_tuple("EmitState").field(state).finish(),
        }
    }
}
