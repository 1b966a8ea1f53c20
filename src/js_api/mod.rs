//! The JavaScript API (wasm32 only): `mount(element, options)` returning a [`ChatHandle`], and the
//! `<operator-chat>` custom element.
//!
//! - `options`: reading and checking the options object (errors name the option).
//! - `theme`: `options.theme` to `--oc-*` custom properties.
//! - `convert`: callback payloads and the `getToken()` token source.
//! - `host`: shadow root, container, host stylesheet, text direction.
//! - [`ChatController`] (in `ui`, re-exported here): how the handle drives the component.
//! - `handle`: `mount` and [`ChatHandle`]; `render` draws the widget: the Leptos component
//!   [`crate::OperatorChat`] in the mount's shadow root.
//! - `registry`: the live mounts (a widget lives until `destroy()`, not until GC of its handle).
//! - `element`: the custom element (`element.js`), registered at start-up.

mod convert;
mod element;
mod handle;
mod host;
mod options;
mod registry;
mod render;
mod theme;

pub use crate::ui::{ChatController, Control};
pub use handle::{mount, ChatHandle};
