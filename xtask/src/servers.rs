//! The project's servers as xtask starts them: for the demo and for the browser tests.
//! Every flag and variable xtask passes to them is in this file.

use std::ffi::OsString;
use std::hash::{BuildHasher, Hasher};
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use crate::error::Result;
use crate::proc;
use crate::server::Server;
use crate::workspace::{Bin, Workspace};

/// The emulator's binary (crate `api-emulator`).
pub const EMULATOR: &str = "operator-emulator";
/// The dev server with the mint endpoint (crate `token-server`).
pub const TOKEN_SERVER: &str = "token-server";
/// What `cargo xtask demo` serves: the first of these the workspace has a binary for.
pub const DEMO_PREFERENCE: [&str; 2] = [TOKEN_SERVER, EMULATOR];

const START_TIMEOUT: Duration = Duration::from_secs(60);

/// `cargo build [--release] -p <package> --bin <name>...` for the given workspace binaries.
pub fn build(ws: &Workspace, bins: &[&Bin], release: bool) -> Result<()> {
    let mut cmd = ws.cargo();
    cmd.arg("build");
    if release {
        cmd.arg("--release");
    }
    for bin in bins {
        cmd.args(["-p", &bin.package, "--bin", &bin.name]);
    }
    proc::run(&mut cmd)
}

/// Path of a built workspace binary.
pub fn binary(ws: &Workspace, name: &str, release: bool) -> PathBuf {
    let profile = if release { "release" } else { "debug" };
    ws.target_dir().join(profile).join(name)
}

/// The token server's static directories: `--www www/ --pkg pkg/` (the demo page and the npm
/// package).
pub fn static_dir_args(ws: &Workspace) -> [OsString; 4] {
    [
        "--www".into(),
        ws.www_dir().into(),
        "--pkg".into(),
        ws.pkg_dir().into(),
    ]
}

/// The demo server's command line: `token-server --port P --www .. --pkg ..`
/// (emulator in-process) or `operator-emulator --port P --session-port 0 --host 127.0.0.1`.
pub fn demo_command(ws: &Workspace, name: &str, port: u16) -> Command {
    let mut cmd = Command::new(binary(ws, name, true));
    cmd.current_dir(&ws.root)
        .args(["--port", &port.to_string()]);
    if name == EMULATOR {
        cmd.args(["--session-port", "0", "--host", "127.0.0.1"]);
    } else {
        cmd.args(static_dir_args(ws));
    }
    cmd
}

/// Emulator (with an admin key for fault injection, in its default documented mode) plus, when
/// it exists, the token server in front of it twice: one creating `chat_realtime` conversations
/// (`OPERATOR_CHAT_TEST_SERVER`), one `chat_async` (`OPERATOR_CHAT_TEST_SERVER_ASYNC`, JS suites
/// only); all on free ports (the emulator's REST host and
/// session host apart, as Operator's are), killed when this is dropped.
#[derive(Debug)]
pub struct TestServers {
    emulator: Server,
    token_server: Option<Server>,
    /// A second token server in front of the same emulator, creating `chat_async`
    /// conversations (`--channel chat_async`), so a suite can run on both channels.
    token_server_async: Option<Server>,
    api_key: String,
    admin_key: String,
}

impl TestServers {
    /// Builds (debug) and starts the servers; `allowed_origin` is the browser test page's origin.
    pub fn start(ws: &Workspace, allowed_origin: &str) -> Result<Self> {
        let bins = ws.binaries()?;
        let has_token_server = bins.iter().any(|b| b.name == TOKEN_SERVER);
        let wanted: Vec<&Bin> = bins
            .iter()
            .filter(|b| b.name == EMULATOR || b.name == TOKEN_SERVER)
            .collect();
        build(ws, &wanted, false)?;
        let api_key = format!("op_test_xtask_{}", random_hex());
        let admin_key = format!("admin_xtask_{}", random_hex());
        let logs = ws.log_dir();

        let mut emu = Command::new(binary(ws, EMULATOR, false));
        emu.current_dir(&ws.root)
            .args(emulator_args())
            .env("OPERATOR_EMULATOR_API_KEY", &api_key)
            .env("OPERATOR_EMULATOR_ADMIN_KEY", &admin_key);
        let log = logs.join("emulator.log");
        let emulator = Server::start_with_session_host(EMULATOR, emu, &log, START_TIMEOUT)?;

        let token_server_on = |channel: &str, log: &str| -> Result<Server> {
            let mut ts = Command::new(binary(ws, TOKEN_SERVER, false));
            ts.current_dir(&ws.root)
                .args(["--port", "0", "--channel", channel])
                .args(static_dir_args(ws))
                // Every suite mints from 127.0.0.1: raise the per-address limit (the per-caller
                // one stays at its default, which the rate-limit suite exercises).
                .args([
                    "--address-burst",
                    "100000",
                    "--address-per-minute",
                    "100000",
                ])
                .env("OPERATOR_BASE_URL", &emulator.url)
                .env("OPERATOR_SESSION_BASE_URL", session_host(&emulator))
                .env("OPERATOR_API_KEY", &api_key)
                .env("OPERATOR_ALLOWED_ORIGINS", allowed_origin);
            Server::start(TOKEN_SERVER, ts, &logs.join(log), START_TIMEOUT)
        };
        let (token_server, token_server_async) = if has_token_server {
            (
                Some(token_server_on("chat_realtime", "token-server.log")?),
                Some(token_server_on("chat_async", "token-server-async.log")?),
            )
        } else {
            println!("no `{TOKEN_SERVER}` binary yet: OPERATOR_CHAT_TEST_SERVER is not set");
            (None, None)
        };
        Ok(Self {
            emulator,
            token_server,
            token_server_async,
            api_key,
            admin_key,
        })
    }

    /// Variables for the wasm-bindgen tests (compiled in with `option_env!`). Never the API key:
    /// it would be baked into the test wasm that runs in the browser.
    pub fn wasm_env(&self) -> Vec<(&'static str, String)> {
        let mut env = vec![
            ("OPERATOR_CHAT_TEST_EMULATOR", self.emulator.url.clone()),
            ("OPERATOR_CHAT_TEST_ADMIN_KEY", self.admin_key.clone()),
            (
                "OPERATOR_CHAT_TEST_SESSION_HOST",
                session_host(&self.emulator).to_string(),
            ),
        ];
        if let Some(ts) = &self.token_server {
            env.push(("OPERATOR_CHAT_TEST_SERVER", ts.url.clone()));
        }
        env
    }

    /// Variables for the JS browser suites: the wasm ones plus the API key (so a suite can
    /// prove the key never reaches the browser).
    pub fn node_env(&self) -> Vec<(&'static str, String)> {
        let mut env = self.wasm_env();
        env.push(("OPERATOR_CHAT_TEST_API_KEY", self.api_key.clone()));
        if let Some(ts) = &self.token_server_async {
            env.push(("OPERATOR_CHAT_TEST_SERVER_ASYNC", ts.url.clone()));
        }
        env
    }
}

/// The emulator's flags for tests and the bench: both hosts on free loopback ports. The keys go
/// in `OPERATOR_EMULATOR_API_KEY` / `OPERATOR_EMULATOR_ADMIN_KEY`, out of `ps`.
pub fn emulator_args() -> [&'static str; 6] {
    ["--port", "0", "--session-port", "0", "--host", "127.0.0.1"]
}

/// The session host a server started with [`Server::start_with_session_host`] announced.
pub fn session_host(emulator: &Server) -> &str {
    emulator.session_host.as_deref().unwrap_or_default()
}

/// 16 hex digits from the std's randomly seeded hasher (test credentials only).
pub fn random_hex() -> String {
    let mut hasher = std::hash::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default(),
    );
    format!("{:016x}", hasher.finish())
}
