//! The Node and Python snippets (repo-root `snippets/`) run as child processes: against the
//! in-process emulator they mint, reuse and revoke like the Rust endpoint; against a fake that
//! answers exactly the documented shapes they build what the widget needs from those alone.
//! (Their hardening is pinned down in `snippets_safety.rs`.)

mod common;
mod snippet_support;

use common::{fault_503, Emulator, API_KEY};
use snippet_support::*;

/// A session host apart from the REST host, as the real service has.
const SESSION_BASE: &str = "ws://agent.test:4011";

async fn mints_reuses_and_revokes_against_the_emulator(lang: Lang) {
    let emu = Emulator::start().await;
    let session_base = format!("{SESSION_BASE}/");
    let env = [
        ("OPERATOR_API_KEY", API_KEY),
        ("OPERATOR_SESSION_BASE_URL", session_base.as_str()),
    ];
    let Some(snippet) = Snippet::start(lang, &emu.url, &env).await else {
        return;
    };

    let first = snippet.post(Some("alice")).await;
    assert_eq!(first.status, 200, "{lang:?}: {}", first.raw);
    assert_eq!(
        first.header("cache-control").as_deref(),
        Some("no-store"),
        "{lang:?}: Cache-Control"
    );
    assert!(!first.raw.contains(API_KEY), "{lang:?}: key in body");
    let body = &first.body;
    for field in ["conversation_id", "token", "expires_at", "events_url"] {
        assert!(
            body[field].as_str().is_some_and(|v| !v.is_empty()),
            "{lang:?}: {field} in {}",
            first.raw
        );
    }
    let id = body["conversation_id"].as_str().unwrap();
    assert_eq!(
        body["session_url"].as_str(),
        Some(format!("{SESSION_BASE}/conversations/{id}/session").as_str()),
        "{lang:?}: session_url is OPERATOR_SESSION_BASE_URL + the path, whatever the create answer says"
    );
    let events_url = body["events_url"].as_str().unwrap();
    let token = body["token"].as_str().unwrap();
    assert_eq!(
        emu.events_status(events_url, token).await,
        (200, None),
        "{lang:?}: token works"
    );

    let second = snippet.post(Some("alice")).await;
    assert_eq!(
        second.body["conversation_id"], body["conversation_id"],
        "{lang:?}: reused: {}",
        second.raw
    );
    assert_eq!(
        emu.events_status(events_url, token).await,
        (401, Some("token_revoked".into())),
        "{lang:?}: first token revoked"
    );

    let refused = snippet.post(None).await;
    assert_eq!(
        (refused.status, refused.body["code"].as_str()),
        (401, Some("unauthorized")),
        "{lang:?}: {}",
        refused.raw
    );

    emu.fault(fault_503(1)).await;
    let failed = snippet.post(Some("bob")).await;
    let (status, code, transient) = failed.error(lang);
    assert_eq!(
        (status, code.as_str(), transient),
        (503, "upstream_unavailable", true),
        "{lang:?}: upstream 503 stays transient"
    );
    assert!(
        !snippet.stderr().contains(API_KEY),
        "{lang:?}: key in the snippet's log"
    );
}

async fn builds_the_session_from_the_documented_create_and_refresh_answers(lang: Lang) {
    let (fake, _) = Fake::scripted().await;
    let Some(snippet) = Snippet::start(lang, &fake.url, &[]).await else {
        return;
    };

    for round in ["new conversation", "reused conversation"] {
        let answer = snippet.post(Some("alice")).await;
        assert_eq!(answer.status, 200, "{lang:?} {round}: {}", answer.raw);
        let expected = serde_json::json!({
            "conversation_id": CONV,
            "channel": "chat_realtime",
            "token": REFRESH_TOKEN,
            "expires_at": EXPIRES_AT,
            "events_url": EVENTS_URL,
            "session_url": format!("{DEFAULT_SESSION_BASE}/conversations/{CONV}/session"),
        });
        assert_eq!(
            answer.body, expected,
            "{lang:?} {round}: the token and expiry come from the refresh answer, the session \
             URL from the default agent host"
        );
    }
    let calls: Vec<_> = fake
        .seen()
        .into_iter()
        .map(|s| {
            assert!(
                s.authorization.as_deref() == Some(format!("Bearer {KEY}").as_str()),
                "{lang:?}: {} {} without the key",
                s.method,
                s.path
            );
            format!("{} {}", s.method, s.path)
        })
        .collect();
    let refresh = format!("POST /conversations/{CONV}/token/refresh");
    assert_eq!(
        calls,
        [
            "POST /conversations".to_owned(),
            refresh.clone(),
            format!("GET /conversations/{CONV}"),
            refresh,
        ],
        "{lang:?}: create + refresh, then status check + refresh"
    );
}

async fn an_ended_conversation_is_replaced(lang: Lang) {
    let emu = Emulator::start().await;
    let Some(snippet) = Snippet::start(lang, &emu.url, &[("OPERATOR_API_KEY", API_KEY)]).await
    else {
        return;
    };
    let first = snippet.post(Some("carol")).await;
    let id = first.body["conversation_id"].as_str().unwrap_or_else(|| {
        panic!("{lang:?}: {}", first.raw);
    });
    emu.delete_conversation(id).await;

    let second = snippet.post(Some("carol")).await;
    assert_eq!(second.status, 200, "{lang:?}: {}", second.raw);
    assert_ne!(
        second.body["conversation_id"].as_str(),
        Some(id),
        "{lang:?}: a conversation that is gone is not reused"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn node_snippet_mints_reuses_and_revokes_like_the_rust_one() {
    mints_reuses_and_revokes_against_the_emulator(Lang::Node).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_snippet_mints_reuses_and_revokes_like_the_rust_one() {
    mints_reuses_and_revokes_against_the_emulator(Lang::Python).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn snippets_work_from_the_documented_answers_alone() {
    for lang in LANGS {
        builds_the_session_from_the_documented_create_and_refresh_answers(lang).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn snippets_start_a_new_conversation_when_the_old_one_is_gone() {
    for lang in LANGS {
        an_ended_conversation_is_replaced(lang).await;
    }
}

async fn an_async_channel_session_names_it_and_has_no_socket(lang: Lang) {
    let emu = Emulator::start().await;
    let env = [
        ("OPERATOR_API_KEY", API_KEY),
        ("OPERATOR_CHANNEL", "chat_async"),
    ];
    let Some(snippet) = Snippet::start(lang, &emu.url, &env).await else {
        return;
    };
    let first = snippet.post(Some("dave")).await;
    assert_eq!(first.status, 200, "{lang:?}: {}", first.raw);
    assert_eq!(
        first.body["channel"], "chat_async",
        "{lang:?}: {}",
        first.raw
    );
    assert!(
        first.body.get("session_url").is_none(),
        "{lang:?}: no socket for chat_async: {}",
        first.raw
    );
    let second = snippet.post(Some("dave")).await;
    assert_eq!(
        second.body["conversation_id"], first.body["conversation_id"],
        "{lang:?}: resumed: {}",
        second.raw
    );
    let events_url = second.body["events_url"].as_str().unwrap_or_default();
    let token = second.body["token"].as_str().unwrap_or_default();
    assert_eq!(
        emu.events_status(events_url, token).await,
        (200, None),
        "{lang:?}: the token opens the async conversation's events"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn snippets_create_chat_async_conversations_with_operator_channel() {
    for lang in LANGS {
        an_async_channel_session_names_it_and_has_no_socket(lang).await;
    }
}
