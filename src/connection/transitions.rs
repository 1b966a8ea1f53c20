//! The forward path: token, connect and open (drops are in `drops.rs`).

use super::policy::{Policy, RetryAction};
use super::types::{Channel, Command, ConnectionError, ConnectionId, ConnectionState, TimerKind};
use crate::protocol::{ChatChannel, ClientMessage};
use crate::token::{refresh_delay_ms, Credentials, TokenError};

impl Policy {
    /// Idle, asked to start: connect with the credentials it has, else fetch some.
    pub(super) fn begin(&mut self, now: i64, out: &mut Vec<Command>) {
        let usable = self.creds.is_some() && !self.refresh_due(now);
        if usable {
            self.connect(out);
        } else {
            self.fetch_token(out);
        }
    }

    pub(super) fn fetch_token(&mut self, out: &mut Vec<Command>) {
        self.retry = None;
        let state = if self.creds.is_some() {
            ConnectionState::RefreshingToken
        } else {
            ConnectionState::FetchingToken
        };
        self.set_state(state, out);
        out.push(Command::FetchToken);
    }

    pub(super) fn close_transports(&mut self, out: &mut Vec<Command>) {
        if self.active {
            out.push(Command::Close);
        }
        self.active = false;
        self.events_open = false;
        self.session_open = false;
        self.live = false;
    }

    pub(super) fn connect(&mut self, out: &mut Vec<Command>) {
        let Some(creds) = &self.creds else {
            return self.fetch_token(out);
        };
        let events_url = creds.events_url_with_token();
        let session_url = creds.session_url_with_token();
        let channel = creds.channel;
        self.close_transports(out);
        self.retry = None;
        self.probing = false;
        self.connection = ConnectionId(self.connection.0 + 1);
        self.active = true;
        out.push(Command::Connect {
            connection: self.connection,
            events_url,
            session_url,
            channel,
        });
        self.set_state(ConnectionState::Connecting, out);
    }

    /// The token source answered while asked: keep the credentials, plan their renewal,
    /// connect.
    pub(super) fn took_token(&mut self, creds: Credentials, now: i64, out: &mut Vec<Command>) {
        let expiry = creds.expires_at_ms;
        self.creds = Some(creds);
        self.refresh_at = None;
        self.refresh_timer = None;
        if let Some(delay) = expiry.and_then(|expiry| refresh_delay_ms(now, expiry)) {
            self.schedule_refresh(delay, now, out);
        }
        self.connect(out);
    }

    pub(super) fn schedule_refresh(&mut self, delay: u64, now: i64, out: &mut Vec<Command>) {
        let timer = self.next_timer(TimerKind::Refresh);
        self.refresh_timer = Some(timer);
        self.refresh_at = Some(now.saturating_add_unsigned(delay));
        out.push(Command::ScheduleTimer {
            timer,
            after_ms: delay,
        });
    }

    /// The token source failed while asked: give up on a lasting error; otherwise stay on
    /// the live connection and try again later, or back off.
    pub(super) fn token_failed(&mut self, err: TokenError, now: i64, out: &mut Vec<Command>) {
        if !err.transient {
            return self.fail(ConnectionError::TokenSource(err), out);
        }
        if self.live {
            // Still connected with the old token: stay open and try the refresh again later.
            self.attempt += 1;
            let floor = err.retry_after_ms;
            let delay = self
                .config
                .backoff
                .delay_ms(self.attempt, &mut *self.random, floor);
            self.set_state(ConnectionState::Open, out);
            return self.schedule_refresh(delay, now, out);
        }
        self.schedule_retry(RetryAction::FetchToken, err.retry_after_ms, now, out);
    }

    /// A transport of the current attempt opened: once all it needs are open, the connection
    /// is live (start the conversation if fresh, send what waited, check what was unconfirmed).
    pub(super) fn opened(&mut self, ch: Channel, now: i64, out: &mut Vec<Command>) {
        match ch {
            Channel::Events => self.events_open = true,
            Channel::Session => self.session_open = true,
        }
        // A `chat_async` conversation has no socket: each message is its own request.
        let socket_needed = self
            .creds
            .as_ref()
            .is_none_or(|c| c.channel == ChatChannel::Realtime);
        if !(self.events_open && (self.session_open || !socket_needed)) {
            return;
        }
        self.live = true;
        self.opened_at = Some(now);
        self.failed_connects = 0;
        self.auth_refreshes = 0;
        self.set_state(ConnectionState::Open, out);
        // Not "no event seen yet": the stream may deliver `conversation.setup` before the socket
        // opens.
        let fresh = !self.started_seen && !self.start_sent;
        if self.config.auto_start && fresh {
            self.start_sent = true;
            let conversation = self
                .creds
                .as_ref()
                .map_or("", |c| c.conversation_id.as_str());
            out.push(Command::Send(ClientMessage::start(format!(
                "c_start_{conversation}"
            ))));
        }
        self.flush(out);
        self.schedule_confirm(out);
        if self.refresh_due(now) {
            self.start_refresh(out);
        }
    }
}
