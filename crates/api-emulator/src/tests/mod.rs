//! In-process route tests (`tower::ServiceExt::oneshot`).

mod admin;
mod agents;
mod async_session;
mod auth;
mod conversations;
mod errors;
mod hosts;
mod observability;
mod support;
