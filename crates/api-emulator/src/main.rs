//! `operator-emulator --port 0 [--host 127.0.0.1] [--api-key K] [--admin-key K]
//! [--public-base-url URL] [--delta-interval-ms MS]`: prints
//! `operator-emulator listening on http://HOST:PORT` as its first stdout line.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use api_emulator::EmulatorConfig;

const USAGE: &str = "usage: operator-emulator [--port N] [--host H] [--api-key K] [--admin-key K] \
[--public-base-url URL] [--delta-interval-ms MS]";

struct Args {
    host: String,
    port: u16,
    config: EmulatorConfig,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        host: "127.0.0.1".into(),
        port: 4010,
        config: EmulatorConfig::default(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if flag == "--help" || flag == "-h" {
            return Err(USAGE.into());
        }
        let value = it
            .next()
            .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        match flag.as_str() {
            "--port" => args.port = value.parse().map_err(|_| format!("bad --port {value}"))?,
            "--host" => args.host = value,
            "--api-key" => args.config.api_key = value,
            "--admin-key" => args.config.admin_key = Some(value),
            "--public-base-url" => args.config.public_base_url = Some(value),
            "--delta-interval-ms" => {
                let ms = value
                    .parse()
                    .map_err(|_| format!("bad --delta-interval-ms {value}"))?;
                args.config.agent_delta_interval = Duration::from_millis(ms);
            }
            other => return Err(format!("unknown flag {other}\n{USAGE}")),
        }
    }
    Ok(args)
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
    let args = match parse_args() {
        Ok(a) => a,
        Err(msg) => {
            eprintln!("{msg}");
            return ExitCode::from(2);
        }
    };
    let listener = match tokio::net::TcpListener::bind((args.host.as_str(), args.port)).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!(
                "operator-emulator: cannot bind {}:{}: {e}",
                args.host, args.port
            );
            return ExitCode::FAILURE;
        }
    };
    let addr = match listener.local_addr() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("operator-emulator: {e}");
            return ExitCode::FAILURE;
        }
    };
    let app = api_emulator::router(args.config);
    println!("operator-emulator listening on http://{addr}");
    let _ = std::io::stdout().flush();
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    match axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("operator-emulator: {e}");
            ExitCode::FAILURE
        }
    }
}
