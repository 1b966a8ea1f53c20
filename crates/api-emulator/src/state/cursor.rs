//! A reader's position in an [`EventLog`], shared by the SSE and WebSocket transports.

use std::sync::Arc;

use tokio::sync::watch;

use super::event_log::{Event, EventLog};

/// Reads a log from an index on, waiting for new events.
///
/// Use: [`Cursor::mark_seen`], then check faults and [`Cursor::next_event`]; only when nothing is
/// ready, await [`Cursor::changed`]. Any append or poke after `mark_seen` wakes `changed`.
#[derive(Debug)]
pub struct Cursor {
    log: Arc<EventLog>,
    next: usize,
    rx: watch::Receiver<u64>,
}

impl Cursor {
    /// A cursor at `start` (0 = full replay, `log.len()` = live only).
    pub fn new(log: Arc<EventLog>, start: usize) -> Self {
        let rx = log.subscribe();
        Self {
            log,
            next: start,
            rx,
        }
    }

    /// Marks the current change notification as seen.
    pub fn mark_seen(&mut self) {
        self.rx.borrow_and_update();
    }

    /// The next event, if one is ready.
    pub fn next_event(&mut self) -> Option<Arc<Event>> {
        let event = self.log.get(self.next)?;
        self.next += 1;
        Some(event)
    }

    /// Waits for the next append or poke.
    pub async fn changed(&mut self) {
        if self.rx.changed().await.is_err() {
            // The log (and its sender) outlives every cursor holding it; never reached.
            std::future::pending::<()>().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[tokio::test]
    async fn cursor_sees_history_then_waits_for_live_events() {
        let log = EventLog::new("conv_a", "ca_x@v0", true);
        let first = log.append(json!({"type": "conversation.setup"}));
        let mut cursor = Cursor::new(log.clone(), 0);
        cursor.mark_seen();
        assert_eq!(
            cursor.next_event().map(|e| e.id.clone()),
            Some(first.id.clone())
        );
        assert!(cursor.next_event().is_none(), "nothing more yet");
        let writer = log.clone();
        let handle =
            tokio::spawn(async move { writer.append(json!({"type": "conversation.started"})) });
        cursor.changed().await;
        cursor.mark_seen();
        let live = handle.await.expect("append task");
        assert_eq!(
            cursor.next_event().map(|e| e.id.clone()),
            Some(live.id.clone())
        );
    }
}
