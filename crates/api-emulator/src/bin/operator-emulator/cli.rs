//! The command line: flags, environment variables, and the checks that refuse an unsafe start.

use std::net::IpAddr;
use std::time::Duration;

use api_emulator::{EmulatorConfig, DEFAULT_API_KEY};

/// `--help` text.
pub const USAGE: &str = "usage: operator-emulator [--port N] [--session-port N] [--host H] \
[--api-key K] [--admin-key K] [--public-base-url URL] [--delta-interval-ms MS] [--extensions]
  --port N             REST host port (default 4010; 0 = any free port)
  --session-port N     session host port, the WebSocket (default 4011; 0 = any free port)
  --host H             interface of both (default 127.0.0.1)
  --api-key K          API key (env OPERATOR_EMULATOR_API_KEY; default: the public test key,
                       which is refused on a non-loopback --host)
  --admin-key K        enables /_emulator/* fault injection (env OPERATOR_EMULATOR_ADMIN_KEY)
  --public-base-url U  base of events_url (default: the request's Host)
  --delta-interval-ms  the scripted agent's pace (default 25)
  --extensions         emulator extensions: SSE resume, client_message_id, session_url and
                       expires_at in the create answer (default: documented fields only)
Flags win over environment variables; an empty key is an error.";

/// Environment variable holding the API key (keeps it out of `ps`).
pub const API_KEY_VAR: &str = "OPERATOR_EMULATOR_API_KEY";
/// Environment variable holding the admin key.
pub const ADMIN_KEY_VAR: &str = "OPERATOR_EMULATOR_ADMIN_KEY";

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

/// Why the binary will not start; the text is one line (usage aside).
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum CliError {
    /// `--help`.
    #[error("{USAGE}")]
    Help,
    /// A flag that does not exist, lacks its value or has a bad one.
    #[error("operator-emulator: {0}\n{USAGE}")]
    Usage(String),
    /// A configuration the emulator refuses to run with.
    #[error("operator-emulator: {0}")]
    Refused(String),
}

fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.eq_ignore_ascii_case("localhost")
        || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

fn key_from_env(
    env: &impl Fn(&str) -> Option<String>,
    var: &str,
) -> Result<Option<String>, CliError> {
    match env(var) {
        Some(v) if v.trim().is_empty() => Err(CliError::Refused(format!("{var} is set but empty"))),
        other => Ok(other),
    }
}

/// Parses `args` (without the program name), reading keys from `env` when no flag gives them.
pub fn parse<I, E>(args: I, env: E) -> Result<Cli, CliError>
where
    I: IntoIterator<Item = String>,
    E: Fn(&str) -> Option<String>,
{
    let mut config = EmulatorConfig::default();
    let mut api_key = key_from_env(&env, API_KEY_VAR)?;
    let mut admin_key = key_from_env(&env, ADMIN_KEY_VAR)?;
    let mut cli_host = "127.0.0.1".to_string();
    let (mut port, mut session_port) = (4010u16, 4011u16);
    let mut it = args.into_iter();
    while let Some(flag) = it.next() {
        match flag.as_str() {
            "--help" | "-h" => return Err(CliError::Help),
            "--extensions" => {
                config.extensions = true;
                continue;
            }
            _ => {}
        }
        let value = it
            .next()
            .ok_or_else(|| CliError::Usage(format!("{flag} needs a value")))?;
        let bad = || CliError::Usage(format!("bad {flag} {value}"));
        match flag.as_str() {
            "--port" => port = value.parse().map_err(|_| bad())?,
            "--session-port" => session_port = value.parse().map_err(|_| bad())?,
            "--host" => cli_host = value,
            "--api-key" => api_key = Some(value),
            "--admin-key" => admin_key = Some(value),
            "--public-base-url" => config.public_base_url = Some(value),
            "--delta-interval-ms" => {
                let ms = value.parse().map_err(|_| bad())?;
                config.agent_delta_interval = Duration::from_millis(ms);
            }
            other => return Err(CliError::Usage(format!("unknown flag {other}"))),
        }
    }
    if api_key.as_deref().is_some_and(|k| k.trim().is_empty()) {
        return Err(CliError::Refused(format!(
            "--api-key / {API_KEY_VAR} must not be empty"
        )));
    }
    if admin_key.as_deref().is_some_and(|k| k.trim().is_empty()) {
        return Err(CliError::Refused(format!(
            "--admin-key / {ADMIN_KEY_VAR} must not be empty (leave it out to turn fault injection off)"
        )));
    }
    config.api_key = api_key.unwrap_or_else(|| DEFAULT_API_KEY.to_string());
    config.admin_key = admin_key;
    if !is_loopback(&cli_host) && config.api_key == DEFAULT_API_KEY {
        return Err(CliError::Refused(format!(
            "refusing to listen on {cli_host} with the public default API key; set --api-key or {API_KEY_VAR}"
        )));
    }
    Ok(Cli {
        host: cli_host,
        port,
        session_port,
        config,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn run(args: &[&str], env: &[(&str, &str)]) -> Result<Cli, CliError> {
        let env: HashMap<String, String> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        parse(args.iter().map(|a| a.to_string()), |k| env.get(k).cloned())
    }

    #[test]
    fn defaults_are_loopback_the_two_ports_and_no_extensions() {
        let cli = run(&[], &[]).expect("defaults");
        assert_eq!(
            (cli.host.as_str(), cli.port, cli.session_port),
            ("127.0.0.1", 4010, 4011)
        );
        assert_eq!(cli.config.api_key, DEFAULT_API_KEY);
        assert_eq!(cli.config.admin_key, None);
        assert!(!cli.config.extensions);
        let cli = run(&["--session-port", "0", "--extensions", "--port", "0"], &[]).expect("flags");
        assert_eq!((cli.port, cli.session_port), (0, 0));
        assert!(cli.config.extensions, "--extensions takes no value");
    }

    #[test]
    fn keys_come_from_the_environment_and_flags_win() {
        let env = [(API_KEY_VAR, "op_env_key"), (ADMIN_KEY_VAR, "admin_env")];
        let cli = run(&[], &env).expect("env keys");
        assert_eq!(cli.config.api_key, "op_env_key");
        assert_eq!(cli.config.admin_key.as_deref(), Some("admin_env"));
        let cli = run(&["--api-key", "op_flag", "--admin-key", "admin_flag"], &env).expect("flags");
        assert_eq!(cli.config.api_key, "op_flag");
        assert_eq!(cli.config.admin_key.as_deref(), Some("admin_flag"));
    }

    #[test]
    fn empty_keys_are_refused_from_flags_and_environment() {
        for (args, env) in [
            (vec!["--admin-key", ""], vec![]),
            (vec!["--api-key", " "], vec![]),
            (vec![], vec![(ADMIN_KEY_VAR, "")]),
            (vec![], vec![(API_KEY_VAR, "")]),
        ] {
            let err = run(&args, &env).expect_err("refused");
            assert!(
                matches!(err, CliError::Refused(_)),
                "{args:?} {env:?}: {err:?}"
            );
            assert!(err.to_string().contains("empty"), "{err}");
        }
    }

    #[test]
    fn a_public_interface_needs_a_key_of_its_own() {
        for host in ["0.0.0.0", "192.168.1.5", "::", "example.test"] {
            let err = run(&["--host", host], &[]).expect_err("refused");
            assert!(matches!(err, CliError::Refused(_)), "{host}");
            assert_eq!(err.to_string().lines().count(), 1, "one line: {err}");
            let err = run(&["--host", host, "--api-key", DEFAULT_API_KEY], &[])
                .expect_err("explicit default");
            assert!(
                matches!(err, CliError::Refused(_)),
                "{host}: the default key given explicitly"
            );
            assert!(
                run(&["--host", host, "--api-key", "op_own"], &[]).is_ok(),
                "{host}"
            );
        }
        for host in ["127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost"] {
            assert!(run(&["--host", host], &[]).is_ok(), "{host} is loopback");
        }
    }

    #[test]
    fn unknown_flags_and_bad_values_are_usage_errors() {
        assert!(matches!(
            run(&["--bogus", "x"], &[]),
            Err(CliError::Usage(_))
        ));
        assert!(matches!(
            run(&["--session-port", "x"], &[]),
            Err(CliError::Usage(_))
        ));
        assert!(matches!(run(&["--port"], &[]), Err(CliError::Usage(_))));
        assert_eq!(run(&["--help"], &[]).err(), Some(CliError::Help));
    }
}
