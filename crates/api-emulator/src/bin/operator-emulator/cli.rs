//! The command line (clap): flags, their environment variables, and the checks that refuse an
//! unsafe start.

use std::net::IpAddr;
use std::time::Duration;

use api_emulator::{EmulatorConfig, DEFAULT_API_KEY};
use clap::Parser;

/// Environment variable holding the API key (keeps it out of `ps`).
pub const API_KEY_VAR: &str = "OPERATOR_EMULATOR_API_KEY";
/// Environment variable holding the admin key.
pub const ADMIN_KEY_VAR: &str = "OPERATOR_EMULATOR_ADMIN_KEY";

/// A faithful local emulator of the Operator API: the REST host and the session host.
#[derive(Debug, Parser)]
#[command(
    name = "operator-emulator",
    about,
    after_help = "Flags win over environment variables; an empty key is an error."
)]
pub struct Flags {
    /// REST host port (0 = any free port)
    #[arg(long, value_name = "N", default_value_t = 4010)]
    pub port: u16,
    /// Session host port, the WebSocket (0 = any free port)
    #[arg(long, value_name = "N", default_value_t = 4011)]
    pub session_port: u16,
    /// Interface of both hosts
    #[arg(long, value_name = "H", default_value = "127.0.0.1")]
    pub host: String,
    /// API key [default: the public test key, which is refused on a non-loopback --host]
    #[arg(
        long,
        value_name = "K",
        env = "OPERATOR_EMULATOR_API_KEY",
        hide_env_values = true
    )]
    pub api_key: Option<String>,
    /// Enables /_emulator/* fault injection
    #[arg(
        long,
        value_name = "K",
        env = "OPERATOR_EMULATOR_ADMIN_KEY",
        hide_env_values = true
    )]
    pub admin_key: Option<String>,
    /// Base of events_url, and a name the REST host answers to besides its bound address
    /// [default: the request's Host]
    #[arg(long, value_name = "URL")]
    pub public_base_url: Option<String>,
    /// The scripted agent's pace [default: 25]
    #[arg(long, value_name = "MS")]
    pub delta_interval_ms: Option<u64>,
    /// Emulator extensions: SSE resume, client_message_id, session_url and expires_at in the
    /// create answer [default: documented fields only]
    #[arg(long)]
    pub extensions: bool,
}

/// What the binary serves.
#[derive(Debug)]
pub struct Cli {
    /// Interface of both hosts.
    pub host: String,
    /// REST host port.
    pub port: u16,
    /// Session host port.
    pub session_port: u16,
    /// The emulator.
    pub config: EmulatorConfig,
}

/// A configuration the emulator refuses to run with; the text is one line.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("operator-emulator: {0}")]
pub struct Refused(String);

fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.eq_ignore_ascii_case("localhost")
        || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

impl Flags {
    /// The emulator these flags describe, or why it must not start.
    pub fn resolve(self) -> Result<Cli, Refused> {
        let mut config = EmulatorConfig {
            public_base_url: self.public_base_url,
            extensions: self.extensions,
            ..EmulatorConfig::default()
        };
        if let Some(ms) = self.delta_interval_ms {
            config.agent_delta_interval = Duration::from_millis(ms);
        }
        if self.api_key.as_deref().is_some_and(|k| k.trim().is_empty()) {
            return Err(Refused(format!(
                "--api-key / {API_KEY_VAR} is set but empty"
            )));
        }
        if self
            .admin_key
            .as_deref()
            .is_some_and(|k| k.trim().is_empty())
        {
            return Err(Refused(format!(
                "--admin-key / {ADMIN_KEY_VAR} is set but empty (leave it out to turn fault \
                 injection off)"
            )));
        }
        config.api_key = self.api_key.unwrap_or_else(|| DEFAULT_API_KEY.to_string());
        config.admin_key = self.admin_key;
        if !is_loopback(&self.host) && config.api_key == DEFAULT_API_KEY {
            return Err(Refused(format!(
                "refusing to listen on {} with the public default API key; set --api-key or \
                 {API_KEY_VAR}",
                self.host
            )));
        }
        Ok(Cli {
            host: self.host,
            port: self.port,
            session_port: self.session_port,
            config,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{CommandFactory, FromArgMatches};

    /// Parses `args` as the binary does, but reads no environment variable.
    fn flags(args: &[&str]) -> Result<Flags, clap::Error> {
        let command = Flags::command().mut_args(|arg| arg.env(None));
        let matches = command.try_get_matches_from(
            std::iter::once("operator-emulator").chain(args.iter().copied()),
        )?;
        Flags::from_arg_matches(&matches)
    }

    fn run(args: &[&str]) -> Result<Cli, Refused> {
        flags(args).expect("flags parse").resolve()
    }

    #[test]
    fn the_flags_are_consistent_and_have_help() {
        Flags::command().debug_assert();
        let help = Flags::command().render_long_help().to_string();
        for name in [
            "--port",
            "--session-port",
            "--api-key",
            API_KEY_VAR,
            ADMIN_KEY_VAR,
        ] {
            assert!(help.contains(name), "{name} in --help:\n{help}");
        }
    }

    #[test]
    fn defaults_are_loopback_the_two_ports_and_no_extensions() {
        let cli = run(&[]).expect("defaults");
        assert_eq!(
            (cli.host.as_str(), cli.port, cli.session_port),
            ("127.0.0.1", 4010, 4011)
        );
        assert_eq!(cli.config.api_key, DEFAULT_API_KEY);
        assert_eq!(cli.config.admin_key, None);
        assert!(!cli.config.extensions);
        assert_eq!(
            cli.config.agent_delta_interval,
            EmulatorConfig::default().agent_delta_interval
        );
        let cli = run(&["--session-port", "0", "--extensions", "--port=0"]).expect("flags");
        assert_eq!((cli.port, cli.session_port), (0, 0));
        assert!(cli.config.extensions, "--extensions takes no value");
        let cli = run(&[
            "--delta-interval-ms",
            "5",
            "--public-base-url",
            "http://e.test",
        ])
        .expect("flags");
        assert_eq!(cli.config.agent_delta_interval, Duration::from_millis(5));
        assert_eq!(cli.config.public_base_url.as_deref(), Some("http://e.test"));
    }

    #[test]
    fn keys_come_from_flags() {
        let cli = run(&["--api-key", "op_flag", "--admin-key", "admin_flag"]).expect("flags");
        assert_eq!(cli.config.api_key, "op_flag");
        assert_eq!(cli.config.admin_key.as_deref(), Some("admin_flag"));
    }

    #[test]
    fn empty_keys_are_refused() {
        for args in [["--admin-key", ""], ["--api-key", " "]] {
            let err = run(&args).expect_err("refused");
            assert!(err.to_string().contains("empty"), "{err}");
            assert_eq!(err.to_string().lines().count(), 1, "one line: {err}");
        }
    }

    #[test]
    fn a_public_interface_needs_a_key_of_its_own() {
        for host in ["0.0.0.0", "192.168.1.5", "::", "example.test"] {
            let err = run(&["--host", host]).expect_err("refused");
            assert_eq!(err.to_string().lines().count(), 1, "one line: {err}");
            assert!(
                run(&["--host", host, "--api-key", DEFAULT_API_KEY]).is_err(),
                "{host}: the default key given explicitly"
            );
            assert!(
                run(&["--host", host, "--api-key", "op_own"]).is_ok(),
                "{host}"
            );
        }
        for host in ["127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost"] {
            assert!(run(&["--host", host]).is_ok(), "{host} is loopback");
        }
    }

    #[test]
    fn unknown_flags_and_bad_values_are_usage_errors() {
        use clap::error::ErrorKind;
        let kind = |args: &[&str]| flags(args).err().map(|e| e.kind());
        assert_eq!(kind(&["--bogus", "x"]), Some(ErrorKind::UnknownArgument));
        assert_eq!(
            kind(&["--session-port", "x"]),
            Some(ErrorKind::ValueValidation)
        );
        assert_eq!(kind(&["--port", "70000"]), Some(ErrorKind::ValueValidation));
        assert_eq!(kind(&["--port"]), Some(ErrorKind::InvalidValue));
        assert_eq!(kind(&["--help"]), Some(ErrorKind::DisplayHelp));
        let err = flags(&["--bogus"]).expect_err("an error");
        assert_eq!(err.exit_code(), 2, "usage errors exit 2");
    }
}
