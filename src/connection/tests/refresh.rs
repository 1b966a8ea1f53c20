//! Token refresh: ahead of expiry, after 401, and across drops.

use super::harness::*;
use crate::connection::*;
use crate::protocol::ClientMessage;

#[test]
fn the_refresh_timer_fetches_a_token_while_staying_connected() {
    let mut p = policy();
    p.handle(Input::Start, 0);
    let cmds = p.handle(Input::TokenFetched(creds("tok_1", Some(100_000))), 0);
    let (refresh, delay) = timer(&cmds, TimerKind::Refresh);
    assert_eq!(
        delay, 50_000,
        "60 s before expiry, but not sooner than half-life"
    );
    open_both(&mut p, connection(&cmds), 0);
    let cmds = p.handle(Input::TimerFired(refresh), 50_000);
    assert_eq!(
        cmds,
        vec![
            Command::EmitState(ConnectionState::RefreshingToken),
            Command::FetchToken
        ]
    );
    let sent = p.send(ClientMessage::user_message("c_1", "still here"));
    assert_eq!(
        sent_ids(&sent),
        ["c_1"],
        "the old connection still carries messages"
    );
}

#[test]
fn a_new_token_replaces_the_connection_with_a_token_only_events_url() {
    let mut p = policy();
    open_policy(&mut p, 0);
    p.on_event(&event(
        "ev_4",
        serde_json::json!({"type": "conversation.started"}),
    ));
    p.handle(Input::Tick, 3 * HOUR);
    assert_eq!(
        p.state(),
        &ConnectionState::RefreshingToken,
        "tick catches a throttled timer"
    );
    let cmds = p.handle(
        Input::TokenFetched(creds("tok_2", Some(6 * HOUR))),
        3 * HOUR,
    );
    assert_eq!(
        cmds.iter().filter(|c| **c == Command::Close).count(),
        1,
        "old one closed"
    );
    assert!(events_url(&cmds).ends_with("/events?token=tok_2"));
    assert_eq!(p.credentials().map(|c| c.token.as_str()), Some("tok_2"));
}

#[test]
fn an_expired_or_revoked_token_rejection_refreshes_at_once() {
    for code in ["token_expired", "token_revoked", "token_invalid"] {
        let mut p = policy();
        let (id, _) = open_policy(&mut p, 0);
        let cmds = p.handle(Input::Rejected(id, rejection(401, code, None)), 10);
        assert_eq!(
            cmds,
            vec![
                Command::Close,
                Command::EmitState(ConnectionState::RefreshingToken),
                Command::FetchToken
            ],
            "{code}"
        );
    }
}

#[test]
fn a_401_after_the_drop_was_seen_replaces_the_scheduled_reconnect() {
    let mut p = policy();
    let (id, _) = open_policy(&mut p, 0);
    let (retry, _) = timer(
        &p.handle(Input::Closed(id, Channel::Events), 0),
        TimerKind::Retry,
    );
    let cmds = p.handle(
        Input::Rejected(id, rejection(401, "token_revoked", None)),
        5,
    );
    assert_eq!(cmds.last(), Some(&Command::FetchToken));
    assert!(
        p.handle(Input::TimerFired(retry), 500).is_empty(),
        "old retry is stale"
    );
}

#[test]
fn repeated_401s_despite_fresh_tokens_fail_as_unauthorized() {
    let mut p = policy();
    let (mut id, _) = open_policy(&mut p, 0);
    for round in 0..2 {
        p.handle(
            Input::Rejected(id, rejection(401, "token_invalid", None)),
            round,
        );
        let cmds = p.handle(Input::TokenFetched(creds("again", Some(HOUR))), round);
        id = connection(&cmds);
    }
    p.handle(
        Input::Rejected(id, rejection(401, "token_invalid", None)),
        9,
    );
    let error = ConnectionError::Unauthorized {
        code: "token_invalid".into(),
    };
    assert_eq!(p.state(), &ConnectionState::Failed { error });
}

#[test]
fn a_transient_refresh_failure_while_connected_stays_open_and_retries_later() {
    let mut p = policy();
    open_policy(&mut p, 0);
    p.handle(Input::Tick, 3 * HOUR);
    let cmds = p.handle(Input::TokenFailed(transient(Some(2_000))), 3 * HOUR);
    assert_eq!(p.state(), &ConnectionState::Open);
    let (refresh, delay) = timer(&cmds, TimerKind::Refresh);
    assert_eq!(delay, 2_000);
    assert_eq!(
        p.handle(Input::TimerFired(refresh), 3 * HOUR + 2_000)
            .last(),
        Some(&Command::FetchToken)
    );
}

#[test]
fn a_drop_during_a_refresh_waits_for_the_token_then_reconnects() {
    let mut p = policy();
    let (id, _) = open_policy(&mut p, 0);
    p.handle(Input::Tick, 3 * HOUR);
    assert_eq!(
        p.handle(Input::Closed(id, Channel::Events), 3 * HOUR),
        vec![Command::Close]
    );
    let cmds = p.handle(Input::TokenFetched(creds("tok_2", None)), 3 * HOUR + 1);
    assert!(!cmds.contains(&Command::Close), "nothing left to close");
    assert!(events_url(&cmds).contains("token=tok_2"));
}

#[test]
fn a_drop_after_the_refresh_point_fetches_a_token_before_reconnecting() {
    let mut p = policy();
    let (id, _) = open_policy(&mut p, 0);
    let (retry, _) = timer(
        &p.handle(Input::Closed(id, Channel::Events), 3 * HOUR),
        TimerKind::Retry,
    );
    let cmds = p.handle(Input::TimerFired(retry), 3 * HOUR + 300);
    assert_eq!(cmds.last(), Some(&Command::FetchToken));
}

#[test]
fn a_socket_refused_before_opening_is_probed_and_a_401_refreshes_the_token_at_once() {
    let mut p = policy();
    let (id, _) = open_policy(&mut p, 0);
    let (retry, _) = timer(
        &p.handle(Input::Closed(id, Channel::Session), 100),
        TimerKind::Retry,
    );
    let id = connection(&p.handle(Input::TimerFired(retry), 400));
    let cmds = p.handle(Input::Closed(id, Channel::Session), 450);
    let probe = cmds.iter().find_map(|c| match c {
        Command::Probe {
            connection,
            events_url,
        } => Some((*connection, events_url.clone())),
        _ => None,
    });
    let (probed, url) = probe.expect("a refused handshake is probed before any retry");
    assert_eq!(probed, id);
    assert!(
        url.contains("token=tok_1"),
        "the probe asks with the same token: {url}"
    );
    assert!(
        cmds.contains(&Command::Close),
        "the other transport closes meanwhile"
    );
    assert!(
        !cmds
            .iter()
            .any(|c| matches!(c, Command::ScheduleTimer { .. })),
        "no retry with the dead token is scheduled while the probe is out: {cmds:?}"
    );
    let cmds = p.handle(
        Input::Rejected(id, rejection(401, "token_expired", None)),
        500,
    );
    assert!(
        cmds.contains(&Command::FetchToken),
        "refreshes at once: {cmds:?}"
    );
    assert_eq!(p.state(), &ConnectionState::RefreshingToken);
}

#[test]
fn a_probe_that_sees_no_error_counts_as_a_plain_failed_connect() {
    let mut p = policy();
    let (id, _) = open_policy(&mut p, 0);
    let (retry, _) = timer(
        &p.handle(Input::Closed(id, Channel::Events), 0),
        TimerKind::Retry,
    );
    let id = connection(&p.handle(Input::TimerFired(retry), 300));
    p.handle(Input::Closed(id, Channel::Events), 310);
    assert!(
        p.handle(Input::Closed(id, Channel::Session), 311)
            .is_empty(),
        "the second transport's failure waits for the same probe"
    );
    let cmds = p.handle(Input::ProbePassed(id), 320);
    timer(&cmds, TimerKind::Retry);
    assert!(matches!(
        p.state(),
        ConnectionState::Reconnecting { attempt: 2, .. }
    ));
    assert!(
        p.handle(Input::ProbePassed(id), 330).is_empty(),
        "a late second answer is ignored"
    );
}
