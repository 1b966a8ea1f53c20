//! The panel header: title, connection state, and the close button (launcher mode only).

use leptos::prelude::*;

use super::locale::UiStrings;
use super::status::{state_key, state_label};
use crate::connection::ConnectionState;

/// The header row.
#[component]
pub(crate) fn Header(
    /// The panel title.
    title: Signal<String>,
    /// The connection state shown as status (and whether "End chat" is offered).
    state: RwSignal<ConnectionState>,
    /// The close button's action; no close button without it (inline mode).
    on_close: Option<Callback<()>>,
    /// "End chat".
    on_end: Callback<()>,
) -> impl IntoView {
    let can_end = move || *state.read() == ConnectionState::Open;
    let strings = UiStrings::used();
    view! {
        <header class="oc-header">
            <div class="oc-heading">
                <h2 class="oc-title">{move || title.get()}</h2>
                <span
                    class="oc-status"
                    data-testid="status"
                    data-state=move || state_key(&state.read())
                >
                    {move || strings.with(|s| state_label(s, &state.read()).to_owned())}
                </span>
            </div>
            <button
                type="button"
                class="oc-end"
                data-testid="end"
                hidden=move || !can_end()
                on:click=move |_| on_end.run(())
            >
                {strings.text(|s| &s.end_chat)}
            </button>
            {on_close
                .map(|cb| {
                    view! {
                        <button
                            type="button"
                            class="oc-close"
                            data-testid="close"
                            aria-label=strings.text(|s| &s.close_chat)
                            on:click=move |_| cb.run(())
                        >
                            <span aria-hidden="true">"×"</span>
                        </button>
                    }
                })}
        </header>
    }
}
