//! Drops, backoff, Retry-After and giving up.

use super::harness::*;
use crate::connection::*;

#[test]
fn a_drop_after_open_reconnects_after_jitter_with_the_same_token_url() {
    let mut p = policy();
    let (id, _) = open_policy(&mut p, 0);
    p.on_event(&event(
        "ev_5",
        serde_json::json!({"type": "conversation.started"}),
    ));
    let cmds = p.handle(Input::Closed(id, Channel::Session), 1_000);
    assert_eq!(cmds[0], Command::Close, "the other transport is closed too");
    let (retry, delay) = timer(&cmds, TimerKind::Retry);
    assert_eq!(
        delay, 250,
        "half of the 500 ms ceiling with the middle jitter"
    );
    assert_eq!(
        p.state(),
        &ConnectionState::Reconnecting {
            attempt: 1,
            delay_ms: 250
        }
    );
    let cmds = p.handle(Input::TimerFired(retry), 1_250);
    assert!(
        events_url(&cmds).ends_with("/events?token=tok_1"),
        "no cursor: the stream replays from the first event"
    );
}

#[test]
fn backoff_ceiling_doubles_per_failed_attempt_up_to_the_cap() {
    let config = PolicyConfig {
        refresh_after_failed_connects: u32::MAX,
        ..PolicyConfig::default()
    };
    let mut p = Policy::new(config, Box::new(Constant(0.999_999)));
    let (mut id, _) = open_policy(&mut p, 0);
    let mut delays = Vec::new();
    for step in 0..9 {
        let cmds = if step == 0 {
            p.handle(Input::Closed(id, Channel::Events), step)
        } else {
            fail_before_open(&mut p, id, Channel::Events, step)
        };
        let (retry, delay) = timer(&cmds, TimerKind::Retry);
        delays.push(delay);
        id = connection(&p.handle(Input::TimerFired(retry), step));
    }
    assert_eq!(
        delays,
        [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]
    );
}

#[test]
fn a_stable_connection_resets_the_attempt_counter_but_a_flapping_one_does_not() {
    let mut p = policy();
    let (id, _) = open_policy(&mut p, 0);
    let (retry, _) = timer(
        &p.handle(Input::Closed(id, Channel::Events), 100),
        TimerKind::Retry,
    );
    let id = connection(&p.handle(Input::TimerFired(retry), 400));
    open_both(&mut p, id, 400);
    let cmds = p.handle(Input::Closed(id, Channel::Events), 500);
    assert!(
        matches!(p.state(), ConnectionState::Reconnecting { attempt: 2, .. }),
        "flapping"
    );
    let id = connection(&p.handle(Input::TimerFired(timer(&cmds, TimerKind::Retry).0), 900));
    open_both(&mut p, id, 1_000);
    p.handle(Input::Closed(id, Channel::Events), 11_000);
    assert!(
        matches!(p.state(), ConnectionState::Reconnecting { attempt: 1, .. }),
        "stable"
    );
}

#[test]
fn connects_that_keep_failing_before_opening_fetch_a_new_token() {
    let mut p = policy();
    let (id, _) = open_policy(&mut p, 0);
    let (retry, _) = timer(
        &p.handle(Input::Closed(id, Channel::Events), 0),
        TimerKind::Retry,
    );
    let id = connection(&p.handle(Input::TimerFired(retry), 1));
    let (retry, _) = timer(
        &fail_before_open(&mut p, id, Channel::Events, 2),
        TimerKind::Retry,
    );
    let id = connection(&p.handle(Input::TimerFired(retry), 3));
    let (retry, _) = timer(
        &fail_before_open(&mut p, id, Channel::Events, 4),
        TimerKind::Retry,
    );
    let cmds = p.handle(Input::TimerFired(retry), 5);
    assert!(
        cmds.contains(&Command::FetchToken),
        "two failed connects: maybe revoked"
    );
    assert_eq!(p.state(), &ConnectionState::RefreshingToken);
}

#[test]
fn rate_limiting_waits_at_least_retry_after() {
    let mut p = policy();
    let (id, _) = open_policy(&mut p, 0);
    let cmds = p.handle(
        Input::Rejected(id, rejection(429, "rate_limited", Some(7_000))),
        0,
    );
    assert_eq!(
        timer(&cmds, TimerKind::Retry).1,
        7_000,
        "never sooner than Retry-After"
    );
    assert!(
        p.handle(Input::Retry, 6_999).is_empty(),
        "user retry cannot skip Retry-After"
    );
    assert!(p.handle(Input::Tick, 6_999).is_empty(), "not due yet");
    assert!(
        !p.handle(Input::Retry, 7_000).is_empty(),
        "allowed once it has passed"
    );
}

#[test]
fn retry_after_arriving_after_the_drop_pushes_the_scheduled_retry_out() {
    let mut p = policy();
    let (id, _) = open_policy(&mut p, 0);
    let (first, _) = timer(
        &p.handle(Input::Closed(id, Channel::Events), 0),
        TimerKind::Retry,
    );
    let cmds = p.handle(
        Input::Rejected(id, rejection(503, "unavailable", Some(4_000))),
        10,
    );
    let (second, delay) = timer(&cmds, TimerKind::Retry);
    assert_eq!(delay, 4_000);
    assert_eq!(
        p.state(),
        &ConnectionState::Reconnecting {
            attempt: 1,
            delay_ms: 4_000
        }
    );
    assert!(
        p.handle(Input::TimerFired(first), 300).is_empty(),
        "the old timer is stale"
    );
    assert!(matches!(
        p.handle(Input::TimerFired(second), 4_010)[..],
        [Command::Connect { .. }, _]
    ));
}

#[test]
fn server_errors_back_off_and_retry() {
    let mut p = policy();
    let (id, _) = open_policy(&mut p, 0);
    let cmds = p.handle(Input::Rejected(id, rejection(500, "internal", None)), 0);
    assert_eq!(timer(&cmds, TimerKind::Retry).1, 250);
    assert!(cmds.contains(&Command::Close));
}

#[test]
fn user_retry_skips_the_backoff_wait_and_a_tick_runs_an_overdue_retry() {
    let mut p = policy();
    let (id, _) = open_policy(&mut p, 0);
    p.handle(Input::Closed(id, Channel::Events), 0);
    let cmds = p.handle(Input::Retry, 1);
    assert!(
        matches!(cmds[..], [Command::Connect { .. }, _]),
        "connects at once: {cmds:?}"
    );
    fail_before_open(&mut p, connection(&cmds), Channel::Events, 10);
    assert!(
        p.handle(Input::Tick, 11).is_empty(),
        "the retry is not due yet"
    );
    let cmds = p.handle(Input::Tick, 100_000);
    assert!(
        matches!(cmds[..], [Command::Connect { .. }, _]),
        "overdue retry runs: {cmds:?}"
    );
}

/// Drops `n` connections in a row, each reopened right away; returns the last connection.
fn drop_and_reopen(p: &mut Policy, mut id: ConnectionId, n: u32, now: i64) -> ConnectionId {
    for step in 0..n {
        let at = now + i64::from(step) * 10;
        let (retry, _) = timer(
            &p.handle(Input::Closed(id, Channel::Events), at),
            TimerKind::Retry,
        );
        id = connection(&p.handle(Input::TimerFired(retry), at + 1));
        open_both(p, id, at + 2);
    }
    id
}

#[test]
fn a_new_event_on_a_reopened_connection_resets_the_backoff_at_once() {
    let mut p = policy();
    let (id, _) = open_policy(&mut p, 0);
    let id = drop_and_reopen(&mut p, id, 4, 100);
    p.on_event(&event(
        "ev_9",
        serde_json::json!({"type": "conversation.started"}),
    ));
    p.handle(Input::Closed(id, Channel::Events), 500);
    assert_eq!(
        p.state(),
        &ConnectionState::Reconnecting {
            attempt: 1,
            delay_ms: 250
        },
        "an event proved the server healthy: the next drop waits the first step again"
    );
}

#[test]
fn a_quiet_connection_open_for_two_seconds_resets_the_backoff() {
    let mut p = policy();
    let (id, _) = open_policy(&mut p, 0);
    let id = drop_and_reopen(&mut p, id, 4, 100);
    p.handle(Input::Closed(id, Channel::Events), 100 + 40 + 2_000);
    assert!(
        matches!(p.state(), ConnectionState::Reconnecting { attempt: 1, .. }),
        "open 2 s without events counts as stable: {:?}",
        p.state()
    );
}

#[test]
fn reopened_connections_that_drop_before_any_event_keep_backing_off() {
    let mut p = policy();
    let (id, _) = open_policy(&mut p, 0);
    let id = drop_and_reopen(&mut p, id, 4, 100);
    p.handle(Input::Closed(id, Channel::Events), 500);
    assert!(
        matches!(p.state(), ConnectionState::Reconnecting { attempt: 5, .. }),
        "flapping without events keeps growing: {:?}",
        p.state()
    );
}
