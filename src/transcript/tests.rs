//! Example-based tests of the reducer.

use serde_json::{json, Value};

use super::*;
use crate::protocol::Event;

pub(super) fn event(id: &str, payload: Value) -> Event {
    let text = json!({"id": id, "created_at": "2025-07-01T12:00:00Z", "agent_id": "ca_1@v0",
        "livemode": true, "conversation_id": "conv_1", "experimental": false, "payload": payload});
    Event::from_json(&text.to_string()).expect("test event parses")
}

pub(super) fn delta(id: &str, gen: &str, text: &str) -> Event {
    event(
        id,
        json!({"type": "agent.message.delta", "text_delta": text, "generation_id": gen}),
    )
}

pub(super) fn completed(id: &str, gen: &str, text: &str) -> Event {
    event(
        id,
        json!({"type": "agent.message.completed", "text": text, "interrupted": false,
        "has_tool_calls": false, "generation_id": gen}),
    )
}

fn agent(t: &Transcript, index: usize) -> &AgentMessage {
    match &t.entries()[index].kind {
        EntryKind::Agent(message) => message,
        other => panic!("row {index} is not an agent message: {other:?}"),
    }
}

#[test]
fn deltas_append_and_completion_replaces_with_final_text() {
    let mut t = Transcript::new();
    assert_eq!(t.apply(&delta("e1", "g", "Hel")), Change::Added(0));
    assert!(t.agent_streaming(), "streaming after the first delta");
    assert_eq!(t.apply(&delta("e2", "g", "lo")), Change::Updated(0));
    assert_eq!(agent(&t, 0).text, "Hello");
    assert_eq!(t.apply(&completed("e3", "g", "Hello!")), Change::Updated(0));
    assert_eq!(agent(&t, 0).text, "Hello!", "the final text wins");
    assert!(
        agent(&t, 0).done && !t.agent_streaming(),
        "done, no typing indicator"
    );
    assert_eq!(
        t.apply(&delta("e4", "g", "late")),
        Change::None,
        "late delta ignored"
    );
    assert_eq!(t.last_event_id(), Some("e4"));
}

#[test]
fn a_repeated_event_id_is_reported_as_duplicate_and_changes_nothing() {
    let mut t = Transcript::new();
    t.apply(&delta("e1", "g", "Hi"));
    let before = t.clone();
    assert_eq!(t.apply(&delta("e1", "g", "Hi")), Change::Duplicate);
    assert_eq!(t, before, "transcript unchanged by the duplicate");
}

#[test]
fn tool_calls_go_from_running_to_returned_with_result_or_error() {
    let mut t = Transcript::new();
    let created = json!({"type": "agent.tool_call.created", "call_id": "k", "name": "lookup_order",
        "arguments": "{}"});
    let returned = json!({"type": "agent.tool_call.returned", "call_id": "k", "name": "lookup_order",
        "arguments": "{}", "result": null, "error": "timeout"});
    assert_eq!(t.apply(&event("e1", created)), Change::Added(0));
    assert!(matches!(&t.entries()[0].kind,
        EntryKind::ToolCall(c) if c.status == ToolCallStatus::Running));
    assert_eq!(t.apply(&event("e2", returned)), Change::Updated(0));
    let EntryKind::ToolCall(call) = &t.entries()[0].kind else {
        panic!("row 0 is the tool call")
    };
    assert_eq!(
        (call.status, call.result.as_deref(), call.error.as_deref()),
        (ToolCallStatus::Returned, None, Some("timeout"))
    );
}

#[test]
fn lifecycle_notices_errors_and_context_each_get_a_row() {
    let mut t = Transcript::new();
    let setup = json!({"type": "conversation.setup", "channel": {"type": "chat_realtime"},
        "direction": "inbound"});
    assert_eq!(t.apply(&event("e0", setup)), Change::Status);
    assert_eq!(t.status(), &ConversationStatus::SettingUp);
    t.apply(&event("e1", json!({"type": "conversation.started"})));
    assert_eq!(t.status(), &ConversationStatus::InProgress);
    t.apply(&event(
        "e2",
        json!({"type": "agent.notice.sent", "text": "recorded"}),
    ));
    t.apply(&event(
        "e3",
        json!({"type": "server.error", "message": "bad", "code": "x"}),
    ));
    t.apply(&event(
        "e4",
        json!({"type": "conversation.context.updated", "context": {"a": 1}}),
    ));
    assert_eq!(
        t.apply(&event("e5", json!({"type": "some.future.event"}))),
        Change::None
    );
    t.apply(&delta("e6", "g", "cut"));
    t.apply(&event(
        "e7",
        json!({"type": "conversation.ended", "reason": "user_ended"}),
    ));
    assert_eq!(
        t.status(),
        &ConversationStatus::Ended {
            reason: Some("user_ended".into())
        }
    );
    assert!(!t.agent_streaming(), "no typing indicator after the end");
    let kinds: Vec<_> = t
        .entries()
        .iter()
        .map(|e| std::mem::discriminant(&e.kind))
        .collect();
    assert_eq!(
        kinds.len(),
        6,
        "started, notice, error, context, agent, ended"
    );
    assert!(matches!(t.entries()[5].kind, EntryKind::Ended { .. }));
    assert_eq!(
        t.last_event_id(),
        Some("e7"),
        "unknown events still move the cursor"
    );
}

fn tool_call(id: &str, call: &str) -> Event {
    event(
        id,
        json!({"type": "agent.tool_call.created", "call_id": call, "name": "lookup_order",
        "arguments": "{}"}),
    )
}

#[test]
fn text_after_a_tool_call_goes_on_in_a_row_below_the_call() {
    let mut t = Transcript::new();
    t.apply(&delta("e1", "g", "Let me look. "));
    assert_eq!(t.apply(&tool_call("e2", "call_1")), Change::Added(1));
    assert_eq!(
        t.apply(&delta("e3", "g", "Your order")),
        Change::Continued {
            closed: 0,
            added: 2
        }
    );
    assert!(agent(&t, 0).done, "the part before the call is finished");
    assert_eq!(agent(&t, 2).continues, Some(0));
    assert!(t.agent_streaming(), "the generation goes on");
    assert_eq!(t.apply(&delta("e4", "g", " shipped.")), Change::Updated(2));
    assert_eq!(
        t.apply(&completed("e5", "g", "Let me look. Your order shipped!")),
        Change::Updated(2)
    );
    assert_eq!(agent(&t, 0).text, "Let me look. ");
    assert_eq!(
        agent(&t, 2).text,
        "Your order shipped!",
        "the rest of the final text"
    );
    assert!(agent(&t, 2).done && !t.agent_streaming());
}

#[test]
fn a_final_text_that_does_not_extend_the_parts_goes_whole_into_the_last_row() {
    let mut t = Transcript::new();
    t.apply(&delta("e1", "g", "Before. "));
    t.apply(&tool_call("e2", "call_1"));
    t.apply(&delta("e3", "g", "After."));
    t.apply(&completed("e4", "g", "Something else."));
    assert_eq!(agent(&t, 0).text, "Before. ");
    assert_eq!(
        agent(&t, 2).text,
        "Something else.",
        "nothing of the final text is lost"
    );
}

#[test]
fn a_tool_call_before_the_first_delta_needs_no_split() {
    let mut t = Transcript::new();
    t.apply(&tool_call("e1", "call_1"));
    assert_eq!(t.apply(&delta("e2", "g", "Done.")), Change::Added(1));
    assert_eq!(agent(&t, 1).continues, None);
}
