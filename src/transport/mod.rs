//! Browser transports: the session endpoint and the probe over `gloo_net::http`, the events
//! stream (`EventSource`) and the session socket (`WebSocket`) as thin `web-sys` adapters. They
//! never decide anything; the connection policy does. Each closes itself when dropped.

mod error;
mod event_stream;
mod probe;
mod session_endpoint;
mod session_socket;

pub use error::TransportError;
pub use event_stream::{EventStream, StreamHandlers};
pub use probe::probe_status;
pub use session_endpoint::{fetch_session, SessionEndpoint};
pub use session_socket::{SessionSocket, SocketHandlers};
