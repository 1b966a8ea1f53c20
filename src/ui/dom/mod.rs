//! The direct-DOM renderer (builds without the `leptos` feature, i.e. the npm package): the
//! same markup and behaviour as the Leptos component, written with `web-sys` calls.
//!
//! - `composer`: Enter to send, the send button's state.
//! - `el`: element, attribute, text and listener helpers.
//! - `rows`: one transcript row.
//! - `shell`: the markup, built once.
//! - `view`: the view model the driver updates (rows per frame, state, error, scrolling).
//! - `widget`: the launcher, panel and composer, and their wiring to the driver.

mod composer;
mod el;
mod rows;
mod shell;
mod view;
mod widget;

pub(crate) use view::ViewModel;
pub(crate) use widget::{mount_widget, Widget, WidgetConfig};
