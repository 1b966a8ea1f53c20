use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use api_emulator::DEFAULT_API_KEY;

struct Kill(std::process::Child);

impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn emulator() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_operator-emulator"));
    cmd.env_remove("OPERATOR_EMULATOR_API_KEY")
        .env_remove("OPERATOR_EMULATOR_ADMIN_KEY");
    cmd
}

/// Starts the binary and reads its two announcement lines: (REST URL, session host URL).
async fn start(mut cmd: Command) -> (Kill, String, String) {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the binary");
    let stdout = child.stdout.take().expect("stdout");
    let child = Kill(child);
    let (first, second) = tokio::task::spawn_blocking(move || {
        let mut lines = BufReader::new(stdout).lines();
        let mut next = || lines.next().and_then(Result::ok).unwrap_or_default();
        (next(), next())
    })
    .await
    .expect("join");
    let rest = first
        .strip_prefix("operator-emulator listening on ")
        .unwrap_or_else(|| panic!("first line announces the REST host: {first:?}"))
        .to_string();
    let session = second
        .strip_prefix("operator-emulator session host ")
        .unwrap_or_else(|| panic!("second line announces the session host: {second:?}"))
        .to_string();
    (child, rest, session)
}

/// Runs the binary expecting it to refuse to start: (exit code, stderr). Fails instead of
/// hanging when it starts serving.
fn refused(mut cmd: Command) -> (Option<i32>, String) {
    let mut child = Kill(
        cmd.stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the binary"),
    );
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.0.try_wait().expect("wait") {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the binary started serving instead of refusing"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = String::new();
    if let Some(mut pipe) = child.0.stderr.take() {
        let _ = std::io::Read::read_to_string(&mut pipe, &mut stderr);
    }
    (status.code(), stderr)
}

async fn list_status(rest: &str, key: &str) -> u16 {
    reqwest::Client::new()
        .get(format!("{rest}/conversations"))
        .bearer_auth(key)
        .header("Operator-Version", "2025-06-19")
        .send()
        .await
        .expect("request")
        .status()
        .as_u16()
}

#[tokio::test]
async fn the_binary_prints_both_hosts_first_and_serves_there() {
    let mut cmd = emulator();
    cmd.args(["--port", "0", "--session-port", "0", "--host", "127.0.0.1"]);
    let (child, rest, session) = start(cmd).await;
    assert!(
        rest.starts_with("http://127.0.0.1:") && !rest.ends_with(":0"),
        "{rest}"
    );
    assert!(
        session.starts_with("ws://127.0.0.1:") && !session.ends_with(":0"),
        "{session}"
    );
    assert_ne!(
        rest.rsplit(':').next(),
        session.rsplit(':').next(),
        "two ports"
    );
    assert_eq!(list_status(&rest, DEFAULT_API_KEY).await, 200);
    let session_http = session.replacen("ws://", "http://", 1);
    assert_eq!(
        list_status(&session_http, DEFAULT_API_KEY).await,
        404,
        "the session host serves no REST route"
    );
    drop(child);
}

#[tokio::test]
async fn the_binary_takes_its_keys_from_the_environment() {
    let mut cmd = emulator();
    cmd.args(["--port", "0", "--session-port", "0"])
        .env("OPERATOR_EMULATOR_API_KEY", "op_from_env_key")
        .env("OPERATOR_EMULATOR_ADMIN_KEY", "admin_from_env");
    let (child, rest, _) = start(cmd).await;
    assert_eq!(list_status(&rest, "op_from_env_key").await, 200);
    assert_eq!(
        list_status(&rest, DEFAULT_API_KEY).await,
        401,
        "the default key is replaced"
    );
    let admin = reqwest::Client::new()
        .delete(format!("{rest}/_emulator/faults"))
        .header("X-Emulator-Admin-Key", "admin_from_env")
        .send()
        .await
        .expect("admin");
    assert_eq!(admin.status(), 204, "admin key from the environment");
    drop(child);
}

#[test]
fn the_binary_refuses_empty_keys() {
    for (flag, env) in [
        (Some(["--admin-key", ""]), None),
        (Some(["--api-key", ""]), None),
        (None, Some("OPERATOR_EMULATOR_ADMIN_KEY")),
    ] {
        let mut cmd = emulator();
        cmd.args(["--port", "0", "--session-port", "0"]);
        if let Some(flag) = flag {
            cmd.args(flag);
        }
        if let Some(var) = env {
            cmd.env(var, "");
        }
        let (code, stderr) = refused(cmd);
        assert_eq!(code, Some(2), "{flag:?} {env:?}: {stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
        assert!(stderr.contains("empty"), "{stderr}");
    }
}

#[test]
fn the_binary_refuses_a_public_interface_with_the_default_api_key() {
    let mut cmd = emulator();
    cmd.args(["--host", "0.0.0.0", "--port", "0", "--session-port", "0"]);
    let (code, stderr) = refused(cmd);
    assert_eq!(code, Some(2), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "one clear line: {stderr}");
    assert!(
        stderr.contains("0.0.0.0") && stderr.contains("--api-key"),
        "{stderr}"
    );
}

#[test]
fn the_binary_rejects_unknown_flags_and_bad_values_with_usage() {
    for args in [["--bogus", "x"], ["--port", "http"]] {
        let out = emulator().args(args).output().expect("run");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.starts_with("error:") && stderr.contains(args[0]) && stderr.contains("--help"),
            "{args:?}: clap's message names the flag: {stderr}"
        );
    }
    let help = emulator().arg("--help").output().expect("run");
    let text = String::from_utf8_lossy(&help.stdout);
    assert_eq!(help.status.code(), Some(0));
    assert!(
        text.contains("--session-port") && text.contains("OPERATOR_EMULATOR_API_KEY"),
        "{text}"
    );
}
