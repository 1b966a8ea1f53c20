use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use api_emulator::DEFAULT_API_KEY;

struct Kill(std::process::Child);

impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn the_binary_prints_its_address_first_and_serves_there() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_operator-emulator"))
        .args(["--port", "0", "--host", "127.0.0.1", "--admin-key", "k"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the binary");
    let stdout = child.stdout.take().expect("stdout");
    let child = Kill(child);
    let line = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).map(|_| line)
    })
    .await
    .expect("join")
    .expect("read line");
    let url = line
        .trim()
        .strip_prefix("operator-emulator listening on ")
        .unwrap_or_else(|| panic!("first line announces the address: {line:?}"))
        .to_string();
    assert!(
        url.starts_with("http://127.0.0.1:") && !url.ends_with(":0"),
        "{url}"
    );
    let response = reqwest::Client::new()
        .get(format!("{url}/conversations"))
        .bearer_auth(DEFAULT_API_KEY)
        .header("Operator-Version", "2025-06-19")
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);
    drop(child);
}

#[test]
fn the_binary_rejects_unknown_flags_with_usage() {
    let out = Command::new(env!("CARGO_BIN_EXE_operator-emulator"))
        .arg("--bogus")
        .arg("x")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("usage"));
}
