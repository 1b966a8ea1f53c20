//! The composer: a textarea where Enter sends and Shift+Enter starts a new line, and a send
//! button. Disabled once the conversation ended.

use leptos::html;
use leptos::prelude::*;
use web_sys::KeyboardEvent;

use super::locale::UiStrings;

/// The message box and send button.
#[component]
pub(crate) fn Composer(
    /// The textarea's placeholder.
    placeholder: Signal<String>,
    /// Whether nothing can be sent (the conversation ended).
    disabled: Signal<bool>,
    /// Called with the trimmed text when the user sends a non-empty message.
    on_send: Callback<String>,
    /// The textarea element (focused when the panel opens).
    textarea: NodeRef<html::Textarea>,
) -> impl IntoView {
    let draft = RwSignal::new(String::new());
    let strings = UiStrings::used();
    let submit = move || {
        let text = draft.get_untracked();
        if disabled.get_untracked() || text.trim().is_empty() {
            return;
        }
        draft.set(String::new());
        on_send.run(text.trim().to_owned());
    };
    view! {
        <form
            class="oc-composer"
            on:submit=move |ev| {
                ev.prevent_default();
                submit();
            }
        >
            <textarea
                class="oc-input"
                data-testid="composer"
                rows="1"
                aria-label=strings.text(|s| &s.message_label)
                node_ref=textarea
                placeholder=move || placeholder.get()
                disabled=move || disabled.get()
                prop:value=move || draft.get()
                on:input=move |ev| draft.set(event_target_value(&ev))
                on:keydown=move |ev: KeyboardEvent| {
                    if is_send_key(&ev) {
                        ev.prevent_default();
                        submit();
                    }
                }
            ></textarea>
            <button
                type="submit"
                class="oc-send"
                data-testid="send"
                aria-label=strings.text(|s| &s.send)
                disabled=move || disabled.get() || draft.with(|d| d.trim().is_empty())
            >
                <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
                    <path d="M3 20.5 21 12 3 3.5l2.6 7.1L15 12l-9.4 1.4z" fill="currentColor"></path>
                </svg>
            </button>
        </form>
    }
}

/// Whether this keydown should send the message (Enter without Shift, not while an input method
/// is composing).
fn is_send_key(event: &KeyboardEvent) -> bool {
    event.key() == "Enter" && !event.shift_key() && !event.is_composing()
}
