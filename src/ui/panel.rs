//! The panel: header, transcript, starter prompts, error line (with Retry), ended line (with
//! "Start new chat") and the composer. Escape closes it in launcher mode.

use leptos::prelude::*;

use super::composer::Composer;
use super::header::Header;
use super::locale::UiStrings;
use super::starter_prompts::StarterPrompts;
use super::status::error_message;
use super::transcript_view::Transcript;
use super::use_chat::UseChatReturn;

/// The chat panel.
#[component]
pub(crate) fn Panel(
    /// The chat it shows.
    chat: UseChatReturn,
    /// The panel's element id (the launcher's `aria-controls`).
    id: String,
    /// The title in the header, also the panel's accessible name.
    title: Signal<String>,
    /// The composer's placeholder.
    placeholder: Signal<String>,
    /// Suggested first messages, shown until the visitor's first message.
    starter_prompts: Vec<String>,
) -> impl IntoView {
    let vm = chat.vm;
    let ended = Signal::derive(move || vm.ended.get());
    let prompts_hidden = Signal::derive(move || vm.visitor_spoke.get() || vm.ended.get());
    view! {
        <section
            class="oc-panel"
            data-testid="panel"
            id=id
            aria-label=move || title.get()
            hidden=move || !chat.open.get()
            on:keydown=move |ev: web_sys::KeyboardEvent| {
                if ev.key() == "Escape" {
                    chat.close();
                }
            }
        >
            <Header
                title=title
                state=vm.state
                on_close=(!chat.inline).then(|| Callback::new(move |()| chat.set_open(false)))
                on_end=Callback::new(move |()| chat.end())
            />
            <Transcript
                vm=vm
                follow=chat.follow
                on_resend=Callback::new(move |id: String| chat.resend(&id))
            />
            <StarterPrompts
                prompts=starter_prompts
                hidden=prompts_hidden
                on_pick=Callback::new(move |text: String| chat.send(&text))
            />
            <ErrorLine chat />
            <EndedLine chat />
            <div class="oc-composer-wrap" data-testid="composer-wrap" hidden=move || ended.get()>
                <Composer
                    placeholder=placeholder
                    disabled=ended
                    on_send=Callback::new(move |text: String| chat.send(&text))
                    textarea=chat.composer
                />
            </div>
        </section>
    }
}

/// What went wrong (or that reconnecting takes a while), with Retry.
#[component]
fn ErrorLine(
    /// The chat whose error it shows.
    chat: UseChatReturn,
) -> impl IntoView {
    let strings = UiStrings::used();
    let vm = chat.vm;
    let text = Signal::derive(move || {
        strings.with(|s| error_message(s, vm.error.get().as_ref(), &vm.state.read()))
    });
    view! {
        <div class="oc-error" data-testid="error" role="alert" hidden=move || text.with(Option::is_none)>
            <span class="oc-error-text">{move || text.get().unwrap_or_default()}</span>
            <button
                type="button"
                class="oc-retry"
                data-testid="retry"
                on:click=move |_| chat.retry()
            >
                {strings.text(|s| &s.retry)}
            </button>
        </div>
    }
}

/// The conversation ended, with "Start new chat".
#[component]
fn EndedLine(
    /// The chat it belongs to.
    chat: UseChatReturn,
) -> impl IntoView {
    let strings = UiStrings::used();
    view! {
        <div class="oc-ended" data-testid="ended" hidden=move || !chat.vm.ended.get()>
            <span>{strings.text(|s| &s.ended)}</span>
            <button
                type="button"
                class="oc-new-chat"
                data-testid="new-chat"
                on:click=move |_| chat.restart()
            >
                {strings.text(|s| &s.new_chat)}
            </button>
        </div>
    }
}
