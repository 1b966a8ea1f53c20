//! The launcher: the round button that opens and closes the panel (launcher mode only).

use leptos::html;
use leptos::prelude::*;

use super::locale::UiStrings;

/// The button that toggles the panel.
#[component]
pub(crate) fn Launcher(
    /// Whether the panel is open.
    open: Signal<bool>,
    /// The panel's element id, for `aria-controls`.
    panel_id: String,
    /// The button element (the focus returns here when the panel closes).
    node_ref: NodeRef<html::Button>,
    /// Called on click.
    on_toggle: Callback<()>,
) -> impl IntoView {
    let strings = UiStrings::used();
    view! {
        <button
            type="button"
            class="oc-launcher"
            data-testid="launcher"
            node_ref=node_ref
            aria-label=move || {
                strings.text(|s| if open.get() { &s.close_chat } else { &s.open_chat })
            }
            aria-expanded=move || if open.get() { "true" } else { "false" }
            aria-controls=panel_id
            on:click=move |_| on_toggle.run(())
        >
            <svg viewBox="0 0 24 24" width="26" height="26" aria-hidden="true">
                <path
                    d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"
                    fill="currentColor"
                ></path>
            </svg>
        </button>
    }
}
