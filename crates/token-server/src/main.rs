//! `token-server`: the operator-chat dev server. See the crate docs and `--help`.

use std::process::ExitCode;

use token_server::{bind, secrets, shutdown_signal, Config, ConfigError, Redactor};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    let config = match Config::parse(std::env::args_os().skip(1)) {
        Ok(config) => config,
        // clap's message: `--help` (exit 0), an unknown flag or a bad value (exit 2).
        Err(ConfigError::Flags(err)) => err.exit(),
        Err(err) => {
            eprintln!("token-server: {err}");
            return ExitCode::from(2);
        }
    };
    let redactor = Redactor::new(secrets(&config));
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(redactor.wrap(std::io::stderr))
        .init();
    // A panic's text can hold anything the code was handling: log it through the redactor
    // rather than the default hook's raw stderr.
    std::panic::set_hook(Box::new(|info| tracing::error!(%info, "panic")));
    if config.demo_auth_exposed() {
        eprintln!(
            "token-server: WARNING: --insecure-demo-auth: the demo login on {} hands an identity \
             to anyone who can reach it, and every identity mints tokens with this server's API \
             key. Never deploy the demo auth.",
            config.host
        );
    }
    if config.session_secret.is_none() {
        eprintln!(
            "token-server: warning: OPERATOR_SESSION_SECRET is not set, so a random one is used: \
             instances will not share conversations (set the same secret on every instance)"
        );
    }
    let bound = match bind(&config).await {
        Ok(bound) => bound,
        Err(err) => {
            eprintln!("token-server: {err}");
            return ExitCode::FAILURE;
        }
    };
    println!("token-server listening on {}", bound.url);
    if let Some(emulator) = &bound.emulator_url {
        println!("emulator at {emulator}");
    }
    bound.serve(shutdown_signal()).await;
    ExitCode::SUCCESS
}
