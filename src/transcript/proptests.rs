//! Property tests: replays and duplicates never change the outcome.

use proptest::prelude::*;
use serde_json::json;

use super::tests::{completed, delta, event};
use super::*;
use crate::protocol::Event;

/// A plausible event stream: several generations streamed in interleaved order, with tool calls,
/// notices and user acknowledgements mixed in. Ids are unique.
fn stream() -> impl Strategy<Value = Vec<Event>> {
    let step = prop_oneof![
        (0..3usize, "[a-z ]{0,6}").prop_map(|(g, t)| (0u8, g, t)),
        (0..3usize, "[a-z ]{0,6}").prop_map(|(g, t)| (1u8, g, t)),
        (0..3usize, "[a-z]{1,4}").prop_map(|(g, t)| (2u8, g, t)),
        (0..3usize, "[a-z]{1,4}").prop_map(|(g, t)| (3u8, g, t)),
    ];
    prop::collection::vec(step, 0..40).prop_map(|steps| {
        steps
            .into_iter()
            .enumerate()
            .map(|(i, (kind, g, text))| {
                let id = format!("ev_{i}");
                let gen = format!("gen_{g}");
                match kind {
                    0 => delta(&id, &gen, &text),
                    1 => completed(&id, &gen, &text),
                    2 => event(
                        &id,
                        json!({"type": "agent.tool_call.created",
                        "call_id": gen, "name": text, "arguments": "{}"}),
                    ),
                    _ => event(&id, json!({"type": "user.message.received", "text": text})),
                }
            })
            .collect()
    })
}

fn fold(events: &[Event]) -> Transcript {
    let mut t = Transcript::new();
    for e in events {
        t.apply(e);
    }
    t
}

proptest! {
    #![proptest_config(crate::proptest_config())]
    #[test]
    fn replaying_everything_after_any_prefix_gives_the_same_transcript(
        events in stream(), cut in 0usize..40,
    ) {
        let once = fold(&events);
        let cut = cut.min(events.len());
        let mut replayed = fold(&events[..cut]);
        for e in &events {
            replayed.apply(e);
        }
        prop_assert_eq!(&replayed, &once);
        prop_assert_eq!(replayed.last_event_id(), events.last().map(|e| e.id.as_str()));
    }

    #[test]
    fn random_duplicates_give_the_same_transcript(
        events in stream(), dups in prop::collection::vec((0usize..40, 0usize..40), 0..20),
    ) {
        let once = fold(&events);
        let mut noisy: Vec<Event> = events.clone();
        for (from, to) in dups {
            if let Some(e) = events.get(from % events.len().max(1)).cloned() {
                // Insert a copy somewhere after its first occurrence (a re-delivery).
                let first = noisy.iter().position(|x| x.id == e.id).unwrap_or(0);
                let at = (first + 1 + to).min(noisy.len());
                noisy.insert(at, e);
            }
        }
        prop_assert_eq!(fold(&noisy), once);
    }

    #[test]
    fn streamed_text_is_the_deltas_joined_until_completion(
        parts in prop::collection::vec("[a-zA-Z .,!?é]{0,8}", 0..20), final_text in ".{0,30}",
    ) {
        let mut t = Transcript::new();
        for (i, part) in parts.iter().enumerate() {
            t.apply(&delta(&format!("d{i}"), "g", part));
        }
        if !parts.is_empty() {
            let EntryKind::Agent(m) = &t.entries()[0].kind else { panic!("agent row") };
            prop_assert_eq!(&m.text, &parts.concat());
            prop_assert!(t.agent_streaming());
        }
        t.apply(&completed("done", "g", &final_text));
        prop_assert_eq!(t.entries().len(), 1, "one row per generation");
        let EntryKind::Agent(m) = &t.entries()[0].kind else { panic!("agent row") };
        prop_assert_eq!(&m.text, &final_text);
        prop_assert!(!t.agent_streaming());
    }

    #[test]
    fn a_generation_is_one_row_or_rows_split_only_by_tool_calls(events in stream()) {
        let t = fold(&events);
        let rows = t.entries();
        let mut last_row: std::collections::HashMap<&str, usize> = Default::default();
        for (i, entry) in rows.iter().enumerate() {
            let EntryKind::Agent(m) = &entry.kind else { continue };
            let previous = last_row.insert(m.generation_id.as_str(), i);
            prop_assert_eq!(m.continues, previous, "row {} continues its generation's last row", i);
            if let Some(p) = previous {
                prop_assert!(
                    rows[p + 1..i].iter().any(|e| matches!(e.kind, EntryKind::ToolCall(_))),
                    "rows {} and {} of one generation have a tool call between them", p, i
                );
                let EntryKind::Agent(before) = &rows[p].kind else { panic!("agent row") };
                prop_assert!(before.done, "a continued row is finished");
            }
        }
    }
}

proptest! {
    #![proptest_config(crate::proptest_config())]
    #[test]
    fn replay_with_optimistic_messages_gives_the_same_transcript(
        texts in prop::collection::vec("[ab]{1,2}", 1..8),
        lost in prop::collection::vec(any::<bool>(), 8),
        foreign_ids in prop::collection::vec(any::<bool>(), 8),
        cut in 0usize..20,
    ) {
        // The user writes every text; the server acknowledges each that was not lost (some
        // with an emulator `client_message_id` naming another message, which must not matter)
        // and the agent answers; then the whole stream is replayed after a random prefix, as
        // every reconnect does.
        let mut events = Vec::new();
        for (i, text) in texts.iter().enumerate() {
            if lost[i] {
                continue;
            }
            let mut ack = json!({"type": "user.message.received", "text": text});
            if foreign_ids[i] {
                let fields = ack.as_object_mut().expect("an object");
                fields.insert("client_message_id".into(), json!(format!("c_{}", i + 1)));
            }
            events.push(event(&format!("u{i}"), ack));
            events.push(completed(&format!("a{i}"), &format!("g{i}"), "ok"));
        }
        let fresh = || {
            let mut t = Transcript::new();
            for (i, text) in texts.iter().enumerate() {
                t.add_pending_user(&format!("c_{i}"), text, 0);
                t.mark_sent(&format!("c_{i}"));
            }
            t
        };
        let mut once = fresh();
        for e in &events {
            once.apply(e);
        }
        let mut replayed = fresh();
        for e in events.iter().take(cut).chain(&events) {
            replayed.apply(e);
        }
        prop_assert_eq!(&replayed, &once);
        let count = |status| once.entries().iter().filter(|e| matches!(&e.kind,
            EntryKind::User(m) if m.status == status)).count();
        let arrived = lost.iter().take(texts.len()).filter(|l| !**l).count();
        prop_assert_eq!(count(UserStatus::Confirmed), arrived, "every arrived message confirmed");
        prop_assert_eq!(count(UserStatus::Sent), texts.len() - arrived, "every lost one still waits");
        prop_assert_eq!(once.entries().len(), texts.len() + arrived, "no row doubled");
    }
}
