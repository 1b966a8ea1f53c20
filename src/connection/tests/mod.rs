//! Tests of the connection policy, one file per concern.

mod conversation;
mod failure;
mod harness;
mod lifecycle;
mod queue;
mod refresh;
mod retry;
