//! The Leptos component and the driver that runs the pure core in the browser.
//!
//! - [`OperatorChat`]: the component (launcher + panel, or inline).
//! - `driver`: owns the [`crate::Conversation`] and feeds it browser happenings; `execute`
//!   carries out its commands (`transports` opens the streams, `notes` holds host callbacks)
//!   and batches transcript updates into the view once per animation frame (`view_model`).
//! - the view pieces (`rows`, `composer`, `header`) only render signals.

mod clock;
mod component;
mod composer;
mod driver;
mod execute;
mod follow;
mod header;
mod locale;
mod notes;
mod persist;
mod rows;
mod stream_text;
mod styles;
mod transports;
mod types;
mod view_model;

pub use component::OperatorChat;
pub use styles::{adopt_styles, STYLE_CSS};
pub use types::{ChatError, ChatMessage, MessageRole, TokenSourceFn};
