//! Servers xtask starts for the demo and the browser tests: wait for their URL, log their
//! output, kill them on drop (also when a step fails).

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::error::{Error, Result};
use crate::proc::{describe, spawn};

/// A running server; killed (and reaped) when dropped, also on failure paths.
#[derive(Debug)]
pub struct Server {
    name: String,
    child: Child,
    /// The URL it printed (`... listening on http://...`).
    pub url: String,
    /// The session host it printed (`... session host ws://...`), for servers started with
    /// [`Server::start_with_session_host`].
    pub session_host: Option<String>,
    /// Its stdout and stderr.
    pub log: PathBuf,
}

impl Server {
    /// Starts `cmd`, logs its output to `log`, and waits (up to `timeout`) for the first line
    /// that says `listening on <url>`.
    pub fn start(name: &str, cmd: Command, log: &Path, timeout: Duration) -> Result<Server> {
        Self::launch(name, cmd, log, timeout, false)
    }

    /// [`Server::start`] for the emulator: also waits for its `session host <ws url>` line.
    pub fn start_with_session_host(
        name: &str,
        cmd: Command,
        log: &Path,
        timeout: Duration,
    ) -> Result<Server> {
        Self::launch(name, cmd, log, timeout, true)
    }

    fn launch(
        name: &str,
        mut cmd: Command,
        log: &Path,
        timeout: Duration,
        wants_session_host: bool,
    ) -> Result<Server> {
        let fail = |reason: String| Error::Server {
            name: name.to_string(),
            reason,
        };
        if let Some(dir) = log.parent() {
            std::fs::create_dir_all(dir).map_err(|e| fail(format!("{}: {e}", dir.display())))?;
        }
        let file = File::create(log).map_err(|e| fail(format!("{}: {e}", log.display())))?;
        let err_file = file
            .try_clone()
            .map_err(|e| fail(format!("{}: {e}", log.display())))?;
        println!("$ {}   (log: {})", describe(&cmd), log.display());
        cmd.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(err_file);
        let mut child = spawn(&mut cmd)?;
        let stdout = child.stdout.take();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let Some(stdout) = stdout else { return };
            let mut file = file;
            let (mut sent_url, mut sent_session) = (false, false);
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                let _ = writeln!(file, "{line}");
                if !sent_url {
                    if let Some(url) = listening_url(&line) {
                        sent_url = tx.send(Announced::Url(url)).is_ok();
                    }
                }
                if !sent_session {
                    if let Some(url) = session_host_url(&line) {
                        sent_session = tx.send(Announced::SessionHost(url)).is_ok();
                    }
                }
            }
        });
        let mut server = Server {
            name: name.to_string(),
            child,
            url: String::new(),
            session_host: None,
            log: log.to_path_buf(),
        };
        let deadline = std::time::Instant::now() + timeout;
        let wanted = if wants_session_host {
            "`listening on` and `session host` lines"
        } else {
            "`listening on` line"
        };
        while server.url.is_empty() || (wants_session_host && server.session_host.is_none()) {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match rx.recv_timeout(left) {
                Ok(Announced::Url(url)) => server.url = url,
                Ok(Announced::SessionHost(url)) => server.session_host = Some(url),
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    return Err(fail(format!(
                        "no {wanted} within {}s (log: {})",
                        timeout.as_secs(),
                        log.display()
                    )))
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    let status = server.child.wait().map(|s| s.to_string());
                    return Err(fail(format!(
                        "exited ({}) before printing its {wanted}; log {}:\n{}",
                        status.unwrap_or_else(|e| e.to_string()),
                        log.display(),
                        tail(log, 20)
                    )));
                }
            }
        }
        println!("{name} listening on {}", server.url);
        if let Some(host) = &server.session_host {
            println!("{name} session host {host}");
        }
        Ok(server)
    }
}

/// A line a starting server printed that xtask waits for.
enum Announced {
    /// `... listening on http://...`.
    Url(String),
    /// `... session host ws://...`.
    SessionHost(String),
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
            println!("stopped {} (log: {})", self.name, self.log.display());
        }
    }
}

/// The URL in a `... listening on http://host:port` line.
pub fn listening_url(line: &str) -> Option<String> {
    let (_, rest) = line.split_once("listening on ")?;
    let url = rest.split_whitespace().next()?;
    (url.starts_with("http://") || url.starts_with("https://"))
        .then(|| url.trim_end_matches('/').to_string())
}

/// The URL in a `... session host ws://host:port` line (the emulator's second line).
pub fn session_host_url(line: &str) -> Option<String> {
    let (_, rest) = line.split_once("session host ")?;
    let url = rest.split_whitespace().next()?;
    (url.starts_with("ws://") || url.starts_with("wss://"))
        .then(|| url.trim_end_matches('/').to_string())
}

/// The last `lines` lines of a file, for error messages.
pub fn tail(path: &Path, lines: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::{listening_url, session_host_url, Server};
    use std::process::Command;
    use std::time::Duration;

    #[test]
    fn listening_url_is_read_from_the_servers_first_line() {
        assert_eq!(
            listening_url("token-server listening on http://127.0.0.1:40123").as_deref(),
            Some("http://127.0.0.1:40123")
        );
        assert_eq!(
            listening_url("operator-emulator listening on http://127.0.0.1:4010/ (admin on)")
                .as_deref(),
            Some("http://127.0.0.1:4010")
        );
        assert_eq!(listening_url("listening on port 80"), None);
        assert_eq!(
            session_host_url("operator-emulator session host ws://127.0.0.1:4011").as_deref(),
            Some("ws://127.0.0.1:4011")
        );
        assert_eq!(
            listening_url("operator-emulator session host ws://127.0.0.1:4011"),
            None
        );
        assert_eq!(listening_url("compiling"), None);
    }

    #[test]
    fn server_that_exits_without_a_url_is_an_error_not_a_hang() {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "echo starting; exit 1"]);
        let log = std::env::temp_dir().join(format!("xtask-proc-test-{}.log", std::process::id()));
        let err = Server::start("dud", cmd, &log, Duration::from_secs(30)).expect_err("no URL");
        assert!(
            err.to_string().contains("starting"),
            "log tail is shown: {err}"
        );
        let _ = std::fs::remove_file(log);
    }

    #[test]
    fn the_emulator_s_session_host_is_read_from_its_second_line() {
        let mut cmd = Command::new("sh");
        cmd.args([
            "-c",
            "echo 'e listening on http://127.0.0.1:9'; echo 'e session host ws://127.0.0.1:10'; exec sleep 600",
        ]);
        let log =
            std::env::temp_dir().join(format!("xtask-proc-session-{}.log", std::process::id()));
        let server = Server::start_with_session_host("e", cmd, &log, Duration::from_secs(30))
            .expect("starts");
        assert_eq!(server.url, "http://127.0.0.1:9");
        assert_eq!(server.session_host.as_deref(), Some("ws://127.0.0.1:10"));
        drop(server);
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "echo 'e listening on http://127.0.0.1:9'; exit 0"]);
        let err = Server::start_with_session_host("e", cmd, &log, Duration::from_secs(30))
            .expect_err("no session host line");
        assert!(err.to_string().contains("session host"), "{err}");
        let _ = std::fs::remove_file(log);
    }

    #[test]
    fn server_is_killed_when_dropped() {
        let mut cmd = Command::new("sh");
        cmd.args([
            "-c",
            "echo 'x listening on http://127.0.0.1:9'; exec sleep 600",
        ]);
        let log = std::env::temp_dir().join(format!("xtask-proc-kill-{}.log", std::process::id()));
        let server = Server::start("sleeper", cmd, &log, Duration::from_secs(30)).expect("starts");
        assert_eq!(server.url, "http://127.0.0.1:9");
        let pid = server.child.id();
        drop(server);
        let alive = std::path::Path::new(&format!("/proc/{pid}")).exists()
            && !std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .unwrap_or_default()
                .contains(") Z ");
        assert!(!alive, "child {pid} still running after drop");
        let _ = std::fs::remove_file(log);
    }
}
