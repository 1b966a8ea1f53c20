//! The browser side: the driver that runs the pure core, and the two views it can drive.
//!
//! - `driver`: owns the [`crate::Conversation`] and feeds it browser happenings; `execute`
//!   carries out its commands (`transports` opens the streams, `notes` holds host callbacks)
//!   and batches transcript updates into the view once per animation frame.
//! - With the `leptos` feature: [`OperatorChat`], the Leptos component (`component`, `header`,
//!   `rows`, `composer`, `follow`, `locale`), its signals in `view_model`.
//! - Without it: `dom`, the same widget built with plain DOM calls (the npm package).
//! - Shared by both: `status` (texts and tokens per state), `stream_text` (paragraphs),
//!   `styles`, `clock`, `persist`.

pub(crate) mod clock;
mod controller;
pub(crate) mod dom_util;
pub(crate) mod driver;
mod execute;
mod notes;
pub(crate) mod persist;
pub(crate) mod status;
pub(crate) mod stream_text;
pub(crate) mod styles;
mod transports;
pub(crate) mod types;

#[cfg(feature = "leptos")]
mod component;
#[cfg(feature = "leptos")]
mod composer;
#[cfg(feature = "leptos")]
mod follow;
#[cfg(feature = "leptos")]
mod header;
#[cfg(feature = "leptos")]
mod launcher;
#[cfg(feature = "leptos")]
mod locale;
#[cfg(feature = "leptos")]
mod panel;
#[cfg(feature = "leptos")]
mod row_signal;
#[cfg(feature = "leptos")]
mod rows;
#[cfg(feature = "leptos")]
mod transcript_view;
#[cfg(feature = "leptos")]
mod use_chat;
#[cfg(feature = "leptos")]
mod view_model;
#[cfg(feature = "leptos")]
pub(crate) use view_model::ViewModel;

#[cfg(not(feature = "leptos"))]
pub(crate) mod dom;
#[cfg(not(feature = "leptos"))]
pub(crate) use dom::ViewModel;

#[cfg(feature = "leptos")]
pub use component::OperatorChat;
pub use controller::{ChatController, Control};
pub use persist::clear_persisted;
pub use styles::{adopt_styles, STYLE_CSS};
pub use types::{ChatError, ChatMessage, MessageRole, TokenSourceFn};
