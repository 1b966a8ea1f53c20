//! The outgoing queue across drops, refreshes and the end.

use proptest::prelude::*;
use serde_json::json;

use super::harness::*;
use crate::connection::*;
use crate::protocol::ClientMessage;

fn msg(id: &str) -> ClientMessage {
    ClientMessage::user_message(id, format!("text of {id}"))
}

#[test]
fn messages_written_before_open_are_sent_once_in_order_on_open() {
    let mut p = existing_policy();
    p.handle(Input::Start, 0);
    assert!(
        p.send(msg("a")).is_empty() && p.send(msg("b")).is_empty(),
        "queued"
    );
    assert_eq!(p.queued_messages().count(), 2);
    let cmds = p.handle(Input::TokenFetched(creds("t", None)), 0);
    let opened = open_both(&mut p, connection(&cmds), 0);
    assert_eq!(sent_ids(&opened), ["a", "b"]);
    assert_eq!(p.queued_messages().count(), 0);
    assert_eq!(sent_ids(&p.send(msg("c"))), ["c"], "sent at once when open");
}

#[test]
fn messages_survive_drops_and_token_refreshes() {
    let mut p = policy();
    let (id, _) = open_policy(&mut p, 0);
    p.handle(Input::Closed(id, Channel::Events), 0);
    p.send(msg("a"));
    let cmds = p.handle(
        Input::Rejected(id, rejection(401, "token_expired", None)),
        1,
    );
    assert_eq!(cmds.last(), Some(&Command::FetchToken));
    p.send(msg("b"));
    let cmds = p.handle(Input::TokenFetched(creds("t2", None)), 2);
    assert!(sent_ids(&cmds).is_empty(), "not sent while connecting");
    assert_eq!(
        sent_ids(&open_both(&mut p, connection(&cmds), 3)),
        ["a", "b"]
    );
}

#[test]
fn a_failed_write_is_requeued_in_its_original_order_and_sent_on_the_next_open() {
    let mut p = policy();
    let (id, _) = open_policy(&mut p, 0);
    p.handle(Input::Closed(id, Channel::Events), 0);
    p.send(msg("c"));
    p.send(msg("d"));
    let cmds = p.handle(Input::Retry, 1);
    let id = connection(&cmds);
    assert_eq!(sent_ids(&open_both(&mut p, id, 1)), ["c", "d"]);
    assert!(
        p.send_failed("d") && p.send_failed("c"),
        "both were in flight"
    );
    assert!(!p.send_failed("zzz"), "unknown ids are reported");
    let ids: Vec<&str> = p.queued_messages().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["c", "d"], "original order restored");
    let (retry, _) = timer(
        &p.handle(Input::Closed(id, Channel::Session), 2),
        TimerKind::Retry,
    );
    let id = connection(&p.handle(Input::TimerFired(retry), 3));
    assert_eq!(sent_ids(&open_both(&mut p, id, 4)), ["c", "d"]);
}

#[test]
fn queued_messages_are_discarded_when_the_conversation_ends() {
    let mut p = policy();
    let (id, _) = open_policy(&mut p, 0);
    p.handle(Input::Closed(id, Channel::Events), 0);
    p.send(msg("late"));
    let cmds = p.on_event(&event("ev_9", json!({"type": "conversation.ended"})));
    assert!(cmds.contains(&Command::Discard(msg("late"))));
    assert_eq!(p.send(msg("after")), vec![Command::Discard(msg("after"))]);
}

#[derive(Debug, Clone)]
enum Op {
    Send,
    Drop,
    Reject401,
    FireTimers,
    Token,
    OpenBoth,
    Tick(i64),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => Just(Op::Send),
        1 => Just(Op::Drop),
        1 => Just(Op::Reject401),
        2 => Just(Op::FireTimers),
        2 => Just(Op::Token),
        2 => Just(Op::OpenBoth),
        1 => (0i64..4 * HOUR).prop_map(Op::Tick),
    ]
}

proptest! {
    #![proptest_config(crate::proptest_config())]
    #[test]
    fn the_queue_never_loses_duplicates_or_reorders_messages(ops in prop::collection::vec(op(), 0..80)) {
        let mut p = Policy::new(PolicyConfig::default(), Box::new(SplitMix64(1)));
        let mut all = p.handle(Input::Start, 0);
        let (mut written, mut now, mut timers) = (Vec::new(), 0i64, Vec::new());
        for op in ops {
            now += 1_000;
            let id = all.iter().rev().find_map(|c| match c {
                Command::Connect { connection, .. } => Some(*connection),
                _ => None,
            }).unwrap_or(ConnectionId(0));
            let cmds = match op {
                Op::Send => {
                    written.push(format!("m{}", written.len()));
                    p.send(msg(written.last().map_or("", String::as_str)))
                }
                Op::Drop => p.handle(Input::Closed(id, Channel::Session), now),
                Op::Reject401 => p.handle(Input::Rejected(id, rejection(401, "token_revoked", None)), now),
                Op::FireTimers => {
                    let fired: Vec<TimerId> = std::mem::take(&mut timers);
                    fired.into_iter().flat_map(|t| p.handle(Input::TimerFired(t), now)).collect()
                }
                Op::Token => p.handle(Input::TokenFetched(creds("t", Some(now + HOUR))), now),
                Op::OpenBoth => open_both(&mut p, id, now),
                Op::Tick(dt) => { now += dt; p.handle(Input::Tick, now) }
            };
            timers.extend(cmds.iter().filter_map(|c| match c {
                Command::ScheduleTimer { timer, .. } => Some(*timer),
                _ => None,
            }));
            all.extend(cmds);
        }
        let sent: Vec<String> = sent_ids(&all).into_iter().filter(|id| id.starts_with('m')).collect();
        let queued: Vec<String> = p.queued_messages().map(|m| m.id.clone()).collect();
        let delivered_or_waiting = [sent.clone(), queued].concat();
        prop_assert_eq!(&delivered_or_waiting, &written, "each message once, in order");
    }
}
