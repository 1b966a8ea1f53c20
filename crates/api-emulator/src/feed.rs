//! What a streaming connection sends next: the next log event, an injected malformed frame, or
//! an injected drop. Shared by the SSE and WebSocket transports so faults behave the same.

use std::sync::Arc;

use crate::faults::Transport;
use crate::state::{AppState, Cursor, Event, EventLog};

/// The next thing to send.
#[derive(Debug)]
pub enum FeedItem {
    /// A log event.
    Event(Arc<Event>),
    /// One frame of invalid JSON (fault injection).
    Malformed,
    /// Drop the connection now, abruptly (fault injection).
    Drop,
    /// Close the connection now, cleanly (the `close_connections` fault): the socket sends a
    /// `1008` close frame, the SSE body ends.
    Close,
}

/// A connection's view of a conversation log, with fault checks.
#[derive(Debug)]
pub struct Feed {
    state: AppState,
    cursor: Cursor,
    log: Arc<EventLog>,
    close_epoch: u64,
    transport: Transport,
    conversation_id: String,
    drop_after: Option<u32>,
}

/// The text sent for a `malformed_frame` fault.
pub const MALFORMED_FRAME: &str = "{\"id\": \"ev_malformed\", \"payload\": {\"type\": ";

impl Feed {
    /// A feed starting at `start` in the log.
    pub fn new(
        state: AppState,
        log: Arc<EventLog>,
        start: usize,
        transport: Transport,
        conversation_id: String,
    ) -> Self {
        Self {
            state,
            close_epoch: log.close_epoch(),
            cursor: Cursor::new(log.clone(), start),
            log,
            transport,
            conversation_id,
            drop_after: None,
        }
    }

    /// The next item if one is ready now (a log event, or a fault), without waiting.
    pub fn next_ready(&mut self) -> Option<FeedItem> {
        use std::future::Future;
        let mut next = std::pin::pin!(self.next());
        let waker = std::task::Waker::noop();
        match next
            .as_mut()
            .poll(&mut std::task::Context::from_waker(waker))
        {
            std::task::Poll::Ready(item) => Some(item),
            std::task::Poll::Pending => None,
        }
    }

    /// Waits for the next item. Cancel-safe (nothing is consumed until it is returned).
    pub async fn next(&mut self) -> FeedItem {
        loop {
            self.cursor.mark_seen();
            if self.log.close_epoch() != self.close_epoch {
                return FeedItem::Close;
            }
            if self.drop_after.is_none() {
                self.drop_after = self
                    .state
                    .faults()
                    .claim_drop(self.transport, &self.conversation_id);
            }
            if self.drop_after == Some(0) {
                return FeedItem::Drop;
            }
            if self
                .state
                .faults()
                .take_malformed(self.transport, &self.conversation_id)
            {
                return FeedItem::Malformed;
            }
            if let Some(event) = self.cursor.next_event() {
                if let Some(n) = self.drop_after.as_mut() {
                    *n -= 1;
                }
                return FeedItem::Event(event);
            }
            self.cursor.changed().await;
        }
    }
}
