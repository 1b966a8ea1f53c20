//! `mount(element, options)` and the handle it returns.

use wasm_bindgen::prelude::*;
use web_sys::Element;

use super::host::{container, shadow_root, text_direction};
use super::options::{plain_object, MountOptions};
use super::registry::{self, Mounted};
use super::render::render;
use super::{ChatController, Control};

/// A handle to a mounted widget, returned by `mount()`. The widget lives until `destroy()`
/// (not until this handle is garbage collected).
#[wasm_bindgen]
pub struct ChatHandle {
    id: u32,
    controller: ChatController,
    /// What `persist` is scoped to (`clearPersisted()` works after `destroy()` too).
    persist_scope: String,
    persist_key: Option<String>,
}

fn js_err(message: impl AsRef<str>) -> JsError {
    JsError::new(message.as_ref())
}

/// Mounts the chat widget into `element`, inside an open shadow root with the widget's styles
/// adopted. `options`: `sessionEndpoint` or `getToken`, and optionally `title`, `placeholder`,
/// `open`, `inline`, `persist`, `persistToken`, `persistKey`, `theme`, `locale` (`lang` and the
/// widget's texts, see `Strings`), `starterPrompts`, `onMessage`, `onError`, `onStateChange`,
/// `onUnreadChange` (see `index.d.ts`). Throws an `Error` naming the option when one is wrong.
#[wasm_bindgen]
pub fn mount(element: &Element, options: JsValue) -> Result<ChatHandle, JsError> {
    let options = MountOptions::from_js(&options).map_err(|e| js_err(e.to_string()))?;
    let dir = text_direction(element);
    if let Some(shadow) = element.shadow_root() {
        if registry::hosts(&shadow) {
            return Err(js_err(
                "operator-chat: mount(element): this element already hosts an operator-chat widget; call destroy() on its handle first",
            ));
        }
    }
    let shadow = shadow_root(element).map_err(js_err)?;
    let root =
        container(&shadow, dir, options.lang.as_deref(), options.color_scheme).map_err(js_err)?;
    let controller = ChatController::default();
    let theme = options.theme.clone();
    let persist_scope = options.persist_scope();
    let persist_key = options.persist_key.clone();
    let (view, chat_root) = render(&root, options, &controller);
    if let Some(chat_root) = chat_root {
        theme.apply(&chat_root);
    }
    let id = registry::insert(Mounted { view, shadow });
    Ok(ChatHandle {
        id,
        controller,
        persist_scope,
        persist_key,
    })
}

impl ChatHandle {
    fn control(&self, command: Control) -> Result<(), JsError> {
        if self.controller.control(command) {
            Ok(())
        } else {
            Err(js_err("operator-chat: this widget was destroyed"))
        }
    }
}

#[wasm_bindgen]
impl ChatHandle {
    /// Opens the panel (connecting on first open). No effect inline.
    pub fn open(&self) -> Result<(), JsError> {
        self.control(Control::Open)
    }

    /// Closes the panel (the conversation stays connected). No effect inline.
    pub fn close(&self) -> Result<(), JsError> {
        self.control(Control::Close)
    }

    /// Sends `text` as the visitor (shown at once; queued while disconnected).
    pub fn send(&self, text: JsValue) -> Result<(), JsError> {
        let text = text
            .as_string()
            .ok_or_else(|| js_err("operator-chat: send(text): text must be a string"))?;
        if text.trim().is_empty() {
            return Err(js_err("operator-chat: send(text): text must not be empty"));
        }
        self.control(Control::Send(text))
    }

    /// Merges `context` (a JSON-serialisable object) into the conversation context
    /// (`conversation.context.update`; queued while disconnected).
    #[wasm_bindgen(js_name = setContext)]
    pub fn set_context(&self, context: JsValue) -> Result<(), JsError> {
        plain_object(&context, "setContext(context): context")
            .map_err(|e| js_err(e.to_string()))?;
        let json = js_sys::JSON::stringify(&context)
            .ok()
            .and_then(|s| s.as_string())
            .ok_or_else(|| {
                js_err("operator-chat: setContext(context): context must be JSON-serialisable")
            })?;
        let value = crate::protocol::RawJson::parse(&json)
            .map_err(|e| js_err(format!("operator-chat: setContext(context): {e}")))?;
        self.control(Control::Context(value))
    }

    /// Forgets what `persist` saved for this widget (its conversation and, with
    /// `persistToken`, its token) and, while mounted, saves nothing more. Call it when the
    /// host's user signs out; it works after `destroy()` too and never throws.
    #[wasm_bindgen(js_name = clearPersisted)]
    pub fn clear_persisted(&self) {
        self.controller.control(Control::ClearPersisted);
        crate::ui::clear_persisted(&self.persist_scope, self.persist_key.as_deref());
    }

    /// Removes the widget and closes its connections. Later calls on the handle throw (except
    /// `clearPersisted()`).
    pub fn destroy(&self) {
        self.controller.detach();
        let Some(mounted) = registry::remove(self.id) else {
            return;
        };
        mounted.shadow.set_inner_html("");
        // Unmount after the current task: `destroy()` may be called from inside one of the
        // widget's own callbacks, which must finish before its owner is disposed.
        wasm_bindgen_futures::spawn_local(async move { mounted.view.teardown() });
    }

    /// Agent messages finished while the panel was closed, since it was last open (the
    /// launcher's badge).
    #[wasm_bindgen(getter)]
    pub fn unread(&self) -> u32 {
        self.controller.unread()
    }

    /// Whether `destroy()` has been called.
    #[wasm_bindgen(getter)]
    pub fn destroyed(&self) -> bool {
        !registry::contains(self.id)
    }
}
