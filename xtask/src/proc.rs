//! Child processes: run and echo, run and capture, and servers killed on drop.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::error::{Error, Result};

/// `program arg arg` for messages (the program by its file name: `cargo`, not its full path).
pub fn describe(cmd: &Command) -> String {
    let program = std::path::Path::new(cmd.get_program());
    let mut text = program
        .file_name()
        .unwrap_or(program.as_os_str())
        .to_string_lossy()
        .into_owned();
    for arg in cmd.get_args() {
        text.push(' ');
        text.push_str(&arg.to_string_lossy());
    }
    text
}

fn spawn(cmd: &mut Command) -> Result<Child> {
    cmd.spawn().map_err(|source| Error::Spawn {
        program: cmd.get_program().to_string_lossy().into_owned(),
        source,
    })
}

/// Runs `cmd` with the terminal's stdout/stderr; fails on a non-zero exit.
pub fn run(cmd: &mut Command) -> Result<()> {
    println!("$ {}", describe(cmd));
    cmd.stdin(Stdio::null());
    let status = spawn(cmd)?.wait().map_err(|source| Error::Spawn {
        program: describe(cmd),
        source,
    })?;
    check(cmd, status)
}

/// Runs `cmd`, echoing its merged stdout and stderr live and returning them as text.
pub fn run_tee(cmd: &mut Command) -> Result<(ExitStatus, String)> {
    println!("$ {}", describe(cmd));
    let (mut reader, writer) = std::io::pipe().map_err(|source| Error::Spawn {
        program: describe(cmd),
        source,
    })?;
    let writer_err = writer.try_clone().map_err(|source| Error::Spawn {
        program: describe(cmd),
        source,
    })?;
    cmd.stdin(Stdio::null()).stdout(writer).stderr(writer_err);
    let mut child = spawn(cmd)?;
    // The Command still holds the pipe's write ends; replace them so EOF arrives with the child.
    cmd.stdout(Stdio::null()).stderr(Stdio::null());
    let mut captured = Vec::new();
    let mut buf = [0u8; 8192];
    let mut out = std::io::stdout();
    loop {
        match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                captured.extend_from_slice(&buf[..n]);
                let _ = out.write_all(&buf[..n]);
                let _ = out.flush();
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => break,
        }
    }
    let status = child.wait().map_err(|source| Error::Spawn {
        program: describe(cmd),
        source,
    })?;
    Ok((status, String::from_utf8_lossy(&captured).into_owned()))
}

/// Runs `cmd` quietly and returns its trimmed stdout if it exits 0.
pub fn output(cmd: &mut Command) -> Option<String> {
    let out = cmd
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn check(cmd: &Command, status: ExitStatus) -> Result<()> {
    if status.success() {
        Ok(())
    } else {
        Err(Error::Failed {
            command: describe(cmd),
            status: status.to_string(),
        })
    }
}

/// A free TCP port on 127.0.0.1 (bound, read and released).
pub fn free_port() -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0")
        .map_err(|e| Error::Other(format!("cannot bind 127.0.0.1:0: {e}")))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| Error::Other(format!("cannot read bound address: {e}")))
}

/// A running server; killed (and reaped) when dropped, also on failure paths.
#[derive(Debug)]
pub struct Server {
    name: String,
    child: Child,
    /// The URL it printed (`... listening on http://...`).
    pub url: String,
    /// Its stdout and stderr.
    pub log: PathBuf,
}

impl Server {
    /// Starts `cmd`, logs its output to `log`, and waits (up to `timeout`) for the first line
    /// that says `listening on <url>`.
    pub fn start(name: &str, mut cmd: Command, log: &Path, timeout: Duration) -> Result<Server> {
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
            let mut sent = false;
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                let _ = writeln!(file, "{line}");
                if !sent {
                    if let Some(url) = listening_url(&line) {
                        sent = tx.send(url).is_ok();
                    }
                }
            }
        });
        let mut server = Server {
            name: name.to_string(),
            child,
            url: String::new(),
            log: log.to_path_buf(),
        };
        match rx.recv_timeout(timeout) {
            Ok(url) => {
                server.url = url;
                println!("{name} listening on {}", server.url);
                Ok(server)
            }
            Err(mpsc::RecvTimeoutError::Timeout) => Err(fail(format!(
                "no `listening on` line within {}s (log: {})",
                timeout.as_secs(),
                log.display()
            ))),
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                let status = server.child.wait().map(|s| s.to_string());
                Err(fail(format!(
                    "exited ({}) before printing `listening on <url>`; log {}:\n{}",
                    status.unwrap_or_else(|e| e.to_string()),
                    log.display(),
                    tail(log, 20)
                )))
            }
        }
    }
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

/// The last `lines` lines of a file, for error messages.
pub fn tail(path: &Path, lines: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::{listening_url, run_tee, Server};
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
        assert_eq!(listening_url("compiling"), None);
    }

    #[test]
    fn run_tee_captures_stdout_and_stderr_in_order() {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "echo one; echo two >&2; exit 3"]);
        let (status, out) = run_tee(&mut cmd).expect("sh runs");
        assert_eq!(status.code(), Some(3), "exit code is kept");
        assert_eq!(out, "one\ntwo\n");
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
