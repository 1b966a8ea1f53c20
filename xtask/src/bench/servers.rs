//! The servers a benchmark runs against: the release emulator (with an admin key, for
//! `slow_agent`) and the release token server in front of it, serving the bench page.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::error::Result;
use crate::server::Server;
use crate::servers::{binary, emulator_args, random_hex, session_host, EMULATOR, TOKEN_SERVER};
use crate::workspace::Workspace;

const START_TIMEOUT: Duration = Duration::from_secs(60);

/// Emulator + token server on free ports of 127.0.0.1; both killed when this is dropped.
#[derive(Debug)]
pub struct BenchServers {
    emulator: Server,
    token_server: Server,
    api_key: String,
    admin_key: String,
}

impl BenchServers {
    /// Starts both (already built with `--release`), the token server serving `xtask/bench/page` and
    /// the package copy `pkg`; logs go to `target/xtask/bench-<tag>-*.log`.
    /// Logging is at `warn` so that writing request logs is not part of what is measured.
    pub fn start(ws: &Workspace, pkg: &Path, tag: &str) -> Result<Self> {
        let api_key = format!("op_test_bench_{}", random_hex());
        let admin_key = format!("admin_bench_{}", random_hex());
        let logs = ws.log_dir();
        let mut emu = Command::new(binary(ws, EMULATOR, true));
        emu.current_dir(&ws.root)
            .env("RUST_LOG", "warn")
            .env("OPERATOR_EMULATOR_API_KEY", &api_key)
            .env("OPERATOR_EMULATOR_ADMIN_KEY", &admin_key)
            .args(emulator_args());
        let log = logs.join(format!("bench-{tag}-emulator.log"));
        let emulator = Server::start_with_session_host(EMULATOR, emu, &log, START_TIMEOUT)?;
        let mut ts = Command::new(binary(ws, TOKEN_SERVER, true));
        ts.current_dir(&ws.root)
            .env("RUST_LOG", "warn")
            .env("OPERATOR_BASE_URL", &emulator.url)
            .env("OPERATOR_SESSION_BASE_URL", session_host(&emulator))
            .env("OPERATOR_API_KEY", &api_key)
            .arg("--port")
            .arg("0")
            .arg("--www")
            .arg(ws.root.join("xtask/bench/page"))
            .arg("--pkg")
            .arg(pkg)
            .args(["--mint-burst", "1000000", "--mint-per-minute", "1000000"])
            .args([
                "--address-burst",
                "1000000",
                "--address-per-minute",
                "1000000",
            ]);
        let log = logs.join(format!("bench-{tag}-token-server.log"));
        let token_server = Server::start(TOKEN_SERVER, ts, &log, START_TIMEOUT)?;
        Ok(Self {
            emulator,
            token_server,
            api_key,
            admin_key,
        })
    }

    /// What the node scripts in `xtask/bench/` read.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("OPERATOR_CHAT_BENCH_SERVER", self.token_server.url.clone()),
            ("OPERATOR_CHAT_BENCH_EMULATOR", self.emulator.url.clone()),
            (
                "OPERATOR_CHAT_BENCH_SESSION_HOST",
                session_host(&self.emulator).to_string(),
            ),
            ("OPERATOR_CHAT_BENCH_ADMIN_KEY", self.admin_key.clone()),
            ("OPERATOR_CHAT_BENCH_API_KEY", self.api_key.clone()),
        ]
    }
}
