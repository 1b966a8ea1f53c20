//! A planned token renewal of a live connection is quiet: `renewing()` lets a UI keep showing
//! the chat as online until something actually goes wrong.

use super::harness::*;
use crate::connection::*;
use crate::token::TokenError;

/// Open, then the tick at three hours starts the planned refresh.
fn renewing_policy() -> Policy {
    let mut p = policy();
    open_policy(&mut p, 0);
    p.handle(Input::Tick, 3 * HOUR);
    assert_eq!(p.state(), &ConnectionState::RefreshingToken);
    p
}

#[test]
fn a_planned_refresh_is_renewing_until_the_new_connection_opens() {
    let mut p = renewing_policy();
    assert!(p.renewing(), "fetching the new token");
    let cmds = p.handle(
        Input::TokenFetched(creds("tok_2", Some(6 * HOUR))),
        3 * HOUR,
    );
    assert_eq!(p.state(), &ConnectionState::Connecting);
    assert!(p.renewing(), "connecting with the new token");
    open_both(&mut p, connection(&cmds), 3 * HOUR);
    assert_eq!(p.state(), &ConnectionState::Open);
    assert!(!p.renewing(), "done once the new connection is open");
}

#[test]
fn the_old_connection_closing_during_the_fetch_keeps_the_renewal_quiet() {
    let mut p = renewing_policy();
    let old = p.connection;
    p.handle(Input::Closed(old, Channel::Events), 3 * HOUR);
    assert!(p.renewing(), "the new token will reconnect");
}

#[test]
fn a_new_connection_that_fails_before_opening_ends_the_renewal() {
    let mut p = renewing_policy();
    let cmds = p.handle(
        Input::TokenFetched(creds("tok_2", Some(6 * HOUR))),
        3 * HOUR,
    );
    fail_before_open(&mut p, connection(&cmds), Channel::Session, 3 * HOUR);
    assert!(matches!(p.state(), ConnectionState::Reconnecting { .. }));
    assert!(!p.renewing(), "a backoff is shown");
}

#[test]
fn a_rejected_new_connection_ends_the_renewal() {
    let mut p = renewing_policy();
    let cmds = p.handle(
        Input::TokenFetched(creds("tok_2", Some(6 * HOUR))),
        3 * HOUR,
    );
    let id = connection(&cmds);
    p.handle(
        Input::Rejected(id, rejection(401, "token_revoked", None)),
        3 * HOUR,
    );
    assert_eq!(p.state(), &ConnectionState::RefreshingToken);
    assert!(!p.renewing(), "a rejected token is a real problem");
}

#[test]
fn a_failed_token_fetch_ends_the_renewal() {
    let mut p = renewing_policy();
    p.handle(Input::TokenFailed(transient(None)), 3 * HOUR);
    assert_eq!(p.state(), &ConnectionState::Open, "still on the old token");
    assert!(!p.renewing());

    let mut p = renewing_policy();
    let fatal = TokenError {
        transient: false,
        ..transient(None)
    };
    p.handle(Input::TokenFailed(fatal), 3 * HOUR);
    assert!(matches!(p.state(), ConnectionState::Failed { .. }));
    assert!(!p.renewing());
}

#[test]
fn recovering_from_a_401_or_a_first_fetch_is_not_renewing() {
    let mut p = policy();
    p.handle(Input::Start, 0);
    assert!(!p.renewing(), "first token");
    let mut p = policy();
    let (id, _) = open_policy(&mut p, 0);
    p.handle(
        Input::Rejected(id, rejection(401, "token_expired", None)),
        10,
    );
    assert_eq!(p.state(), &ConnectionState::RefreshingToken);
    assert!(
        !p.renewing(),
        "a rejected connection is shown as reconnecting"
    );
}
