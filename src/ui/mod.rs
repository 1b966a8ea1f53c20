//! The browser side: the Leptos component [`OperatorChat`] and the driver that runs the pure
//! core under it.
//!
//! - `driver`: owns the [`crate::Conversation`] and feeds it browser happenings; `execute`
//!   carries out its commands (`transports` opens the streams, `notes` holds host callbacks)
//!   and batches transcript updates into the view once per animation frame.
//! - [`OperatorChat`], the component (`component`, `header`, `rows`, `composer`, `follow`,
//!   `locale`), its signals in `view_model`.
//! - `status` (texts and tokens per state), `stream_text` (paragraphs), `styles`, `clock`,
//!   `persist`.

pub(crate) mod clock;
pub(crate) mod driver;
mod execute;
mod notes;
pub(crate) mod persist;
pub(crate) mod status;
pub(crate) mod stream_text;
pub(crate) mod styles;
mod transports;
pub(crate) mod types;

mod component;
mod composer;
mod follow;
mod header;
mod locale;
mod rows;
mod view_model;
pub(crate) use view_model::ViewModel;

pub use component::OperatorChat;
pub use persist::clear_persisted;
pub use styles::{adopt_styles, STYLE_CSS};
pub use types::{ChatError, ChatMessage, MessageRole, TokenSourceFn};
