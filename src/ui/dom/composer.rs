//! The composer's wiring: Enter sends and Shift+Enter adds a line; the send button is off while
//! the text is blank or the conversation ended.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{Element, Event, HtmlTextAreaElement, KeyboardEvent};

use super::el::{on, Listener};
use super::view::ViewModel;
use crate::ui::dom_util::is_send_key;
use crate::ui::driver::Driver;

/// Sends a message: `None` takes the typed text (and clears the box), `Some(text)` comes from
/// code (the JS handle checked it) and is sent as given, like the Leptos view.
pub(super) type Submit = Rc<dyn Fn(Option<String>)>;

/// Listens on the composer; returns how to send.
/// `with_driver` runs a step on the driver if the widget still exists.
pub(super) fn wire_composer(
    form: &Element,
    input: &HtmlTextAreaElement,
    send: &Element,
    vm: &ViewModel,
    with_driver: impl Fn(&dyn Fn(&Driver)) + 'static,
    listeners: &mut Vec<Listener>,
) -> Submit {
    let submit: Submit = {
        let (input, send, vm, wd) = (input.clone(), send.clone(), vm.clone(), with_driver);
        Rc::new(move |text: Option<String>| {
            let text = match text {
                Some(text) => text,
                None => {
                    let typed = input.value();
                    if vm.ended() || typed.trim().is_empty() {
                        return;
                    }
                    input.set_value("");
                    let _ = send.toggle_attribute_with_force("disabled", true);
                    typed.trim().to_owned()
                }
            };
            vm.pin();
            wd(&|d| d.send_text(&text));
        })
    };
    let sub = Rc::clone(&submit);
    listeners.push(on(form, "submit", move |e: Event| {
        e.prevent_default();
        sub(None);
    }));
    let sub = Rc::clone(&submit);
    listeners.push(on(input, "keydown", move |e: Event| {
        if is_send_key(e.unchecked_ref::<KeyboardEvent>()) {
            e.prevent_default();
            sub(None);
        }
    }));
    let (i, b, v) = (input.clone(), send.clone(), vm.clone());
    listeners.push(on(input, "input", move |_| {
        let off = v.ended() || i.value().trim().is_empty();
        let _ = b.toggle_attribute_with_force("disabled", off);
    }));
    submit
}
