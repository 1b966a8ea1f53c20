//! `cargo xtask demo`: setup, build the widget, serve it with the emulator behind it.

use std::net::TcpListener;
use std::os::unix::process::CommandExt;

use crate::error::{Error, Result};
use crate::servers::{self, DEMO_PREFERENCE};
use crate::workspace::Workspace;
use crate::{setup, widget};

const DEFAULT_PORT: u16 = 8080;

/// Builds everything, prints the URL, then becomes the server (exec), so Ctrl-C or a kill of
/// this process stops the demo and nothing is left behind.
pub fn run(ws: &Workspace) -> Result<()> {
    if let Err(e) = setup::run(ws) {
        // The demo needs no browser; only the build tools matter, and wasm-pack says if one lacks.
        println!("xtask demo: continuing despite: {e}");
    }
    let port = port()?;
    let bins = ws.binaries()?;
    let bin = DEMO_PREFERENCE
        .into_iter()
        .find_map(|name| bins.iter().find(|b| b.name == name))
        .ok_or_else(|| {
            Error::Other(format!(
                "no demo server binary: need one of {DEMO_PREFERENCE:?}"
            ))
        })?;
    let server = bin.name.as_str();
    widget::build(ws)?;
    servers::build(ws, &[bin], true)?;
    TcpListener::bind(("127.0.0.1", port)).map_err(|e| {
        Error::Other(format!(
            "port {port} is not free ({e}); run with PORT=<another port>"
        ))
    })?;
    let url = format!("http://127.0.0.1:{port}/");
    if server == servers::TOKEN_SERVER {
        println!("\nxtask demo: open {url}  (demo page + /operator/session, emulator in-process; Ctrl-C stops)\n");
    } else {
        println!(
            "\nxtask demo: the Operator API emulator is at {url}  (no token-server binary yet, so \
             no demo page; try `curl -H 'Authorization: Bearer op_test_emulator_key_0123456789' \
             -H 'Operator-Version: 2025-06-19' {url}conversational_agents`; Ctrl-C stops)\n"
        );
    }
    let mut cmd = servers::demo_command(ws, server, port);
    let err = cmd.exec();
    Err(Error::Spawn {
        program: server.to_string(),
        source: err,
    })
}

/// `$PORT`, else 8080.
fn port() -> Result<u16> {
    match std::env::var("PORT") {
        Ok(p) => p
            .parse()
            .map_err(|_| Error::Other(format!("PORT={p} is not a port number"))),
        Err(_) => Ok(DEFAULT_PORT),
    }
}
