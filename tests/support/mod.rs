//! Helpers shared by the browser test suites: a fresh mount point, waiting for conditions
//! (polling with a deadline, never a fixed sleep), and finding elements by `data-testid`.
#![allow(dead_code)]

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Element, Event, EventInit, HtmlElement, KeyboardEvent, KeyboardEventInit};

/// A new empty `<div>` appended to `<body>`.
pub fn fresh_container() -> HtmlElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let div = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&div).unwrap();
    div.unchecked_into()
}

/// Resolves after `ms` milliseconds (lets the browser run its event loop).
pub async fn sleep_ms(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    JsFuture::from(promise).await.unwrap();
}

/// Lets pending tasks, effects and one animation frame run.
pub async fn settle() {
    sleep_ms(40).await;
}

/// Polls `condition` every 10 ms until it holds; panics with `what` after `timeout_ms`.
pub async fn wait_for(what: &str, timeout_ms: f64, condition: impl FnMut() -> bool) {
    wait_for_or(what, timeout_ms, condition, String::new).await;
}

/// Like [`wait_for`], adding `context()` (e.g. the transcript) to the failure message.
pub async fn wait_for_or(
    what: &str,
    timeout_ms: f64,
    mut condition: impl FnMut() -> bool,
    context: impl Fn() -> String,
) {
    let start = js_sys::Date::now();
    loop {
        if condition() {
            return;
        }
        if js_sys::Date::now() - start >= timeout_ms {
            panic!(
                "timed out after {timeout_ms} ms waiting for: {what}\n{}",
                context()
            );
        }
        sleep_ms(10).await;
    }
}

/// Every message row as `role: text` lines (for failure messages).
pub fn transcript_dump(root: &Element) -> String {
    all(root, "[data-testid=\"message\"]")
        .iter()
        .map(|r| {
            let role = r.get_attribute("data-role").unwrap_or_default();
            let text = r.text_content().unwrap_or_default();
            format!("  {role}: {text}")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The first element under `root` with `data-testid="{id}"`.
pub fn by_testid(root: &Element, id: &str) -> Option<Element> {
    root.query_selector(&format!("[data-testid=\"{id}\"]"))
        .ok()
        .flatten()
}

/// Like [`by_testid`], but panics naming the missing element.
pub fn expect_testid(root: &Element, id: &str) -> Element {
    by_testid(root, id).unwrap_or_else(|| panic!("no element with data-testid={id}"))
}

/// Every element under `root` matching `selector`.
pub fn all(root: &Element, selector: &str) -> Vec<Element> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<Element>().ok())
        .collect()
}

/// The message rows with `data-role="{role}"`.
pub fn rows(root: &Element, role: &str) -> Vec<Element> {
    all(
        root,
        &format!("[data-testid=\"message\"][data-role=\"{role}\"]"),
    )
}

/// The bubble text of a message row.
pub fn row_text(row: &Element) -> String {
    row.query_selector(".oc-bubble")
        .ok()
        .flatten()
        .and_then(|b| b.text_content())
        .unwrap_or_default()
}

/// Whether the element carries the `hidden` attribute.
pub fn is_hidden(el: &Element) -> bool {
    el.has_attribute("hidden")
}

/// Clicks an element.
pub fn click(el: &Element) {
    el.unchecked_ref::<HtmlElement>().click();
}

/// Dispatches a bubbling, cancelable `keydown`; returns whether the default was prevented.
pub fn key_down(target: &Element, key: &str, shift: bool) -> bool {
    let init = KeyboardEventInit::new();
    init.set_key(key);
    init.set_shift_key(shift);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let event = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    !target.dispatch_event(&event).unwrap()
}

/// Types `text` into a textarea the way a user would (value, then a bubbling `input` event).
pub fn type_text(textarea: &Element, text: &str) {
    let area: &web_sys::HtmlTextAreaElement = textarea.unchecked_ref();
    area.set_value(text);
    let init = EventInit::new();
    init.set_bubbles(true);
    let event = Event::new_with_event_init_dict("input", &init).unwrap();
    textarea.dispatch_event(&event).unwrap();
}

/// The textarea's current value.
pub fn value_of(textarea: &Element) -> String {
    textarea
        .unchecked_ref::<web_sys::HtmlTextAreaElement>()
        .value()
}

/// `document.activeElement`.
pub fn active_element() -> Option<Element> {
    web_sys::window()?.document()?.active_element()
}

/// A JS value's debug text (for assertion messages).
pub fn js_debug(value: &JsValue) -> String {
    format!("{value:?}")
}
