//! The signals the view renders, and how transcript changes reach them once per frame.

use leptos::prelude::*;

use crate::connection::ConnectionState;
use crate::transcript::{ConversationStatus, EntryKind, Transcript};

use super::row_signal::RowSignal;
use super::types::ChatError;

/// Rows per chunk. The transcript is rendered as groups of chunks of rows, so appending a row
/// touches one chunk, and the browser checks and lays out a few chunks, not every row, per frame
/// (full chunks are `content-visibility: auto`).
const CHUNK_ROWS: usize = 32;

/// Chunks per group. Groups bound the chunks the browser tracks per frame: Chromium checks
/// every `content-visibility: auto` element against the viewport each frame, so full groups
/// (1,024 rows) are skipped whole, and a long transcript costs what its newest group costs.
const GROUP_CHUNKS: usize = 32;

/// Where row `index` is rendered: its group, its chunk in that group, and its place in that
/// chunk.
fn place(index: usize) -> (usize, usize, usize) {
    let chunk = index / CHUNK_ROWS;
    (
        chunk / GROUP_CHUNKS,
        chunk % GROUP_CHUNKS,
        index % CHUNK_ROWS,
    )
}

/// A key unique across "new chat" restarts: `epoch << 32 | index`.
fn key(epoch: u32, index: usize) -> u64 {
    (u64::from(epoch) << 32) | index as u64
}

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

/// Up to [`GROUP_CHUNKS`] consecutive chunks.
#[derive(Debug, Clone, Copy)]
pub(crate) struct GroupHandle {
    /// Unique across "new chat" restarts: `epoch << 32 | group index`.
    pub key: u64,
    /// The group's chunks, oldest first; only the last group grows.
    pub chunks: RwSignal<Vec<ChunkHandle>>,
}

/// Everything the view reads. All handles are `Copy`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ViewModel {
    /// The component's reactive owner: row signals created later (in animation frames) live
    /// under it.
    owner: StoredValue<Owner>,
    /// The rows in groups of chunks, oldest first; only grows (rows are appended) until a
    /// restart.
    pub groups: RwSignal<Vec<GroupHandle>>,
    /// How many rows the groups hold.
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
            groups: RwSignal::new(Vec::new()),
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
        for &index in dirty.iter().filter(|&&i| i < rendered) {
            let (group, chunk, row) = place(index);
            let row = self
                .chunk(group, chunk)
                .and_then(|c| c.rows.with_untracked(|rows| rows.get(row).copied()));
            if let (Some(row), Some(entry)) = (row, entries.get(index)) {
                row.row.set(entry);
            }
        }
        if !self.visitor_spoke.get_untracked()
            && entries[rendered.min(entries.len())..]
                .iter()
                .any(|e| matches!(e.kind, EntryKind::User(_)))
        {
            self.visitor_spoke.set(true);
        }
        let mut index = rendered;
        while index < entries.len() {
            let (group, chunk, _) = place(index);
            let end = entries.len().min((index / CHUNK_ROWS + 1) * CHUNK_ROWS);
            let new_rows = entries[index..end]
                .iter()
                .zip(index..)
                .map(|(entry, i)| RowHandle {
                    key: key(epoch, i),
                    row: RowSignal::new(entry),
                });
            match self.chunk(group, chunk) {
                Some(handle) => handle.rows.update(|rows| rows.extend(new_rows)),
                None => self.push_chunk(
                    group,
                    ChunkHandle {
                        key: key(epoch, index / CHUNK_ROWS),
                        rows: RwSignal::new(new_rows.collect()),
                    },
                    key(epoch, group),
                ),
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

    /// Chunk `chunk` of group `group`, if rendered.
    fn chunk(&self, group: usize, chunk: usize) -> Option<ChunkHandle> {
        self.groups
            .with_untracked(|groups| groups.get(group).copied())
            .and_then(|g| g.chunks.with_untracked(|chunks| chunks.get(chunk).copied()))
    }

    /// Appends `handle` to group `group`, starting that group (keyed `group_key`) if it is new.
    fn push_chunk(&self, group: usize, handle: ChunkHandle, group_key: u64) {
        match self
            .groups
            .with_untracked(|groups| groups.get(group).copied())
        {
            Some(g) => g.chunks.update(|chunks| chunks.push(handle)),
            None => self.groups.update(|groups| {
                groups.push(GroupHandle {
                    key: group_key,
                    chunks: RwSignal::new(vec![handle]),
                })
            }),
        }
    }

    /// The newest row's signal, tracked along the way: changes when a row is added or the
    /// newest row changes.
    pub(crate) fn track_newest_row(&self) {
        self.groups.with(|groups| {
            groups.last().map(|group| {
                group.chunks.with(|chunks| {
                    chunks
                        .last()
                        .map(|chunk| chunk.rows.with(|rows| rows.last().map(|r| r.row.track())))
                })
            })
        });
    }

    /// Forgets every row (for "Start new chat").
    pub(crate) fn reset(&self) {
        self.groups.set(Vec::new());
        self.rendered.set_value(0);
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

    /// The rows of each chunk, group by group, as rendered.
    fn shape(vm: &ViewModel) -> Vec<Vec<usize>> {
        vm.groups
            .get_untracked()
            .iter()
            .map(|g| {
                g.chunks
                    .get_untracked()
                    .iter()
                    .map(|c| c.rows.with_untracked(Vec::len))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn rows_are_placed_in_chunks_of_32_and_groups_of_32_chunks() {
        assert_eq!(place(0), (0, 0, 0));
        assert_eq!(place(31), (0, 0, 31));
        assert_eq!(place(32), (0, 1, 0));
        assert_eq!(place(1_023), (0, 31, 31));
        assert_eq!(place(1_024), (1, 0, 0));
        assert_eq!(place(5_000), (4, 28, 8));
    }

    #[test]
    fn appended_rows_fill_the_last_chunk_then_start_chunks_and_groups() {
        Owner::new().with(|| {
            let vm = ViewModel::new();
            let mut t = Transcript::new();
            grow(&vm, &mut t, 40, 0);
            assert_eq!(shape(&vm), [vec![32, 8]]);
            // Synced in uneven steps, across a group's end.
            for n in [1_000, 1_030, 2_100] {
                grow(&vm, &mut t, n, 0);
            }
            let groups = shape(&vm);
            assert_eq!(groups.len(), 3, "1,024 rows per group");
            assert!(groups[..2]
                .iter()
                .all(|g| g.len() == 32 && g.iter().all(|&r| r == 32)));
            assert_eq!(groups[2], [32, 20], "2,100 = 2 × 1,024 + 32 + 20");
            let keys: Vec<u64> = vm.groups.get_untracked().iter().map(|g| g.key).collect();
            assert_eq!(keys, [0, 1, 2]);
            let chunk = vm.chunk(2, 1).expect("rendered");
            assert_eq!(chunk.key, 65, "chunk keys count across groups");
            let row = chunk.rows.with_untracked(|rows| rows[0].key);
            assert_eq!(row, 2_080, "row keys are the rows' indexes");
        });
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
            assert_eq!(place(index), (0, 31, 8), "in the first of three groups");
            vm.sync(&t, &[index], 3);
            let (group, chunk, row) = place(index);
            let handle = vm.chunk(group, chunk).expect("rendered");
            let row = handle.rows.with_untracked(|rows| rows[row]);
            assert_eq!(row.key, (3 << 32) | 1_000, "the epoch leads the key");
            let RowSignal::User(signal) = row.row else {
                panic!("a user row");
            };
            assert_eq!(signal.get_untracked().item.status, UserStatus::Sent);
            assert_eq!(
                shape(&vm).concat().iter().sum::<usize>(),
                2_100,
                "no row added"
            );
        });
    }

    #[test]
    fn a_new_chat_starts_from_an_empty_first_group_with_new_keys() {
        Owner::new().with(|| {
            let vm = ViewModel::new();
            let mut t = Transcript::new();
            grow(&vm, &mut t, 1_100, 3);
            vm.reset();
            assert!(shape(&vm).is_empty());
            let mut t = Transcript::new();
            grow(&vm, &mut t, 40, 4);
            assert_eq!(shape(&vm), [vec![32, 8]]);
            let group = vm.groups.get_untracked()[0];
            assert_eq!(group.key, 4 << 32);
            let keys: Vec<u64> = group.chunks.get_untracked().iter().map(|c| c.key).collect();
            assert_eq!(keys, [4 << 32, (4 << 32) | 1]);
        });
    }

    #[test]
    fn the_newest_row_is_tracked_across_chunks_and_groups() {
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
            // A row into the same chunk, into a new chunk, into a new group.
            for (n, why) in [(30, "first rows"), (31, "same chunk"), (33, "new chunk")] {
                grow(&vm, &mut t, n, 0);
                changed(why);
            }
            grow(&vm, &mut t, 1_024, 0);
            changed("the first group full");
            grow(&vm, &mut t, 1_025, 0);
            changed("new group");
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
