//! One transcript row. The row's kind never changes, so it is read once; only its text and
//! status are reactive. All text is rendered as text nodes, never parsed as HTML.

use leptos::html;
use leptos::prelude::*;

use super::clock::{clock_time, iso_time};
use super::status::{delivery_text, notice_text, tool_state, user_status};
use super::stream_text::stream_text;
use crate::transcript::{Entry, EntryKind};

fn timestamp(entry: RwSignal<Entry>) -> impl IntoView {
    let at = move || entry.with(|e| e.at_ms);
    view! { <time class="oc-time" datetime=move || iso_time(at())>{move || clock_time(at())}</time> }
}

/// Renders `entry` by its kind.
#[component]
pub(crate) fn Row(
    entry: RwSignal<Entry>,
    /// Sends an unconfirmed user message again, by client id.
    on_resend: Callback<String>,
) -> impl IntoView {
    let kind = entry.with_untracked(|e| match &e.kind {
        EntryKind::User(_) => "user",
        EntryKind::Agent(_) => "agent",
        EntryKind::ToolCall(_) => "tool",
        EntryKind::Notice { .. } => "notice",
        EntryKind::Error { .. } => "error",
        EntryKind::Ended { .. } => "ended",
        EntryKind::Started | EntryKind::ContextUpdated { .. } => "hidden",
    });
    match kind {
        "user" => user_row(entry, on_resend).into_any(),
        "agent" => agent_row(entry).into_any(),
        "tool" => tool_row(entry).into_any(),
        "hidden" => ().into_any(),
        other => notice_row(entry, other).into_any(),
    }
}

fn user_row(entry: RwSignal<Entry>, on_resend: Callback<String>) -> impl IntoView {
    let message = move || match &entry.read().kind {
        EntryKind::User(m) => (m.text.clone(), user_status(m.status)),
        _ => (String::new(), "confirmed"),
    };
    let status = move || message().1;
    let strings = super::locale::UiStrings::used();
    view! {
        <div class="oc-row oc-row-user" data-testid="message" data-role="user" data-status=status>
            <div class="oc-bubble" dir="auto">{move || message().0}</div>
            <div class="oc-meta">
                {timestamp(entry)}
                <span class="oc-delivery">
                    {move || {
                        let status = entry
                            .with(|e| match &e.kind {
                                EntryKind::User(m) => Some(m.status),
                                _ => None,
                            });
                        status
                            .map(|st| strings.with(|s| delivery_text(s, st).to_owned()))
                            .unwrap_or_default()
                    }}
                </span>
                <button
                    type="button"
                    class="oc-resend"
                    data-testid="resend"
                    hidden=move || status() != "unconfirmed"
                    on:click=move |_| {
                        let id = entry.with_untracked(|e| match &e.kind {
                            EntryKind::User(m) => m.client_id.clone(),
                            _ => None,
                        });
                        if let Some(id) = id {
                            on_resend.run(id);
                        }
                    }
                >
                    {strings.text(|s| &s.send_again)}
                </button>
            </div>
        </div>
    }
}

fn agent_row(entry: RwSignal<Entry>) -> impl IntoView {
    let done = move || matches!(&entry.read().kind, EntryKind::Agent(m) if m.done);
    // Set once: whether this row goes on with a message from above a tool call.
    let continues =
        entry.with_untracked(|e| matches!(&e.kind, EntryKind::Agent(m) if m.continues.is_some()));
    let bubble = NodeRef::<html::Div>::new();
    stream_text(bubble, move |f| {
        entry.with(|e| match &e.kind {
            EntryKind::Agent(m) => f(&m.text),
            _ => f(""),
        })
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
            <div class="oc-bubble" dir="auto" node_ref=bubble></div>
            <div class="oc-meta">{timestamp(entry)}</div>
        </div>
    }
}

fn tool_row(entry: RwSignal<Entry>) -> impl IntoView {
    let call = move || match &entry.read().kind {
        EntryKind::ToolCall(c) => Some(c.clone()),
        _ => None,
    };
    let strings = super::locale::UiStrings::used();
    let shown = move || {
        call()
            .map(|c| strings.with(|s| tool_state(s, &c)))
            .unwrap_or(("returned", String::new()))
    };
    let label = move || shown().1;
    let state = move || shown().0;
    view! {
        <div class="oc-row oc-row-tool" data-testid="message" data-role="tool" data-state=state>
            <span class="oc-tool-icon" aria-hidden="true"></span>
            <span class="oc-tool-label">{label}</span>
        </div>
    }
}

fn notice_row(entry: RwSignal<Entry>, role: &'static str) -> impl IntoView {
    let strings = super::locale::UiStrings::used();
    let text = move || strings.with(|s| notice_text(s, &entry.read().kind));
    view! {
        <div class="oc-row oc-row-notice" data-testid="message" data-role=role>
            <span class="oc-notice">{text}</span>
            {timestamp(entry)}
        </div>
    }
}
