//! One transcript row. [`Row`] matches the row's kind once and hands its typed content signal to
//! the component for that kind; only text, status and time are reactive. All text is rendered as
//! text nodes, never parsed as HTML.

use leptos::html;
use leptos::prelude::*;

use super::clock::{clock_time, iso_time};
use super::locale::UiStrings;
use super::markdown_view::{copy_code, stream_markdown};
use super::row_signal::{RowSignal, Stamped};
use super::status::{delivery_text, tool_state, user_status, NoticeKind};
use crate::transcript::{AgentMessage, ToolCall, UserMessage, UserStatus};

/// A row's `<time>`.
#[component]
fn Timestamp(
    /// Unix milliseconds.
    #[prop(into)]
    at_ms: Signal<i64>,
) -> impl IntoView {
    view! {
        <time class="oc-time" datetime=move || iso_time(at_ms.get())>
            {move || clock_time(at_ms.get())}
        </time>
    }
}

/// Renders `row` by its kind.
#[component]
pub(crate) fn Row(
    /// The row's kind and content.
    row: RowSignal,
    /// Sends an unconfirmed user message again, by client id.
    on_resend: Callback<String>,
) -> impl IntoView {
    match row {
        RowSignal::User(message) => view! { <UserRow message on_resend /> }.into_any(),
        RowSignal::Agent(message) => view! { <AgentRow message /> }.into_any(),
        RowSignal::Tool(call) => view! { <ToolRow call /> }.into_any(),
        RowSignal::Notice(notice) => view! { <NoticeRow notice /> }.into_any(),
        RowSignal::Hidden => ().into_any(),
    }
}

/// A user message with its delivery status and, when unconfirmed, "Send again".
#[component]
fn UserRow(
    /// The message.
    message: RwSignal<Stamped<UserMessage>>,
    /// Sends it again, by client id.
    on_resend: Callback<String>,
) -> impl IntoView {
    let strings = UiStrings::used();
    let status = move || message.with(|m| m.item.status);
    let at_ms = Signal::derive(move || message.with(|m| m.at_ms));
    let resend = move |_| {
        if let Some(id) = message.with_untracked(|m| m.item.client_id.clone()) {
            on_resend.run(id);
        }
    };
    view! {
        <div
            class="oc-row oc-row-user"
            data-testid="message"
            data-role="user"
            data-status=move || user_status(status())
        >
            <div class="oc-bubble" dir="auto">{move || message.with(|m| m.item.text.clone())}</div>
            <div class="oc-meta">
                <Timestamp at_ms />
                <span class="oc-delivery">
                    {move || strings.with(|s| delivery_text(s, status()).to_owned())}
                </span>
                <button
                    type="button"
                    class="oc-resend"
                    data-testid="resend"
                    hidden=move || status() != UserStatus::Unconfirmed
                    on:click=resend
                >
                    {strings.text(|s| &s.send_again)}
                </button>
            </div>
        </div>
    }
}

/// An agent message; its markdown streams in block by block.
#[component]
fn AgentRow(
    /// The message.
    message: RwSignal<Stamped<AgentMessage>>,
) -> impl IntoView {
    let done = move || message.with(|m| m.item.done);
    // Set once: whether this row goes on with a message from above a tool call.
    let continues = message.with_untracked(|m| m.item.continues.is_some());
    let at_ms = Signal::derive(move || message.with(|m| m.at_ms));
    let bubble = NodeRef::<html::Div>::new();
    let strings = UiStrings::used();
    stream_markdown(bubble, strings.text(|s| &s.copy_code), move |f| {
        message.with(|m| f(&m.item.text, m.item.done))
    });
    view! {
        <div
            class="oc-row oc-row-agent"
            data-testid="message"
            data-role="agent"
            data-continues=continues.then_some("true")
            data-done=move || if done() { "true" } else { "false" }
            aria-busy=move || if done() { "false" } else { "true" }
        >
            <div
                class="oc-bubble oc-md"
                dir="auto"
                node_ref=bubble
                on:click=move |ev| copy_code(&ev, strings.text(|s| &s.copied))
            ></div>
            <div class="oc-meta">
                <Timestamp at_ms />
            </div>
        </div>
    }
}

/// A tool call: running, returned or failed.
#[component]
fn ToolRow(
    /// The call.
    call: RwSignal<ToolCall>,
) -> impl IntoView {
    let strings = UiStrings::used();
    let shown = move || call.with(|c| strings.with(|s| tool_state(s, c)));
    view! {
        <div class="oc-row oc-row-tool" data-testid="message" data-role="tool" data-state=move || shown().0>
            <span class="oc-tool-icon" aria-hidden="true"></span>
            <span class="oc-tool-label">{move || shown().1}</span>
        </div>
    }
}

/// A notice, error or ended row.
#[component]
fn NoticeRow(
    /// What it shows.
    notice: RwSignal<Stamped<NoticeKind>>,
) -> impl IntoView {
    let strings = UiStrings::used();
    let role = notice.with_untracked(|n| n.item.role());
    let at_ms = Signal::derive(move || notice.with(|n| n.at_ms));
    let text = move || notice.with(|n| strings.with(|s| n.item.text(s)));
    view! {
        <div class="oc-row oc-row-notice" data-testid="message" data-role=role>
            <span class="oc-notice">{text}</span>
            <Timestamp at_ms />
        </div>
    }
}
