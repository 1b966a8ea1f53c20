//! Messages written just before a drop: acknowledged by the replay after the reconnect, or
//! reported as unconfirmed so the user can send them again. Never lost silently, never resent
//! behind the user's back.

use serde_json::json;

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
    p.acknowledged("c_1");
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
    let mut c = Conversation::new(existing_policy(), "c_tab");
    let first = open_conversation(&mut c);
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

fn frame(id: &str, payload: serde_json::Value) -> String {
    json!({"id": id, "created_at": "2025-07-01T12:00:00Z", "agent_id": "a", "livemode": true,
        "conversation_id": "conv_1", "experimental": false, "payload": payload})
    .to_string()
}

/// Two messages written on connection 1; the stream had shown `history` when it dropped.
/// Returns the conversation (reopened on connection 2) and its confirm timer.
fn written_then_dropped(history: &[String]) -> (Conversation, TimerId) {
    let mut c = Conversation::new(existing_policy(), "c_tab");
    let first = open_conversation(&mut c);
    for frame in history {
        c.receive_frame(frame).expect("valid frame");
    }
    c.send_text("same", 1);
    c.send_text("same", 2);
    c.handle(Input::Closed(first, Channel::Events), 5_000);
    let retry = c
        .policy()
        .retry
        .map(|r| r.timer)
        .expect("a retry is pending");
    let cmds = c.handle(Input::TimerFired(retry), 6_000).commands;
    let second = connection(&cmds);
    c.handle(Input::Opened(second, Channel::Events), 6_000);
    let opened = c.handle(Input::Opened(second, Channel::Session), 6_000);
    let (confirm, _) = confirm_timer(&opened.commands);
    (c, confirm)
}

#[test]
fn after_a_clean_reconnect_the_replayed_acknowledgements_confirm_every_message() {
    let history = vec![
        frame("ev_1", json!({"type": "conversation.started"})),
        frame(
            "ev_2",
            json!({"type": "user.message.received", "text": "same"}),
        ),
    ];
    let (mut c, confirm) = written_then_dropped(&history);
    assert_eq!(
        c.transcript().entries().len(),
        4,
        "started, an older 'same', ours twice"
    );
    // The reconnect replays from the first event: the old ones change nothing, the two
    // acknowledgements the widget missed confirm its two messages, in order.
    let mut replay = history.clone();
    replay.push(frame(
        "ev_3",
        json!({"type": "user.message.received", "text": "same"}),
    ));
    replay.push(frame(
        "ev_4",
        json!({"type": "user.message.received", "text": "same"}),
    ));
    let changes: Vec<_> = replay
        .iter()
        .map(|f| c.receive_frame(f).expect("valid frame").changes)
        .collect();
    use crate::transcript::Change;
    assert_eq!(
        changes,
        [
            vec![],
            vec![],
            vec![Change::Updated(2)],
            vec![Change::Updated(3)]
        ],
        "rows already shown are not touched again"
    );
    let update = c.handle(Input::TimerFired(confirm), 10_000);
    assert_eq!(update, Update::default(), "nothing turns unconfirmed");
    assert_eq!(user_status(&c, 2), UserStatus::Confirmed);
    assert_eq!(user_status(&c, 3), UserStatus::Confirmed);
}

#[test]
fn after_a_reconnect_a_lost_message_still_turns_unconfirmed() {
    let (mut c, confirm) = written_then_dropped(&[]);
    // Only one of the two arrived (the service lost the other).
    c.receive_frame(&frame(
        "ev_3",
        json!({"type": "user.message.received", "text": "same"}),
    ))
    .expect("valid frame");
    let update = c.handle(Input::TimerFired(confirm), 10_000);
    assert_eq!(
        update.commands,
        vec![Command::Unconfirmed(ClientMessage::user_message(
            "c_tab_2", "same"
        ))]
    );
    assert_eq!(user_status(&c, 0), UserStatus::Confirmed);
    assert_eq!(user_status(&c, 1), UserStatus::Unconfirmed);
}

#[test]
fn messages_written_while_disconnected_are_confirmed_once_sent() {
    let mut c = Conversation::new(existing_policy(), "c_tab");
    c.handle(Input::Start, 0);
    c.send_text("offline", 1);
    let ack = frame(
        "ev_1",
        json!({"type": "user.message.received", "text": "offline"}),
    );
    let cmds = c.handle(Input::TokenFetched(creds("t", None)), 2).commands;
    let id = connection(&cmds);
    c.handle(Input::Opened(id, Channel::Events), 3);
    // An older acknowledgement with the same text arrives before the socket opened: the queued
    // message was never written, so it is another one.
    c.receive_frame(&ack).expect("valid frame");
    assert_eq!(user_status(&c, 0), UserStatus::Pending);
    assert_eq!(c.transcript().entries().len(), 2);
    c.handle(Input::Opened(id, Channel::Session), 3);
    assert_eq!(user_status(&c, 0), UserStatus::Sent);
    c.receive_frame(&frame(
        "ev_2",
        json!({"type": "user.message.received", "text": "offline"}),
    ))
    .expect("valid frame");
    assert_eq!(user_status(&c, 0), UserStatus::Confirmed);
}

#[test]
fn after_a_reload_the_replayed_history_confirms_nothing_written_on_the_new_page() {
    // The earlier page showed up to ev_2 ("hi" acknowledged). The new page writes "hi" again
    // before the replay has reached ev_2.
    let mut c =
        Conversation::new(existing_policy(), "c_new").with_history_until(Some("ev_2".into()));
    open_conversation(&mut c);
    c.send_text("hi", 1);
    for (id, payload) in [
        (
            "ev_1",
            json!({"type": "user.message.received", "text": "hi"}),
        ),
        (
            "ev_2",
            json!({"type": "agent.message.completed", "text": "hello", "interrupted": false,
            "has_tool_calls": false, "generation_id": "g1"}),
        ),
    ] {
        c.receive_frame(&frame(id, payload)).expect("valid frame");
    }
    assert_eq!(
        user_status(&c, 0),
        UserStatus::Sent,
        "the old 'hi' is history"
    );
    assert_eq!(
        user_status(&c, 1),
        UserStatus::Confirmed,
        "shown as its own row"
    );
    c.receive_frame(&frame(
        "ev_3",
        json!({"type": "user.message.received", "text": "hi"}),
    ))
    .expect("valid frame");
    assert_eq!(user_status(&c, 0), UserStatus::Confirmed);
    assert_eq!(c.transcript().entries().len(), 3);
}
