//! Browser transports, thin adapters over `web-sys`: the events stream (`EventSource`), the
//! session socket (`WebSocket`) and the session endpoint (`fetch`). They never decide anything;
//! the connection policy does. Each closes itself when dropped.

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
