//! The Node and Python snippets (repo-root `snippets/`) run as child processes against an
//! in-process emulator and must behave like the Rust one.

mod common;

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use common::*;
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

fn snippet(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../snippets")
        .join(path)
}

/// Starts `program script` on a free port; `None` (after saying so) if the interpreter is missing.
async fn start(program: &str, script: PathBuf, emu: &Emulator) -> Option<(Child, String)> {
    let spawned = Command::new(program)
        .arg(&script)
        .env("PORT", "0")
        .env("OPERATOR_BASE_URL", &emu.url)
        .env("OPERATOR_API_KEY", API_KEY)
        .env("OPERATOR_AGENT_ID", api_emulator::SEEDED_AGENT_ID)
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn();
    let mut child = match spawned {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            println!(
                "SKIPPED: `{program}` is not installed, so {} was not tested",
                script.display()
            );
            return None;
        }
        other => other.unwrap_or_else(|e| panic!("could not start {program}: {e}")),
    };
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let first = tokio::time::timeout(Duration::from_secs(20), lines.next_line())
        .await
        .unwrap_or_else(|_| panic!("{program} printed nothing in 20 s"))
        .unwrap()
        .unwrap_or_else(|| panic!("{program} exited without printing its address"));
    let url = first
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
        .to_owned();
    Some((child, url))
}

async fn post(url: &str, user: Option<&str>) -> (u16, Option<String>, String) {
    let mut req = reqwest::Client::new().post(format!("{url}/operator/session"));
    if let Some(user) = user {
        req = req.header("X-Demo-User", user);
    }
    let res = req.timeout(Duration::from_secs(20)).send().await.unwrap();
    let status = res.status().as_u16();
    let cache = res
        .headers()
        .get("cache-control")
        .map(|v| v.to_str().unwrap().to_owned());
    (status, cache, res.text().await.unwrap())
}

async fn check_snippet(program: &str, script: &str) {
    let emu = Emulator::start().await;
    let Some((_child, url)) = start(program, snippet(script), &emu).await else {
        return;
    };

    let (status, cache, raw) = post(&url, Some("alice")).await;
    assert_eq!(status, 200, "{script}: {raw}");
    assert_eq!(
        cache.as_deref(),
        Some("no-store"),
        "{script}: Cache-Control"
    );
    assert!(!raw.contains(API_KEY), "{script}: key in body");
    let first: Value = serde_json::from_str(&raw).unwrap();
    for field in [
        "conversation_id",
        "token",
        "expires_at",
        "events_url",
        "session_url",
    ] {
        assert!(
            first[field].as_str().is_some_and(|v| !v.is_empty()),
            "{script}: {field} in {raw}"
        );
    }
    let events_url = first["events_url"].as_str().unwrap();
    let token = first["token"].as_str().unwrap();
    assert_eq!(
        emu.events_status(events_url, token).await,
        (200, None),
        "{script}: token works"
    );

    let (_, _, raw) = post(&url, Some("alice")).await;
    let second: Value = serde_json::from_str(&raw).unwrap();
    assert_eq!(
        second["conversation_id"], first["conversation_id"],
        "{script}: reused"
    );
    let revoked = emu.events_status(events_url, token).await;
    assert_eq!(
        revoked,
        (401, Some("token_revoked".into())),
        "{script}: first token revoked"
    );

    let (status, _, raw) = post(&url, None).await;
    let refused: Value = serde_json::from_str(&raw).unwrap();
    assert_eq!(
        (status, refused["code"].as_str()),
        (401, Some("unauthorized")),
        "{script}: {raw}"
    );

    emu.fault(fault_503(1)).await;
    let (status, _, raw) = post(&url, Some("bob")).await;
    let failed: Value = serde_json::from_str(&raw).unwrap();
    assert_eq!(status, 503, "{script}: {raw}");
    assert_eq!(
        failed["transient"], true,
        "{script}: upstream 503 stays transient: {raw}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn node_snippet_mints_reuses_and_revokes_like_the_rust_one() {
    check_snippet("node", "node/mint.mjs").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_snippet_mints_reuses_and_revokes_like_the_rust_one() {
    check_snippet("python3", "python/mint.py").await;
}
