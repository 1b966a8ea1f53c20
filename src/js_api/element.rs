//! Registers the `<operator-chat>` custom element (defined in `element.js`, which wasm-bindgen
//! ships in `pkg/snippets/`) when the module starts, unless the package's own `element.js`
//! defined it first (before the wasm, with the prerendered launcher). Its attributes map to
//! `mount` options.

use wasm_bindgen::prelude::*;
use web_sys::Element;

use super::handle::mount;

#[wasm_bindgen(module = "/src/js_api/element.js")]
extern "C" {
    #[wasm_bindgen(js_name = defineOperatorChat)]
    fn define_operator_chat(options: &js_sys::Object) -> bool;
}

/// Defines `<operator-chat>` (once per page, if not yet defined): runs when the wasm module is
/// instantiated.
#[wasm_bindgen(start)]
pub fn register_element() {
    let mount_fn = Closure::<dyn Fn(Element, JsValue) -> Result<JsValue, JsValue>>::new(
        |element: Element, options: JsValue| {
            mount(&element, options)
                .map(JsValue::from)
                .map_err(JsValue::from)
        },
    );
    let options = js_sys::Object::new();
    // Setting a property on a fresh plain object cannot fail.
    let _ = js_sys::Reflect::set(&options, &"mount".into(), mount_fn.as_ref());
    define_operator_chat(&options);
    // The element class keeps calling it for the page's lifetime.
    mount_fn.forget();
}
