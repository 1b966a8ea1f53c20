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

    /// Takes every queued message, oldest first, and remembers them as in flight on
    /// `connection`.
    pub(super) fn drain(&mut self, connection: ConnectionId) -> Vec<ClientMessage> {
        let drained: Vec<_> = self.queued.drain(..).collect();
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

    /// Splits messages taken by [`Outbox::take_sent_before`] into those to send again (their
    /// request failed before an answer) and those to report unconfirmed.
    pub(super) fn split_retries(
        &mut self,
        taken: Vec<ClientMessage>,
    ) -> (Vec<ClientMessage>, Vec<ClientMessage>) {
        let retry = std::mem::take(&mut self.retry_unacknowledged);
        taken.into_iter().partition(|m| retry.contains(&m.id))
    }

    /// Whether a message written over an earlier connection than `current` is still unacknowledged.
    pub(super) fn has_sent_before(&self, current: ConnectionId) -> bool {
        self.in_flight.iter().any(|(_, c, _)| *c != current)
    }

    /// Removes and returns the messages written over connections other than `current` that are
    /// still unacknowledged, oldest first.
    pub(super) fn take_sent_before(&mut self, current: ConnectionId) -> Vec<ClientMessage> {
        let (old, kept): (Vec<_>, Vec<_>) = std::mem::take(&mut self.in_flight)
            .into_iter()
            .partition(|(_, c, _)| *c != current);
        self.in_flight = kept;
        old.into_iter().map(|(_, _, m)| m).collect()
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
        assert_eq!(ids(&outbox.take_sent_before(ConnectionId(2))), ["b"]);
        assert!(!outbox.has_sent_before(ConnectionId(2)), "taken once");
        assert_eq!(
            ids(&outbox.take_sent_before(ConnectionId(3))),
            ["c"],
            "the current connection's message stays until a later one"
        );
    }

    #[test]
    fn a_message_lost_before_an_answer_is_split_out_for_sending_again() {
        let mut outbox = Outbox::default();
        outbox.push(msg("a"));
        outbox.push(msg("b"));
        outbox.drain(ConnectionId(1));
        assert!(outbox.lost_before_answer("b"));
        assert!(!outbox.lost_before_answer("zz"), "unknown id");
        let taken = outbox.take_sent_before(ConnectionId(2));
        let (again, unconfirmed) = outbox.split_retries(taken);
        assert_eq!((ids(&again), ids(&unconfirmed)), (vec!["b"], vec!["a"]));
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
