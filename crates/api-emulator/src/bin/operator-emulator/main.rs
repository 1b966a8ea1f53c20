//! `operator-emulator [--port 4010] [--session-port 4011] [--host 127.0.0.1] [--api-key K]
//! [--admin-key K] [--public-base-url URL] [--delta-interval-ms MS] [--extensions]` (keys also
//! from `OPERATOR_EMULATOR_API_KEY` / `OPERATOR_EMULATOR_ADMIN_KEY`; `--help` lists them). Prints
//! `operator-emulator listening on http://HOST:PORT` as its first stdout line and
//! `operator-emulator session host ws://HOST:PORT` as its second.

mod cli;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use tokio::net::TcpListener;

async fn bind(host: &str, port: u16, what: &str) -> Result<TcpListener, String> {
    TcpListener::bind((host, port))
        .await
        .map_err(|e| format!("operator-emulator: cannot bind the {what} on {host}:{port}: {e}"))
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    // An unknown flag or a bad value: clap's message and exit code 2; `--help`: exit 0.
    let cli = match cli::Flags::parse().resolve() {
        Ok(cli) => cli,
        Err(refused) => {
            eprintln!("{refused}");
            return ExitCode::from(2);
        }
    };
    let started = async {
        let rest = bind(&cli.host, cli.port, "REST host").await?;
        let session = bind(&cli.host, cli.session_port, "session host").await?;
        api_emulator::spawn(rest, session, cli.config)
            .await
            .map_err(|e| format!("operator-emulator: {e}"))
    };
    let addrs = match started.await {
        Ok(addrs) => addrs,
        Err(msg) => {
            eprintln!("{msg}");
            return ExitCode::FAILURE;
        }
    };
    println!("operator-emulator listening on {}", addrs.rest_url());
    println!("operator-emulator session host {}", addrs.session_url());
    let _ = std::io::stdout().flush();
    let _ = tokio::signal::ctrl_c().await;
    ExitCode::SUCCESS
}
