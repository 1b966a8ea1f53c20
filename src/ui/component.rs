//! `<OperatorChat/>`: a launcher button and a chat panel (or the panel alone, inline). The
//! state lives in [`use_chat`]; [`Launcher`] and [`Panel`] render it.

use leptos::html;
use leptos::prelude::*;

use super::clock::client_prefix;
use super::controller::ChatController;
use super::driver::{Callbacks, HostFn};
use super::launcher::Launcher;
use super::locale::UiStrings;
use super::panel::Panel;
use super::persist::Persist;
use super::styles::adopt_styles;
use super::types::{ChatError, ChatMessage, Loading, TokenSourceFn};
use super::use_chat::{use_chat, UseChatOptions};
use crate::connection::ConnectionState;
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
    /// Drives the widget from code (open, close, send, context) and reads its unread count;
    /// the JS API's handle uses it.
    #[prop(optional)]
    controller: Option<ChatController>,
    /// Suggested first messages, shown as buttons until the visitor's first message; clicking
    /// one sends its text. Default: none.
    #[prop(optional, into)]
    starter_prompts: Vec<String>,
    /// Called with the unread count (agent messages finished while the panel was closed, since
    /// it was last open; shown as a badge on the launcher) whenever it changes.
    #[prop(optional, into)]
    on_unread_change: Option<Callback<u32>>,
    /// When the code the panel does not need to open and stream plain text (the markdown
    /// renderer, where the wasm is split) is fetched: when the panel first opens (the default),
    /// or at mount with [`Loading::Eager`]. Until it is in, replies show as plain text.
    #[prop(optional)]
    loading: Loading,
) -> impl IntoView {
    let scope = session_endpoint
        .clone()
        .unwrap_or_else(|| "token-source".into());
    let source = token_source
        .or_else(|| session_endpoint.map(|url| TokenSourceFn::new(SessionEndpoint::new(url))))
        .unwrap_or_else(not_configured);
    let strings = UiStrings::provide(strings.unwrap_or_default());
    let persist_key = persist_key.get_untracked();
    let chat = use_chat(
        source,
        UseChatOptions {
            open: initially_open,
            inline,
            persist: persist.then(|| Persist::new(&scope, persist_key.as_deref(), persist_token)),
            callbacks: Callbacks {
                on_message: host_fn(on_message),
                on_error: host_fn(on_error),
                on_state_change: host_fn(on_state_change),
                on_channel: None,
            },
            controller,
            on_unread_change,
            loading,
        },
    );
    let root_ref = NodeRef::<html::Div>::new();
    Effect::new(move |_| {
        if let Some(root) = root_ref.get() {
            if !adopt_styles(&root) {
                request_animation_frame(move || {
                    adopt_styles(&root);
                });
            }
        }
    });
    let panel_id = format!("oc-panel-{}", client_prefix());
    let title = Signal::derive(move || title.get().unwrap_or_else(|| strings.text(|s| &s.title)));
    let placeholder = Signal::derive(move || {
        placeholder
            .get()
            .unwrap_or_else(|| strings.text(|s| &s.placeholder))
    });
    let open = chat.open;
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
                        <Launcher
                            open=open
                            unread=chat.unread()
                            panel_id=panel_id.clone()
                            node_ref=chat.launcher
                            on_toggle=Callback::new(move |()| chat.set_open(!open.get_untracked()))
                        />
                    }
                })}
            <Panel chat id=panel_id title placeholder starter_prompts />
        </div>
    }
    // Erased, so the view type of an app that renders the chat stays shallow (a hydrating app
    // would otherwise hit rustc's recursion limit computing its layout).
    .into_any()
}

/// Server rendering (`ssr` on a native target): the markup, with no browser and no token.
#[cfg(all(test, not(oc_browser)))]
mod ssr_tests {
    use leptos::prelude::*;

    use super::OperatorChat;
    use crate::strings::Strings;

    fn render(view: impl FnOnce() -> AnyView) -> String {
        let owner = Owner::new();
        let html = owner.with(|| view().to_html());
        owner.cleanup();
        html
    }

    /// The text between `<tag ...` starting at the element with `data-testid="{id}"` and its
    /// opening tag's end.
    fn opening_tag<'a>(html: &'a str, id: &str) -> &'a str {
        let at = html
            .find(&format!("data-testid=\"{id}\""))
            .unwrap_or_else(|| panic!("no data-testid={id} in {html}"));
        let start = html[..at].rfind('<').unwrap();
        let end = at + html[at..].find('>').unwrap();
        &html[start..=end]
    }

    fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
        let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
        Some(&tag[at..at + tag[at..].find('"')?])
    }

    #[test]
    fn launcher_mode_renders_the_closed_launcher_and_its_hidden_panel() {
        let html =
            render(|| view! { <OperatorChat session_endpoint="/operator/session" /> }.into_any());
        let root = opening_tag(&html, "operator-chat");
        assert!(root.starts_with("<div"), "{root}");
        assert_eq!(attr(root, "class"), Some("oc-root"), "closed: no oc-open");

        let launcher = opening_tag(&html, "launcher");
        assert!(launcher.starts_with("<button"), "{launcher}");
        assert_eq!(attr(launcher, "type"), Some("button"));
        assert_eq!(attr(launcher, "aria-label"), Some("Open chat"));
        assert_eq!(attr(launcher, "aria-expanded"), Some("false"));

        let panel = opening_tag(&html, "panel");
        let panel_id = attr(panel, "id").unwrap();
        assert!(panel_id.starts_with("oc-panel-c"), "{panel}");
        assert_eq!(attr(launcher, "aria-controls"), Some(panel_id));
        assert_eq!(attr(panel, "aria-label"), Some("Chat with us"));
        assert!(panel.contains(" hidden"), "closed panel is hidden: {panel}");

        let composer = opening_tag(&html, "composer");
        assert_eq!(attr(composer, "placeholder"), Some("Write a message…"));
        assert_eq!(
            attr(opening_tag(&html, "close"), "aria-label"),
            Some("Close chat")
        );
        assert_eq!(
            attr(opening_tag(&html, "status"), "data-state"),
            Some("idle")
        );
        assert!(
            !html.contains("token"),
            "no token is fetched on the server: {html}"
        );
        let badge = opening_tag(&html, "unread");
        assert!(badge.contains(" hidden"), "no unread badge yet: {badge}");
        assert!(
            !html.contains("data-testid=\"starter-prompts\""),
            "no prompts given, none rendered"
        );
    }

    #[test]
    fn starter_prompts_render_on_the_server_as_buttons() {
        let html = render(|| {
            view! {
                <OperatorChat
                    session_endpoint="/operator/session"
                    starter_prompts=vec!["Where is my order?".to_owned(), "<b>Returns</b>".to_owned()]
                />
            }
            .into_any()
        });
        let group = opening_tag(&html, "starter-prompts");
        assert_eq!(attr(group, "role"), Some("group"));
        assert_eq!(attr(group, "aria-label"), Some("Suggested questions"));
        assert!(html.contains(">Where is my order?</button>"), "{html}");
        assert!(
            html.contains("&lt;b&gt;Returns&lt;/b&gt;</button>"),
            "prompt text is escaped: {html}"
        );
    }

    #[test]
    fn two_widgets_on_one_page_get_distinct_panel_ids() {
        let html = render(|| {
            view! {
                <OperatorChat session_endpoint="/a" />
                <OperatorChat session_endpoint="/b" />
            }
            .into_any()
        });
        let ids: Vec<_> = html
            .match_indices("data-testid=\"panel\"")
            .map(|(at, _)| attr(opening_tag(&html[at - 200..], "panel"), "id").unwrap())
            .collect();
        assert_eq!(ids.len(), 2, "{html}");
        assert_ne!(ids[0], ids[1]);
    }

    #[test]
    fn inline_and_initially_open_render_the_open_panel_without_starting() {
        let html = render(|| {
            view! {
                <OperatorChat
                    session_endpoint="/operator/session"
                    inline=true
                    title="Ask Acme"
                    strings=Strings::default()
                    persist=true
                />
            }
            .into_any()
        });
        assert!(!html.contains("data-testid=\"launcher\""), "{html}");
        let panel = opening_tag(&html, "panel");
        assert_eq!(attr(panel, "aria-label"), Some("Ask Acme"));
        assert!(!panel.contains(" hidden"), "{panel}");
        let root = opening_tag(&html, "operator-chat");
        assert!(attr(root, "class").unwrap().contains("oc-inline"), "{root}");

        let html = render(|| {
            view! { <OperatorChat session_endpoint="/s" initially_open=true /> }.into_any()
        });
        let launcher = opening_tag(&html, "launcher");
        assert_eq!(attr(launcher, "aria-expanded"), Some("true"));
        assert_eq!(attr(launcher, "aria-label"), Some("Close chat"));
        assert!(!opening_tag(&html, "panel").contains(" hidden"));
    }
}
