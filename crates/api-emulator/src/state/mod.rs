//! In-memory state: agents, conversations, tokens, per-conversation event logs.

mod agents;
mod conversations;
mod cursor;
mod event_log;
mod shared;
mod tokens;

pub use agents::{split_agent_ref, Agent, AgentVersion};
pub use conversations::{ChannelType, Conversation, Status};
pub use cursor::Cursor;
pub use event_log::{Event, EventLog};
pub use shared::{AppState, Store};
