//! The signals the view renders, and how transcript changes reach them once per frame.

use leptos::prelude::*;

use crate::connection::ConnectionState;
use crate::transcript::{ConversationStatus, Entry, Transcript};

use super::types::ChatError;

/// One rendered transcript row: a stable key for `<For>` and the row's own signal, so an update
/// re-renders only that row.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RowHandle {
    /// Unique across "new chat" restarts: `epoch << 32 | index`.
    pub key: u64,
    /// The row's content.
    pub entry: RwSignal<Entry>,
}

/// Everything the view reads. All handles are `Copy`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ViewModel {
    /// The rows, oldest first; only grows (new rows are appended) until a restart.
    pub rows: RwSignal<Vec<RowHandle>>,
    /// The connection state.
    pub state: RwSignal<ConnectionState>,
    /// Whether the agent is answering (typing indicator).
    pub busy: RwSignal<bool>,
    /// Whether the conversation ended.
    pub ended: RwSignal<bool>,
    /// The error shown in the error line.
    pub error: RwSignal<Option<ChatError>>,
}

impl ViewModel {
    pub(crate) fn new() -> Self {
        ViewModel {
            rows: RwSignal::new(Vec::new()),
            state: RwSignal::new(ConnectionState::Idle),
            busy: RwSignal::new(false),
            ended: RwSignal::new(false),
            error: RwSignal::new(None),
        }
    }

    /// Brings the signals up to date with `transcript`: re-sets the rows in `dirty` that are
    /// already rendered and appends the new ones in one update.
    pub(crate) fn sync(&self, transcript: &Transcript, dirty: &[usize], epoch: u32) {
        let entries = transcript.entries();
        let rendered = self.rows.with_untracked(Vec::len);
        self.rows.with_untracked(|rows| {
            for &index in dirty {
                if let (Some(row), Some(entry)) = (rows.get(index), entries.get(index)) {
                    row.entry.set(entry.clone());
                }
            }
        });
        if entries.len() > rendered {
            self.rows.update(|rows| {
                for (index, entry) in entries.iter().enumerate().skip(rendered) {
                    rows.push(RowHandle {
                        key: (u64::from(epoch) << 32) | index as u64,
                        entry: RwSignal::new(entry.clone()),
                    });
                }
            });
        }
        let busy = transcript.agent_streaming() || transcript.awaiting_agent();
        if self.busy.get_untracked() != busy {
            self.busy.set(busy);
        }
        let ended = matches!(transcript.status(), ConversationStatus::Ended { .. });
        if ended && !self.ended.get_untracked() {
            self.ended.set(true);
        }
    }

    /// Forgets every row (for "Start new chat").
    pub(crate) fn reset(&self) {
        self.rows.set(Vec::new());
        self.busy.set(false);
        self.ended.set(false);
        self.error.set(None);
    }
}
