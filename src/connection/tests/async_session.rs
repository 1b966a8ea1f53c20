//! A `chat_async` conversation: open once its events stream is, each message a POST; a POST
//! refused before its answer is sent again once the connection is back, one lost before its
//! answer is sent again only if the replay does not acknowledge it, and a refusal about the
//! message alone gives that message up without touching the connection.

use serde_json::json;

use super::harness::*;
use crate::connection::*;
use crate::protocol::{ChatChannel, ClientMessage};

fn async_creds() -> crate::token::Credentials {
    crate::token::Credentials {
        channel: ChatChannel::Async,
        session_url: "http://127.0.0.1:9/conversations/conv_1/session".into(),
        ..creds("tok_1", Some(3 * HOUR))
    }
}

/// Start → async token → events stream open. Returns the connection and the last commands.
fn open_async(p: &mut Policy) -> (ConnectionId, Vec<Command>) {
    p.handle(Input::Start, 0);
    let cmds = p.handle(Input::TokenFetched(async_creds()), 0);
    let id = connection(&cmds);
    assert!(
        cmds.iter().any(
            |c| matches!(c, Command::Connect { channel: ChatChannel::Async,
            session_url, .. } if session_url.ends_with("/session?token=tok_1"))
        ),
        "the POST URL with its token: {cmds:?}"
    );
    let out = p.handle(Input::Opened(id, Channel::Events), 0);
    (id, out)
}

fn reopen_after_retry(p: &mut Policy, now: i64) -> Vec<Command> {
    let retry = p.retry.map(|r| r.timer).expect("a retry is pending");
    let cmds = p.handle(Input::TimerFired(retry), now);
    p.handle(Input::Opened(connection(&cmds), Channel::Events), now)
}

#[test]
fn an_async_conversation_is_open_with_its_events_stream_alone_and_starts() {
    let mut p = policy();
    let (_, opened) = open_async(&mut p);
    assert_eq!(p.state(), &ConnectionState::Open, "no socket to wait for");
    assert_eq!(sent_ids(&opened), ["c_start_conv_1"], "conversation.start");
}

#[test]
fn a_post_refused_with_429_is_sent_again_once_after_the_backoff() {
    let mut p = policy();
    let (id, _) = open_async(&mut p);
    assert_eq!(
        sent_ids(&p.send(ClientMessage::user_message("c_1", "hi"))),
        ["c_1"]
    );
    let refused = p.send_refused(id, "c_1", rejection(429, "rate_limited", Some(2_000)), 10);
    assert!(sent_ids(&refused).is_empty(), "not at once: {refused:?}");
    assert!(
        matches!(p.state(), ConnectionState::Reconnecting { delay_ms, .. } if *delay_ms >= 2_000),
        "backs off, never sooner than Retry-After: {:?}",
        p.state()
    );
    let reopened = reopen_after_retry(&mut p, 3_000);
    assert_eq!(sent_ids(&reopened), ["c_1"], "sent again, once");
}

#[test]
fn a_post_refused_with_401_fetches_a_token_then_sends_again() {
    let mut p = policy();
    let (id, _) = open_async(&mut p);
    p.send(ClientMessage::user_message("c_1", "hi"));
    let refused = p.send_refused(id, "c_1", rejection(401, "token_revoked", None), 10);
    assert!(refused.contains(&Command::FetchToken), "{refused:?}");
    let cmds = p.handle(Input::TokenFetched(async_creds()), 20);
    let reopened = p.handle(Input::Opened(connection(&cmds), Channel::Events), 30);
    assert_eq!(sent_ids(&reopened), ["c_1"]);
}

#[test]
fn a_message_the_service_refuses_for_itself_is_given_up_and_the_connection_stays() {
    let mut p = policy();
    let (id, _) = open_async(&mut p);
    p.send(ClientMessage::user_message("c_1", "hi"));
    let refused = p.send_refused(id, "c_1", rejection(400, "invalid_request", None), 10);
    assert_eq!(
        refused,
        vec![Command::Discard(ClientMessage::user_message("c_1", "hi"))]
    );
    assert_eq!(p.state(), &ConnectionState::Open);
}

#[test]
fn a_post_lost_before_its_answer_is_sent_again_only_if_the_replay_does_not_have_it() {
    for acknowledged in [false, true] {
        let mut p = policy();
        let (id, _) = open_async(&mut p);
        p.send(ClientMessage::user_message("c_1", "hi"));
        let lost = p.send_lost(id, "c_1", 3_000);
        assert!(lost.contains(&Command::Close), "a drop: {lost:?}");
        let reopened = reopen_after_retry(&mut p, 4_000);
        assert!(
            sent_ids(&reopened).is_empty(),
            "not before the replay had its say"
        );
        let (confirm, _) = timer(&reopened, TimerKind::Confirm);
        if acknowledged {
            p.acknowledged("c_1");
        }
        let after = p.handle(Input::TimerFired(confirm), 9_000);
        let expected: &[&str] = if acknowledged { &[] } else { &["c_1"] };
        assert_eq!(sent_ids(&after), expected, "acknowledged: {acknowledged}");
        assert!(
            !after.iter().any(|c| matches!(c, Command::Unconfirmed(_))),
            "never reported unconfirmed: {after:?}"
        );
    }
}

#[test]
fn an_async_conversation_ends_on_its_ended_event() {
    let mut p = policy();
    open_async(&mut p);
    let cmds = p.on_event(&event("ev_9", json!({"type": "conversation.ended"})));
    assert!(cmds.contains(&Command::Close));
    assert_eq!(p.state(), &ConnectionState::Ended);
}

#[test]
fn a_message_written_after_one_lost_before_its_answer_never_overtakes_it() {
    for acknowledged in [false, true] {
        let mut p = policy();
        let (id, _) = open_async(&mut p);
        p.send(ClientMessage::user_message("c_1", "first"));
        p.send(ClientMessage::user_message("c_2", "second"));
        // The driver posts one at a time: c_1's POST is lost, c_2 was never posted.
        let lost = p.send_lost(id, "c_1", 3_000);
        assert!(lost.contains(&Command::Close), "a drop: {lost:?}");
        assert!(p.send_failed("c_2"));
        let reopened = reopen_after_retry(&mut p, 4_000);
        assert!(
            sent_ids(&reopened).is_empty(),
            "c_2 waits until the replay had its say about c_1: {reopened:?}"
        );
        let (confirm, _) = timer(&reopened, TimerKind::Confirm);
        if acknowledged {
            p.acknowledged("c_1");
        }
        let after = p.handle(Input::TimerFired(confirm), 9_000);
        let expected: &[&str] = if acknowledged {
            &["c_2"]
        } else {
            &["c_1", "c_2"]
        };
        assert_eq!(sent_ids(&after), expected, "acknowledged: {acknowledged}");
    }
}
