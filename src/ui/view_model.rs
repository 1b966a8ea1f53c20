//! The signals the view renders, and how transcript changes reach them once per frame.

use leptos::prelude::*;

use crate::connection::ConnectionState;
use crate::transcript::{ConversationStatus, EntryKind, Transcript};

use super::chunked_list::ChunkedList;
use super::row_signal::RowSignal;
use super::types::ChatError;

/// Everything the view reads. All handles are `Copy`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ViewModel {
    /// The component's reactive owner: row signals created later (in animation frames) live
    /// under it.
    owner: StoredValue<Owner>,
    /// The rows, oldest first; only grows (rows are appended) until a restart.
    pub rows: ChunkedList<RowSignal>,
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
            rows: ChunkedList::new(),
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
        let rendered = self.rows.len();
        for &index in dirty.iter().filter(|&&i| i < rendered) {
            if let (Some(row), Some(entry)) = (self.rows.get(index), entries.get(index)) {
                row.set(entry);
            }
        }
        let new = &entries[rendered.min(entries.len())..];
        if !self.visitor_spoke.get_untracked()
            && new.iter().any(|e| matches!(e.kind, EntryKind::User(_)))
        {
            self.visitor_spoke.set(true);
        }
        self.rows.extend(epoch, new.iter().map(RowSignal::new));
        let busy = transcript.agent_streaming() || transcript.awaiting_agent();
        if self.busy.get_untracked() != busy {
            self.busy.set(busy);
        }
        let ended = matches!(transcript.status(), ConversationStatus::Ended { .. });
        if ended && !self.ended.get_untracked() {
            self.ended.set(true);
        }
    }

    /// The newest row's signal, tracked along the way: changes when a row is added or the
    /// newest row changes.
    pub(crate) fn track_newest_row(&self) {
        if let Some(row) = self.rows.last_tracked() {
            row.track();
        }
    }

    /// Forgets every row (for "Start new chat").
    pub(crate) fn reset(&self) {
        self.rows.clear();
        self.busy.set(false);
        self.ended.set(false);
        self.error.set(None);
        self.visitor_spoke.set(false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transcript::{Change, UserStatus};

    /// Adds visitor messages until `t` holds `n` rows, then shows them.
    fn grow(vm: &ViewModel, t: &mut Transcript, n: usize, epoch: u32) {
        for i in t.entries().len()..n {
            let Change::Added(_) = t.add_pending_user(&format!("c{i}"), &format!("m{i}"), 1) else {
                panic!("c{i} added");
            };
        }
        vm.sync(t, &[], epoch);
    }

    fn user_status(vm: &ViewModel, index: usize) -> UserStatus {
        let Some(RowSignal::User(signal)) = vm.rows.get(index) else {
            panic!("row {index} is a user row");
        };
        signal.get_untracked().item.status
    }

    #[test]
    fn a_dirty_row_in_an_older_group_is_updated_in_place() {
        Owner::new().with(|| {
            let vm = ViewModel::new();
            let mut t = Transcript::new();
            grow(&vm, &mut t, 2_100, 3);
            let Change::Updated(index) = t.mark_sent("c1000") else {
                panic!("c1000 is pending");
            };
            assert_eq!(index, 1_000, "in the first of three groups");
            assert_eq!(user_status(&vm, index), UserStatus::Pending);
            vm.sync(&t, &[index], 3);
            assert_eq!(user_status(&vm, index), UserStatus::Sent);
            assert_eq!(vm.rows.len(), 2_100, "no row added");
        });
    }

    #[test]
    fn a_new_chat_starts_from_no_rows() {
        Owner::new().with(|| {
            let vm = ViewModel::new();
            let mut t = Transcript::new();
            grow(&vm, &mut t, 1_100, 3);
            assert!(vm.visitor_spoke.get_untracked());
            vm.reset();
            assert_eq!(vm.rows.len(), 0);
            assert!(!vm.visitor_spoke.get_untracked());
            let mut t = Transcript::new();
            grow(&vm, &mut t, 40, 4);
            assert_eq!(vm.rows.len(), 40);
        });
    }

    #[test]
    fn the_newest_row_is_tracked_in_content_and_count_but_not_older_rows() {
        Owner::new().with(|| {
            let vm = ViewModel::new();
            let mut t = Transcript::new();
            let runs = Memo::new(move |n: Option<&u32>| {
                vm.track_newest_row();
                n.map_or(0, |n| n + 1)
            });
            let mut seen = runs.get_untracked();
            let mut changed = |why: &str| {
                let now = runs.get_untracked();
                assert!(now > seen, "{why}: not tracked");
                seen = now;
            };
            for (n, why) in [(30, "first rows"), (33, "new chunk"), (1_025, "new group")] {
                grow(&vm, &mut t, n, 0);
                changed(why);
            }
            let Change::Updated(index) = t.mark_sent("c1024") else {
                panic!("c1024 is pending");
            };
            vm.sync(&t, &[index], 0);
            changed("the newest row's content");
            let Change::Updated(index) = t.mark_sent("c1000") else {
                panic!("c1000 is pending");
            };
            vm.sync(&t, &[index], 0);
            assert_eq!(runs.get_untracked(), seen, "an older row is not followed");
        });
    }
}
