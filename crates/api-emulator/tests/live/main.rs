//! The emulator over real sockets (port 0): SSE with reqwest, WebSocket with tokio-tungstenite,
//! fault injection, fixture conformance, and the binary.

mod async_faults;
mod binary;
mod fixtures;
mod guards;
mod hosts;
mod sse;
mod sse_client;
mod support;
mod ws;
mod ws_faults;
