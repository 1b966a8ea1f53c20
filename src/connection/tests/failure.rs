//! Failures the policy does not retry by itself, and token-source failures.

use super::harness::*;
use crate::connection::*;

#[test]
fn forbidden_fails_and_user_retry_starts_over_with_a_token_fetch() {
    let mut p = policy();
    let (id, _) = open_policy(&mut p, 0);
    p.handle(Input::Rejected(id, rejection(403, "forbidden", None)), 0);
    assert_eq!(
        p.state(),
        &ConnectionState::Failed {
            error: ConnectionError::Forbidden
        }
    );
    let cmds = p.handle(Input::Retry, 1);
    assert_eq!(cmds.last(), Some(&Command::FetchToken));
}

#[test]
fn other_client_errors_fail_with_their_status() {
    let mut p = policy();
    let (id, _) = open_policy(&mut p, 0);
    p.handle(Input::Rejected(id, rejection(404, "not_found", None)), 0);
    let expected = ConnectionError::Rejected {
        status: 404,
        code: Some("not_found".into()),
    };
    assert_eq!(p.state(), &ConnectionState::Failed { error: expected });
}

#[test]
fn a_transient_token_failure_retries_the_fetch_after_retry_after() {
    let mut p = policy();
    p.handle(Input::Start, 0);
    let cmds = p.handle(Input::TokenFailed(transient(Some(3_000))), 0);
    let (retry, delay) = timer(&cmds, TimerKind::Retry);
    assert_eq!(delay, 3_000);
    assert_eq!(
        p.handle(Input::TimerFired(retry), 3_000).last(),
        Some(&Command::FetchToken)
    );
}

#[test]
fn a_permanent_token_failure_fails_with_the_token_error() {
    let mut p = policy();
    p.handle(Input::Start, 0);
    let err = crate::token::TokenError {
        transient: false,
        ..transient(None)
    };
    p.handle(Input::TokenFailed(err.clone()), 0);
    let error = ConnectionError::TokenSource(err);
    assert_eq!(
        error.to_string(),
        "Could not start the chat: try later (unavailable)"
    );
    assert_eq!(p.state(), &ConnectionState::Failed { error });
}

#[test]
fn a_permanent_refresh_failure_fails_even_while_still_connected() {
    let mut p = policy();
    open_policy(&mut p, 0);
    p.handle(Input::Tick, 3 * HOUR);
    let err = crate::token::TokenError {
        transient: false,
        ..transient(None)
    };
    let cmds = p.handle(Input::TokenFailed(err.clone()), 3 * HOUR);
    assert_eq!(cmds[0], Command::Close, "the old connection is closed");
    let error = ConnectionError::TokenSource(err);
    assert_eq!(p.state(), &ConnectionState::Failed { error });
}

#[test]
fn a_transient_refresh_failure_after_a_drop_backs_off_and_fetches_again() {
    let mut p = policy();
    let (id, _) = open_policy(&mut p, 0);
    p.handle(
        Input::Rejected(id, rejection(401, "token_revoked", None)),
        0,
    );
    let cmds = p.handle(Input::TokenFailed(transient(None)), 1);
    let (retry, delay) = timer(&cmds, TimerKind::Retry);
    assert_eq!(delay, 250);
    assert!(matches!(
        p.state(),
        ConnectionState::Reconnecting { attempt: 1, .. }
    ));
    assert_eq!(
        p.handle(Input::TimerFired(retry), 251).last(),
        Some(&Command::FetchToken)
    );
}

#[test]
fn stopping_while_reconnecting_makes_the_pending_retry_stale() {
    let mut p = policy();
    let (id, _) = open_policy(&mut p, 0);
    let (retry, _) = timer(
        &p.handle(Input::Closed(id, Channel::Events), 0),
        TimerKind::Retry,
    );
    assert_eq!(
        p.handle(Input::Stop, 1),
        vec![Command::EmitState(ConnectionState::Idle)]
    );
    assert!(p.handle(Input::TimerFired(retry), 500).is_empty());
    assert_eq!(p.state(), &ConnectionState::Idle);
}

#[test]
fn late_token_answers_after_a_stop_are_ignored() {
    let mut p = policy();
    p.handle(Input::Start, 0);
    p.handle(Input::Stop, 1);
    assert!(p
        .handle(Input::TokenFetched(creds("late", None)), 2)
        .is_empty());
    assert!(p.handle(Input::TokenFailed(transient(None)), 2).is_empty());
    assert_eq!(p.credentials(), None);
}
