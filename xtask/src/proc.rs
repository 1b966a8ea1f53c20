//! Child processes: run and echo, run and capture, ask for a version.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::{Child, Command, ExitStatus, Stdio};

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

pub(crate) fn spawn(cmd: &mut Command) -> Result<Child> {
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

#[cfg(test)]
mod tests {
    use super::run_tee;
    use std::process::Command;

    #[test]
    fn run_tee_captures_stdout_and_stderr_in_order() {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "echo one; echo two >&2; exit 3"]);
        let (status, out) = run_tee(&mut cmd).expect("sh runs");
        assert_eq!(status.code(), Some(3), "exit code is kept");
        assert_eq!(out, "one\ntwo\n");
    }
}
