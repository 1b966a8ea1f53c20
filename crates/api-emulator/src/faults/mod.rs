//! Fault injection for tests (admin routes only; off unless an admin key is configured).

mod http;
mod spec;
mod table;

pub(crate) use http::inject_http_faults;
pub use spec::{FaultSpec, Transport};
pub(crate) use table::Faults;
