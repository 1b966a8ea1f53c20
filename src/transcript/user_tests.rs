//! Tests of optimistic user messages and their acknowledgement.

use crate::json::json;

use super::tests::event;
use super::*;
use crate::protocol::Event;

fn received(id: &str, text: &str, client_id: Option<&str>) -> Event {
    let mut payload = json!({"type": "user.message.received", "text": text});
    if let Some(client_id) = client_id {
        let fields = payload.as_object_mut().expect("an object");
        fields.insert("client_message_id", json!(client_id));
    }
    event(id, payload)
}

fn user(t: &Transcript, index: usize) -> &UserMessage {
    match &t.entries()[index].kind {
        EntryKind::User(message) => message,
        other => panic!("row {index} is not a user message: {other:?}"),
    }
}

#[test]
fn optimistic_message_goes_pending_sent_confirmed_by_client_id() {
    let mut t = Transcript::new();
    assert_eq!(t.add_pending_user("c_1", "Hi", 5), Change::Added(0));
    assert_eq!(
        t.add_pending_user("c_1", "Hi", 5),
        Change::None,
        "same id added once"
    );
    assert_eq!(user(&t, 0).status, UserStatus::Pending);
    assert_eq!(t.mark_sent("c_1"), Change::Updated(0));
    assert_eq!(user(&t, 0).status, UserStatus::Sent);
    assert_eq!(
        t.apply(&received("e1", "Hi", Some("c_1"))),
        Change::Updated(0)
    );
    assert_eq!(user(&t, 0).status, UserStatus::Confirmed);
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
fn acknowledgement_without_client_id_confirms_first_unconfirmed_equal_text() {
    let mut t = Transcript::new();
    t.add_pending_user("c_1", "same", 1);
    t.add_pending_user("c_2", "same", 2);
    assert_eq!(t.apply(&received("e1", "same", None)), Change::Updated(0));
    assert_eq!(t.apply(&received("e2", "same", None)), Change::Updated(1));
    assert_eq!(user(&t, 1).status, UserStatus::Confirmed);
}

#[test]
fn acknowledgement_of_a_message_from_elsewhere_is_appended_as_confirmed() {
    let mut t = Transcript::new();
    t.add_pending_user("c_1", "mine", 1);
    assert_eq!(
        t.apply(&received("e1", "mine", Some("other_tab"))),
        Change::Added(1)
    );
    assert_eq!(
        user(&t, 0).status,
        UserStatus::Pending,
        "ours stays pending"
    );
    assert_eq!(user(&t, 1).client_id.as_deref(), Some("other_tab"));
}

#[test]
fn a_failed_message_cannot_be_marked_sent_but_can_still_be_confirmed() {
    let mut t = Transcript::new();
    t.add_pending_user("c_1", "Hi", 1);
    assert_eq!(t.mark_failed("c_1"), Change::Updated(0));
    assert_eq!(t.mark_sent("c_1"), Change::None);
    assert_eq!(t.mark_sent("unknown"), Change::None);
    assert_eq!(
        t.apply(&received("e1", "Hi", Some("c_1"))),
        Change::Updated(0)
    );
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
