//! A conversation's append-only event log with live change notification.
//!
//! Readers keep an index into the log and wait on a `watch` channel that is bumped on every
//! append (and on [`EventLog::poke`]), so replay and live delivery come from the same place and
//! nothing is lost or duplicated at the seam.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::{json, Value};
use tokio::sync::watch;

use crate::ids;

/// One emitted event: the §3.3 envelope, kept as JSON text and value.
#[derive(Debug)]
pub struct Event {
    /// `ev_…` id.
    pub id: String,
    /// `payload.type`.
    pub payload_type: String,
    /// The envelope.
    pub value: Value,
    /// The envelope serialized once, as sent on every transport.
    pub json: String,
}

/// The append-only log of one conversation.
#[derive(Debug)]
pub struct EventLog {
    conversation_id: String,
    agent_id: String,
    livemode: bool,
    events: Mutex<Vec<Arc<Event>>>,
    changed: watch::Sender<u64>,
    /// Bumped by [`EventLog::close_readers`]; a reader opened at an older value must close.
    close_epoch: AtomicU64,
}

impl EventLog {
    /// An empty log for a conversation (envelope fields are fixed per conversation).
    pub fn new(conversation_id: &str, agent_id: &str, livemode: bool) -> Arc<Self> {
        Arc::new(Self {
            conversation_id: conversation_id.to_string(),
            agent_id: agent_id.to_string(),
            livemode,
            events: Mutex::new(Vec::new()),
            changed: watch::channel(0).0,
            close_epoch: AtomicU64::new(0),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Vec<Arc<Event>>> {
        self.events.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Wraps `payload` in an envelope, appends it and wakes every reader.
    pub fn append(&self, payload: Value) -> Arc<Event> {
        let id = ids::event_id();
        let payload_type = payload
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let value = json!({
            "id": id,
            "created_at": ids::rfc3339(ids::now()),
            "agent_id": self.agent_id,
            "livemode": self.livemode,
            "conversation_id": self.conversation_id,
            "experimental": false,
            "payload": payload,
        });
        let json = value.to_string();
        let event = Arc::new(Event {
            id,
            payload_type,
            value,
            json,
        });
        self.lock().push(event.clone());
        self.poke();
        event
    }

    /// Wakes every reader without appending (used when a fault is armed).
    pub fn poke(&self) {
        self.changed.send_modify(|v| *v = v.wrapping_add(1));
    }

    /// Number of events so far.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// The event at `index`, if it exists yet.
    pub fn get(&self, index: usize) -> Option<Arc<Event>> {
        self.lock().get(index).cloned()
    }

    /// A copy of every event, in order.
    pub fn all(&self) -> Vec<Arc<Event>> {
        self.lock().clone()
    }

    /// The index just after the event with this id (where a resume starts).
    pub fn position_after(&self, event_id: &str) -> Option<usize> {
        self.lock()
            .iter()
            .position(|e| e.id == event_id)
            .map(|i| i + 1)
    }

    /// Tells every reader open now to close (the `close_connections` fault); readers opened
    /// later are not affected.
    pub fn close_readers(&self) {
        self.close_epoch.fetch_add(1, Ordering::SeqCst);
        self.poke();
    }

    /// The current close epoch: a reader records it when it opens and closes once it changes.
    pub fn close_epoch(&self) -> u64 {
        self.close_epoch.load(Ordering::SeqCst)
    }

    /// A change notification receiver.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.changed.subscribe()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appended_events_carry_the_envelope_and_keep_their_order() {
        let log = EventLog::new("conv_a", "ca_x@v0", true);
        let a = log.append(json!({"type": "conversation.started"}));
        let b = log.append(json!({"type": "conversation.ended"}));
        assert_eq!(log.len(), 2);
        assert_eq!(a.value["conversation_id"], "conv_a");
        assert_eq!(a.value["agent_id"], "ca_x@v0");
        assert_eq!(b.payload_type, "conversation.ended");
        assert_eq!(
            log.position_after(&a.id),
            Some(1),
            "resume after a starts at b"
        );
        assert_eq!(log.position_after("ev_unknown"), None);
        assert_eq!(
            serde_json::from_str::<Value>(&a.json).ok(),
            Some(a.value.clone())
        );
    }
}
