//! operator-chat: a live chat with an Operator conversational agent, as a Leptos component
//! compiled to WebAssembly. The browser only ever holds an ephemeral conversation token.
#![deny(missing_docs)]

pub mod connection;
pub mod protocol;
pub mod token;
pub mod transcript;
