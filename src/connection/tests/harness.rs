//! Helpers shared by the policy tests.

use serde_json::{json, Value};

use crate::connection::*;
use crate::protocol::Event;
use crate::token::{Credentials, TokenError};

/// A random source that always returns the same number.
pub struct Constant(pub f64);

impl RandomSource for Constant {
    fn next_unit(&mut self) -> f64 {
        self.0
    }
}

pub const HOUR: i64 = 3_600_000;

pub fn creds(token: &str, expires_at_ms: Option<i64>) -> Credentials {
    Credentials {
        conversation_id: "conv_1".into(),
        token: token.into(),
        expires_at_ms,
        events_url: "http://127.0.0.1:9/conversations/conv_1/events".into(),
        session_url: "ws://127.0.0.1:9/conversations/conv_1/session".into(),
        channel: crate::protocol::ChatChannel::Realtime,
    }
}

/// A policy whose jitter always picks the middle of the range.
pub fn policy() -> Policy {
    Policy::new(PolicyConfig::default(), Box::new(Constant(0.5)))
}

/// A policy for a conversation that already exists (restored after a reload): it never sends
/// `conversation.start`.
pub fn existing_policy() -> Policy {
    let config = PolicyConfig {
        auto_start: false,
        ..PolicyConfig::default()
    };
    Policy::new(config, Box::new(Constant(0.5)))
}

pub fn connection(cmds: &[Command]) -> ConnectionId {
    cmds.iter()
        .find_map(|c| match c {
            Command::Connect { connection, .. } => Some(*connection),
            _ => None,
        })
        .expect("a Connect command")
}

pub fn events_url(cmds: &[Command]) -> String {
    cmds.iter()
        .find_map(|c| match c {
            Command::Connect { events_url, .. } => Some(events_url.clone()),
            _ => None,
        })
        .expect("a Connect command")
}

pub fn timer(cmds: &[Command], kind: TimerKind) -> (TimerId, u64) {
    cmds.iter()
        .find_map(|c| match c {
            Command::ScheduleTimer { timer, after_ms } if timer.kind == kind => {
                Some((*timer, *after_ms))
            }
            _ => None,
        })
        .unwrap_or_else(|| panic!("a {kind:?} timer in {cmds:?}"))
}

pub fn sent_ids(cmds: &[Command]) -> Vec<String> {
    cmds.iter()
        .filter_map(|c| match c {
            Command::Send(m) => Some(m.id.clone()),
            _ => None,
        })
        .collect()
}

pub fn open_both(p: &mut Policy, id: ConnectionId, now: i64) -> Vec<Command> {
    let mut out = p.handle(Input::Opened(id, Channel::Events), now);
    out.extend(p.handle(Input::Opened(id, Channel::Session), now));
    out
}

/// Start → token (expiring in 3 h) → both transports open. Returns the connection id and the
/// commands of the last step.
pub fn open_policy(p: &mut Policy, now: i64) -> (ConnectionId, Vec<Command>) {
    p.handle(Input::Start, now);
    let cmds = p.handle(
        Input::TokenFetched(creds("tok_1", Some(now + 3 * HOUR))),
        now,
    );
    let id = connection(&cmds);
    let out = open_both(p, id, now);
    assert_eq!(p.state(), &ConnectionState::Open, "helper reaches Open");
    (id, out)
}

/// Start → token (no expiry) → both transports of `c` open, at time 0. Returns the connection.
pub fn open_conversation(c: &mut Conversation) -> ConnectionId {
    c.handle(Input::Start, 0);
    let id = connection(&c.handle(Input::TokenFetched(creds("t", None)), 0).commands);
    c.handle(Input::Opened(id, Channel::Events), 0);
    c.handle(Input::Opened(id, Channel::Session), 0);
    id
}

pub fn event(id: &str, payload: Value) -> Event {
    let text = json!({"id": id, "created_at": "2025-07-01T12:00:00Z", "agent_id": "a",
        "livemode": true, "conversation_id": "conv_1", "experimental": false, "payload": payload});
    Event::from_json(&text.to_string()).expect("test event parses")
}

pub fn transient(retry_after_ms: Option<u64>) -> TokenError {
    TokenError {
        code: "unavailable".into(),
        message: "try later".into(),
        transient: true,
        retry_after_ms,
    }
}

pub fn rejection(status: u16, code: &str, retry_after_ms: Option<u64>) -> Rejection {
    Rejection {
        status,
        code: Some(code.into()),
        transient: Some(status == 429 || status >= 500),
        retry_after_ms,
    }
}

/// A transport of attempt `id` fails before opening and the probe finds no HTTP error: returns
/// the commands of both steps.
pub fn fail_before_open(p: &mut Policy, id: ConnectionId, ch: Channel, now: i64) -> Vec<Command> {
    let mut out = p.handle(Input::Closed(id, ch), now);
    assert!(
        out.iter()
            .any(|c| matches!(c, Command::Probe { connection, .. } if *connection == id)),
        "a failure before opening is probed first: {out:?}"
    );
    out.extend(p.handle(Input::ProbePassed(id), now));
    out
}
