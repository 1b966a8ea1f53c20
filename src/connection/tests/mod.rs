//! Tests of the connection policy, one file per concern.

mod failure;
mod harness;
mod lifecycle;
mod queue;
mod refresh;
mod retry;
