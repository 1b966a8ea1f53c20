//! The launcher: the round button that opens and closes the panel (launcher mode only), with a
//! badge counting the agent messages that arrived while the panel was closed.

use leptos::html;
use leptos::prelude::*;

use super::locale::UiStrings;
use crate::strings::fill;

/// The button that toggles the panel.
#[component]
pub(crate) fn Launcher(
    /// Whether the panel is open.
    open: Signal<bool>,
    /// Agent messages finished while the panel was closed (0 hides the badge).
    unread: Signal<u32>,
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
                strings.with(|s| match (open.get(), unread.get()) {
                    (true, _) => s.close_chat.clone(),
                    (false, 0) => s.open_chat.clone(),
                    (false, n) => fill(&s.open_chat_unread, "count", &n.to_string()),
                })
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
            <span
                class="oc-badge"
                data-testid="unread"
                aria-hidden="true"
                hidden=move || open.get() || unread.get() == 0
            >
                {move || badge_text(unread.get())}
            </span>
        </button>
    }
}

/// The badge's text: the count, or `99+`.
fn badge_text(count: u32) -> String {
    if count > 99 {
        "99+".to_owned()
    } else {
        count.to_string()
    }
}
