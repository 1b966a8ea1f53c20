//! Start, open, end, stop.

use serde_json::json;

use super::harness::*;
use crate::connection::*;
use crate::protocol::ClientMessage;

#[test]
fn start_without_credentials_fetches_a_token() {
    let mut p = policy();
    let cmds = p.handle(Input::Start, 0);
    assert_eq!(
        cmds,
        vec![
            Command::EmitState(ConnectionState::FetchingToken),
            Command::FetchToken
        ]
    );
}

#[test]
fn fetched_token_connects_with_token_urls_and_schedules_a_refresh() {
    let mut p = policy();
    p.handle(Input::Start, 0);
    let cmds = p.handle(Input::TokenFetched(creds("tok 1", Some(3 * HOUR))), 0);
    assert!(cmds.contains(&Command::Connect {
        connection: connection(&cmds),
        events_url: "http://127.0.0.1:9/conversations/conv_1/events?token=tok%201".into(),
        session_url: "ws://127.0.0.1:9/conversations/conv_1/session?token=tok%201".into(),
        channel: crate::protocol::ChatChannel::Realtime,
    }));
    assert_eq!(
        timer(&cmds, TimerKind::Refresh).1,
        (3 * HOUR * 8 / 10) as u64
    );
    assert_eq!(p.state(), &ConnectionState::Connecting);
}

#[test]
fn one_open_transport_is_still_connecting_and_both_open_starts_a_fresh_conversation() {
    let mut p = policy();
    p.handle(Input::Start, 0);
    let id = connection(&p.handle(Input::TokenFetched(creds("t", None)), 0));
    assert!(p.handle(Input::Opened(id, Channel::Session), 0).is_empty());
    assert_eq!(p.state(), &ConnectionState::Connecting);
    let cmds = p.handle(Input::Opened(id, Channel::Events), 0);
    assert_eq!(cmds[0], Command::EmitState(ConnectionState::Open));
    assert_eq!(
        cmds[1],
        Command::Send(ClientMessage::start("c_start_conv_1"))
    );
}

#[test]
fn an_event_on_the_stream_before_the_socket_opens_still_starts_a_fresh_conversation() {
    let mut p = policy();
    p.handle(Input::Start, 0);
    let id = connection(&p.handle(Input::TokenFetched(creds("t", None)), 0));
    p.handle(Input::Opened(id, Channel::Events), 0);
    let setup = event(
        "ev_setup",
        json!({"type": "conversation.setup", "channel": {"type": "chat_realtime"}, "direction": "inbound"}),
    );
    p.on_event(&setup);
    let cmds = p.handle(Input::Opened(id, Channel::Session), 0);
    assert_eq!(
        sent_ids(&cmds),
        vec!["c_start_conv_1"],
        "the setup event does not make the conversation look resumed"
    );
}

#[test]
fn a_restored_conversation_is_not_started_again() {
    let mut p = existing_policy();
    p.handle(Input::Start, 0);
    let cmds = p.handle(Input::TokenFetched(creds("t", None)), 0);
    assert!(
        events_url(&cmds).ends_with("/events?token=t"),
        "the token is the only parameter: the stream replays from the first event"
    );
    let opened = open_both(&mut p, connection(&cmds), 0);
    assert!(
        sent_ids(&opened).is_empty(),
        "no conversation.start on resume"
    );
}

#[test]
fn persisted_credentials_connect_without_fetching() {
    let mut p = policy().with_credentials(creds("kept", Some(HOUR)));
    let cmds = p.handle(Input::Start, 0);
    assert!(!cmds.contains(&Command::FetchToken));
    assert!(events_url(&cmds).contains("token=kept"));
    let mut expired = policy().with_credentials(creds("old", Some(HOUR)));
    let cmds = expired.handle(Input::Start, HOUR);
    assert!(
        cmds.contains(&Command::FetchToken),
        "an expired token is refreshed first"
    );
    assert_eq!(expired.state(), &ConnectionState::RefreshingToken);
}

#[test]
fn conversation_ended_closes_and_nothing_reopens_it() {
    let mut p = policy();
    let (id, _) = open_policy(&mut p, 0);
    let cmds = p.on_event(&event("ev_9", json!({"type": "conversation.ended"})));
    assert_eq!(
        cmds,
        vec![Command::Close, Command::EmitState(ConnectionState::Ended)]
    );
    // Every input but Stop: no arm of the transition match takes it once ended.
    for input in [
        Input::Start,
        Input::TokenFetched(creds("tok_2", None)),
        Input::TokenFailed(transient(None)),
        Input::Opened(id, Channel::Session),
        Input::Closed(id, Channel::Events),
        Input::Rejected(id, rejection(503, "unavailable", None)),
        Input::ProbePassed(id),
        Input::TimerFired(TimerId {
            kind: TimerKind::Retry,
            seq: 1,
        }),
        Input::Tick,
        Input::Retry,
    ] {
        assert!(
            p.handle(input.clone(), 1).is_empty(),
            "{input:?} ignored after the end"
        );
    }
    assert_eq!(p.state(), &ConnectionState::Ended);
}

#[test]
fn stop_closes_and_a_new_start_reuses_the_token() {
    let mut p = policy();
    open_policy(&mut p, 0);
    p.on_event(&event("ev_3", json!({"type": "conversation.started"})));
    let cmds = p.handle(Input::Stop, 5);
    assert_eq!(
        cmds,
        vec![Command::Close, Command::EmitState(ConnectionState::Idle)]
    );
    let cmds = p.handle(Input::Start, 6);
    assert!(events_url(&cmds).ends_with("/events?token=tok_1"));
}

#[test]
fn inputs_about_a_replaced_connection_are_ignored() {
    let mut p = policy();
    let (old, _) = open_policy(&mut p, 0);
    let cmds = p.handle(Input::Closed(old, Channel::Events), 1);
    let (retry, _) = timer(&cmds, TimerKind::Retry);
    let new = connection(&p.handle(Input::TimerFired(retry), 500));
    assert_ne!(new, old);
    for input in [
        Input::Opened(old, Channel::Events),
        Input::Closed(old, Channel::Session),
        Input::Rejected(old, rejection(401, "token_expired", None)),
    ] {
        assert!(p.handle(input.clone(), 600).is_empty(), "{input:?} ignored");
    }
    assert_eq!(p.state(), &ConnectionState::Connecting);
}

#[test]
fn a_restored_conversation_with_auto_start_off_replays_everything_and_sends_no_start() {
    let config = PolicyConfig {
        auto_start: false,
        ..PolicyConfig::default()
    };
    let mut p = Policy::new(config, Box::new(Constant(0.5)));
    p.handle(Input::Start, 0);
    let cmds = p.handle(Input::TokenFetched(creds("t", None)), 0);
    assert!(
        events_url(&cmds).ends_with("?token=t"),
        "no cursor: full history replay"
    );
    assert!(sent_ids(&open_both(&mut p, connection(&cmds), 0)).is_empty());
}

#[test]
fn debug_output_of_inputs_commands_and_the_policy_never_shows_the_token() {
    let mut p = policy();
    p.handle(Input::Start, 0);
    let granted = creds("tok_very_secret", Some(HOUR));
    let input = Input::TokenFetched(granted.clone());
    let cmds = p.handle(input.clone(), 0);
    let id = connection(&cmds);
    let mut shown = format!("{input:?} {cmds:?} {p:?} {:#?}", p.credentials());
    assert!(
        events_url(&cmds).contains("tok_very_secret"),
        "the URL itself carries it"
    );
    // A connect that fails before opening asks for a probe of the token-bearing URL.
    let probe = p.handle(Input::Closed(id, Channel::Events), 1);
    assert!(probe.iter().any(|c| matches!(c, Command::Probe { .. })));
    shown.push_str(&format!("{probe:?}"));
    assert!(!shown.contains("tok_very_secret"), "token in {shown}");
    assert!(shown.contains("token=[redacted]"), "{shown}");
}
