//! The browser side: the driver that runs the pure core, and the view it drives.
//!
//! - `driver`: owns the [`crate::Conversation`] and feeds it browser happenings; it carries out
//!   its commands (opens the transports, holds host callbacks) and batches transcript updates
//!   into the view once per animation frame. Its state sits behind methods.
//! - With the `leptos` feature: [`OperatorChat`] (`component`), whose state, effects and
//!   cleanup live in the `use_chat` hook, rendered by `Launcher`, `Panel` (with `Header`,
//!   `Transcript`, `Composer`) and `Row` (`launcher`, `panel`, `header`, `transcript_view`,
//!   `rows`, `composer`); its signals in `view_model` and `row_signal`; `follow` and `locale`.
//!   [`ChatController`] drives it from code.
//! - Without it: `dom`, the same widget built with plain DOM calls (the npm package).
//! - Shared by both: `status` (texts and tokens per state), `stream_text` (paragraphs),
//!   `styles`, `clock`, `persist`.

pub(crate) mod clock;
mod controller;
pub(crate) mod dom_util;
pub(crate) mod driver;
pub(crate) mod persist;
pub(crate) mod status;
pub(crate) mod stream_text;
pub(crate) mod styles;
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
