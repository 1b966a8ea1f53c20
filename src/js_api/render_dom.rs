//! Rendering a `mount()` with the direct-DOM view (builds without the `leptos` feature: the
//! npm package).

use std::rc::Rc;

use wasm_bindgen::JsValue;
use web_sys::HtmlElement;

use super::convert::{call_host, error_to_js, js_token_source, message_to_js, state_to_js};
use super::options::{MountOptions, TokenOrigin};
use super::ChatController;
use crate::transport::SessionEndpoint;
use crate::ui::dom::{mount_widget, Widget, WidgetConfig};
use crate::ui::driver::{Callbacks, HostFn};
use crate::ui::TokenSourceFn;

/// A mounted widget.
pub struct View(Widget);

impl View {
    /// Closes the widget's connections and removes its listeners.
    pub fn teardown(self) {
        self.0.stop();
    }
}

/// A host's JS callback as the driver's callback (a throwing callback is reported, not fatal).
fn host_fn<T: 'static>(f: Option<js_sys::Function>, to_js: fn(&T) -> JsValue) -> Option<HostFn<T>> {
    f.map(|f| Rc::new(move |value: T| call_host(&f, &to_js(&value))) as HostFn<T>)
}

/// Builds the widget into `root`; returns it and its `.oc-root` element.
pub fn render(
    root: &HtmlElement,
    options: MountOptions,
    controller: &ChatController,
) -> (View, Option<HtmlElement>) {
    let scope = options.persist_scope();
    let source = match options.token {
        TokenOrigin::Endpoint(url) => TokenSourceFn::new(SessionEndpoint::new(url)),
        TokenOrigin::Function(f) => js_token_source(f),
    };
    let cbs = options.callbacks;
    let config = WidgetConfig {
        scope,
        source,
        title: options.title,
        placeholder: options.placeholder,
        strings: options.strings,
        open: options.open,
        inline: options.inline,
        persist: options.persist,
        persist_token: options.persist_token,
        persist_key: options.persist_key,
        callbacks: Callbacks {
            on_message: host_fn(cbs.on_message, message_to_js),
            on_error: host_fn(cbs.on_error, error_to_js),
            on_state_change: host_fn(cbs.on_state_change, state_to_js),
        },
    };
    let widget = mount_widget(root, config, controller);
    let chat_root = widget.root.clone();
    (View(widget), Some(chat_root))
}
