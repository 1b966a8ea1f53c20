//! The JavaScript API (wasm32 only): `mount(element, options)` returning a [`ChatHandle`], the
//! `<operator-chat>` custom element, and the Leptos demo entry used by `www/leptos.html`.
//!
//! - `options`: reading and checking the options object (errors name the option).
//! - `theme`: `options.theme` to `--oc-*` custom properties.
//! - `convert`: callback payloads and the `getToken()` token source.
//! - `host`: shadow root, container, host stylesheet, text direction.
//! - [`ChatController`] (in `ui`, re-exported here): how the handle drives the component.
//! - `handle`: `mount` and [`ChatHandle`]; `render` draws the widget: the Leptos component
//!   (`render_leptos.rs`, `leptos` feature) or the direct-DOM view (`render_dom.rs`).
//! - `registry`: the live mounts (a widget lives until `destroy()`, not until GC of its handle).
//! - `element`: the custom element (`element.js`), registered at start-up.
//! - `demo`: `mountLeptosDemo`.

mod convert;
#[cfg(feature = "leptos")]
mod demo;
mod element;
mod handle;
mod host;
mod options;
mod registry;
#[cfg(feature = "leptos")]
#[path = "render_leptos.rs"]
mod render;
#[cfg(not(feature = "leptos"))]
#[path = "render_dom.rs"]
mod render;
mod theme;

pub use crate::ui::{ChatController, Control};
pub use handle::{mount, ChatHandle};
