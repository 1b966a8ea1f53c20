//! The transcript and the policy driven together through [`Conversation`].

use serde_json::json;

use super::harness::*;
use crate::connection::*;
use crate::transcript::{Change, EntryKind, UserStatus};

fn conversation() -> Conversation {
    Conversation::new(existing_policy(), "c_tab")
}

fn user_status(c: &Conversation, index: usize) -> UserStatus {
    match &c.transcript().entries()[index].kind {
        EntryKind::User(m) => m.status,
        other => panic!("row {index} is not a user message: {other:?}"),
    }
}

fn frame(id: &str, payload: serde_json::Value) -> String {
    json!({"id": id, "created_at": "2025-07-01T12:00:00Z", "agent_id": "a", "livemode": true,
        "conversation_id": "conv_1", "experimental": false, "payload": payload})
    .to_string()
}

#[test]
fn a_message_typed_offline_is_pending_then_sent_on_open_then_confirmed() {
    let mut c = conversation();
    c.handle(Input::Start, 0);
    let typed = c.send_text("Hi", 1);
    assert_eq!(typed.changes, [Change::Added(0)]);
    assert!(typed.commands.is_empty(), "nothing to send on yet");
    assert_eq!(user_status(&c, 0), UserStatus::Pending);
    let cmds = c.handle(Input::TokenFetched(creds("t", None)), 2).commands;
    let id = connection(&cmds);
    c.handle(Input::Opened(id, Channel::Events), 3);
    let opened = c.handle(Input::Opened(id, Channel::Session), 3);
    assert_eq!(sent_ids(&opened.commands), ["c_tab_1"]);
    assert_eq!(opened.changes, [Change::Updated(0)]);
    assert_eq!(user_status(&c, 0), UserStatus::Sent);
    let ack = json!({"type": "user.message.received", "text": "Hi"});
    let update = c.receive_frame(&frame("ev_1", ack)).expect("valid frame");
    assert_eq!(update.changes, [Change::Updated(0)]);
    assert_eq!(user_status(&c, 0), UserStatus::Confirmed);
}

#[test]
fn a_replayed_frame_changes_nothing() {
    let mut c = conversation();
    let started = frame("ev_1", json!({"type": "conversation.started"}));
    c.receive_frame(&started).expect("valid");
    c.receive_frame(&frame(
        "ev_2",
        json!({"type": "agent.notice.sent", "text": "n"}),
    ))
    .expect("valid");
    assert_eq!(c.receive_frame(&started), Ok(Update::default()));
    assert_eq!(c.transcript().last_event_id(), Some("ev_2"));
    assert_eq!(c.transcript().entries().len(), 2);
}

#[test]
fn a_malformed_frame_is_an_error_and_changes_nothing() {
    let mut c = conversation();
    assert!(c.receive_frame("{not json").is_err());
    assert!(c.transcript().entries().is_empty());
    assert_eq!(c.transcript().last_event_id(), None);
}

#[test]
fn messages_still_queued_at_the_end_are_marked_failed() {
    let mut c = conversation();
    c.handle(Input::Start, 0);
    c.send_text("too late", 1);
    let update = c
        .receive_frame(&frame("ev_9", json!({"type": "conversation.ended"})))
        .expect("valid");
    assert_eq!(update.changes, [Change::Added(1), Change::Updated(0)]);
    assert_eq!(user_status(&c, 0), UserStatus::Failed);
    assert_eq!(c.policy().state(), &ConnectionState::Ended);
}

#[test]
fn a_refused_write_goes_back_to_pending_and_is_resent_on_the_next_open() {
    let mut c = conversation();
    let id = open_conversation(&mut c);
    let sent = c.send_text("hello", 1);
    assert_eq!(sent_ids(&sent.commands), ["c_tab_1"]);
    assert_eq!(c.send_failed("c_tab_1").changes, [Change::Updated(0)]);
    assert_eq!(user_status(&c, 0), UserStatus::Pending);
    let retry = c.handle(Input::Closed(id, Channel::Session), 2).commands;
    let again = c
        .handle(Input::TimerFired(timer(&retry, TimerKind::Retry).0), 500)
        .commands;
    let id = connection(&again);
    c.handle(Input::Opened(id, Channel::Events), 600);
    let opened = c.handle(Input::Opened(id, Channel::Session), 600);
    assert_eq!(sent_ids(&opened.commands), ["c_tab_1"], "re-sent once");
}

#[test]
fn context_updates_and_end_requests_get_their_own_client_ids() {
    let mut c = conversation();
    c.handle(Input::Start, 0);
    c.update_context(json!({"plan": "pro"}).into());
    c.end();
    let ids: Vec<&str> = c
        .policy()
        .queued_messages()
        .map(|m| m.id.as_str())
        .collect();
    assert_eq!(ids, ["c_tab_1", "c_tab_2"]);
}

#[test]
fn the_emulator_fixture_events_build_a_full_transcript() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("crates/api-emulator/fixtures/events");
    let mut frames: Vec<String> = std::fs::read_dir(dir)
        .expect("fixtures")
        .map(|e| std::fs::read_to_string(e.expect("entry").path()).expect("readable"))
        .collect();
    frames.sort_by_key(|f| {
        serde_json::from_str::<serde_json::Value>(f).expect("json")["id"].to_string()
    });
    let mut c = conversation();
    for f in &frames {
        c.receive_frame(f).expect("fixture frame parses");
    }
    let kinds: Vec<String> = c
        .transcript()
        .entries()
        .iter()
        .map(|e| match &e.kind {
            EntryKind::User(_) => "user".into(),
            EntryKind::Agent(m) => format!("agent:{}", m.text),
            EntryKind::ToolCall(t) => format!("tool:{:?}", t.status),
            EntryKind::Notice { .. } => "notice".into(),
            EntryKind::Error { .. } => "error".into(),
            EntryKind::ContextUpdated { .. } => "context".into(),
            EntryKind::Started => "started".into(),
            EntryKind::Ended { .. } => "ended".into(),
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "started",
            "context",
            "notice",
            "agent:Hello! How can I help?",
            "tool:Returned",
            "user",
            "ended",
            "error"
        ]
    );
    assert_eq!(c.transcript().last_event_id(), Some("ev_fixture10"));
}

#[test]
fn a_message_over_the_socket_limit_is_marked_failed_with_an_error_row_and_never_sent() {
    let mut c = conversation();
    c.handle(Input::Start, 0);
    let id = connection(&c.handle(Input::TokenFetched(creds("t", None)), 1).commands);
    c.handle(Input::Opened(id, Channel::Events), 2);
    c.handle(Input::Opened(id, Channel::Session), 2);
    let big = "x".repeat(MAX_MESSAGE_BYTES);
    let refused = c.send_text(&big, 3);
    assert!(
        sent_ids(&refused.commands).is_empty(),
        "too large: nothing goes to the socket ({:?})",
        refused.commands
    );
    assert_eq!(user_status(&c, 0), UserStatus::Failed);
    match &c.transcript().entries()[1].kind {
        EntryKind::Error { message, code } => {
            assert_eq!(code.as_deref(), Some(MESSAGE_TOO_LARGE));
            assert!(message.contains("too long"), "a clear reason: {message}");
        }
        other => panic!("an error row follows the refused message, got {other:?}"),
    }
    assert!(
        refused.changes.contains(&Change::Added(1)),
        "the error row renders"
    );
    assert_eq!(c.policy().queued_messages().count(), 0, "not queued either");
    let fits = c.send_text(&"y".repeat(MAX_MESSAGE_BYTES - 200), 4);
    assert_eq!(
        sent_ids(&fits.commands),
        ["c_tab_2"],
        "a message under the limit is sent"
    );
}

#[test]
fn text_after_a_tool_call_reports_both_rows_to_render() {
    let mut c = conversation();
    let delta = |id: &str, text: &str| {
        frame(
            id,
            json!({"type": "agent.message.delta", "text_delta": text, "generation_id": "g"}),
        )
    };
    c.receive_frame(&delta("ev_1", "Let me look. "))
        .expect("valid frame");
    let call = json!({"type": "agent.tool_call.created", "call_id": "call_1",
        "name": "lookup_order", "arguments": "{}"});
    c.receive_frame(&frame("ev_2", call)).expect("valid frame");
    let after = c
        .receive_frame(&delta("ev_3", "Shipped."))
        .expect("valid frame");
    assert_eq!(
        after.changes,
        [Change::Continued {
            closed: 0,
            added: 2
        }]
    );
}
