//! A transcript row as the view keeps it: its kind, read once when the row appears, and a signal
//! holding that kind's content. An entry never changes kind, so the row components get typed
//! signals and never match the kind again.

use leptos::prelude::*;

use super::status::NoticeKind;
use crate::transcript::{AgentMessage, Entry, EntryKind, ToolCall, UserMessage};

/// A row's content with the time it shows.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Stamped<T> {
    /// The content.
    pub item: T,
    /// Unix milliseconds (see [`Entry::at_ms`]).
    pub at_ms: i64,
}

/// One row's kind and its content signal (`Copy`).
#[derive(Debug, Clone, Copy)]
pub(crate) enum RowSignal {
    /// A user message.
    User(RwSignal<Stamped<UserMessage>>),
    /// An agent message.
    Agent(RwSignal<Stamped<AgentMessage>>),
    /// A tool call (shown without a time).
    Tool(RwSignal<ToolCall>),
    /// A notice, error or ended row.
    Notice(RwSignal<Stamped<NoticeKind>>),
    /// Not shown (`conversation.started`, context updates).
    Hidden,
}

impl RowSignal {
    /// A row for `entry`, its signal created under the current owner.
    pub(crate) fn new(entry: &Entry) -> Self {
        let at_ms = entry.at_ms;
        match &entry.kind {
            EntryKind::User(m) => RowSignal::User(RwSignal::new(Stamped {
                item: m.clone(),
                at_ms,
            })),
            EntryKind::Agent(m) => RowSignal::Agent(RwSignal::new(Stamped {
                item: m.clone(),
                at_ms,
            })),
            EntryKind::ToolCall(call) => RowSignal::Tool(RwSignal::new(call.clone())),
            kind => match NoticeKind::of(kind) {
                Some(item) => RowSignal::Notice(RwSignal::new(Stamped { item, at_ms })),
                None => RowSignal::Hidden,
            },
        }
    }

    /// Shows `entry`'s new content (the same entry as at [`RowSignal::new`], so the same kind).
    pub(crate) fn set(&self, entry: &Entry) {
        let at_ms = entry.at_ms;
        match (self, &entry.kind) {
            (RowSignal::User(s), EntryKind::User(m)) => s.set(Stamped {
                item: m.clone(),
                at_ms,
            }),
            (RowSignal::Agent(s), EntryKind::Agent(m)) => s.set(Stamped {
                item: m.clone(),
                at_ms,
            }),
            (RowSignal::Tool(s), EntryKind::ToolCall(call)) => s.set(call.clone()),
            (RowSignal::Notice(s), kind) => {
                if let Some(item) = NoticeKind::of(kind) {
                    s.set(Stamped { item, at_ms });
                }
            }
            _ => {}
        }
    }

    /// Subscribes the running effect to the row's content.
    pub(crate) fn track(&self) {
        match self {
            RowSignal::User(s) => s.track(),
            RowSignal::Agent(s) => s.track(),
            RowSignal::Tool(s) => s.track(),
            RowSignal::Notice(s) => s.track(),
            RowSignal::Hidden => {}
        }
    }
}
