//! Messages written just before a drop: acknowledged by the replay after the reconnect, or
//! reported as unconfirmed so the user can send them again. Never lost silently, never resent
//! behind the user's back.

use crate::json::json;

use super::harness::*;
use crate::connection::*;
use crate::protocol::ClientMessage;
use crate::transcript::{EntryKind, UserStatus};

fn confirm_timer(cmds: &[Command]) -> (TimerId, u64) {
    timer(cmds, TimerKind::Confirm)
}

fn has_confirm_timer(cmds: &[Command]) -> bool {
    cmds.iter().any(
        |c| matches!(c, Command::ScheduleTimer { timer, .. } if timer.kind == TimerKind::Confirm),
    )
}

/// Open on connection 1, send `c_1`, drop, and reopen on connection 2. Returns the policy and
/// the commands of the reopening.
fn sent_then_dropped() -> (Policy, Vec<Command>) {
    let mut p = policy();
    let (id, _) = open_policy(&mut p, 0);
    assert_eq!(
        sent_ids(&p.send(ClientMessage::user_message("c_1", "hi"))),
        ["c_1"]
    );
    p.handle(Input::Closed(id, Channel::Session), 5_000);
    let retry = p.retry.map(|r| r.timer).expect("a retry is pending");
    let cmds = p.handle(Input::TimerFired(retry), 6_000);
    let reopened = open_both(&mut p, connection(&cmds), 6_000);
    assert_eq!(p.state(), &ConnectionState::Open);
    (p, reopened)
}

#[test]
fn an_unacknowledged_message_from_before_the_drop_is_reported_after_the_wait() {
    let (mut p, reopened) = sent_then_dropped();
    let (confirm, after) = confirm_timer(&reopened);
    assert_eq!(after, 4_000, "the default wait");
    assert!(sent_ids(&reopened).is_empty(), "never resent by itself");
    let cmds = p.handle(Input::TimerFired(confirm), 10_000);
    assert_eq!(
        cmds,
        vec![Command::Unconfirmed(ClientMessage::user_message(
            "c_1", "hi"
        ))]
    );
    assert!(
        p.handle(Input::TimerFired(confirm), 10_001).is_empty(),
        "reported once"
    );
}

#[test]
fn a_message_acknowledged_by_the_replay_is_not_reported() {
    let (mut p, reopened) = sent_then_dropped();
    let (confirm, _) = confirm_timer(&reopened);
    p.on_event(&event(
        "ev_9",
        json!({"type": "user.message.received", "text": "hi", "client_message_id": "c_1"}),
    ));
    assert!(p.handle(Input::TimerFired(confirm), 10_000).is_empty());
}

#[test]
fn without_a_drop_there_is_nothing_to_confirm() {
    let mut p = policy();
    open_policy(&mut p, 0);
    let sent = p.send(ClientMessage::user_message("c_1", "hi"));
    assert!(!has_confirm_timer(&sent));
}

#[test]
fn a_second_drop_before_the_wait_ends_defers_the_report_to_the_next_open() {
    let (mut p, reopened) = sent_then_dropped();
    let (confirm, _) = confirm_timer(&reopened);
    let current = p.connection;
    p.handle(Input::Closed(current, Channel::Events), 7_000);
    assert!(
        p.handle(Input::TimerFired(confirm), 10_000).is_empty(),
        "not while reconnecting"
    );
    let retry = p.retry.map(|r| r.timer).expect("a retry is pending");
    let cmds = p.handle(Input::TimerFired(retry), 11_000);
    let reopened = open_both(&mut p, connection(&cmds), 11_000);
    let (confirm, _) = confirm_timer(&reopened);
    let cmds = p.handle(Input::TimerFired(confirm), 15_000);
    assert_eq!(
        cmds,
        vec![Command::Unconfirmed(ClientMessage::user_message(
            "c_1", "hi"
        ))]
    );
}

fn user_status(c: &Conversation, index: usize) -> UserStatus {
    match &c.transcript().entries()[index].kind {
        EntryKind::User(m) => m.status,
        other => panic!("row {index} is not a user message: {other:?}"),
    }
}

/// A conversation whose first message was written just before a drop and is now reported
/// unconfirmed.
fn unconfirmed_conversation() -> Conversation {
    let mut c = Conversation::new(policy().with_resume_cursor(Some("ev_0".into())), "c_tab");
    c.handle(Input::Start, 0);
    let cmds = c.handle(Input::TokenFetched(creds("t", None)), 0).commands;
    let first = connection(&cmds);
    c.handle(Input::Opened(first, Channel::Events), 0);
    c.handle(Input::Opened(first, Channel::Session), 0);
    c.send_text("lost?", 1);
    assert_eq!(user_status(&c, 0), UserStatus::Sent);
    c.handle(Input::Closed(first, Channel::Session), 5_000);
    let retry = match c.policy().retry {
        Some(r) => r.timer,
        None => panic!("a retry is pending"),
    };
    let cmds = c.handle(Input::TimerFired(retry), 6_000).commands;
    let second = connection(&cmds);
    c.handle(Input::Opened(second, Channel::Events), 6_000);
    let opened = c.handle(Input::Opened(second, Channel::Session), 6_000);
    let (confirm, _) = confirm_timer(&opened.commands);
    let update = c.handle(Input::TimerFired(confirm), 10_000);
    assert_eq!(update.changes, [crate::transcript::Change::Updated(0)]);
    assert_eq!(user_status(&c, 0), UserStatus::Unconfirmed);
    c
}

#[test]
fn sending_an_unconfirmed_message_again_reuses_its_row_and_id() {
    let mut c = unconfirmed_conversation();
    let update = c.resend("c_tab_1");
    assert_eq!(sent_ids(&update.commands), ["c_tab_1"]);
    assert_eq!(user_status(&c, 0), UserStatus::Sent);
    assert_eq!(c.transcript().entries().len(), 1, "no new row");
    assert_eq!(
        c.resend("c_tab_1"),
        Update::default(),
        "only an unconfirmed message is sent again"
    );
}

#[test]
fn a_late_acknowledgement_still_confirms_an_unconfirmed_message() {
    let mut c = unconfirmed_conversation();
    let ack = json!({"id": "ev_5", "created_at": "2025-07-01T12:00:00Z", "agent_id": "a",
        "livemode": true, "conversation_id": "conv_1", "experimental": false,
        "payload": {"type": "user.message.received", "text": "lost?"}});
    c.receive_frame(&ack.to_string()).expect("valid frame");
    assert_eq!(user_status(&c, 0), UserStatus::Confirmed);
    assert_eq!(
        c.transcript().entries().len(),
        1,
        "matched by text, no new row"
    );
}
