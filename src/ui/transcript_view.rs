//! The transcript: the rows (a [`ChunkedFor`], so appending a row re-renders one chunk), then
//! the typing indicator. It follows new content while the reader is at the bottom.

use leptos::prelude::*;

use super::chunked_list::ChunkedFor;
use super::follow::Follow;
use super::locale::UiStrings;
use super::rows::Row;
use super::view_model::ViewModel;

/// The live log of the conversation.
#[component]
pub(crate) fn Transcript(
    /// The rows and the typing indicator's state.
    vm: ViewModel,
    /// The scroll state; the log element is its `NodeRef`.
    follow: Follow,
    /// Sends an unconfirmed user message again, by client id.
    on_resend: Callback<String>,
) -> impl IntoView {
    let strings = UiStrings::used();
    view! {
        <div
            class="oc-transcript"
            data-testid="transcript"
            role="log"
            aria-live="polite"
            aria-label=strings.text(|s| &s.transcript_label)
            tabindex="0"
            node_ref=follow.log()
            on:scroll=move |_| follow.on_scroll()
        >
            <ChunkedFor list=vm.rows let:row>
                <Row row on_resend />
            </ChunkedFor>
            <div
                class="oc-typing"
                data-testid="typing"
                role="status"
                aria-label=strings.text(|s| &s.typing)
                hidden=move || !vm.busy.get()
            >
                <span></span>
                <span></span>
                <span></span>
            </div>
        </div>
    }
}
