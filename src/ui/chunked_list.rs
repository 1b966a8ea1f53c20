//! A keyed list that renders in chunks of items and groups of chunks ([`ChunkedFor`]), for a
//! transcript that only grows: appending an item re-renders one chunk, and the browser checks
//! and lays out a few chunks, not every item, per frame (full chunks and groups are
//! `content-visibility: auto` in the stylesheet).

use leptos::prelude::*;

/// Items per chunk.
const CHUNK_ITEMS: usize = 32;

/// Chunks per group. Groups bound the chunks the browser tracks per frame: Chromium checks
/// every `content-visibility: auto` element against the viewport each frame, so full groups
/// (1,024 items) are skipped whole, and a long list costs what its newest group costs.
const GROUP_CHUNKS: usize = 32;

/// Where item `index` is rendered: its group, its chunk in that group, and its place in that
/// chunk.
fn place(index: usize) -> (usize, usize, usize) {
    let chunk = index / CHUNK_ITEMS;
    (
        chunk / GROUP_CHUNKS,
        chunk % GROUP_CHUNKS,
        index % CHUNK_ITEMS,
    )
}

/// A key unique across restarts of the list: `epoch << 32 | index`.
fn key(epoch: u32, index: usize) -> u64 {
    (u64::from(epoch) << 32) | index as u64
}

#[derive(Debug, Clone, Copy)]
struct Item<T> {
    key: u64,
    value: T,
}

#[derive(Debug, Clone, Copy)]
struct Chunk<T: Send + Sync + 'static> {
    key: u64,
    /// Oldest first; only the last chunk grows.
    items: RwSignal<Vec<Item<T>>>,
}

#[derive(Debug, Clone, Copy)]
struct Group<T: Send + Sync + 'static> {
    key: u64,
    /// Oldest first; only the last group grows.
    chunks: RwSignal<Vec<Chunk<T>>>,
}

/// The items of a [`ChunkedFor`], oldest first (`Copy`). It only grows, until [`Self::clear`].
#[derive(Debug)]
pub(crate) struct ChunkedList<T: Send + Sync + 'static> {
    groups: RwSignal<Vec<Group<T>>>,
    len: StoredValue<usize>,
}

impl<T: Send + Sync + 'static> Clone for ChunkedList<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for ChunkedList<T> {}

impl<T: Copy + Send + Sync + 'static> ChunkedList<T> {
    /// An empty list, its signals under the current owner.
    pub(crate) fn new() -> Self {
        ChunkedList {
            groups: RwSignal::new(Vec::new()),
            len: StoredValue::new(0),
        }
    }

    /// How many items the list holds.
    pub(crate) fn len(&self) -> usize {
        self.len.get_value()
    }

    /// Item `index`, untracked.
    pub(crate) fn get(&self, index: usize) -> Option<T> {
        let (group, chunk, item) = place(index);
        self.chunk(group, chunk)?
            .items
            .with_untracked(|items| items.get(item).map(|i| i.value))
    }

    /// Appends `values`, one update per chunk touched. `epoch` leads the keys of what it adds
    /// (a new one after [`Self::clear`], so no key is reused).
    pub(crate) fn extend(&self, epoch: u32, values: impl IntoIterator<Item = T>) {
        let mut values = values.into_iter().peekable();
        let mut index = self.len();
        while values.peek().is_some() {
            let (group, chunk, _) = place(index);
            let room = CHUNK_ITEMS - index % CHUNK_ITEMS;
            let first = index;
            let items: Vec<Item<T>> = values
                .by_ref()
                .take(room)
                .map(|value| {
                    index += 1;
                    Item {
                        key: key(epoch, index - 1),
                        value,
                    }
                })
                .collect();
            match self.chunk(group, chunk) {
                Some(handle) => handle.items.update(|all| all.extend(items)),
                None => self.push_chunk(
                    group,
                    Chunk {
                        key: key(epoch, first / CHUNK_ITEMS),
                        items: RwSignal::new(items),
                    },
                    key(epoch, group),
                ),
            }
        }
        self.len.set_value(index);
    }

    /// The newest item, tracked along the way: changes when an item is added.
    pub(crate) fn last_tracked(&self) -> Option<T> {
        self.groups.with(|groups| {
            groups.last().and_then(|group| {
                group.chunks.with(|chunks| {
                    chunks
                        .last()
                        .and_then(|chunk| chunk.items.with(|items| items.last().map(|i| i.value)))
                })
            })
        })
    }

    /// Forgets every item.
    pub(crate) fn clear(&self) {
        self.groups.set(Vec::new());
        self.len.set_value(0);
    }

    /// Chunk `chunk` of group `group`, if rendered.
    fn chunk(&self, group: usize, chunk: usize) -> Option<Chunk<T>> {
        self.groups
            .with_untracked(|groups| groups.get(group).copied())
            .and_then(|g| g.chunks.with_untracked(|chunks| chunks.get(chunk).copied()))
    }

    /// Appends `handle` to group `group`, starting that group (keyed `group_key`) if it is new.
    fn push_chunk(&self, group: usize, handle: Chunk<T>, group_key: u64) {
        match self
            .groups
            .with_untracked(|groups| groups.get(group).copied())
        {
            Some(g) => g.chunks.update(|chunks| chunks.push(handle)),
            None => self.groups.update(|groups| {
                groups.push(Group {
                    key: group_key,
                    chunks: RwSignal::new(vec![handle]),
                })
            }),
        }
    }
}

/// Renders `list` with `children` for each item, like `<For>`, in `div.oc-group` of
/// `div.oc-chunk`: only the chunk an item joins renders again.
#[component]
pub(crate) fn ChunkedFor<T, V, F>(
    /// The items.
    list: ChunkedList<T>,
    /// The view of one item.
    children: F,
) -> impl IntoView
where
    T: Copy + Send + Sync + 'static,
    V: IntoView + 'static,
    F: Fn(T) -> V + Clone + Send + Sync + 'static,
{
    let group_view = move |group: Group<T>| {
        let children = children.clone();
        let chunk_view = move |chunk: Chunk<T>| {
            let children = children.clone();
            view! {
                <div class="oc-chunk">
                    <For
                        each=move || chunk.items.get()
                        key=|item| item.key
                        children=move |item| children(item.value)
                    />
                </div>
            }
        };
        view! {
            <div class="oc-group">
                <For each=move || group.chunks.get() key=|chunk| chunk.key children=chunk_view />
            </div>
        }
    };
    view! { <For each=move || list.groups.get() key=|group| group.key children=group_view /> }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The items of each chunk, group by group, as rendered.
    fn shape(list: &ChunkedList<usize>) -> Vec<Vec<usize>> {
        list.groups
            .get_untracked()
            .iter()
            .map(|g| {
                g.chunks
                    .get_untracked()
                    .iter()
                    .map(|c| c.items.with_untracked(Vec::len))
                    .collect()
            })
            .collect()
    }

    fn grow(list: &ChunkedList<usize>, to: usize, epoch: u32) {
        list.extend(epoch, list.len()..to);
    }

    #[test]
    fn items_are_placed_in_chunks_of_32_and_groups_of_32_chunks() {
        assert_eq!(place(0), (0, 0, 0));
        assert_eq!(place(31), (0, 0, 31));
        assert_eq!(place(32), (0, 1, 0));
        assert_eq!(place(1_023), (0, 31, 31));
        assert_eq!(place(1_024), (1, 0, 0));
        assert_eq!(place(5_000), (4, 28, 8));
    }

    #[test]
    fn appended_items_fill_the_last_chunk_then_start_chunks_and_groups() {
        Owner::new().with(|| {
            let list = ChunkedList::new();
            grow(&list, 40, 0);
            assert_eq!(shape(&list), [vec![32, 8]]);
            // Appended in uneven steps, across a group's end.
            for n in [1_000, 1_030, 2_100] {
                grow(&list, n, 0);
            }
            let groups = shape(&list);
            assert_eq!(groups.len(), 3, "1,024 items per group");
            assert!(groups[..2]
                .iter()
                .all(|g| g.len() == 32 && g.iter().all(|&r| r == 32)));
            assert_eq!(groups[2], [32, 20], "2,100 = 2 × 1,024 + 32 + 20");
            let keys: Vec<u64> = list.groups.get_untracked().iter().map(|g| g.key).collect();
            assert_eq!(keys, [0, 1, 2]);
            let chunk = list.chunk(2, 1).expect("rendered");
            assert_eq!(chunk.key, 65, "chunk keys count across groups");
            let item = chunk.items.with_untracked(|items| items[0]);
            assert_eq!(
                (item.key, item.value),
                (2_080, 2_080),
                "item keys are their indexes"
            );
            assert_eq!(list.len(), 2_100);
            assert_eq!(list.get(1_000), Some(1_000));
            assert_eq!(list.get(2_100), None);
        });
    }

    #[test]
    fn after_clear_the_list_starts_from_an_empty_first_group_with_new_keys() {
        Owner::new().with(|| {
            let list = ChunkedList::new();
            grow(&list, 1_100, 3);
            assert_eq!(
                list.groups.get_untracked()[1].key,
                (3 << 32) | 1,
                "the epoch leads"
            );
            list.clear();
            assert!(shape(&list).is_empty());
            assert_eq!(list.len(), 0);
            grow(&list, 40, 4);
            assert_eq!(shape(&list), [vec![32, 8]]);
            let group = list.groups.get_untracked()[0];
            assert_eq!(group.key, 4 << 32);
            let keys: Vec<u64> = group.chunks.get_untracked().iter().map(|c| c.key).collect();
            assert_eq!(keys, [4 << 32, (4 << 32) | 1]);
        });
    }

    #[test]
    fn the_newest_item_is_tracked_across_chunks_and_groups() {
        Owner::new().with(|| {
            let list = ChunkedList::new();
            let runs = Memo::new(move |n: Option<&u32>| {
                list.last_tracked();
                n.map_or(0, |n| n + 1)
            });
            let mut seen = runs.get_untracked();
            for (n, why) in [
                (30, "first items"),
                (31, "same chunk"),
                (33, "new chunk"),
                (1_024, "the first group full"),
                (1_025, "new group"),
            ] {
                grow(&list, n, 0);
                let now = runs.get_untracked();
                assert!(now > seen, "{why}: not tracked");
                seen = now;
            }
            assert_eq!(list.last_tracked(), Some(1_024));
        });
    }
}
