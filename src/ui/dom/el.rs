//! Tiny DOM building blocks for the direct-DOM view: elements, attributes, text, listeners.
//! Text is only ever set as text (`textContent`, `Text` nodes), never parsed as HTML.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Element, Event, EventTarget};

use crate::ui::dom_util::document;

/// A new `<tag class=…>` (no class when `class` is empty).
pub(crate) fn el(tag: &str, class: &str) -> Element {
    let element = document()
        .create_element(tag)
        .unwrap_or_else(|_| wasm_bindgen::throw_str("operator-chat: createElement failed"));
    if !class.is_empty() {
        element.set_class_name(class);
    }
    element
}

/// A new `<tag class=…>` appended to `parent`.
pub(crate) fn child(parent: &Element, tag: &str, class: &str) -> Element {
    let element = el(tag, class);
    let _ = parent.append_child(&element);
    element
}

/// Sets an attribute (attribute names here are constants, so this cannot fail).
pub(crate) fn set(element: &Element, name: &str, value: &str) {
    let _ = element.set_attribute(name, value);
}

/// Sets `name` to `value`, or removes it for `None`.
pub(crate) fn set_opt(element: &Element, name: &str, value: Option<&str>) {
    match value {
        Some(value) => set(element, name, value),
        None => {
            let _ = element.remove_attribute(name);
        }
    }
}

/// Shows or hides `element` with the `hidden` attribute.
pub(crate) fn show(element: &Element, visible: bool) {
    let _ = element.toggle_attribute_with_force("hidden", !visible);
}

/// Sets `element`'s text (as text).
pub(crate) fn text(element: &Element, value: &str) {
    element.set_text_content(Some(value));
}

/// A `<button type=button class=… data-testid=…>` with `label` as its text.
pub(crate) fn button(parent: &Element, class: &str, testid: &str, label: &str) -> Element {
    let button = child(parent, "button", class);
    set(&button, "type", "button");
    set(&button, "data-testid", testid);
    text(&button, label);
    button
}

/// An `<svg viewBox="0 0 24 24">` icon with one filled path, hidden from assistive technology.
pub(crate) fn icon(parent: &Element, size: &str, path: &str) {
    const SVG: &str = "http://www.w3.org/2000/svg";
    let Ok(svg) = document().create_element_ns(Some(SVG), "svg") else {
        return;
    };
    for (name, value) in [
        ("viewBox", "0 0 24 24"),
        ("width", size),
        ("height", size),
        ("aria-hidden", "true"),
    ] {
        set(&svg, name, value);
    }
    if let Ok(p) = document().create_element_ns(Some(SVG), "path") {
        set(&p, "d", path);
        set(&p, "fill", "currentColor");
        let _ = svg.append_child(&p);
    }
    let _ = parent.append_child(&svg);
}

/// An event listener that is removed when dropped.
pub(crate) struct Listener {
    target: EventTarget,
    event: &'static str,
    closure: Closure<dyn FnMut(Event)>,
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self
            .target
            .remove_event_listener_with_callback(self.event, self.closure.as_ref().unchecked_ref());
    }
}

/// Listens for `event` on `target` until the returned [`Listener`] is dropped.
pub(crate) fn on(
    target: &EventTarget,
    event: &'static str,
    f: impl FnMut(Event) + 'static,
) -> Listener {
    let closure = Closure::<dyn FnMut(Event)>::new(f);
    let _ = target.add_event_listener_with_callback(event, closure.as_ref().unchecked_ref());
    Listener {
        target: target.clone(),
        event,
        closure,
    }
}
