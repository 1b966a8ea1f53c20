//! Rendering a `mount()`: the Leptos component [`OperatorChat`] under its own reactive owner.

use leptos::mount::{mount_to, UnmountHandle};
use leptos::prelude::*;
use leptos::tachys::view::any_view::AnyViewState;
use wasm_bindgen::prelude::*;
use web_sys::HtmlElement;

use super::convert::{call_host, error_to_js, js_token_source, message_to_js, state_to_js};
use super::options::{MountOptions, TokenOrigin};
use super::ChatController;
use crate::connection::ConnectionState;
use crate::transport::SessionEndpoint;
use crate::ui::{ChatError, ChatMessage, OperatorChat, TokenSourceFn};

/// A mounted component.
pub struct View {
    /// The reactive owner the mount lives under (cleaned up explicitly on destroy, so the
    /// component's `on_cleanup` closes the connections whatever else holds the owner).
    owner: Owner,
    /// Leptos' handle; dropping it removes the view.
    unmount: UnmountHandle<AnyViewState>,
}

impl View {
    /// Unmounts the component and closes its connections.
    pub fn teardown(self) {
        drop(self.unmount);
        self.owner.cleanup();
    }
}

/// Renders the component into `root`; returns it and its `.oc-root` element.
pub fn render(
    root: &HtmlElement,
    options: MountOptions,
    controller: &ChatController,
) -> (View, Option<HtmlElement>) {
    let controller = controller.clone();
    let owner = Owner::new();
    let unmount = owner.with(|| {
        mount_to(root.clone(), move || {
            chat_view(options, controller).into_any()
        })
    });
    let chat_root = root
        .query_selector(".oc-root")
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into::<HtmlElement>().ok());
    (View { owner, unmount }, chat_root)
}

/// A host callback as a Leptos `Callback`. The JS function lives in the component's arena
/// (local storage), so the callback is `Send` as Leptos wants and is dropped on unmount. It is
/// cloned out before the call, so the host may call back into the widget from inside it.
fn host_callback<T: 'static>(f: Option<js_sys::Function>, to_js: fn(&T) -> JsValue) -> Callback<T> {
    let stored = StoredValue::new_local(f);
    Callback::new(move |value: T| {
        if let Some(f) = stored.try_get_value().flatten() {
            call_host(&f, &to_js(&value));
        }
    })
}

/// `onStateChange` as a Leptos `Callback`: each state with the conversation's channel, which the
/// component tells the controller before it reports the state.
fn state_callback(
    f: Option<js_sys::Function>,
    controller: ChatController,
) -> Callback<ConnectionState> {
    let stored = StoredValue::new_local(f.map(|f| (f, controller)));
    Callback::new(move |state: ConnectionState| {
        if let Some((f, controller)) = stored.try_get_value().flatten() {
            call_host(&f, &state_to_js(&state, controller.channel()));
        }
    })
}

fn chat_view(options: MountOptions, controller: ChatController) -> impl IntoView {
    let scope = options.persist_scope();
    let source = match options.token {
        TokenOrigin::Endpoint(url) => TokenSourceFn::new(SessionEndpoint::new(url)),
        TokenOrigin::Function(f) => js_token_source(f),
    };
    let cbs = options.callbacks;
    let on_message = host_callback::<ChatMessage>(cbs.on_message, message_to_js);
    let on_error = host_callback::<ChatError>(cbs.on_error, error_to_js);
    let on_state_change = state_callback(cbs.on_state_change, controller.clone());
    let on_unread_change = host_callback::<u32>(cbs.on_unread_change, |n| JsValue::from(*n));
    view! {
        <OperatorChat
            session_endpoint=scope
            token_source=source
            title=options.title
            placeholder=options.placeholder
            strings=options.strings
            initially_open=options.open
            inline=options.inline
            persist=options.persist
            persist_token=options.persist_token
            persist_key=options.persist_key
            on_message=on_message
            on_error=on_error
            on_state_change=on_state_change
            on_unread_change=on_unread_change
            starter_prompts=options.starter_prompts
            loading=options.loading
            controller=controller
        />
    }
}
