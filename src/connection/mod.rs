//! The connection policy: a pure state machine that decides when to fetch tokens, connect,
//! back off, refresh and give up. The browser adapter feeds it [`Input`]s and carries out the
//! [`Command`]s it returns; it never touches the network itself, so it is tested natively.
//! Every transition is one arm of the match in `Policy::transition` (`policy.rs`); the
//! helpers the arms call live beside it by path: the forward path (`transitions.rs`), drops
//! (`drops.rs`), rejections and retries (`recovery.rs`), and what flows once open
//! (`traffic.rs`).

mod backoff;
mod conversation;
mod drops;
mod outbox;
mod policy;
mod recovery;
mod rejection;
mod traffic;
mod transitions;
mod types;

#[cfg(test)]
mod tests;

pub use backoff::{Backoff, RandomSource, SplitMix64};
pub use conversation::{Conversation, Update, MAX_MESSAGE_BYTES, MESSAGE_TOO_LARGE};
pub use policy::{Policy, PolicyConfig};
pub use rejection::Rejection;
pub use types::{
    Channel, Command, ConnectionError, ConnectionId, ConnectionState, Input, TimerId, TimerKind,
};
