//! The transcript: the rows in groups of chunks (so appending a row re-renders one chunk), then
//! the typing indicator. It follows new content while the reader is at the bottom.

use leptos::prelude::*;

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
            <For each=move || vm.groups.get() key=|group| group.key let:group>
                <div class="oc-group">
                    <For each=move || group.chunks.get() key=|chunk| chunk.key let:chunk>
                        <div class="oc-chunk">
                            <For each=move || chunk.rows.get() key=|row| row.key let:row>
                                <Row row=row.row on_resend />
                            </For>
                        </div>
                    </For>
                </div>
            </For>
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
