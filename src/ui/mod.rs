//! The Leptos component and the driver that runs the pure core in the browser.
//!
//! - [`OperatorChat`]: the component (launcher + panel, or inline).
//! - `driver`: owns the [`crate::Conversation`], carries out its commands with the transports,
//!   and batches transcript updates into the view once per animation frame.
//! - the view pieces (`rows`, `composer`, `header`) only render signals.

mod clock;
mod component;
mod composer;
mod driver;
mod execute;
mod header;
mod persist;
mod rows;
mod styles;
mod types;
mod view_model;

pub use component::OperatorChat;
pub use styles::{adopt_styles, STYLE_CSS};
pub use types::{ChatError, ChatMessage, MessageRole, TokenSourceFn};
