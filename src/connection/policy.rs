//! The policy's data, its entry point [`Policy::handle`], and every transition in one match.

use super::backoff::{Backoff, RandomSource};
use super::outbox::Outbox;
use super::types::{Command, ConnectionId, ConnectionState, Input, TimerId, TimerKind};
use crate::protocol::ClientMessage;
use crate::token::Credentials;

/// Tuning knobs, with documented defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyConfig {
    /// Retry delays. Default: 500 ms base, ×2, 30 s cap, full jitter.
    pub backoff: Backoff,
    /// The backoff attempt counter goes back to zero once a connection has proved the server
    /// healthy: as soon as it delivers a new event while open, or, for a quiet conversation,
    /// when it closes after staying open at least this long. A connection that drops before
    /// either keeps the counter, so a flapping server still sees growing waits. Default 2 s
    /// (long enough to outlast a handshake that the server accepts and then cuts at once,
    /// short enough that the next unrelated drop is retried within the first backoff step).
    pub stable_after_ms: u64,
    /// After this many connect attempts in a row that close before opening, fetch a new token
    /// (the browser cannot see a 401 on a WebSocket). Default 2.
    pub refresh_after_failed_connects: u32,
    /// How many times in a row a 401 may be answered by fetching a new token before giving up.
    /// Default 2.
    pub max_auth_refreshes: u32,
    /// Send `conversation.start` on the first open of a fresh conversation (no
    /// `conversation.started` seen and none sent yet). Default true; set false when restoring a
    /// conversation after a reload.
    pub auto_start: bool,
    /// After a reconnect, how long messages written before the drop may take to be
    /// acknowledged (the stream replays the conversation from its first event, so the
    /// acknowledgement of any that arrived comes again) before they are reported as
    /// [`super::Command::Unconfirmed`]. Default 4 s.
    pub confirm_within_ms: u64,
}

impl Default for PolicyConfig {
    fn default() -> Self {
        PolicyConfig {
            backoff: Backoff::default(),
            stable_after_ms: 2_000,
            refresh_after_failed_connects: 2,
            max_auth_refreshes: 2,
            auto_start: true,
            confirm_within_ms: 4_000,
        }
    }
}

/// What a pending retry timer will do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum RetryAction {
    Connect,
    FetchToken,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct PendingRetry {
    pub(super) timer: TimerId,
    pub(super) due_at: i64,
    pub(super) not_before: i64,
    pub(super) action: RetryAction,
}

/// The connection state machine. See the module docs and [`Policy::handle`].
pub struct Policy {
    pub(super) config: PolicyConfig,
    pub(super) random: Box<dyn RandomSource>,
    pub(super) state: ConnectionState,
    pub(super) creds: Option<Credentials>,
    pub(super) outbox: Outbox,
    pub(super) connection: ConnectionId,
    pub(super) events_open: bool,
    pub(super) session_open: bool,
    pub(super) live: bool,
    pub(super) active: bool,
    pub(super) attempt: u32,
    pub(super) failed_connects: u32,
    /// A [`Command::Probe`] for the current attempt is out; its answer decides what follows.
    pub(super) probing: bool,
    pub(super) auth_refreshes: u32,
    pub(super) opened_at: Option<i64>,
    pub(super) refresh_at: Option<i64>,
    pub(super) retry: Option<PendingRetry>,
    pub(super) refresh_timer: Option<TimerId>,
    pub(super) confirm_timer: Option<TimerId>,
    pub(super) timer_seq: u64,
    pub(super) start_sent: bool,
    pub(super) started_seen: bool,
    /// A planned token renewal of a live connection is under way (see [`Policy::renewing`]).
    pub(super) renewing: bool,
}

impl std::fmt::Debug for Policy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Policy")
            .field("state", &self.state)
            .field("credentials", &self.creds)
            .field("attempt", &self.attempt)
            .finish_non_exhaustive()
    }
}

impl Policy {
    /// A policy in [`ConnectionState::Idle`]. `random` drives the backoff jitter.
    pub fn new(config: PolicyConfig, random: Box<dyn RandomSource>) -> Self {
        Policy {
            config,
            random,
            state: ConnectionState::Idle,
            creds: None,
            outbox: Outbox::default(),
            connection: ConnectionId(0),
            events_open: false,
            session_open: false,
            live: false,
            active: false,
            attempt: 0,
            failed_connects: 0,
            probing: false,
            auth_refreshes: 0,
            opened_at: None,
            refresh_at: None,
            retry: None,
            refresh_timer: None,
            confirm_timer: None,
            timer_seq: 0,
            start_sent: false,
            started_seen: false,
            renewing: false,
        }
    }

    /// Starts with known credentials (e.g. a persisted token the host opted in to keep).
    pub fn with_credentials(mut self, credentials: Credentials) -> Self {
        self.creds = Some(credentials);
        self
    }

    /// The current state.
    pub fn state(&self) -> &ConnectionState {
        &self.state
    }

    /// Whether a planned token renewal of a healthy connection is under way. The state passes
    /// through [`ConnectionState::RefreshingToken`] and [`ConnectionState::Connecting`] while
    /// the connection is remade with the new token, but nothing has gone wrong, so a UI can keep
    /// showing the chat as online. False again once the new connection opens, and as soon as
    /// anything fails (a rejection, a drop, a failed fetch).
    pub fn renewing(&self) -> bool {
        self.renewing
    }

    /// The credentials in use, if any.
    pub fn credentials(&self) -> Option<&Credentials> {
        self.creds.as_ref()
    }

    /// Messages waiting for the connection, oldest first.
    pub fn queued_messages(&self) -> impl Iterator<Item = &ClientMessage> {
        self.outbox.queued()
    }

    /// Feeds one input; returns the commands to carry out, in order. `now_ms` is the current
    /// Unix time in milliseconds.
    pub fn handle(&mut self, input: Input, now_ms: i64) -> Vec<Command> {
        let mut out = Vec::new();
        self.transition(input, now_ms, &mut out);
        out
    }

    /// Every transition of the state machine, as one match on (state, input). Guards name the
    /// conditions besides the state (the input is about the current attempt, a timer is the
    /// pending one); the helpers they call (`transitions.rs`, `drops.rs`, `recovery.rs`,
    /// `traffic.rs`) check nothing more. An input no arm takes is stale (an older attempt, a
    /// cancelled timer, a token answer nobody waits for) and does nothing.
    pub(super) fn transition(&mut self, input: Input, now: i64, out: &mut Vec<Command>) {
        use ConnectionState as S;
        match (self.state.clone(), input) {
            // Starting, and starting over.
            (S::Idle, Input::Start | Input::Retry) => self.begin(now, out),
            (S::Failed { .. }, Input::Retry) => self.start_over(out),
            (_, Input::Start) => {}

            // The token source answers.
            (S::FetchingToken | S::RefreshingToken, Input::TokenFetched(creds)) => {
                self.took_token(creds, now, out)
            }
            (S::FetchingToken | S::RefreshingToken, Input::TokenFailed(err)) => {
                self.token_failed(err, now, out)
            }
            (_, Input::TokenFetched(_) | Input::TokenFailed(_)) => {}

            // The current attempt's transports.
            (S::Connecting, Input::Opened(id, ch)) if self.is_current(id) => {
                self.opened(ch, now, out)
            }
            (S::Connecting | S::Open, Input::Closed(id, _)) if self.is_current(id) => {
                self.dropped(now, out)
            }
            // Renewing the token of a live connection: the new token reconnects.
            (S::RefreshingToken, Input::Closed(id, _)) if self.is_current(id) && self.live => {
                self.close_transports(out)
            }
            (_, Input::Closed(id, ch)) if self.is_current(id) => self.channel_closed(ch),
            (S::Connecting | S::Open, Input::Rejected(id, r)) if self.is_current(id) => {
                self.rejected(r, now, out)
            }
            // A late refusal of the attempt whose drop is being backed off.
            (S::Reconnecting { .. }, Input::Rejected(id, r))
                if self.is_current(id) && self.retry_connects() =>
            {
                self.rejected(r, now, out)
            }
            (S::Connecting, Input::ProbePassed(id)) if self.is_current(id) && self.probing => {
                self.probing = false;
                self.after_drop(false, now, out)
            }
            (_, Input::Opened(..) | Input::Closed(..) | Input::Rejected(..)) => {}
            (_, Input::ProbePassed(_)) => {}

            // Timers, the clock, and the visitor's retry.
            (S::Reconnecting { .. }, Input::TimerFired(t)) if self.retry_timer_is(t) => {
                self.run_retry(now, out)
            }
            (S::Open, Input::TimerFired(t)) if self.refresh_timer == Some(t) => {
                self.refresh_timer = None;
                self.start_refresh(out)
            }
            // Not open: `refresh_due` now holds, so the next retry or open refreshes.
            (_, Input::TimerFired(t)) if self.refresh_timer == Some(t) => self.refresh_timer = None,
            // Not open: dropped again meanwhile, and the next open checks them.
            (S::Open, Input::TimerFired(t)) if self.confirm_timer == Some(t) => {
                self.confirm_now(out)
            }
            (_, Input::TimerFired(_)) => {}
            (S::Open, Input::Tick) if self.refresh_due(now) => self.start_refresh(out),
            (S::Reconnecting { .. }, Input::Tick) if self.retry_due(now) => {
                self.run_retry(now, out)
            }
            (S::Reconnecting { .. }, Input::Retry) if self.retry_allowed(now) => {
                self.run_retry(now, out)
            }
            (_, Input::Tick | Input::Retry) => {}

            (_, Input::Stop) => self.stop(out),
        }
    }

    /// Whether `id` is the current connect attempt (inputs about older ones are stale).
    fn is_current(&self, id: ConnectionId) -> bool {
        id == self.connection
    }

    pub(super) fn set_state(&mut self, state: ConnectionState, out: &mut Vec<Command>) {
        if !matches!(
            state,
            ConnectionState::RefreshingToken | ConnectionState::Connecting
        ) {
            self.renewing = false;
        }
        if self.state != state {
            self.state = state.clone();
            out.push(Command::EmitState(state));
        }
    }

    pub(super) fn next_timer(&mut self, kind: TimerKind) -> TimerId {
        self.timer_seq += 1;
        TimerId {
            kind,
            seq: self.timer_seq,
        }
    }
}
