//! The outgoing queue: messages written while not connected are kept, in order, until sent.

use std::collections::VecDeque;

use crate::protocol::ClientMessage;

/// How many already-sent messages are remembered so a failed write can be re-queued.
const IN_FLIGHT_LIMIT: usize = 64;

/// Queued and recently sent client messages, ordered by when they were written.
#[derive(Debug, Clone, Default)]
pub(super) struct Outbox {
    next_seq: u64,
    queued: VecDeque<(u64, ClientMessage)>,
    in_flight: VecDeque<(u64, ClientMessage)>,
}

impl Outbox {
    /// Adds a message at the back of the queue.
    pub(super) fn push(&mut self, message: ClientMessage) {
        self.queued.push_back((self.next_seq, message));
        self.next_seq += 1;
    }

    /// Takes every queued message, oldest first, and remembers them as in flight.
    pub(super) fn drain(&mut self) -> Vec<ClientMessage> {
        let drained: Vec<_> = self.queued.drain(..).collect();
        let messages = drained.iter().map(|(_, m)| m.clone()).collect();
        self.in_flight.extend(drained);
        while self.in_flight.len() > IN_FLIGHT_LIMIT {
            self.in_flight.pop_front();
        }
        messages
    }

    /// Puts an in-flight message whose write failed back into the queue, in its original order.
    /// Returns whether it was found.
    pub(super) fn requeue(&mut self, client_id: &str) -> bool {
        let Some(pos) = self.in_flight.iter().position(|(_, m)| m.id == client_id) else {
            return false;
        };
        let Some(item) = self.in_flight.remove(pos) else {
            return false;
        };
        let at = self.queued.iter().position(|(seq, _)| *seq > item.0);
        self.queued.insert(at.unwrap_or(self.queued.len()), item);
        true
    }

    /// Forgets an in-flight message the server acknowledged.
    pub(super) fn acknowledged(&mut self, client_id: &str) {
        self.in_flight.retain(|(_, m)| m.id != client_id);
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
