//! The browser side: the driver that runs the pure core, and the Leptos component it drives.
//!
//! - `driver`: owns the [`crate::Conversation`] and feeds it browser happenings; it carries out
//!   its commands (opens the transports, holds host callbacks) and batches transcript updates
//!   into the view once per animation frame. Its state sits behind methods.
//! - [`OperatorChat`] (`component`), whose state, effects and cleanup live in the `use_chat`
//!   hook, rendered by `Launcher`, `Panel` (with `Header`, `Transcript`, `StarterPrompts`,
//!   `Composer`) and `Row` (`launcher`, `panel`, `header`, `transcript_view`, `rows`,
//!   `starter_prompts`, `composer`); its signals in
//!   `view_model` and `row_signal`; `follow` and `locale`. [`ChatController`] drives it from
//!   code.
//! - `status` (texts and tokens per state), `markdown_view` (agent messages, block by block),
//!   `markdown_load` (where its renderer comes from: with `split`, a chunk of its own), `styles`,
//!   `clock`, `persist`.

pub(crate) mod clock;
mod controller;
pub(crate) mod driver;
pub(crate) mod persist;
pub(crate) mod status;
pub(crate) mod styles;
pub(crate) mod types;

mod chunked_list;
mod component;
mod composer;
mod follow;
mod header;
mod launcher;
mod locale;
mod markdown_load;
mod markdown_view;
mod panel;
mod row_signal;
mod rows;
mod starter_prompts;
mod transcript_view;
mod use_chat;
mod view_model;
pub(crate) use view_model::ViewModel;

pub use component::OperatorChat;
pub use controller::{ChatController, Control};
pub use persist::clear_persisted;
pub use styles::{adopt_styles, STYLE_CSS};
pub use types::{ChatError, ChatMessage, Loading, MessageRole, TokenSourceFn};
