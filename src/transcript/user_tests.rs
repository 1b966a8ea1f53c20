//! Tests of optimistic user messages and their acknowledgement.

use serde_json::json;

use super::tests::{completed, event};
use super::*;
use crate::protocol::Event;

fn received(id: &str, text: &str, client_id: Option<&str>) -> Event {
    let mut payload = json!({"type": "user.message.received", "text": text});
    if let Some(client_id) = client_id {
        let fields = payload.as_object_mut().expect("an object");
        fields.insert("client_message_id".into(), json!(client_id));
    }
    event(id, payload)
}

fn user(t: &Transcript, index: usize) -> &UserMessage {
    match &t.entries()[index].kind {
        EntryKind::User(message) => message,
        other => panic!("row {index} is not a user message: {other:?}"),
    }
}

/// Adds a message the user wrote and marks it written to the socket.
fn written(t: &mut Transcript, client_id: &str, text: &str) -> usize {
    let Change::Added(row) = t.add_pending_user(client_id, text, 1) else {
        panic!("{client_id} added");
    };
    assert_eq!(t.mark_sent(client_id), Change::Updated(row));
    row
}

fn status(t: &Transcript, index: usize) -> UserStatus {
    user(t, index).status
}

#[test]
fn optimistic_message_goes_pending_sent_confirmed_by_its_text() {
    let mut t = Transcript::new();
    assert_eq!(t.add_pending_user("c_1", "Hi", 5), Change::Added(0));
    assert_eq!(
        t.add_pending_user("c_1", "Hi", 5),
        Change::None,
        "same id added once"
    );
    assert_eq!(status(&t, 0), UserStatus::Pending);
    assert_eq!(t.mark_sent("c_1"), Change::Updated(0));
    assert_eq!(status(&t, 0), UserStatus::Sent);
    assert_eq!(t.apply(&received("e1", "Hi", None)), Change::Updated(0));
    assert_eq!(status(&t, 0), UserStatus::Confirmed);
    assert_eq!(
        t.entries()[0].at_ms,
        1_751_371_200_000,
        "server time replaces local time"
    );
    assert_eq!(
        t.entries().len(),
        1,
        "no second row for the acknowledgement"
    );
}

#[test]
fn an_emulator_client_message_id_is_ignored() {
    let mut t = Transcript::new();
    written(&mut t, "c_1", "first");
    written(&mut t, "c_2", "second");
    assert_eq!(
        t.apply(&received("e1", "first", Some("c_2"))),
        Change::Updated(0),
        "the text decides, not the extension's id"
    );
    assert_eq!(status(&t, 1), UserStatus::Sent);
}

#[test]
fn the_same_text_sent_twice_is_confirmed_in_order() {
    let mut t = Transcript::new();
    written(&mut t, "c_1", "same");
    written(&mut t, "c_2", "same");
    assert_eq!(t.apply(&received("e1", "same", None)), Change::Updated(0));
    assert_eq!(status(&t, 1), UserStatus::Sent, "the second still waits");
    assert_eq!(t.apply(&received("e2", "same", None)), Change::Updated(1));
    assert_eq!(status(&t, 1), UserStatus::Confirmed);
    assert_eq!(
        t.apply(&received("e3", "same", None)),
        Change::Added(2),
        "a third acknowledgement is someone else's message"
    );
}

#[test]
fn a_lost_message_is_skipped_and_stays_unconfirmed() {
    let mut t = Transcript::new();
    written(&mut t, "c_1", "lost");
    written(&mut t, "c_2", "arrived");
    assert_eq!(
        t.apply(&received("e1", "arrived", None)),
        Change::Updated(1)
    );
    assert_eq!(status(&t, 0), UserStatus::Sent, "nothing acknowledged it");
    assert_eq!(t.mark_unconfirmed("c_1"), Change::Updated(0));
    assert_eq!(
        t.apply(&received("e2", "lost", None)),
        Change::Updated(0),
        "a late acknowledgement still confirms it"
    );
}

#[test]
fn a_message_never_written_is_not_confirmed_by_an_equal_text() {
    let mut t = Transcript::new();
    t.add_pending_user("c_1", "queued", 1);
    assert_eq!(
        t.apply(&received("e1", "queued", None)),
        Change::Added(1),
        "an acknowledgement cannot come before the message was written"
    );
    assert_eq!(status(&t, 0), UserStatus::Pending);
    t.mark_sent("c_1");
    assert_eq!(t.apply(&received("e2", "queued", None)), Change::Updated(0));
}

#[test]
fn acknowledgement_of_a_message_from_elsewhere_is_appended_as_confirmed() {
    let mut t = Transcript::new();
    written(&mut t, "c_1", "mine");
    assert_eq!(t.apply(&received("e1", "theirs", None)), Change::Added(1));
    assert_eq!(status(&t, 0), UserStatus::Sent, "ours still waits");
    assert_eq!(user(&t, 1).client_id, None);
    assert_eq!(status(&t, 1), UserStatus::Confirmed);
}

#[test]
fn a_failed_message_cannot_be_marked_sent_nor_confirmed() {
    let mut t = Transcript::new();
    t.add_pending_user("c_1", "Hi", 1);
    assert_eq!(t.mark_failed("c_1"), Change::Updated(0));
    assert_eq!(t.mark_sent("c_1"), Change::None);
    assert_eq!(t.mark_sent("unknown"), Change::None);
    assert_eq!(t.apply(&received("e1", "Hi", None)), Change::Added(1));
    assert_eq!(status(&t, 0), UserStatus::Failed);
}

#[test]
fn acknowledgements_in_an_earlier_pages_history_confirm_nothing_written_since() {
    // After a reload: the page persisted `e2` as the last event it showed. The replay rebuilds
    // "hi" (e1) as history; the visitor's new "hi", already written, waits for its own
    // acknowledgement (e3).
    let mut t = Transcript::new();
    t.set_history_until(Some("e2".into()));
    written(&mut t, "c_1", "hi");
    assert_eq!(t.apply(&received("e1", "hi", None)), Change::Added(1));
    assert_eq!(status(&t, 0), UserStatus::Sent, "history confirms nothing");
    assert_eq!(
        t.apply(&event(
            "e2",
            json!({"type": "agent.notice.sent", "text": "n"})
        )),
        Change::Added(2)
    );
    assert_eq!(t.apply(&received("e3", "hi", None)), Change::Updated(0));
    assert_eq!(status(&t, 0), UserStatus::Confirmed);
}

#[test]
fn replaying_the_whole_log_after_thousands_of_events_changes_nothing() {
    let mut t = Transcript::new();
    let mut log = Vec::new();
    for i in 0..2_500 {
        let text = format!("question {}", i % 7);
        written(&mut t, &format!("c_{i}"), &text);
        log.push(received(&format!("u{i}"), &text, None));
        log.push(completed(&format!("a{i}"), &format!("g{i}"), "answer"));
        for e in &log[log.len() - 2..] {
            assert!(matches!(t.apply(e), Change::Updated(_) | Change::Added(_)));
        }
    }
    let before = t.clone();
    for e in &log {
        assert_eq!(t.apply(e), Change::Duplicate, "{} applied once", e.id);
    }
    assert_eq!(t, before, "a full replay changes no row");
    assert_eq!(t.entries().len(), 5_000);
    assert!(t.entries().iter().all(|e| match &e.kind {
        EntryKind::User(m) => m.status == UserStatus::Confirmed,
        _ => true,
    }));
}

#[test]
fn the_agent_is_awaited_from_send_until_its_first_delta() {
    let mut t = Transcript::new();
    t.add_pending_user("c_1", "Hi", 1);
    assert!(!t.awaiting_agent(), "not while the message is only queued");
    t.mark_sent("c_1");
    assert!(t.awaiting_agent(), "sent: waiting for the agent");
    t.apply(&event(
        "e1",
        json!({"type": "agent.notice.sent", "text": "n"}),
    ));
    assert!(t.awaiting_agent(), "a notice is not an answer");
    t.apply(&event(
        "e2",
        json!({"type": "agent.message.delta", "text_delta": "H", "generation_id": "g"}),
    ));
    assert!(!t.awaiting_agent(), "the answer has begun");
    t.add_pending_user("c_2", "More", 2);
    t.mark_sent("c_2");
    t.apply(&event("e3", json!({"type": "conversation.ended"})));
    assert!(!t.awaiting_agent(), "nothing is awaited after the end");
}
