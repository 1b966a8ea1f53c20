//! Browser tests of the component that need no server: a fake token source stands in for the
//! session endpoint. Run with `wasm-pack test --headless --chrome` (or `cargo xtask test`).
#![cfg(target_arch = "wasm32")]

mod support;

use std::cell::Cell;
use std::rc::Rc;
use std::sync::{Arc, Mutex};

use leptos::prelude::*;
use operator_chat::connection::ConnectionState;
use operator_chat::token::{TokenError, TokenFuture};
use operator_chat::{OperatorChat, Strings, TokenSourceFn};
use support::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A token source that never answers: the widget stays "connecting", which is all DOM tests need.
fn never_answers() -> TokenSourceFn {
    TokenSourceFn::from(|| -> TokenFuture { Box::pin(std::future::pending()) })
}

/// A token source that refuses (non-transient) and counts its calls.
fn refuses(calls: Rc<Cell<u32>>) -> TokenSourceFn {
    TokenSourceFn::from(move || -> TokenFuture {
        calls.set(calls.get() + 1);
        Box::pin(async {
            Err(TokenError {
                code: "forbidden".into(),
                message: "chat is closed for this account".into(),
                transient: false,
                retry_after_ms: None,
            })
        })
    })
}

#[wasm_bindgen_test]
async fn launcher_opens_the_panel_and_closing_returns_focus_to_the_launcher() {
    let root = fresh_container();
    let _mounted = mount_to(root.clone(), || {
        view! { <OperatorChat token_source=never_answers() title="Acme help" /> }
    });
    settle().await;
    let panel = expect_testid(&root, "panel");
    let launcher = expect_testid(&root, "launcher");
    assert!(is_hidden(&panel), "the panel starts closed");
    assert_eq!(
        launcher.get_attribute("aria-expanded").as_deref(),
        Some("false")
    );

    click(&launcher);
    settle().await;
    assert!(!is_hidden(&panel), "clicking the launcher opens the panel");
    assert_eq!(
        launcher.get_attribute("aria-expanded").as_deref(),
        Some("true")
    );
    assert_eq!(
        panel.get_attribute("aria-label").as_deref(),
        Some("Acme help")
    );
    // Focus moves in the next animation frame, which a busy machine may delay past `settle`.
    let composer = expect_testid(&root, "composer");
    wait_for("opening focuses the composer", 2_000.0, || {
        active_element().as_ref() == Some(&composer)
    })
    .await;

    click(&expect_testid(&root, "close"));
    settle().await;
    assert!(is_hidden(&panel), "the close button hides the panel");
    wait_for("focus returns to the launcher", 2_000.0, || {
        active_element().as_ref() == Some(&launcher)
    })
    .await;
}

#[wasm_bindgen_test]
async fn a_controller_opens_the_panel_sends_as_the_user_and_closes_it() {
    use operator_chat::{ChatController, Control};
    let controller = ChatController::default();
    let control = controller.clone();
    let root = fresh_container();
    let _mounted = mount_to(root.clone(), move || {
        view! { <OperatorChat token_source=never_answers() controller=control /> }
    });
    settle().await;
    assert!(
        controller.is_attached(),
        "the component attaches its controller"
    );
    let panel = expect_testid(&root, "panel");
    assert!(is_hidden(&panel), "the panel starts closed");

    assert!(
        controller.control(Control::Open),
        "Open reaches the component"
    );
    settle().await;
    assert!(!is_hidden(&panel), "Control::Open opens the panel");

    assert!(controller.control(Control::Send("hello from code".into())));
    wait_for(
        "the message sent from code shows as a user row",
        2_000.0,
        || {
            rows(&root, "user")
                .iter()
                .any(|row| row_text(row) == "hello from code")
        },
    )
    .await;

    assert!(
        controller.control(Control::Close),
        "Close reaches the component"
    );
    settle().await;
    assert!(is_hidden(&panel), "Control::Close closes the panel");
}

#[wasm_bindgen_test]
async fn enter_sends_and_shift_enter_keeps_typing() {
    let root = fresh_container();
    let _mounted = mount_to(root.clone(), || {
        view! { <OperatorChat token_source=never_answers() inline=true /> }
    });
    settle().await;
    assert!(
        by_testid(&root, "launcher").is_none(),
        "inline mode has no launcher"
    );
    let composer = expect_testid(&root, "composer");
    type_text(&composer, "Where is my order?");
    settle().await;

    let prevented = key_down(&composer, "Enter", true);
    settle().await;
    assert!(!prevented, "Shift+Enter keeps the browser's newline");
    assert!(rows(&root, "user").is_empty(), "Shift+Enter sends nothing");

    let prevented = key_down(&composer, "Enter", false);
    settle().await;
    assert!(prevented, "Enter does not insert a newline");
    let users = rows(&root, "user");
    assert_eq!(users.len(), 1, "Enter sends one message");
    assert_eq!(row_text(&users[0]), "Where is my order?");
    assert_eq!(
        users[0].get_attribute("data-status").as_deref(),
        Some("pending"),
        "queued until connected"
    );
    assert_eq!(value_of(&composer), "", "the composer is cleared");
}

#[wasm_bindgen_test]
async fn the_send_button_is_disabled_until_there_is_text() {
    let root = fresh_container();
    let _mounted = mount_to(root.clone(), || {
        view! { <OperatorChat token_source=never_answers() inline=true /> }
    });
    settle().await;
    let send = expect_testid(&root, "send");
    assert!(
        send.has_attribute("disabled"),
        "empty composer: send disabled"
    );
    type_text(&expect_testid(&root, "composer"), "   ");
    settle().await;
    assert!(
        send.has_attribute("disabled"),
        "whitespace only: send disabled"
    );
    type_text(&expect_testid(&root, "composer"), "hi");
    settle().await;
    assert!(!send.has_attribute("disabled"), "text: send enabled");
    click(&send);
    settle().await;
    assert_eq!(rows(&root, "user").len(), 1, "the send button sends");
}

#[wasm_bindgen_test]
async fn hostile_user_text_is_rendered_as_text() {
    let root = fresh_container();
    let _mounted = mount_to(root.clone(), || {
        view! { <OperatorChat token_source=never_answers() inline=true /> }
    });
    settle().await;
    let hostile = "<img src=x onerror=\"window.__oc_pwned=1\"><b>bold</b>";
    let composer = expect_testid(&root, "composer");
    type_text(&composer, hostile);
    key_down(&composer, "Enter", false);
    settle().await;
    let transcript = expect_testid(&root, "transcript");
    assert_eq!(
        row_text(&rows(&root, "user")[0]),
        hostile,
        "shown literally"
    );
    assert!(
        all(&transcript, "img, b").is_empty(),
        "no element was created from the text"
    );
}

#[wasm_bindgen_test]
async fn each_message_takes_the_direction_of_its_own_text() {
    let root = fresh_container();
    let _mounted = mount_to(root.clone(), || {
        view! { <OperatorChat token_source=never_answers() inline=true /> }
    });
    settle().await;
    let composer = expect_testid(&root, "composer");
    for text in ["مرحبا، أين طلبي؟ order 42", "Where is my order? رقم ٤٢"] {
        type_text(&composer, text);
        key_down(&composer, "Enter", false);
        settle().await;
    }
    let direction = |row: &web_sys::Element| {
        let bubble = row.query_selector(".oc-bubble").unwrap().expect("a bubble");
        web_sys::window()
            .unwrap()
            .get_computed_style(&bubble)
            .unwrap()
            .expect("a computed style")
            .get_property_value("direction")
            .unwrap()
    };
    let users = rows(&root, "user");
    assert_eq!(direction(&users[0]), "rtl", "Arabic text in an LTR page");
    assert_eq!(direction(&users[1]), "ltr", "English text");
}

#[wasm_bindgen_test]
async fn the_transcript_is_a_polite_live_log() {
    let root = fresh_container();
    let _mounted = mount_to(root.clone(), || {
        view! { <OperatorChat token_source=never_answers() inline=true /> }
    });
    settle().await;
    let log = expect_testid(&root, "transcript");
    assert_eq!(log.get_attribute("role").as_deref(), Some("log"));
    assert_eq!(log.get_attribute("aria-live").as_deref(), Some("polite"));
    let send = expect_testid(&root, "send");
    assert!(
        send.get_attribute("aria-label").is_some(),
        "the icon button has a label"
    );
}

#[wasm_bindgen_test]
async fn a_refused_token_shows_a_readable_error_and_retry_asks_again() {
    let calls = Rc::new(Cell::new(0));
    let errors = Arc::new(Mutex::new(Vec::<String>::new()));
    let root = fresh_container();
    let source = refuses(Rc::clone(&calls));
    let seen = Arc::clone(&errors);
    let _mounted = mount_to(root.clone(), move || {
        view! {
            <OperatorChat
                token_source=source
                inline=true
                on_error=move |e: operator_chat::ChatError| seen.lock().unwrap().push(e.to_string())
            />
        }
    });
    let error = expect_testid(&root, "error");
    wait_for("the error line", 2000.0, || !is_hidden(&error)).await;
    let text = error.text_content().unwrap_or_default();
    assert!(
        text.contains("chat is closed for this account"),
        "readable error: {text}"
    );
    assert_eq!(calls.get(), 1);
    assert_eq!(errors.lock().unwrap().len(), 1, "on_error ran once");
    let status = expect_testid(&root, "status");
    assert_eq!(
        status.get_attribute("data-state").as_deref(),
        Some("failed")
    );

    click(&expect_testid(&root, "retry"));
    wait_for("a second token request", 2000.0, || calls.get() == 2).await;
}

#[wasm_bindgen_test]
async fn state_changes_reach_on_state_change() {
    let states = Arc::new(Mutex::new(Vec::<ConnectionState>::new()));
    let seen = Arc::clone(&states);
    let root = fresh_container();
    let _mounted = mount_to(root.clone(), move || {
        view! {
            <OperatorChat
                token_source=never_answers()
                initially_open=true
                on_state_change=move |s| seen.lock().unwrap().push(s)
            />
        }
    });
    settle().await;
    assert_eq!(
        *states.lock().unwrap(),
        vec![ConnectionState::FetchingToken],
        "an open panel starts the connection"
    );
}

#[wasm_bindgen_test]
async fn a_closed_launcher_does_not_start_a_conversation() {
    let calls = Rc::new(Cell::new(0));
    let root = fresh_container();
    let source = refuses(Rc::clone(&calls));
    let _mounted = mount_to(
        root.clone(),
        move || view! { <OperatorChat token_source=source /> },
    );
    settle().await;
    assert_eq!(
        calls.get(),
        0,
        "no token is requested before the visitor opens the chat"
    );
    click(&expect_testid(&root, "launcher"));
    wait_for("a token request on open", 2000.0, || calls.get() == 1).await;
}

#[wasm_bindgen_test]
async fn styles_are_adopted_into_the_shadow_root_it_renders_in() {
    let host = fresh_container();
    let init = web_sys::ShadowRootInit::new(web_sys::ShadowRootMode::Open);
    let shadow = host.attach_shadow(&init).unwrap();
    let document = web_sys::window().unwrap().document().unwrap();
    let inner: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    shadow.append_child(&inner).unwrap();
    let _mounted = mount_to(inner, || {
        view! { <OperatorChat token_source=never_answers() inline=true /> }
    });
    wait_for("an adopted stylesheet", 2000.0, || {
        shadow.adopted_style_sheets().length() == 1
    })
    .await;
    settle().await;
    assert_eq!(
        shadow.adopted_style_sheets().length(),
        1,
        "adopted once, not per render"
    );
}

/// Credentials whose URLs lead nowhere (a closed port on 127.0.0.1): every connect fails.
fn unreachable_grant(calls: Rc<Cell<u32>>) -> TokenSourceFn {
    TokenSourceFn::from(move || -> TokenFuture {
        calls.set(calls.get() + 1);
        Box::pin(async {
            let body = r#"{"conversation_id":"conv_nowhere","token":"tok_x","expires_at":"2999-01-01T00:00:00Z",
                "events_url":"http://127.0.0.1:9/conversations/conv_nowhere/events",
                "session_url":"ws://127.0.0.1:9/conversations/conv_nowhere/session"}"#;
            let session = operator_chat::protocol::SessionResponse::from_json(body)
                .map_err(TokenError::invalid_response)?;
            Ok(operator_chat::token::Credentials::from(session))
        })
    })
}

#[wasm_bindgen_test]
async fn repeated_connection_failures_show_in_the_error_line_and_retry_skips_the_wait() {
    let calls = Rc::new(Cell::new(0));
    let states = Arc::new(Mutex::new(Vec::<ConnectionState>::new()));
    let seen = Arc::clone(&states);
    let root = fresh_container();
    let source = unreachable_grant(Rc::clone(&calls));
    let _mounted = mount_to(root.clone(), move || {
        view! {
            <OperatorChat
                token_source=source
                inline=true
                on_state_change=move |s| seen.lock().unwrap().push(s)
            />
        }
    });
    let error = expect_testid(&root, "error");
    for _ in 0..300 {
        if !is_hidden(&error) {
            break;
        }
        sleep_ms(50).await;
    }
    assert!(
        !is_hidden(&error),
        "no notice; states: {:?}",
        states.lock().unwrap()
    );
    let text = error.text_content().unwrap_or_default();
    assert!(
        text.contains("connection dropped"),
        "readable notice: {text}"
    );
    assert!(
        calls.get() >= 2,
        "failed connects led to a new token: {} calls",
        calls.get()
    );
    let status = expect_testid(&root, "status");
    assert_eq!(
        status.get_attribute("data-state").as_deref(),
        Some("reconnecting")
    );

    let before = states.lock().unwrap().len();
    click(&expect_testid(&root, "retry"));
    settle().await;
    let after: Vec<_> = states.lock().unwrap()[before..].to_vec();
    assert!(
        after.iter().any(|s| matches!(
            s,
            ConnectionState::Connecting | ConnectionState::RefreshingToken
        )),
        "Retry tries again at once: {after:?}"
    );
}

fn saved(key: &str) -> Option<serde_json::Value> {
    let storage = web_sys::window()?.session_storage().ok()??;
    let text = storage.get_item(key).ok()??;
    serde_json::from_str(&text).ok()
}

fn clear_saved(key: &str) {
    if let Some(storage) = web_sys::window().and_then(|w| w.session_storage().ok().flatten()) {
        storage.remove_item(key).unwrap();
    }
}

#[wasm_bindgen_test]
async fn persistence_keeps_the_conversation_and_the_token_only_when_asked() {
    let key = "operator-chat:token-source";
    clear_saved(key);
    let root = fresh_container();
    let source = unreachable_grant(Rc::new(Cell::new(0)));
    let mounted = mount_to(root.clone(), move || {
        view! { <OperatorChat token_source=source inline=true persist=true /> }
    });
    wait_for("saved state", 5_000.0, || saved(key).is_some()).await;
    let state = saved(key).unwrap();
    assert_eq!(state["conversation_id"], "conv_nowhere");
    assert!(
        state["token"].is_null(),
        "no token without persist_token: {state}"
    );
    drop(mounted);

    clear_saved(key);
    let root = fresh_container();
    let source = unreachable_grant(Rc::new(Cell::new(0)));
    let _mounted = mount_to(root.clone(), move || {
        view! { <OperatorChat token_source=source inline=true persist=true persist_token=true /> }
    });
    wait_for("saved state with token", 5_000.0, || saved(key).is_some()).await;
    let state = saved(key).unwrap();
    assert_eq!(
        state["token"]["token"], "tok_x",
        "the host opted in to keep the token"
    );
    clear_saved(key);
}

#[wasm_bindgen_test]
async fn a_saved_unexpired_token_is_reused_without_asking_the_token_source() {
    let key = "operator-chat:token-source";
    let storage = web_sys::window()
        .and_then(|w| w.session_storage().ok().flatten())
        .unwrap();
    let saved = serde_json::json!({
        "conversation_id": "conv_saved",
        "last_event_id": "ev_7",
        "token": {
            "token": "tok_saved",
            "expires_at_ms": 32_503_680_000_000_i64,
            "events_url": "http://127.0.0.1:9/conversations/conv_saved/events",
            "session_url": "ws://127.0.0.1:9/conversations/conv_saved/session",
        },
    });
    storage.set_item(key, &saved.to_string()).unwrap();
    let calls = Rc::new(Cell::new(0));
    let states = Arc::new(Mutex::new(Vec::<ConnectionState>::new()));
    let seen = Arc::clone(&states);
    let root = fresh_container();
    let source = unreachable_grant(Rc::clone(&calls));
    let _mounted = mount_to(root.clone(), move || {
        view! {
            <OperatorChat
                token_source=source
                inline=true
                persist=true
                persist_token=true
                on_state_change=move |s| seen.lock().unwrap().push(s)
            />
        }
    });
    wait_for("a connect attempt", 5_000.0, || {
        states
            .lock()
            .unwrap()
            .contains(&ConnectionState::Connecting)
    })
    .await;
    let states = states.lock().unwrap().clone();
    let first_connect = states
        .iter()
        .position(|s| *s == ConnectionState::Connecting)
        .unwrap();
    assert!(
        !states[..first_connect].contains(&ConnectionState::FetchingToken),
        "the saved token was used for the first connect: {states:?}"
    );
    clear_saved(key);
}

#[wasm_bindgen_test]
async fn persist_key_keeps_each_users_state_apart_and_clear_persisted_forgets_it() {
    let bob = "operator-chat@bob:token-source";
    let alice = "operator-chat@alice:token-source";
    // Alice's saved grant is in the tab; Bob's widget must not use it.
    let storage = web_sys::window()
        .and_then(|w| w.session_storage().ok().flatten())
        .unwrap();
    let saved_alice = serde_json::json!({
        "conversation_id": "conv_alice", "last_event_id": "ev_7",
        "token": {"token": "tok_alice", "expires_at_ms": 32_503_680_000_000_i64,
            "events_url": "http://127.0.0.1:9/conversations/conv_alice/events",
            "session_url": "ws://127.0.0.1:9/conversations/conv_alice/session"},
    });
    storage.set_item(alice, &saved_alice.to_string()).unwrap();
    clear_saved(bob);
    let calls = Rc::new(Cell::new(0));
    let source = unreachable_grant(Rc::clone(&calls));
    let controller = operator_chat::js_api::ChatController::default();
    let control = controller.clone();
    let root = fresh_container();
    let _mounted = mount_to(root.clone(), move || {
        view! {
            <OperatorChat
                token_source=source
                inline=true
                persist=true
                persist_token=true
                persist_key="bob"
                controller=control
            />
        }
    });
    wait_for("bob's saved state", 5_000.0, || saved(bob).is_some()).await;
    assert!(calls.get() >= 1, "bob's widget asked its token source");
    assert_eq!(saved(bob).unwrap()["conversation_id"], "conv_nowhere");
    assert_eq!(
        saved(alice).unwrap()["token"]["token"],
        "tok_alice",
        "alice's entry is left alone"
    );

    assert!(controller.control(operator_chat::js_api::Control::ClearPersisted));
    assert!(saved(bob).is_none(), "forgotten at once");
    settle().await;
    sleep_ms(200).await;
    assert!(saved(bob).is_none(), "and never saved again by this widget");
    operator_chat::clear_persisted("token-source", Some("alice"));
    assert!(
        saved(alice).is_none(),
        "clear_persisted() forgets alice's entry"
    );
}

#[wasm_bindgen_test]
async fn without_persist_nothing_is_stored() {
    let key = "operator-chat:token-source";
    clear_saved(key);
    let root = fresh_container();
    let calls = Rc::new(Cell::new(0));
    let source = unreachable_grant(Rc::clone(&calls));
    let _mounted = mount_to(root.clone(), move || {
        view! { <OperatorChat token_source=source inline=true /> }
    });
    wait_for("a token request", 2_000.0, || calls.get() >= 1).await;
    settle().await;
    assert!(
        saved(key).is_none(),
        "sessionStorage stays empty unless persist is set"
    );
}

/// An inline chat, 400px high, whose visitor typed `count` messages (never sent: no token), and
/// its mount (kept alive by the caller).
async fn inline_chat_with_messages(count: usize) -> (web_sys::HtmlElement, impl Sized) {
    let root = fresh_container();
    let mounted = mount_to(root.clone(), || {
        view! { <OperatorChat token_source=never_answers() inline=true /> }
    });
    settle().await;
    // The inline panel fills its root; give the root a height, as a page would.
    let chat = expect_testid(&root, "operator-chat");
    let chat: &web_sys::HtmlElement = chat.unchecked_ref();
    chat.style().set_property("height", "400px").unwrap();
    type_messages(&root, 1..=count, "").await;
    (root, mounted)
}

/// Types and sends messages `numbers` ("message N" and `tail`), then checks that each has its
/// row, in order.
async fn type_messages(
    root: &web_sys::Element,
    numbers: std::ops::RangeInclusive<usize>,
    tail: &str,
) {
    if numbers.is_empty() {
        return;
    }
    let composer = expect_testid(root, "composer");
    let last = *numbers.end();
    for i in numbers {
        type_text(&composer, &format!("message {i}{tail}"));
        key_down(&composer, "Enter", false);
    }
    settle().await;
    let users = rows(root, "user");
    assert_eq!(users.len(), last, "every message has its row");
    assert_eq!(
        row_text(&users[last - 1]),
        format!("message {last}{tail}"),
        "in order"
    );
}

/// The transcript is scrolled to its newest row.
fn assert_newest_row_in_view(root: &web_sys::Element) {
    let log = expect_testid(root, "transcript");
    assert!(
        log.scroll_top() + log.client_height() >= log.scroll_height() - 2,
        "the newest row is in view: top {} + height {} < {}",
        log.scroll_top(),
        log.client_height(),
        log.scroll_height()
    );
}

#[wasm_bindgen_test]
async fn a_long_transcript_comes_in_chunks_in_a_group_and_stays_scrolled_to_the_newest_row() {
    let (root, _mounted) = inline_chat_with_messages(40).await;
    let chunks: Vec<usize> = all(&root, ".oc-chunk")
        .iter()
        .map(|c| c.child_element_count() as usize)
        .collect();
    assert_eq!(chunks, [32, 8], "rows are grouped in chunks of 32");
    let groups: Vec<usize> = all(&root, ".oc-group")
        .iter()
        .map(|g| g.query_selector_all(":scope > .oc-chunk").unwrap().length() as usize)
        .collect();
    assert_eq!(groups, [2], "chunks are grouped, 32 to a group");
    let log = expect_testid(&root, "transcript");
    assert!(
        log.scroll_height() > log.client_height(),
        "the transcript overflows"
    );
    assert_newest_row_in_view(&root);
}

#[wasm_bindgen_test]
async fn a_chunk_of_tall_rows_that_fills_up_keeps_the_newest_row_in_view() {
    // Each row several lines high: a full chunk is far taller than its size estimate, which it
    // must not take when it stops being the newest.
    let tail = " and some more words to wrap".repeat(12);
    let (root, _mounted) = inline_chat_with_messages(0).await;
    type_messages(&root, 1..=32, &tail).await;
    assert_newest_row_in_view(&root);
    for i in 33..=35 {
        type_messages(&root, i..=i, &tail).await;
        assert_newest_row_in_view(&root);
    }
    let chunks = all(&root, ".oc-chunk");
    assert_eq!(chunks.len(), 2);
    assert!(
        chunks[0].client_height() > 3_000,
        "the full chunk keeps its height: {}",
        chunks[0].client_height()
    );
}

#[wasm_bindgen_test]
async fn a_transcript_over_1024_rows_starts_a_group_and_skips_the_full_one_off_screen() {
    let (root, _mounted) = inline_chat_with_messages(1_024).await;
    assert_eq!(
        all(&root, ".oc-group").len(),
        1,
        "1,024 rows fill one group"
    );
    assert_newest_row_in_view(&root);
    // Rows sent one by one after it start the next group, and the view follows each.
    for i in 1_025..=1_030 {
        type_messages(&root, i..=i, "").await;
        assert_newest_row_in_view(&root);
    }
    let groups = all(&root, ".oc-group");
    let rows_in = |g: &web_sys::Element| g.query_selector_all(".oc-row").unwrap().length();
    assert_eq!(
        groups.iter().map(rows_in).collect::<Vec<_>>(),
        [1_024, 6],
        "1,024 rows to a group"
    );
    let visibility = |e: &web_sys::Element| {
        web_sys::window()
            .unwrap()
            .get_computed_style(e)
            .unwrap()
            .expect("a computed style")
            .get_property_value("content-visibility")
            .unwrap()
    };
    assert_eq!(visibility(&groups[0]), "auto", "a full group");
    let last_chunk = groups[0].last_element_child().expect("chunks");
    assert_eq!(visibility(&last_chunk), "auto", "a full group's last chunk");
    assert_eq!(
        visibility(&groups[1]),
        "visible",
        "the newest group always renders"
    );
    // `checkVisibility({contentVisibilityAuto: true})`: false inside content the browser skips.
    let rendered = |e: &web_sys::Element| {
        let options = js_sys::Object::new();
        js_sys::Reflect::set(&options, &"contentVisibilityAuto".into(), &true.into()).unwrap();
        let check: js_sys::Function = js_sys::Reflect::get(e, &"checkVisibility".into())
            .unwrap()
            .unchecked_into();
        check
            .call1(e, &options)
            .unwrap()
            .as_bool()
            .expect("a boolean")
    };
    let users = rows(&root, "user");
    assert!(
        !rendered(&users[0]),
        "the first group is skipped off screen"
    );
    assert!(rendered(&users[1_029]), "the newest row is rendered");
}

fn french() -> Strings {
    Strings {
        open_chat: "Ouvrir la discussion".into(),
        title: "Discutons".into(),
        send: "Envoyer".into(),
        retry: "Réessayer".into(),
        status_offline: "Hors ligne".into(),
        error_token_source: "Impossible de démarrer : {message}".into(),
        ..Strings::default()
    }
}

#[wasm_bindgen_test]
async fn overridden_strings_render_and_the_others_stay_english() {
    let calls = Rc::new(Cell::new(0));
    let root = fresh_container();
    let source = refuses(Rc::clone(&calls));
    let _mounted = mount_to(root.clone(), move || {
        view! { <OperatorChat token_source=source strings=french() /> }
    });
    settle().await;
    let launcher = expect_testid(&root, "launcher");
    assert_eq!(
        launcher.get_attribute("aria-label").as_deref(),
        Some("Ouvrir la discussion")
    );
    click(&launcher);
    settle().await;
    assert_eq!(
        launcher.get_attribute("aria-label").as_deref(),
        Some("Close chat"),
        "a text not overridden stays English"
    );
    let panel = expect_testid(&root, "panel");
    assert_eq!(
        panel.get_attribute("aria-label").as_deref(),
        Some("Discutons")
    );
    assert_eq!(
        expect_testid(&root, "send")
            .get_attribute("aria-label")
            .as_deref(),
        Some("Envoyer")
    );
    assert_eq!(
        expect_testid(&root, "composer")
            .get_attribute("placeholder")
            .as_deref(),
        Some("Write a message…"),
        "the placeholder stays English"
    );
    assert_eq!(
        expect_testid(&root, "transcript")
            .get_attribute("aria-label")
            .as_deref(),
        Some("Conversation")
    );

    let error = expect_testid(&root, "error");
    wait_for("the error line", 2000.0, || !is_hidden(&error)).await;
    let message = error
        .query_selector(".oc-error-text")
        .unwrap()
        .expect("the error text");
    assert_eq!(
        message.text_content().as_deref(),
        Some("Impossible de démarrer : chat is closed for this account (forbidden)"),
        "the translated error, with the token source's message filled in"
    );
    assert_eq!(
        expect_testid(&root, "retry").text_content().as_deref(),
        Some("Réessayer")
    );
    assert_eq!(
        expect_testid(&root, "status").text_content().as_deref(),
        Some("Hors ligne")
    );
    assert_eq!(
        expect_testid(&root, "new-chat").text_content().as_deref(),
        Some("Start new chat")
    );
}

#[wasm_bindgen_test]
async fn the_title_and_placeholder_props_win_over_the_strings() {
    let root = fresh_container();
    let strings = Strings {
        placeholder: "Écrivez…".into(),
        ..french()
    };
    let _mounted = mount_to(root.clone(), move || {
        view! {
            <OperatorChat
                token_source=never_answers()
                inline=true
                title="Acme"
                placeholder="Votre question"
                strings=strings
            />
        }
    });
    settle().await;
    assert_eq!(
        expect_testid(&root, "panel")
            .get_attribute("aria-label")
            .as_deref(),
        Some("Acme")
    );
    assert_eq!(
        expect_testid(&root, "composer")
            .get_attribute("placeholder")
            .as_deref(),
        Some("Votre question")
    );
}

#[wasm_bindgen_test]
fn numeric_theme_values_are_set_as_javascript_writes_the_number() {
    let host = fresh_container();
    let options = js_sys::JSON::parse(
        r#"{"sessionEndpoint":"http://127.0.0.1:9/operator/session",
            "theme":{"zIndex":1000,"panelWidth":22.5,"radius":"4px"}}"#,
    )
    .unwrap();
    let handle = operator_chat::js_api::mount(&host, options).unwrap();
    let chat_root: web_sys::HtmlElement = host
        .shadow_root()
        .unwrap()
        .query_selector(".oc-root")
        .unwrap()
        .unwrap()
        .unchecked_into();
    let style = chat_root.style();
    assert_eq!(style.get_property_value("--oc-z").unwrap(), "1000");
    assert_eq!(
        style.get_property_value("--oc-panel-width").unwrap(),
        "22.5"
    );
    assert_eq!(style.get_property_value("--oc-radius").unwrap(), "4px");
    handle.destroy();
}

#[wasm_bindgen_test]
fn mounting_into_an_element_without_shadow_dom_names_it_in_lowercase() {
    let document = web_sys::window().unwrap().document().unwrap();
    let input = document.create_element("INPUT").unwrap();
    document.body().unwrap().append_child(&input).unwrap();
    let options =
        js_sys::JSON::parse(r#"{"sessionEndpoint":"http://127.0.0.1:9/operator/session"}"#)
            .unwrap();
    let Err(err) = operator_chat::js_api::mount(&input, options) else {
        panic!("an <input> cannot host a shadow root");
    };
    let message = js_sys::Reflect::get(&JsValue::from(err), &JsValue::from_str("message"))
        .unwrap()
        .as_string()
        .unwrap_or_default();
    assert!(
        message.contains("a <input> cannot host a shadow root"),
        "{message}"
    );
    input.remove();
}
