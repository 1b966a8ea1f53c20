//! The deterministic scripted agent: what it says (pure) and the task that says it.

mod actor;
mod answers;
mod markdown;
mod script;
mod split;

pub use actor::{spawn_actor, Command, CommandKind};
