//! The transcript reducer: events in, transcript out.
//!
//! [`Transcript::apply`] is idempotent by event id, so replays after a reconnect are harmless.
//! Each call returns a [`Change`] naming the one entry that was added or updated, so a UI can
//! render incrementally instead of re-rendering the whole list.

mod agent;
mod entry;
mod reducer;
mod user;

// proptest is a native-only dev-dependency.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod proptests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod user_tests;

pub use entry::{
    AgentMessage, ConversationStatus, Entry, EntryKind, ToolCall, ToolCallStatus, UserMessage,
    UserStatus,
};
pub use reducer::{Change, Transcript};
