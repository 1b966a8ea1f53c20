//! The signals the view renders, and how transcript changes reach them once per frame.

use leptos::prelude::*;

use crate::connection::ConnectionState;
use crate::transcript::{ConversationStatus, EntryKind, Transcript};

use super::row_signal::RowSignal;
use super::types::ChatError;

/// Rows per chunk. The transcript is rendered as chunks of rows, so appending a row touches one
/// chunk, and the browser checks and lays out a few chunks, not every row, per frame (full
/// chunks are `content-visibility: auto`).
const CHUNK_ROWS: usize = 32;

/// One rendered transcript row: a stable key for `<For>` and the row's own signal, so an update
/// re-renders only that row.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RowHandle {
    /// Unique across "new chat" restarts: `epoch << 32 | index`.
    pub key: u64,
    /// The row's kind and content.
    pub row: RowSignal,
}

/// Up to [`CHUNK_ROWS`] consecutive rows.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ChunkHandle {
    /// Unique across "new chat" restarts: `epoch << 32 | chunk index`.
    pub key: u64,
    /// The chunk's rows, oldest first; only the last chunk grows.
    pub rows: RwSignal<Vec<RowHandle>>,
}

/// Everything the view reads. All handles are `Copy`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ViewModel {
    /// The component's reactive owner: row signals created later (in animation frames) live
    /// under it.
    owner: StoredValue<Owner>,
    /// The rows in chunks, oldest first; only grows (rows are appended) until a restart.
    pub chunks: RwSignal<Vec<ChunkHandle>>,
    /// How many rows the chunks hold.
    rendered: StoredValue<usize>,
    /// The connection state.
    pub state: RwSignal<ConnectionState>,
    /// Whether the agent is answering (typing indicator).
    pub busy: RwSignal<bool>,
    /// Whether the conversation ended.
    pub ended: RwSignal<bool>,
    /// The error shown in the error line.
    pub error: RwSignal<Option<ChatError>>,
    /// Whether the transcript holds a message of the visitor's (the starter prompts hide).
    pub visitor_spoke: RwSignal<bool>,
}

impl ViewModel {
    pub(crate) fn new() -> Self {
        ViewModel {
            owner: StoredValue::new(Owner::current().unwrap_or_default()),
            chunks: RwSignal::new(Vec::new()),
            rendered: StoredValue::new(0),
            state: RwSignal::new(ConnectionState::Idle),
            busy: RwSignal::new(false),
            ended: RwSignal::new(false),
            error: RwSignal::new(None),
            visitor_spoke: RwSignal::new(false),
        }
    }

    /// Shows `state` in the header.
    pub(crate) fn set_state(&self, state: ConnectionState) {
        if self.state.get_untracked() != state {
            self.state.set(state);
        }
    }

    /// Shows `error` in the error line (or clears it).
    pub(crate) fn set_error(&self, error: Option<ChatError>) {
        self.error.set(error);
    }

    /// Whether the error line shows a connection error (cleared once connected again).
    pub(crate) fn has_connection_error(&self) -> bool {
        self.error
            .with_untracked(|e| matches!(e, Some(ChatError::Connection(_))))
    }

    /// Brings the signals up to date with `transcript`: re-sets the rows in `dirty` that are
    /// already rendered and appends the new ones, one update per chunk touched.
    pub(crate) fn sync(&self, transcript: &Transcript, dirty: &[usize], epoch: u32) {
        if let Some(owner) = self.owner.try_get_value() {
            owner.with(|| self.sync_rows(transcript, dirty, epoch));
        }
    }

    fn sync_rows(&self, transcript: &Transcript, dirty: &[usize], epoch: u32) {
        let entries = transcript.entries();
        let rendered = self.rendered.get_value();
        self.chunks.with_untracked(|chunks| {
            for &index in dirty.iter().filter(|&&i| i < rendered) {
                let row = chunks.get(index / CHUNK_ROWS).and_then(|chunk| {
                    chunk
                        .rows
                        .with_untracked(|rows| rows.get(index % CHUNK_ROWS).copied())
                });
                if let (Some(row), Some(entry)) = (row, entries.get(index)) {
                    row.row.set(entry);
                }
            }
        });
        if !self.visitor_spoke.get_untracked()
            && entries[rendered.min(entries.len())..]
                .iter()
                .any(|e| matches!(e.kind, EntryKind::User(_)))
        {
            self.visitor_spoke.set(true);
        }
        let mut index = rendered;
        while index < entries.len() {
            let chunk = index / CHUNK_ROWS;
            let end = entries.len().min((chunk + 1) * CHUNK_ROWS);
            let new_rows = entries[index..end]
                .iter()
                .zip(index..)
                .map(|(entry, i)| RowHandle {
                    key: (u64::from(epoch) << 32) | i as u64,
                    row: RowSignal::new(entry),
                });
            match self.chunks.with_untracked(|c| c.get(chunk).copied()) {
                Some(handle) => handle.rows.update(|rows| rows.extend(new_rows)),
                None => {
                    let handle = ChunkHandle {
                        key: (u64::from(epoch) << 32) | chunk as u64,
                        rows: RwSignal::new(new_rows.collect()),
                    };
                    self.chunks.update(|chunks| chunks.push(handle));
                }
            }
            index = end;
        }
        self.rendered.set_value(entries.len());
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
        self.chunks.set(Vec::new());
        self.rendered.set_value(0);
        self.busy.set(false);
        self.ended.set(false);
        self.error.set(None);
        self.visitor_spoke.set(false);
    }
}
