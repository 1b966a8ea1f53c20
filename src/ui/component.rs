//! `<OperatorChat/>`: a launcher button and a chat panel (or the panel alone, inline).

use leptos::html;
use leptos::prelude::*;

use super::clock::client_prefix;
use super::composer::Composer;
use super::driver::{Callbacks, Driver, HostFn};
use super::follow::Follow;
use super::header::Header;
use super::locale::UiStrings;
use super::persist::Persist;
use super::rows::Row;
use super::status::error_message;
use super::styles::adopt_styles;
use super::types::{ChatError, ChatMessage, TokenSourceFn};
use super::view_model::ViewModel;
use crate::connection::{ConnectionState, Input};
use crate::strings::Strings;
use crate::token::{TokenError, TokenFuture};
use crate::transport::SessionEndpoint;

/// A Leptos callback prop as the driver's host callback.
fn host_fn<T: 'static>(callback: Option<Callback<T>>) -> Option<HostFn<T>> {
    callback.map(|cb| std::rc::Rc::new(move |value: T| cb.run(value)) as HostFn<T>)
}

fn not_configured() -> TokenSourceFn {
    TokenSourceFn::from(|| -> TokenFuture {
        Box::pin(async {
            Err(TokenError {
                code: "not_configured".into(),
                message: "set `session_endpoint` or `token_source` on <OperatorChat>".into(),
                transient: false,
                retry_after_ms: None,
            })
        })
    })
}

/// A complete chat with an Operator agent. The browser only ever holds an ephemeral token for
/// one conversation, obtained from `session_endpoint` (or `token_source`).
///
/// Renders a launcher button that opens a panel (or, with `inline`, the panel alone), with the
/// live transcript, a typing indicator, tool-call and notice rows, a composer (Enter sends,
/// Shift+Enter adds a line), an error line with Retry, and the ended state. Styles are adopted
/// into the shadow root or document it is rendered in; theme them with the `--oc-*` custom
/// properties documented in `style.css`.
#[component]
pub fn OperatorChat(
    /// URL of the host backend's session endpoint, e.g. `"/operator/session"`. It is called with
    /// `POST` and the page's cookies (`credentials: "include"`) and answers
    /// `{conversation_id, token, expires_at, events_url, session_url}`.
    #[prop(optional, into)]
    session_endpoint: Option<String>,
    /// An async function returning fresh credentials, instead of `session_endpoint` (wins when
    /// both are given). Called at start, before the token expires and after it is rejected.
    #[prop(optional, into)]
    token_source: Option<TokenSourceFn>,
    /// Panel title. Default: `strings.title` ("Chat with us").
    #[prop(optional, into)]
    title: MaybeProp<String>,
    /// Composer placeholder. Default: `strings.placeholder` ("Write a message…").
    #[prop(optional, into)]
    placeholder: MaybeProp<String>,
    /// Every user-visible text, for another language. Default: English. `title` and
    /// `placeholder` win over `strings.title` and `strings.placeholder`.
    #[prop(optional, into)]
    strings: Option<Strings>,
    /// Whether the panel starts open (launcher mode). Default `false`: the conversation starts
    /// when the visitor first opens the panel.
    #[prop(optional)]
    initially_open: bool,
    /// Render the panel in place, always open, without the launcher. Default `false`.
    #[prop(optional)]
    inline: bool,
    /// Keep the conversation id and last event id in `sessionStorage`, so a reload continues
    /// the same conversation. Default `false`.
    #[prop(optional)]
    persist: bool,
    /// With `persist`, also keep the token (until it expires) so a reload needs no new token.
    /// Default `false`.
    #[prop(optional)]
    persist_token: bool,
    /// The host's id of the signed-in user, with `persist`: the saved conversation (and token)
    /// is kept per user, so after a logout and another login in the same tab the next user
    /// never resumes the previous one's conversation. Set it whenever the host has users.
    /// (`Control::ClearPersisted` or [`crate::clear_persisted`] forget it on logout.)
    #[prop(optional, into)]
    persist_key: MaybeProp<String>,
    /// Called for each finished message: an agent message once completed, a user message once
    /// acknowledged by the service.
    #[prop(optional, into)]
    on_message: Option<Callback<ChatMessage>>,
    /// Called when something goes wrong (the error line shows it too).
    #[prop(optional, into)]
    on_error: Option<Callback<ChatError>>,
    /// Called on each connection state change (connecting, open, reconnecting, ended, ...).
    #[prop(optional, into)]
    on_state_change: Option<Callback<ConnectionState>>,
    /// Drives the widget from code (open, close, send, context); the JS API's handle uses it.
    #[prop(optional)]
    controller: Option<crate::js_api::ChatController>,
) -> impl IntoView {
    let scope = session_endpoint
        .clone()
        .unwrap_or_else(|| "token-source".into());
    let source = token_source
        .or_else(|| session_endpoint.map(|url| TokenSourceFn::new(SessionEndpoint::new(url))))
        .unwrap_or_else(not_configured);
    let strings = UiStrings::provide(strings.unwrap_or_default());
    let vm = ViewModel::new();
    let callbacks = Callbacks {
        on_message: host_fn(on_message),
        on_error: host_fn(on_error),
        on_state_change: host_fn(on_state_change),
    };
    let persist_key = persist_key.get_untracked();
    let persist = persist.then(|| Persist::new(&scope, persist_key.as_deref(), persist_token));
    let driver = StoredValue::new_local(Driver::new(source, vm, callbacks, persist));
    on_cleanup(move || {
        driver.try_with_value(Driver::stop);
    });

    let open = RwSignal::new(inline || initially_open);
    if open.get_untracked() {
        driver.with_value(Driver::start);
    }
    let root_ref = NodeRef::<html::Div>::new();
    let launcher_ref = NodeRef::<html::Button>::new();
    let textarea_ref = NodeRef::<html::Textarea>::new();
    let log_ref = NodeRef::<html::Div>::new();
    let follow = Follow::new(log_ref);
    let on_resend = Callback::new(move |id: String| driver.with_value(|d| d.resend(&id)));
    let panel_id = format!("oc-panel-{}", client_prefix());

    Effect::new(move |_| {
        if let Some(root) = root_ref.get() {
            if !adopt_styles(&root) {
                request_animation_frame(move || {
                    adopt_styles(&root);
                });
            }
        }
    });
    // Follow new rows and streaming text while the reader is at the bottom.
    Effect::new(move |_| {
        vm.chunks.with(|chunks| {
            chunks.last().map(|chunk| {
                chunk
                    .rows
                    .with(|rows| rows.last().map(|row| row.entry.track()))
            })
        });
        vm.busy.track();
        follow.content_changed();
    });

    // Timers may have been throttled in a background tab; going online again skips the wait.
    let visible = window_event_listener(leptos::ev::visibilitychange, move |_| {
        if !document().hidden() {
            driver.try_with_value(|d| d.input(Input::Tick));
        }
    });
    let online = window_event_listener(leptos::ev::online, move |_| {
        driver.try_with_value(|d| d.input(Input::Retry));
    });
    on_cleanup(move || {
        visible.remove();
        online.remove();
    });

    let set_open = move |want: bool| {
        open.set(want);
        if want {
            driver.with_value(Driver::start);
        }
        request_animation_frame(move || {
            if want {
                if let Some(t) = textarea_ref.try_get_untracked().flatten() {
                    let _ = t.focus();
                }
            } else if let Some(b) = launcher_ref.try_get_untracked().flatten() {
                let _ = b.focus();
            }
        });
    };
    let title = Signal::derive(move || title.get().unwrap_or_else(|| strings.text(|s| &s.title)));
    let placeholder = Signal::derive(move || {
        placeholder
            .get()
            .unwrap_or_else(|| strings.text(|s| &s.placeholder))
    });
    let ended = Signal::derive(move || vm.ended.get());
    let error_text = Signal::derive(move || {
        strings.with(|s| error_message(s, vm.error.get().as_ref(), &vm.state.read()))
    });
    let on_send = Callback::new(move |text: String| {
        follow.pin();
        driver.with_value(|d| d.send_text(&text));
    });
    let on_close = (!inline).then(|| Callback::new(move |()| set_open(false)));
    if let Some(controller) = controller {
        use crate::js_api::Control;
        controller.attach(move |command| match command {
            Control::Open => set_open(true),
            Control::Close if !inline => set_open(false),
            Control::Close => {}
            Control::Send(text) => on_send.run(text),
            Control::Context(context) => driver.with_value(|d| {
                d.step(|inner, _| inner.conversation.update_context(context));
                d.start();
            }),
            Control::ClearPersisted => driver.with_value(Driver::clear_persisted),
        });
    }

    view! {
        <div
            class="oc-root"
            class:oc-inline=inline
            class:oc-open=move || open.get()
            data-testid="operator-chat"
            node_ref=root_ref
        >
            {(!inline)
                .then(|| {
                    view! {
                        <button
                            type="button"
                            class="oc-launcher"
                            data-testid="launcher"
                            node_ref=launcher_ref
                            aria-label=move || {
                                strings.text(|s| if open.get() { &s.close_chat } else { &s.open_chat })
                            }
                            aria-expanded=move || if open.get() { "true" } else { "false" }
                            aria-controls=panel_id.clone()
                            on:click=move |_| set_open(!open.get_untracked())
                        >
                            <svg viewBox="0 0 24 24" width="26" height="26" aria-hidden="true">
                                <path
                                    d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"
                                    fill="currentColor"
                                ></path>
                            </svg>
                        </button>
                    }
                })}
            <section
                class="oc-panel"
                data-testid="panel"
                id=panel_id.clone()
                aria-label=move || title.get()
                hidden=move || !open.get()
                on:keydown=move |ev: web_sys::KeyboardEvent| {
                    if ev.key() == "Escape" && !inline {
                        set_open(false);
                    }
                }
            >
                <Header
                    title=title
                    state=vm.state
                    on_close=on_close
                    on_end=Callback::new(move |()| driver.with_value(Driver::end))
                />
                <div
                    class="oc-transcript"
                    data-testid="transcript"
                    role="log"
                    aria-live="polite"
                    aria-label=strings.text(|s| &s.transcript_label)
                    tabindex="0"
                    node_ref=log_ref
                    on:scroll=move |_| follow.on_scroll()
                >
                    <For each=move || vm.chunks.get() key=|chunk| chunk.key let:chunk>
                        <div class="oc-chunk">
                            <For each=move || chunk.rows.get() key=|row| row.key let:row>
                                <Row entry=row.entry on_resend=on_resend />
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
                <div
                    class="oc-error"
                    data-testid="error"
                    role="alert"
                    hidden=move || error_text.with(Option::is_none)
                >
                    <span class="oc-error-text">{move || error_text.get().unwrap_or_default()}</span>
                    <button
                        type="button"
                        class="oc-retry"
                        data-testid="retry"
                        on:click=move |_| driver.with_value(Driver::retry)
                    >
                        {strings.text(|s| &s.retry)}
                    </button>
                </div>
                <div class="oc-ended" data-testid="ended" hidden=move || !vm.ended.get()>
                    <span>{strings.text(|s| &s.ended)}</span>
                    <button
                        type="button"
                        class="oc-new-chat"
                        data-testid="new-chat"
                        on:click=move |_| driver.with_value(Driver::restart)
                    >
                        {strings.text(|s| &s.new_chat)}
                    </button>
                </div>
                <div class="oc-composer-wrap" data-testid="composer-wrap" hidden=move || vm.ended.get()>
                    <Composer
                        placeholder=placeholder
                        disabled=ended
                        on_send=on_send
                        textarea=textarea_ref
                    />
                </div>
            </section>
        </div>
    }
}
