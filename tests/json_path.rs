//! The frame-parsing path, compared in the browser: `serde_json::from_str` on the frame text
//! (what the widget does) against `JSON.parse` + `serde_wasm_bindgen::from_value`. Both must
//! read every documented event, an unknown type and a malformed frame alike; the timing test
//! parses 2,000 delta frames (one second of a 2,000 deltas/s stream) each way and prints the
//! cost per frame. Run it optimised to get figures that mean something:
//! `wasm-pack test --release --headless --chrome . --test json_path -- --nocapture`.
#![cfg(target_arch = "wasm32")]

use operator_chat::protocol::{Event, EventPayload, RawJson};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// One fixture per documented event type.
const FIXTURES: [&str; 11] = [
    include_str!("../crates/api-emulator/fixtures/events/agent.message.completed.json"),
    include_str!("../crates/api-emulator/fixtures/events/agent.message.delta.json"),
    include_str!("../crates/api-emulator/fixtures/events/agent.notice.sent.json"),
    include_str!("../crates/api-emulator/fixtures/events/agent.tool_call.created.json"),
    include_str!("../crates/api-emulator/fixtures/events/agent.tool_call.returned.json"),
    include_str!("../crates/api-emulator/fixtures/events/conversation.context.updated.json"),
    include_str!("../crates/api-emulator/fixtures/events/conversation.ended.json"),
    include_str!("../crates/api-emulator/fixtures/events/conversation.setup.json"),
    include_str!("../crates/api-emulator/fixtures/events/conversation.started.json"),
    include_str!("../crates/api-emulator/fixtures/events/server.error.json"),
    include_str!("../crates/api-emulator/fixtures/events/user.message.received.json"),
];

/// The widget's path.
fn from_text(text: &str) -> Option<Event> {
    Event::from_json(text).ok()
}

/// The browser's envelope, its payload left a JS object.
#[derive(serde::Deserialize)]
struct JsEnvelope {
    id: String,
    created_at: String,
    #[serde(default)]
    agent_id: String,
    #[serde(default)]
    livemode: bool,
    conversation_id: String,
    #[serde(default)]
    experimental: bool,
    #[serde(with = "serde_wasm_bindgen::preserve")]
    payload: wasm_bindgen::JsValue,
}

/// The alternative: the browser parses, serde reads the JS values (the envelope, then the
/// payload as the variant its `type` names). A context is kept as JSON text ([`RawJson`],
/// which only serde_json reads): on this path the browser writes that text back.
fn from_js(text: &str) -> Option<Event> {
    let value = js_sys::JSON::parse(text).ok()?;
    let raw: JsEnvelope = serde_wasm_bindgen::from_value(value).ok()?;
    let field = |name: &str| js_sys::Reflect::get(&raw.payload, &name.into()).ok();
    let kind = field("type")?.as_string()?;
    let payload = if kind == "conversation.context.updated" {
        let context = js_sys::JSON::stringify(&field("context")?).ok()?;
        EventPayload::ContextUpdated {
            context: RawJson::parse(&String::from(context)).ok()?,
        }
    } else {
        let fields = serde_wasm_bindgen::Deserializer::from(raw.payload.clone());
        EventPayload::from_tagged(&kind, fields).ok()?
    };
    Some(Event {
        payload,
        id: raw.id,
        created_at: raw.created_at,
        agent_id: raw.agent_id,
        livemode: raw.livemode,
        conversation_id: raw.conversation_id,
        experimental: raw.experimental,
    })
}

/// `event` with its context (if any) written without spaces, as `JSON.stringify` writes it:
/// the two paths keep the context's text, which they read with and without the frame's spaces.
fn compact(mut event: Event) -> Event {
    if let EventPayload::ContextUpdated { context } = &mut event.payload {
        let value: serde_json::Value = serde_json::from_str(context.get()).expect("JSON text");
        *context = value.into();
    }
    event
}

/// `count` delta frames as the emulator sends them, each with its own id and word.
fn delta_frames(count: usize) -> Vec<String> {
    (0..count)
        .map(|i| {
            format!(
                r#"{{"id":"ev_{i:06}","created_at":"2025-07-01T12:00:00Z","agent_id":"ca_1@v0","livemode":false,"conversation_id":"conv_1","experimental":false,"payload":{{"type":"agent.message.delta","text_delta":"w{i} ","generation_id":"gen_1"}}}}"#
            )
        })
        .collect()
}

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

#[wasm_bindgen_test]
fn both_paths_read_every_event_alike() {
    for text in FIXTURES {
        let ours = from_text(text).expect("fixture parses");
        assert!(
            !matches!(ours.payload, EventPayload::Unknown { .. }),
            "{text}"
        );
        assert_eq!(from_js(text).map(compact), Some(compact(ours)), "{text}");
    }
    let unknown = r#"{"id":"e","created_at":"x","conversation_id":"c","payload":{"type":"agent.thought.sent","x":1}}"#;
    let event = from_js(unknown).expect("unknown types are kept");
    assert_eq!(event.kind(), "agent.thought.sent");
    assert_eq!(from_text(unknown), Some(event));
    let bad = r#"{"id":"e","created_at":"x","conversation_id":"c","payload":{"type":"agent.message.delta"}}"#;
    assert_eq!(from_text(bad), None, "a known type with missing fields");
    assert_eq!(from_js(bad), None, "a known type with missing fields");
}

#[wasm_bindgen_test]
fn two_thousand_deltas_cost_per_frame_each_way() {
    let frames = delta_frames(2_000);
    // The median of five rounds each, alternating, so neither path gets a warmer machine.
    let mut text_ms = Vec::new();
    let mut js_ms = Vec::new();
    for _ in 0..5 {
        let start = now_ms();
        let a: Vec<Event> = frames.iter().filter_map(|f| from_text(f)).collect();
        text_ms.push(now_ms() - start);
        let start = now_ms();
        let b: Vec<Event> = frames.iter().filter_map(|f| from_js(f)).collect();
        js_ms.push(now_ms() - start);
        assert_eq!(a.len(), frames.len(), "every frame parses");
        assert_eq!(a, b, "both paths give the same events");
    }
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let per_frame_us = |ms: f64| ms * 1000.0 / frames.len() as f64;
    console_log!(
        "json path, 2,000 delta frames: serde_json::from_str {:.2} µs/frame; JSON.parse + serde_wasm_bindgen::from_value {:.2} µs/frame",
        per_frame_us(median(text_ms)),
        per_frame_us(median(js_ms)),
    );
}
