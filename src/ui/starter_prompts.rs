//! Starter prompts: suggested first messages shown as buttons until the visitor's first message;
//! clicking one sends its text.

use leptos::prelude::*;

use super::locale::UiStrings;

/// The suggested first messages.
#[component]
pub(crate) fn StarterPrompts(
    /// The prompts' texts, in order (empty renders nothing).
    prompts: Vec<String>,
    /// Whether they are hidden (the visitor spoke, or the conversation ended).
    hidden: Signal<bool>,
    /// Called with a prompt's text when it is clicked.
    on_pick: Callback<String>,
) -> impl IntoView {
    let strings = UiStrings::used();
    (!prompts.is_empty()).then(|| {
        view! {
            <div
                class="oc-prompts"
                data-testid="starter-prompts"
                role="group"
                aria-label=strings.text(|s| &s.starter_prompts)
                hidden=move || hidden.get()
            >
                {prompts
                    .into_iter()
                    .map(|text| {
                        let label = text.clone();
                        view! {
                            <button
                                type="button"
                                class="oc-prompt"
                                on:click=move |_| on_pick.run(text.clone())
                            >
                                {label}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
        }
    })
}
