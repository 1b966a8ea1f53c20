//! Tests of the connection policy, one file per concern.

mod async_session;
mod confirm;
mod conversation;
mod failure;
mod harness;
mod lifecycle;
// proptest is a native-only dev-dependency.
#[cfg(not(target_arch = "wasm32"))]
mod queue;
mod refresh;
mod renewal;
mod retry;
