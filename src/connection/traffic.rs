//! What flows over an open connection: events seen (the start, the end), messages sent and
//! their acknowledgements.

use super::policy::Policy;
use super::types::{Channel, Command, ConnectionId, ConnectionState, Input, TimerKind};
use super::Rejection;
use crate::protocol::{ClientMessage, Event, EventPayload};

impl Policy {
    /// Records an event the transcript applied for the first time (never a duplicate: a
    /// replayed event proves nothing about the server's health now). While connected, it resets
    /// the backoff attempt counter (see [`super::PolicyConfig::stable_after_ms`]). Returns
    /// commands: after `conversation.ended`, `Close`, a `Discard` for each message still queued,
    /// and the `Ended` state. A `user.message.received` acknowledges nothing here: it carries
    /// only the text, so the transcript matches it to a message and the caller reports that
    /// with [`Policy::acknowledged`].
    pub fn on_event(&mut self, event: &Event) -> Vec<Command> {
        let mut out = Vec::new();
        if self.live {
            // A new event over an open connection: the server is healthy again.
            self.attempt = 0;
        }
        match &event.payload {
            EventPayload::ConversationStarted => self.started_seen = true,
            EventPayload::ConversationEnded { .. } => self.end(&mut out),
            _ => {}
        }
        out
    }

    /// The service acknowledged the message with this client id (a `user.message.received`
    /// matched to it): it is no longer reported as [`Command::Unconfirmed`].
    pub fn acknowledged(&mut self, client_id: &str) {
        self.outbox.acknowledged(client_id);
    }

    /// Sends a client message now if connected, otherwise queues it for the next open. Each
    /// message comes back in exactly one [`Command::Send`] (or a [`Command::Discard`] if the
    /// conversation ends first), in the order given.
    pub fn send(&mut self, message: ClientMessage) -> Vec<Command> {
        if self.state == ConnectionState::Ended {
            return vec![Command::Discard(message)];
        }
        self.outbox.push(message);
        let mut out = Vec::new();
        if self.live {
            self.flush(&mut out);
        }
        out
    }

    /// The adapter could not write a message it was told to send (the socket threw): the message
    /// goes back into the queue, in its original order, and is sent again on the next open.
    /// Returns whether the message was known.
    pub fn send_failed(&mut self, client_id: &str) -> bool {
        self.outbox.requeue(client_id)
    }

    pub(super) fn flush(&mut self, out: &mut Vec<Command>) {
        let connection = self.connection;
        out.extend(self.outbox.drain(connection).into_iter().map(Command::Send));
    }

    /// After a reconnect: give messages written before the drop time to be acknowledged.
    pub(super) fn schedule_confirm(&mut self, out: &mut Vec<Command>) {
        if !self.outbox.has_sent_before(self.connection) {
            return;
        }
        let timer = self.next_timer(TimerKind::Confirm);
        self.confirm_timer = Some(timer);
        out.push(Command::ScheduleTimer {
            timer,
            after_ms: self.config.confirm_within_ms,
        });
    }

    /// The confirm timer fired on an open connection: report what is still unacknowledged
    /// from before the drop.
    pub(super) fn confirm_now(&mut self, out: &mut Vec<Command>) {
        self.confirm_timer = None;
        let connection = self.connection;
        // Messages lost before an answer that the replay did not acknowledge go back into the
        // queue in their place (the service never got them); the rest are unconfirmed.
        let unconfirmed = self.outbox.settle_sent_before(connection);
        out.extend(unconfirmed.into_iter().map(Command::Unconfirmed));
        // Sends them, and what was held behind them (see `Outbox::drain`).
        if self.live {
            self.flush(out);
        }
    }

    /// A `chat_async` POST carrying `client_id` on connection `id` was answered with an HTTP
    /// error before any event: the service did not take the message. A 401, 403, 429 or 5xx
    /// (or a `transient` error) is about the connection: the message goes back into the queue,
    /// in its place, and the rejection is handled as for a connect attempt (new token, back off
    /// or fail), so it is sent again once. Any other refusal is about this message: it is
    /// given up ([`Command::Discard`]) and the connection stays as it is.
    pub fn send_refused(
        &mut self,
        id: ConnectionId,
        client_id: &str,
        rejection: Rejection,
        now_ms: i64,
    ) -> Vec<Command> {
        let mut out = Vec::new();
        if rejection.about_the_connection() {
            if self.outbox.requeue(client_id) && self.live && id != self.connection {
                // Refused on an older connection: the current one sends it.
                self.flush(&mut out);
            }
            self.transition(Input::Rejected(id, rejection), now_ms, &mut out);
        } else if let Some(message) = self.outbox.remove(client_id) {
            out.push(Command::Discard(message));
        }
        out
    }

    /// The request carrying `client_id` was cut before the service answered (the session was
    /// closed under it): after the next reconnect it is sent again unless the replay
    /// acknowledges it. Returns whether the message was known.
    pub fn unanswered(&mut self, client_id: &str) -> bool {
        self.outbox.lost_before_answer(client_id)
    }

    /// A `chat_async` POST carrying `client_id` on connection `id` failed before any answer
    /// (the network): the service may or may not have the message. The connection counts as
    /// dropped; after the reconnect, if the events stream's replay has not acknowledged the
    /// message within [`super::PolicyConfig::confirm_within_ms`], it is sent again (once), so
    /// it is neither lost nor sent twice.
    pub fn send_lost(&mut self, id: ConnectionId, client_id: &str, now_ms: i64) -> Vec<Command> {
        let mut out = Vec::new();
        self.unanswered(client_id);
        self.transition(Input::Closed(id, Channel::Session), now_ms, &mut out);
        out
    }

    fn end(&mut self, out: &mut Vec<Command>) {
        self.close_transports(out);
        self.retry = None;
        self.refresh_timer = None;
        out.extend(self.outbox.take_all().into_iter().map(Command::Discard));
        self.set_state(ConnectionState::Ended, out);
    }
}
