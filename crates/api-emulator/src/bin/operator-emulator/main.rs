//! `operator-emulator [--port 4010] [--session-port 4011] [--host 127.0.0.1] [--api-key K]
//! [--admin-key K] [--public-base-url URL] [--delta-interval-ms MS] [--extensions]` (keys also
//! from `OPERATOR_EMULATOR_API_KEY` / `OPERATOR_EMULATOR_ADMIN_KEY`). Prints
//! `operator-emulator listening on http://HOST:PORT` as its first stdout line and
//! `operator-emulator session host ws://HOST:PORT` as its second.

mod cli;

use std::io::Write;
use std::process::ExitCode;

use cli::CliError;
use tokio::net::TcpListener;

async fn bind(host: &str, port: u16, what: &str) -> Result<TcpListener, String> {
    TcpListener::bind((host, port))
        .await
        .map_err(|e| format!("operator-emulator: cannot bind the {what} on {host}:{port}: {e}"))
}

async fn serve(listener: TcpListener, router: axum::Router) -> std::io::Result<()> {
    axum::serve(listener, router).await
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
    let mut cli = match cli::parse(std::env::args().skip(1), |k| std::env::var(k).ok()) {
        Ok(cli) => cli,
        Err(CliError::Help) => {
            println!("{}", cli::USAGE);
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let listeners = async {
        let rest = bind(&cli.host, cli.port, "REST host").await?;
        let session = bind(&cli.host, cli.session_port, "session host").await?;
        let rest_addr = rest.local_addr().map_err(|e| e.to_string())?;
        let session_addr = session.local_addr().map_err(|e| e.to_string())?;
        Ok::<_, String>((rest, session, rest_addr, session_addr))
    };
    let (rest, session, rest_addr, session_addr) = match listeners.await {
        Ok(l) => l,
        Err(msg) => {
            eprintln!("{msg}");
            return ExitCode::FAILURE;
        }
    };
    cli.config
        .session_base_url
        .get_or_insert_with(|| format!("ws://{session_addr}"));
    let routers = api_emulator::routers(cli.config);
    println!("operator-emulator listening on http://{rest_addr}");
    println!("operator-emulator session host ws://{session_addr}");
    let _ = std::io::stdout().flush();
    let result = tokio::select! {
        r = serve(rest, routers.rest) => r,
        r = serve(session, routers.session) => r,
        _ = tokio::signal::ctrl_c() => Ok(()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("operator-emulator: {e}");
            ExitCode::FAILURE
        }
    }
}
