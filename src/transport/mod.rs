//! Browser transports: the session endpoint, the probe and the events stream (a streaming
//! `fetch()`, parsed in wasm) over `gloo_net::http`, and the session socket (`WebSocket`) as a
//! thin `web-sys` adapter. They never decide anything; the connection policy does. Each closes
//! itself when dropped.

mod error;
mod event_stream;
mod probe;
mod session_endpoint;
mod session_socket;

pub use error::TransportError;
pub use event_stream::{EventStream, StreamEnd, StreamHandlers};
pub use probe::probe_status;
pub use session_endpoint::{fetch_session, SessionEndpoint};
pub use session_socket::{SessionSocket, SocketHandlers};
