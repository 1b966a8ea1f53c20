//! The outgoing queue: messages written while not connected are kept, in order, until sent.
//! Sent messages are remembered with the connection that carried them until acknowledged.

use super::types::ConnectionId;
use crate::protocol::ClientMessage;

/// How many already-sent messages are remembered so a failed write can be re-queued.
const IN_FLIGHT_LIMIT: usize = 64;

/// A sent message: its queue order, the connection that carried it, and the message.
type InFlight = (u64, ConnectionId, ClientMessage);

/// Sent messages whose request failed before the service answered (a `chat_async` POST): if a
/// reconnect's replay does not acknowledge them, they are sent again rather than reported
/// unconfirmed.
type RetryIds = Vec<String>;

/// Queued and recently sent client messages, ordered by when they were written.
#[derive(Debug, Clone, Default)]
pub(super) struct Outbox {
    next_seq: u64,
    queued: Vec<(u64, ClientMessage)>,
    in_flight: Vec<InFlight>,
    retry_unacknowledged: RetryIds,
}

impl Outbox {
    /// Adds a message at the back of the queue.
    pub(super) fn push(&mut self, message: ClientMessage) {
        self.queued.push((self.next_seq, message));
        self.next_seq += 1;
    }

    /// Takes the queued messages, oldest first, and remembers them as in flight on
    /// `connection`. Messages written after one whose request failed before an answer (it may be
    /// sent again once the replay had its say: [`Outbox::settle_sent_before`]) stay queued, so
    /// the service never gets a message before one written earlier.
    pub(super) fn drain(&mut self, connection: ConnectionId) -> Vec<ClientMessage> {
        let held_from = self
            .in_flight
            .iter()
            .filter(|(_, _, m)| self.retry_unacknowledged.contains(&m.id))
            .map(|(seq, _, _)| *seq)
            .min();
        let count = match held_from {
            Some(limit) => self.queued.iter().take_while(|(s, _)| *s < limit).count(),
            None => self.queued.len(),
        };
        let drained: Vec<_> = self.queued.drain(..count).collect();
        let messages = drained.iter().map(|(_, m)| m.clone()).collect();
        self.in_flight
            .extend(drained.into_iter().map(|(seq, m)| (seq, connection, m)));
        let excess = self.in_flight.len().saturating_sub(IN_FLIGHT_LIMIT);
        self.in_flight.drain(..excess);
        messages
    }

    /// Puts an in-flight message whose write failed back into the queue, in its original order.
    /// Returns whether it was found.
    pub(super) fn requeue(&mut self, client_id: &str) -> bool {
        let Some(pos) = self
            .in_flight
            .iter()
            .position(|(_, _, m)| m.id == client_id)
        else {
            return false;
        };
        let (seq, _, message) = self.in_flight.remove(pos);
        self.retry_unacknowledged.retain(|id| id != client_id);
        let at = self.queued.iter().position(|(s, _)| *s > seq);
        self.queued
            .insert(at.unwrap_or(self.queued.len()), (seq, message));
        true
    }

    /// Forgets an in-flight message the server acknowledged.
    pub(super) fn acknowledged(&mut self, client_id: &str) {
        self.in_flight.retain(|(_, _, m)| m.id != client_id);
        self.retry_unacknowledged.retain(|id| id != client_id);
    }

    /// The request carrying an in-flight message failed before any answer: whether the service
    /// got it is unknown. Returns whether it was found.
    pub(super) fn lost_before_answer(&mut self, client_id: &str) -> bool {
        let known = self.in_flight.iter().any(|(_, _, m)| m.id == client_id);
        if known && !self.retry_unacknowledged.iter().any(|id| id == client_id) {
            self.retry_unacknowledged.push(client_id.to_owned());
        }
        known
    }

    /// Forgets an in-flight message for good (the service refused it), returning it.
    pub(super) fn remove(&mut self, client_id: &str) -> Option<ClientMessage> {
        let pos = self
            .in_flight
            .iter()
            .position(|(_, _, m)| m.id == client_id)?;
        self.retry_unacknowledged.retain(|id| id != client_id);
        Some(self.in_flight.remove(pos).2)
    }

    /// After a reconnect's confirm window, the messages written over connections other than
    /// `current` that are still unacknowledged: those whose request failed before an answer go
    /// back into the queue in their place, to be sent again ahead of anything written after
    /// them; the others are returned, oldest first, to be reported unconfirmed.
    pub(super) fn settle_sent_before(&mut self, current: ConnectionId) -> Vec<ClientMessage> {
        let retry = std::mem::take(&mut self.retry_unacknowledged);
        let (old, kept): (Vec<_>, Vec<_>) = std::mem::take(&mut self.in_flight)
            .into_iter()
            .partition(|(_, c, _)| *c != current);
        self.in_flight = kept;
        let mut unconfirmed = Vec::new();
        for (seq, _, message) in old {
            if retry.contains(&message.id) {
                let at = self.queued.iter().position(|(s, _)| *s > seq);
                self.queued
                    .insert(at.unwrap_or(self.queued.len()), (seq, message));
            } else {
                unconfirmed.push(message);
            }
        }
        unconfirmed
    }

    /// Whether a message written over an earlier connection than `current` is still unacknowledged.
    pub(super) fn has_sent_before(&self, current: ConnectionId) -> bool {
        self.in_flight.iter().any(|(_, c, _)| *c != current)
    }

    /// The queued messages, oldest first.
    pub(super) fn queued(&self) -> impl Iterator<Item = &ClientMessage> {
        self.queued.iter().map(|(_, m)| m)
    }

    /// Removes everything queued (for discarding after the end).
    pub(super) fn take_all(&mut self) -> Vec<ClientMessage> {
        self.queued.drain(..).map(|(_, m)| m).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(id: &str) -> ClientMessage {
        ClientMessage::user_message(id, "hi")
    }

    fn ids(messages: &[ClientMessage]) -> Vec<&str> {
        messages.iter().map(|m| m.id.as_str()).collect()
    }

    #[test]
    fn messages_sent_over_an_earlier_connection_are_taken_once() {
        let mut outbox = Outbox::default();
        outbox.push(msg("a"));
        outbox.push(msg("b"));
        outbox.drain(ConnectionId(1));
        outbox.acknowledged("a");
        outbox.push(msg("c"));
        outbox.drain(ConnectionId(2));
        assert!(outbox.has_sent_before(ConnectionId(2)));
        assert_eq!(ids(&outbox.settle_sent_before(ConnectionId(2))), ["b"]);
        assert!(!outbox.has_sent_before(ConnectionId(2)), "taken once");
        assert_eq!(
            ids(&outbox.settle_sent_before(ConnectionId(3))),
            ["c"],
            "the current connection's message stays until a later one"
        );
    }

    #[test]
    fn a_message_lost_before_an_answer_is_queued_again_in_its_place() {
        let mut outbox = Outbox::default();
        outbox.push(msg("a"));
        outbox.push(msg("b"));
        outbox.drain(ConnectionId(1));
        assert!(outbox.lost_before_answer("b"));
        assert!(!outbox.lost_before_answer("zz"), "unknown id");
        outbox.push(msg("c"));
        let unconfirmed = outbox.settle_sent_before(ConnectionId(2));
        assert_eq!(ids(&unconfirmed), ["a"]);
        assert_eq!(ids(&outbox.drain(ConnectionId(2))), ["b", "c"], "b first");
    }

    #[test]
    fn messages_written_after_one_lost_before_an_answer_wait_for_it() {
        let mut outbox = Outbox::default();
        outbox.push(msg("a"));
        outbox.push(msg("b"));
        assert_eq!(ids(&outbox.drain(ConnectionId(1))), ["a", "b"]);
        assert!(outbox.lost_before_answer("a"));
        assert!(outbox.requeue("b"), "b was never posted");
        outbox.push(msg("c"));
        assert!(outbox.drain(ConnectionId(2)).is_empty(), "held behind a");
        outbox.acknowledged("a");
        assert_eq!(
            ids(&outbox.drain(ConnectionId(2))),
            ["b", "c"],
            "the replay had a"
        );
    }

    #[test]
    fn a_requeued_message_keeps_its_place() {
        let mut outbox = Outbox::default();
        outbox.push(msg("a"));
        outbox.drain(ConnectionId(1));
        outbox.push(msg("b"));
        assert!(outbox.requeue("a"));
        assert_eq!(
            outbox.queued().map(|m| m.id.as_str()).collect::<Vec<_>>(),
            ["a", "b"]
        );
        assert!(!outbox.has_sent_before(ConnectionId(2)));
    }
}
