//! Browser tests against the real token server and the emulator, started by `cargo xtask test`,
//! which compiles their URLs in (`OPERATOR_CHAT_TEST_SERVER`, `OPERATOR_CHAT_TEST_EMULATOR`,
//! `OPERATOR_CHAT_TEST_ADMIN_KEY`). Without them these tests fail loudly rather than pass.
//!
//! All tests share one demo login (cookie), and the token server reuses a caller's conversation
//! until it ends, so every test ends its conversation and only looks at rows it caused.
#![cfg(target_arch = "wasm32")]

mod support;

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::{Arc, Mutex};

use leptos::prelude::*;
use operator_chat::connection::ConnectionState;
use operator_chat::token::TokenFuture;
use operator_chat::transport::{fetch_session, EventStream, StreamEnd, StreamHandlers};
use operator_chat::{
    ChatController, ChatMessage, Control, MessageRole, OperatorChat, TokenSourceFn,
};
use support::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{Element, RequestCredentials, RequestInit, Response};

wasm_bindgen_test_configure!(run_in_browser);

const MISSING: &str =
    "the live browser tests need the test servers: run `cargo xtask test`, or set \
    OPERATOR_CHAT_TEST_SERVER, OPERATOR_CHAT_TEST_EMULATOR and OPERATOR_CHAT_TEST_ADMIN_KEY at \
    compile time";

/// A compile-time setting, or a loud failure at run time (a compile error would also stop the
/// server-free suites built in the same `wasm-pack test` run).
fn required(value: Option<&'static str>) -> &'static str {
    match value {
        Some(value) => value,
        None => panic!("{MISSING}"),
    }
}

fn server() -> &'static str {
    required(option_env!("OPERATOR_CHAT_TEST_SERVER"))
}

fn emulator() -> &'static str {
    required(option_env!("OPERATOR_CHAT_TEST_EMULATOR"))
}

fn admin_key() -> &'static str {
    required(option_env!("OPERATOR_CHAT_TEST_ADMIN_KEY"))
}

fn session_endpoint() -> String {
    format!("{}/operator/session", server())
}

async fn fetch(url: &str, init: &RequestInit) -> Response {
    let window = web_sys::window().unwrap();
    let response = JsFuture::from(window.fetch_with_str_and_init(url, init))
        .await
        .unwrap_or_else(|e| panic!("fetch {url} failed: {}", js_debug(&e)));
    response.unchecked_into()
}

/// `GET /demo/login` on the token server: the demo's cookie identifies this browser as a caller.
async fn login() {
    let init = RequestInit::new();
    init.set_credentials(RequestCredentials::Include);
    let response = fetch(&format!("{}/demo/login", server()), &init).await;
    assert!(response.ok(), "demo login answered {}", response.status());
}

/// Injects one emulator fault (`POST /_emulator/faults`).
async fn fault(spec: serde_json::Value) {
    let init = RequestInit::new();
    init.set_method("POST");
    let headers = web_sys::Headers::new().unwrap();
    headers.set("Content-Type", "application/json").unwrap();
    headers.set("X-Emulator-Admin-Key", admin_key()).unwrap();
    init.set_headers(&headers);
    init.set_body(&wasm_bindgen::JsValue::from_str(&spec.to_string()));
    let response = fetch(&format!("{}/_emulator/faults", emulator()), &init).await;
    assert!(response.ok(), "fault {spec} answered {}", response.status());
}

/// The session endpoint as a token source that records each conversation id it hands out.
fn recording_source(ids: Rc<RefCell<Vec<String>>>) -> TokenSourceFn {
    TokenSourceFn::from(move || -> TokenFuture {
        let ids = Rc::clone(&ids);
        Box::pin(async move {
            let creds = fetch_session(&session_endpoint()).await;
            if let Ok(c) = &creds {
                ids.borrow_mut().push(c.conversation_id.clone());
            }
            creds
        })
    })
}

type Log<T> = Arc<Mutex<Vec<T>>>;

/// Deadlines, kept well inside wasm-bindgen-test-runner's budget for the whole suite
/// (`WASM_BINDGEN_TEST_TIMEOUT`, 20 s by default).
const OPEN_MS: f64 = 5_000.0;
const REPLY_MS: f64 = 8_000.0;
const END_MS: f64 = 5_000.0;

struct Chat {
    root: Element,
    states: Log<ConnectionState>,
    messages: Log<ChatMessage>,
    grants: Rc<RefCell<Vec<String>>>,
    _mounted: Box<dyn std::any::Any>,
}

/// Mounts an inline chat with `source` (which records its grants in `grants`), logging states
/// and messages.
fn mount_chat(source: TokenSourceFn, grants: Rc<RefCell<Vec<String>>>) -> Chat {
    chat_around(grants, move |s, m| {
        view! {
            <OperatorChat
                token_source=source
                inline=true
                on_state_change=move |state| s.lock().unwrap().push(state)
                on_message=move |msg| m.lock().unwrap().push(msg)
            />
        }
        .into_any()
    })
}

/// Logs in, mounts an inline chat with a recording token source, and waits until it is open.
async fn open_chat() -> Chat {
    login().await;
    let grants = Rc::new(RefCell::new(Vec::new()));
    let chat = mount_chat(recording_source(Rc::clone(&grants)), grants);
    chat.wait_open().await;
    // Let the greeting finish, so faults armed next count only the events a test causes.
    chat.completed_reply("Hi").await;
    chat
}

impl Chat {
    /// What the chat saw so far, for failure messages.
    fn context(&self) -> String {
        format!(
            "states: {:?}\ngrants: {:?}\ntranscript:\n{}",
            self.states.lock().unwrap(),
            self.grants.borrow(),
            transcript_dump(&self.root)
        )
    }

    async fn wait_open(&self) {
        let status = expect_testid(&self.root, "status");
        let open = || status.get_attribute("data-state").as_deref() == Some("open");
        wait_for_or("the chat to be open", OPEN_MS, open, || self.context()).await;
    }

    fn conversation_id(&self) -> String {
        self.grants
            .borrow()
            .last()
            .cloned()
            .expect("a token was fetched")
    }

    fn send(&self, text: &str) {
        let composer = expect_testid(&self.root, "composer");
        type_text(&composer, text);
        assert!(key_down(&composer, "Enter", false), "Enter sends");
    }

    /// Agent rows whose text starts with `prefix`.
    fn agent_rows(&self, prefix: &str) -> Vec<Element> {
        rows(&self.root, "agent")
            .into_iter()
            .filter(|r| row_text(r).starts_with(prefix))
            .collect()
    }

    /// Waits for a completed agent row starting with `prefix` and returns its text.
    async fn completed_reply(&self, prefix: &str) -> String {
        let text = RefCell::new(String::new());
        let what = format!("a completed reply starting with {prefix:?}");
        let done = || {
            let row = self
                .agent_rows(prefix)
                .into_iter()
                .find(|r| r.get_attribute("data-done").as_deref() == Some("true"));
            *text.borrow_mut() = row.map(|r| row_text(&r)).unwrap_or_default();
            !text.borrow().is_empty()
        };
        wait_for_or(&what, REPLY_MS, done, || self.context()).await;
        text.into_inner()
    }

    fn saw_state(&self, wanted: impl Fn(&ConnectionState) -> bool) -> bool {
        self.states.lock().unwrap().iter().any(wanted)
    }

    /// Ends the conversation so the next test gets a fresh one.
    async fn end(self) {
        self.wait_open().await;
        let before = self.states.lock().unwrap().len();
        click(&expect_testid(&self.root, "end"));
        let ended = expect_testid(&self.root, "ended");
        let done = || !is_hidden(&ended);
        wait_for_or("the ended state", END_MS, done, || self.context()).await;
        let after = self.states.lock().unwrap()[before..].to_vec();
        assert_eq!(
            after,
            vec![ConnectionState::Ended],
            "the end is clean, with no reconnect attempts\n{}",
            self.context()
        );
    }
}

fn stream_text(n: usize) -> String {
    (1..=n)
        .map(|i| format!("w{i}"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[wasm_bindgen_test]
async fn a_streamed_reply_grows_then_completes() {
    login().await;
    let root = fresh_container();
    let messages: Log<ChatMessage> = Arc::default();
    let m = Arc::clone(&messages);
    let _mounted = mount_to(root.clone(), move || {
        view! {
            <OperatorChat
                session_endpoint=session_endpoint()
                inline=true
                on_message=move |msg| m.lock().unwrap().push(msg)
            />
        }
    });
    let chat_root: Element = root.into();
    let status = expect_testid(&chat_root, "status");
    wait_for("the chat to be open", OPEN_MS, || {
        status.get_attribute("data-state").as_deref() == Some("open")
    })
    .await;

    let composer = expect_testid(&chat_root, "composer");
    type_text(&composer, "/stream 30");
    key_down(&composer, "Enter", false);
    let typing = expect_testid(&chat_root, "typing");
    let (mut partial_lengths, mut typing_seen) = (Vec::new(), false);
    let mut final_text = String::new();
    wait_for("the streamed reply to complete", REPLY_MS, || {
        typing_seen |= !is_hidden(&typing);
        let Some(row) = rows(&chat_root, "agent")
            .into_iter()
            .find(|r| row_text(r).starts_with("w1"))
        else {
            return false;
        };
        let text = row_text(&row);
        if row.get_attribute("data-done").as_deref() == Some("true") {
            final_text = text;
            return true;
        }
        if partial_lengths.last() != Some(&text.len()) {
            partial_lengths.push(text.len());
        }
        false
    })
    .await;

    assert_eq!(
        final_text,
        stream_text(30),
        "the final text is the whole reply"
    );
    assert!(
        partial_lengths.len() >= 2,
        "the text grew while streaming: saw lengths {partial_lengths:?}"
    );
    assert!(
        typing_seen,
        "the typing indicator showed while the agent answered"
    );
    let user = rows(&chat_root, "user");
    let mine: Vec<_> = user
        .iter()
        .filter(|r| row_text(r) == "/stream 30")
        .collect();
    assert_eq!(mine.len(), 1, "the user message shows once");
    wait_for("the user message to be confirmed", 5_000.0, || {
        mine[0].get_attribute("data-status").as_deref() == Some("confirmed")
    })
    .await;
    let got = messages.lock().unwrap().clone();
    assert!(
        got.iter()
            .any(|m| m.role == MessageRole::Agent && m.text == stream_text(30)),
        "on_message got the completed reply: {got:?}"
    );

    click(&expect_testid(&chat_root, "end"));
    let ended = expect_testid(&chat_root, "ended");
    wait_for("the ended state", END_MS, || !is_hidden(&ended)).await;
    assert!(
        by_testid(&chat_root, "composer-wrap").is_none_or(|c| is_hidden(&c)),
        "no composer after the end"
    );
}

#[wasm_bindgen_test]
async fn a_dropped_events_stream_resumes_without_duplicated_text() {
    let chat = open_chat().await;
    let conversation = chat.conversation_id();
    fault(
        serde_json::json!({"kind": "drop_sse", "after_events": 8, "conversation_id": conversation}),
    )
    .await;
    chat.send("/stream 40");
    let text = chat.completed_reply("w1 ").await;
    assert_eq!(
        text,
        stream_text(40),
        "no word lost or repeated across the drop"
    );
    assert_eq!(chat.agent_rows("w1 ").len(), 1, "one row for the reply");
    let sent: Vec<_> = rows(&chat.root, "user")
        .into_iter()
        .filter(|r| row_text(r) == "/stream 40")
        .collect();
    assert_eq!(sent.len(), 1, "the user message shows once");
    assert!(
        chat.saw_state(|s| matches!(s, ConnectionState::Reconnecting { .. })),
        "the drop was noticed and the stream reconnected: {:?}",
        chat.states.lock().unwrap()
    );
    chat.end().await;
}

#[wasm_bindgen_test]
async fn a_dropped_session_socket_reconnects_and_sending_continues() {
    let chat = open_chat().await;
    let conversation = chat.conversation_id();
    fault(
        serde_json::json!({"kind": "drop_ws", "after_events": 3, "conversation_id": conversation}),
    )
    .await;
    chat.send("/stream 20");
    let text = chat.completed_reply("w1 ").await;
    assert_eq!(text, stream_text(20));
    chat.wait_open().await;
    chat.send("/echo still here after the drop");
    let echoed = chat.completed_reply("still here").await;
    assert_eq!(echoed, "still here after the drop");
    assert_eq!(
        chat.agent_rows("still here").len(),
        1,
        "the reply shows once"
    );
    assert_eq!(
        chat.agent_rows("w1 ").len(),
        1,
        "the streamed reply shows once"
    );
    assert!(
        chat.saw_state(|s| matches!(s, ConnectionState::Reconnecting { .. })),
        "the socket drop was noticed: {:?}",
        chat.states.lock().unwrap()
    );
    chat.end().await;
}

#[wasm_bindgen_test]
async fn a_revoked_token_is_refreshed_and_the_chat_continues() {
    let chat = open_chat().await;
    let conversation = chat.conversation_id();
    assert_eq!(chat.grants.borrow().len(), 1, "one token so far");
    fault(serde_json::json!({"kind": "revoke_token", "conversation_id": conversation})).await;
    // Open connections keep running; make the events stream reconnect with the revoked token.
    fault(
        serde_json::json!({"kind": "drop_sse", "after_events": 0, "conversation_id": conversation}),
    )
    .await;
    chat.send("/echo after the revocation");
    let text = chat.completed_reply("after the").await;
    assert_eq!(text, "after the revocation");
    assert_eq!(
        chat.agent_rows("after the").len(),
        1,
        "the reply shows once"
    );
    let grants = chat.grants.borrow().clone();
    assert!(grants.len() >= 2, "a new token was fetched: {grants:?}");
    assert!(
        grants.iter().all(|g| *g == conversation),
        "the refresh kept the same conversation: {grants:?}"
    );
    assert!(
        chat.saw_state(|s| *s == ConnectionState::RefreshingToken),
        "the widget refreshed its token: {:?}",
        chat.states.lock().unwrap()
    );
    let replies = chat.messages.lock().unwrap().clone();
    let count = replies
        .iter()
        .filter(|m| m.text == "after the revocation")
        .count();
    assert_eq!(count, 1, "on_message ran once for the reply: {replies:?}");
    chat.end().await;
}

#[wasm_bindgen_test]
async fn hostile_agent_text_stays_text() {
    let chat = open_chat().await;
    let hostile =
        "<img src=x onerror=\"window.__oc_pwned=1\"> <script>window.__oc_pwned=2</script>";
    chat.send(&format!("/echo {hostile}"));
    let text = chat.completed_reply("<img").await;
    assert_eq!(text, hostile, "the reply is shown literally");
    let transcript = expect_testid(&chat.root, "transcript");
    assert!(
        all(&transcript, "img, script").is_empty(),
        "no element was created"
    );
    let pwned = js_sys::Reflect::get(&web_sys::window().unwrap(), &"__oc_pwned".into()).unwrap();
    assert!(pwned.is_undefined(), "no script ran");
    chat.end().await;
}

#[wasm_bindgen_test]
async fn a_reply_with_blank_lines_streams_into_paragraphs_with_the_exact_text() {
    let chat = open_chat().await;
    chat.send("/stream 12 5");
    let text = chat.completed_reply("w1 w2").await;
    assert_eq!(text, "w1 w2 w3 w4 w5\n\nw6 w7 w8 w9 w10\n\nw11 w12");
    let row = chat.agent_rows("w1 w2").pop().expect("the reply row");
    let paragraphs: Vec<String> = all(&row, ".oc-bubble p.oc-md-p")
        .iter()
        .map(|p| p.dyn_ref::<web_sys::HtmlElement>().unwrap().inner_text())
        .collect();
    assert_eq!(
        paragraphs,
        ["w1 w2 w3 w4 w5", "w6 w7 w8 w9 w10", "w11 w12"],
        "one paragraph per blank-line block, the blank lines hidden from layout"
    );
    chat.end().await;
}

#[wasm_bindgen_test]
async fn an_agent_reply_in_markdown_is_formatted_block_by_block_with_only_safe_links() {
    let chat = open_chat().await;
    chat.send(
        "/echo **Boots** ship [free](https://example.com/ship), [not](javascript:alert(1))\n\n- one\n- `two`",
    );
    let text = chat.completed_reply("Boots").await;
    assert_eq!(
        text, "Boots ship free, not\n\nonetwo",
        "the bubble reads as the message's blocks, with no separator before the first"
    );
    let row = chat.agent_rows("Boots").pop().expect("the reply row");
    let bubble = row.query_selector(".oc-bubble").unwrap().unwrap();
    // Blocks: the bubble's children, finished ones grouped in chunks.
    let blocks: Vec<String> = all(
        &bubble,
        ":scope > :not(.oc-break, .oc-md-chunk), :scope > .oc-md-chunk > :not(.oc-break)",
    )
    .iter()
    .map(|e| e.tag_name().to_lowercase())
    .collect();
    assert_eq!(blocks, ["p", "ul"], "a paragraph then a list");
    let space_above = |selector: &str| {
        let block = bubble.query_selector(selector).unwrap().expect(selector);
        let style = web_sys::window()
            .unwrap()
            .get_computed_style(&block)
            .unwrap()
            .expect("a computed style");
        style.get_property_value("margin-top").unwrap()
    };
    assert_eq!(space_above("p.oc-md-p"), "0px", "no space above the first");
    assert_ne!(
        space_above("ul.oc-md-list"),
        "0px",
        "a block that follows another is spaced from it"
    );
    let first = bubble
        .query_selector(":scope > .oc-md-chunk > *, :scope > :not(.oc-md-chunk)")
        .unwrap();
    assert_eq!(
        first.map(|e| e.tag_name()),
        Some("P".to_string()),
        "the first element is the first block, not a separator"
    );
    assert_eq!(all(&bubble, "strong").len(), 1, "bold text");
    assert_eq!(all(&bubble, "li code").len(), 1, "inline code in the list");
    let links = all(&bubble, "a");
    assert_eq!(links.len(), 1, "only the https link is a link");
    let link = &links[0];
    assert_eq!(
        link.get_attribute("href").as_deref(),
        Some("https://example.com/ship")
    );
    assert_eq!(link.get_attribute("target").as_deref(), Some("_blank"));
    assert_eq!(
        link.get_attribute("rel").as_deref(),
        Some("noopener noreferrer nofollow")
    );
    chat.end().await;
}

#[wasm_bindgen_test]
async fn a_block_too_long_to_parse_streams_as_plain_text_in_pieces_then_renders() {
    let chat = open_chat().await;
    let cell = "a cell of forty characters, more or less";
    let rows = 2_000; // about 100 KB: past the 64 KiB a growing block is parsed up to
    let source: String = std::iter::once("| # | cell |\n|---|---|\n".to_string())
        .chain((1..=rows).map(|k| format!("| {k} | {cell} |\n")))
        .collect();
    fault(
        serde_json::json!({"kind": "slow_agent", "delta_interval_ms": 2,
        "conversation_id": chat.conversation_id()}),
    )
    .await;
    chat.send(&format!("/table {rows} {cell}"));
    let pieces = || {
        chat.agent_rows("| #")
            .pop()
            .map(|row| all(&row, ".oc-bubble p.oc-md-p .oc-md-piece"))
            .unwrap_or_default()
    };
    wait_for_or(
        "the open block shown as plain text in pieces",
        REPLY_MS,
        || pieces().len() >= 2,
        || chat.context(),
    )
    .await;
    let row = chat.agent_rows("| #").pop().expect("the reply row");
    let shown = row_text(&row);
    assert!(
        source.starts_with(&shown) && shown.len() > 64 * 1024,
        "while it streams, the bubble shows the source so far, verbatim ({} bytes)",
        shown.len()
    );
    let shown_pieces = pieces();
    for piece in &shown_pieces[..shown_pieces.len() - 1] {
        let text = piece.text_content().unwrap_or_default();
        assert!(
            text.len() >= 16 * 1024 && text.ends_with('\n'),
            "a full piece holds whole lines ({} bytes)",
            text.len()
        );
    }
    let done = || row.get_attribute("data-done").as_deref() == Some("true");
    wait_for_or("the table to complete", REPLY_MS, done, || chat.context()).await;
    assert_eq!(all(&row, "tbody tr").len(), rows, "then it is a table");
    assert!(
        all(&row, ".oc-md-piece").is_empty(),
        "and the pieces are gone"
    );
    fault(
        serde_json::json!({"kind": "slow_agent", "delta_interval_ms": 25,
        "conversation_id": chat.conversation_id()}),
    )
    .await;
    chat.end().await;
}

#[wasm_bindgen_test]
async fn tool_calls_and_notices_get_their_own_rows() {
    let chat = open_chat().await;
    chat.send("Please send a notice about order A-1001");
    let answer = chat.completed_reply("Your order").await;
    assert!(answer.contains("shipped"), "the final answer: {answer}");
    let tools = rows(&chat.root, "tool");
    assert_eq!(tools.len(), 1, "one tool-call row\n{}", chat.context());
    // What the agent said before the call sits above it, the answer below it.
    let order: Vec<String> = all(&chat.root, "[data-testid=message]")
        .iter()
        .map(|r| r.get_attribute("data-role").unwrap_or_default())
        .collect();
    let tool_at = order.iter().position(|r| r == "tool").expect("a tool row");
    let before = chat.agent_rows("Let me look that order up.");
    let after = chat.agent_rows("Your order");
    assert_eq!((before.len(), after.len()), (1, 1), "{}", chat.context());
    assert_eq!(
        after[0].get_attribute("data-continues").as_deref(),
        Some("true"),
        "the answer continues the message from above the call"
    );
    let index_of = |row: &Element| {
        all(&chat.root, "[data-testid=message]")
            .iter()
            .position(|r| r == row)
            .expect("row in the transcript")
    };
    assert_eq!(
        (index_of(&before[0]), index_of(&after[0])),
        (tool_at - 1, tool_at + 1),
        "rows: {order:?}"
    );
    assert_eq!(
        tools[0].get_attribute("data-state").as_deref(),
        Some("returned"),
        "the tool call finished"
    );
    assert!(
        tools[0]
            .text_content()
            .unwrap_or_default()
            .contains("lookup_order"),
        "the row names the tool"
    );
    let notices = rows(&chat.root, "notice");
    assert!(
        notices.iter().any(|n| n
            .text_content()
            .unwrap_or_default()
            .contains("scripted notice")),
        "the agent's notice has a row\n{}",
        chat.context()
    );
    chat.end().await;
}

#[wasm_bindgen_test]
async fn a_persisted_conversation_continues_after_a_reload_without_restarting() {
    let key = "operator-chat:token-source";
    let storage = web_sys::window()
        .unwrap()
        .session_storage()
        .unwrap()
        .unwrap();
    storage.remove_item(key).unwrap();
    login().await;

    let mount = |grants: Rc<RefCell<Vec<String>>>, root: web_sys::HtmlElement| {
        let source = recording_source(grants);
        mount_to(root, move || {
            view! { <OperatorChat token_source=source inline=true persist=true /> }
        })
    };
    let first_root = fresh_container();
    let first_grants = Rc::new(RefCell::new(Vec::new()));
    let first = mount(Rc::clone(&first_grants), first_root.clone());
    let first_root: Element = first_root.into();
    let status = expect_testid(&first_root, "status");
    let open = || status.get_attribute("data-state").as_deref() == Some("open");
    wait_for("the first mount to open", OPEN_MS, open).await;
    let composer = expect_testid(&first_root, "composer");
    type_text(&composer, "/echo before the reload");
    key_down(&composer, "Enter", false);
    let reply = || {
        rows(&first_root, "agent").iter().any(|r| {
            row_text(r) == "before the reload"
                && r.get_attribute("data-done").as_deref() == Some("true")
        })
    };
    wait_for("the reply before the reload", REPLY_MS, reply).await;
    let greetings_before = rows(&first_root, "agent").len() - 1;
    drop(first); // the page goes away
    assert!(
        storage.get_item(key).unwrap().is_some(),
        "the conversation was saved"
    );

    let root = fresh_container();
    let grants = Rc::new(RefCell::new(Vec::new()));
    let _second = mount(Rc::clone(&grants), root.clone());
    let root: Element = root.into();
    let replayed = || {
        rows(&root, "agent")
            .iter()
            .any(|r| row_text(r) == "before the reload")
    };
    let dump = || transcript_dump(&root);
    wait_for_or("the history to replay", OPEN_MS, replayed, dump).await;
    let status = expect_testid(&root, "status");
    let open = || status.get_attribute("data-state").as_deref() == Some("open");
    wait_for_or("the second mount to open", OPEN_MS, open, dump).await;
    assert_eq!(
        grants.borrow().as_slice(),
        first_grants.borrow().as_slice(),
        "the same conversation continues"
    );
    let sent: Vec<_> = rows(&root, "user")
        .into_iter()
        .filter(|r| row_text(r) == "/echo before the reload")
        .collect();
    assert_eq!(sent.len(), 1, "the earlier message shows once\n{}", dump());

    let composer = expect_testid(&root, "composer");
    type_text(&composer, "/echo after the reload");
    key_down(&composer, "Enter", false);
    let reply = || {
        rows(&root, "agent").iter().any(|r| {
            row_text(r) == "after the reload"
                && r.get_attribute("data-done").as_deref() == Some("true")
        })
    };
    wait_for_or("the reply after the reload", REPLY_MS, reply, dump).await;
    let greetings_after = rows(&root, "agent")
        .iter()
        .filter(|r| !row_text(r).contains("the reload"))
        .count();
    assert_eq!(
        greetings_after,
        greetings_before,
        "the conversation was not started a second time\n{}",
        dump()
    );

    click(&expect_testid(&root, "end"));
    let ended = expect_testid(&root, "ended");
    wait_for_or("the ended state", END_MS, || !is_hidden(&ended), dump).await;
    assert!(
        storage.get_item(key).unwrap().is_none(),
        "an ended conversation is forgotten"
    );
}

#[wasm_bindgen_test]
async fn start_new_chat_after_the_end_opens_a_fresh_conversation() {
    let chat = open_chat().await;
    chat.send("/echo first conversation");
    chat.completed_reply("first conversation").await;
    let first = chat.conversation_id();
    let root = chat.root.clone();
    click(&expect_testid(&root, "end"));
    let ended = expect_testid(&root, "ended");
    wait_for_or(
        "the ended state",
        END_MS,
        || !is_hidden(&ended),
        || chat.context(),
    )
    .await;

    click(&expect_testid(&root, "new-chat"));
    chat.wait_open().await;
    chat.completed_reply("Hi").await;
    assert_ne!(chat.conversation_id(), first, "a new conversation");
    assert!(
        chat.agent_rows("first conversation").is_empty(),
        "the old transcript is gone\n{}",
        chat.context()
    );
    assert!(is_hidden(&ended), "the ended banner is gone");
    chat.end().await;
}

/// Every value the status element's `data-state` takes from now on, in order.
fn watch_status(root: &Element) -> (Rc<RefCell<Vec<String>>>, web_sys::MutationObserver) {
    let seen = Rc::new(RefCell::new(Vec::new()));
    let log = Rc::clone(&seen);
    let callback = wasm_bindgen::closure::Closure::<dyn FnMut(js_sys::Array)>::new(
        move |records: js_sys::Array| {
            for record in records.iter() {
                let record: web_sys::MutationRecord = record.unchecked_into();
                let now = record
                    .target()
                    .and_then(|t| t.dyn_into::<Element>().ok())
                    .and_then(|e| e.get_attribute("data-state"));
                // Records of one batch share the final value; the old values fill the gaps.
                if let Some(old) = record.old_value() {
                    log.borrow_mut().push(old);
                }
                log.borrow_mut().extend(now);
            }
        },
    );
    let observer = web_sys::MutationObserver::new(callback.as_ref().unchecked_ref()).unwrap();
    callback.forget();
    let options = web_sys::MutationObserverInit::new();
    options.set_attributes(true);
    options.set_attribute_old_value(true);
    options.set_attribute_filter(&js_sys::Array::of1(&"data-state".into()));
    observer
        .observe_with_options(&expect_testid(root, "status"), &options)
        .unwrap();
    (seen, observer)
}

#[wasm_bindgen_test]
async fn a_planned_token_refresh_keeps_the_status_online() {
    login().await;
    let grants = Rc::new(RefCell::new(Vec::new()));
    // The first grant claims to expire in 3 s, so the widget renews it after 1.5 s.
    let g = Rc::clone(&grants);
    let source = TokenSourceFn::from(move || -> TokenFuture {
        let grants = Rc::clone(&g);
        Box::pin(async move {
            let mut creds = fetch_session(&session_endpoint()).await?;
            if grants.borrow().is_empty() {
                creds.expires_at_ms = Some(js_sys::Date::now() as i64 + 3_000);
            }
            grants.borrow_mut().push(creds.conversation_id.clone());
            Ok(creds)
        })
    });
    let chat = mount_chat(source, grants);
    chat.wait_open().await;
    let (shown, observer) = watch_status(&chat.root);
    let renewed = || {
        let states = chat.states.lock().unwrap();
        let at = states
            .iter()
            .position(|s| *s == ConnectionState::RefreshingToken);
        at.is_some_and(|at| states[at..].last() == Some(&ConnectionState::Open))
    };
    wait_for_or("the planned refresh to finish", 8_000.0, renewed, || {
        chat.context()
    })
    .await;
    assert_eq!(chat.grants.borrow().len(), 2, "{}", chat.context());
    assert!(
        chat.saw_state(|s| *s == ConnectionState::Connecting),
        "the connection was remade with the new token: {}",
        chat.context()
    );
    chat.send("/echo renewed");
    assert_eq!(chat.completed_reply("renewed").await, "renewed");
    chat.end().await;
    settle().await;
    observer.disconnect();
    // The observer saw the end, so it would have seen any other state too.
    let shown = shown.borrow().clone();
    assert_eq!(
        shown,
        ["open", "ended"],
        "the status stayed online during the renewal"
    );
}

#[wasm_bindgen_test]
async fn a_message_lost_in_a_drop_is_marked_unconfirmed_and_can_be_sent_again() {
    let chat = open_chat().await;
    fault(serde_json::json!({"kind": "lose_message", "conversation_id": chat.conversation_id()}))
        .await;
    chat.send("/echo lost once");
    let mine = || {
        rows(&chat.root, "user")
            .into_iter()
            .filter(|r| row_text(r).starts_with("/echo lost once"))
            .collect::<Vec<_>>()
    };
    let status = || {
        mine()
            .first()
            .and_then(|r| r.get_attribute("data-status"))
            .unwrap_or_default()
    };
    // The socket dropped with the message in it; after the reconnect nobody acknowledged it.
    wait_for_or(
        "the message to be unconfirmed",
        10_000.0,
        || status() == "unconfirmed",
        || chat.context(),
    )
    .await;
    assert!(
        chat.agent_rows("lost once").is_empty(),
        "never answered, never resent by itself"
    );
    let row = mine().remove(0);
    let resend = expect_testid(&row, "resend");
    assert!(!is_hidden(&resend), "Send again is offered");
    let meta = row.text_content().unwrap_or_default();
    assert!(meta.contains("May not have been delivered"), "{meta}");
    click(&resend);
    assert_eq!(chat.completed_reply("lost once").await, "lost once");
    wait_for_or(
        "the message to be confirmed",
        REPLY_MS,
        || status() == "confirmed",
        || chat.context(),
    )
    .await;
    assert_eq!(mine().len(), 1, "sent again in its own row, not a copy");
    assert_eq!(chat.agent_rows("lost once").len(), 1, "answered once");
    assert!(is_hidden(&expect_testid(&mine()[0], "resend")));
    chat.end().await;
}

/// A chat over `source` with extra props, logging states and messages like [`mount_chat`].
fn chat_around(
    grants: Rc<RefCell<Vec<String>>>,
    view: impl FnOnce(Log<ConnectionState>, Log<ChatMessage>) -> AnyView + 'static,
) -> Chat {
    let root = fresh_container();
    let states: Log<ConnectionState> = Arc::default();
    let messages: Log<ChatMessage> = Arc::default();
    let (s, m) = (Arc::clone(&states), Arc::clone(&messages));
    let mounted = mount_to(root.clone(), move || view(s, m));
    Chat {
        root: root.into(),
        states,
        messages,
        grants,
        _mounted: Box::new(mounted),
    }
}

#[wasm_bindgen_test]
async fn starter_prompts_show_until_the_first_message_and_send_their_text() {
    login().await;
    let grants = Rc::new(RefCell::new(Vec::new()));
    let source = recording_source(Rc::clone(&grants));
    let prompts = vec!["/echo prompt one".to_owned(), "/echo prompt two".to_owned()];
    let shown = prompts.clone();
    let chat = chat_around(grants, move |s, m| {
        view! {
            <OperatorChat
                token_source=source
                inline=true
                starter_prompts=shown
                on_state_change=move |state| s.lock().unwrap().push(state)
                on_message=move |msg| m.lock().unwrap().push(msg)
            />
        }
        .into_any()
    });
    chat.wait_open().await;
    chat.completed_reply("Hi").await;

    let group = expect_testid(&chat.root, "starter-prompts");
    assert!(
        !is_hidden(&group),
        "the prompts show before the first message"
    );
    assert_eq!(group.get_attribute("role").as_deref(), Some("group"));
    assert_eq!(
        group.get_attribute("aria-label").as_deref(),
        Some("Suggested questions")
    );
    let buttons = all(&group, "button");
    let labels: Vec<String> = buttons
        .iter()
        .map(|b| b.text_content().unwrap_or_default())
        .collect();
    assert_eq!(labels, prompts, "one button per prompt, in order");

    click(&buttons[1]);
    chat.completed_reply("prompt two").await;
    let sent: Vec<String> = rows(&chat.root, "user").iter().map(row_text).collect();
    assert!(
        sent.iter().any(|t| t.contains("/echo prompt two")),
        "the clicked prompt was sent as the visitor's message\n{}",
        chat.context()
    );
    assert!(
        is_hidden(&group),
        "the prompts hide after the first message"
    );
    chat.end().await;
}

#[wasm_bindgen_test]
async fn agent_messages_while_closed_count_as_unread_until_the_panel_opens() {
    login().await;
    let grants = Rc::new(RefCell::new(Vec::new()));
    let source = recording_source(Rc::clone(&grants));
    let controller = ChatController::default();
    let counts: Log<u32> = Arc::default();
    let (attached, heard) = (controller.clone(), Arc::clone(&counts));
    let chat = chat_around(grants, move |s, m| {
        view! {
            <OperatorChat
                token_source=source
                controller=attached
                on_unread_change=move |n| heard.lock().unwrap().push(n)
                on_state_change=move |state| s.lock().unwrap().push(state)
                on_message=move |msg| m.lock().unwrap().push(msg)
            />
        }
        .into_any()
    });
    let launcher = expect_testid(&chat.root, "launcher");
    let badge = expect_testid(&chat.root, "unread");
    let label = || launcher.get_attribute("aria-label").unwrap_or_default();
    assert_eq!(label(), "Open chat");
    assert!(is_hidden(&badge), "no badge before any message");

    click(&launcher);
    chat.wait_open().await;
    chat.completed_reply("Hi").await;
    settle().await;
    assert_eq!(
        controller.unread(),
        0,
        "a reply read in the open panel is not unread"
    );

    click(&launcher);
    settle().await;
    assert_eq!(label(), "Open chat");
    for (n, text) in [(1, "while away"), (2, "still away")] {
        assert!(controller.control(Control::Send(format!("/echo {text}"))));
        chat.completed_reply(text).await;
        let wanted = format!("Open chat, {n} unread");
        wait_for_or(
            "the unread count",
            REPLY_MS,
            || label() == wanted,
            || format!("label {:?}\n{}", label(), chat.context()),
        )
        .await;
        assert!(!is_hidden(&badge), "the badge shows");
        assert_eq!(
            badge.text_content().as_deref(),
            Some(n.to_string().as_str())
        );
        assert_eq!(badge.get_attribute("aria-hidden").as_deref(), Some("true"));
        assert_eq!(controller.unread(), n);
    }

    click(&launcher);
    settle().await;
    assert_eq!(label(), "Close chat");
    assert!(is_hidden(&badge), "opening the panel clears the badge");
    assert_eq!(controller.unread(), 0);
    assert_eq!(
        *counts.lock().unwrap(),
        vec![1, 2, 0],
        "every change reached the host"
    );
    chat.end().await;
}

/// What an events stream reported, in order.
#[derive(Debug)]
enum StreamReport {
    Open,
    Message,
    End(StreamEnd),
}

/// Handlers that log every report of an events stream into `log`.
fn logging_handlers(log: Rc<RefCell<Vec<StreamReport>>>) -> StreamHandlers {
    let (opened, message, ended) = (Rc::clone(&log), Rc::clone(&log), log);
    StreamHandlers {
        on_open: Box::new(move || opened.borrow_mut().push(StreamReport::Open)),
        is_known: Box::new(|_| false),
        on_message: Box::new(move |_| message.borrow_mut().push(StreamReport::Message)),
        on_end: Box::new(move |end| ended.borrow_mut().push(StreamReport::End(end))),
    }
}

#[wasm_bindgen_test]
async fn an_events_request_refused_by_the_service_reports_its_status_and_code() {
    let secret = "tok_never_granted_7f3a";
    let url = format!(
        "{}/conversations/conv_nowhere/events?token={secret}",
        emulator()
    );
    let log = Rc::new(RefCell::new(Vec::new()));
    let stream = EventStream::open(&url, logging_handlers(Rc::clone(&log))).expect("a valid URL");
    let shown = format!("{stream:?}");
    assert!(!shown.contains(secret), "Debug redacts the token: {shown}");

    wait_for("the events stream to end", 10_000.0, || {
        !log.borrow().is_empty()
    })
    .await;
    let log = log.borrow();
    let [StreamReport::End(StreamEnd::Refused(rejection))] = &log[..] else {
        panic!("one refusal, seen through fetch (not a drop to be probed): {log:?}");
    };
    assert_eq!(
        rejection.status, 401,
        "an unknown token is refused: {rejection:?}"
    );
    assert!(
        rejection.code.is_some(),
        "the error body's code is read: {rejection:?}"
    );
}

#[wasm_bindgen_test]
async fn a_closed_events_stream_reports_nothing_more() {
    let url = format!(
        "{}/conversations/conv_nowhere/events?token=tok_x",
        emulator()
    );
    let log = Rc::new(RefCell::new(Vec::new()));
    let stream = EventStream::open(&url, logging_handlers(Rc::clone(&log))).expect("a valid URL");
    stream.close();
    // The refusal would arrive within a few milliseconds on loopback (the test above).
    sleep_ms(300).await;
    assert!(
        log.borrow().is_empty(),
        "no report after close: {:?}",
        log.borrow()
    );
}

#[wasm_bindgen_test]
fn an_unparsable_events_url_is_refused_without_quoting_it() {
    let secret = "tok_in_a_bad_url_51c0";
    let refused = EventStream::open(
        &format!("http://[bad]/conversations/c/events?token={secret}"),
        logging_handlers(Rc::new(RefCell::new(Vec::new()))),
    )
    .expect_err("the browser refuses the URL at once");
    let text = format!("{refused} {refused:?}");
    assert!(text.contains("could not open the events stream"), "{text}");
    assert!(
        !text.contains(secret),
        "the error names the kind of failure only: {text}"
    );
}
