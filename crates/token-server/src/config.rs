//! Dev-server configuration from flags and environment variables (clap; flags win).

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use api_emulator::ConnectionLimits;
use clap::{CommandFactory, FromArgMatches, Parser};

use crate::channel::ChatChannel;
use crate::origins::{normalize_origin, OriginError};
use crate::rate_limit::RateLimit;

/// The command line of `token-server`; every environment variable it reads is a flag's too.
#[derive(Debug, Parser)]
#[command(
    name = "token-server",
    about = "The operator-chat dev server: the mint endpoint, the demo login and static files.",
    after_help = "Flags win over environment variables. Prefer the variables for keys and \
                  secrets: a flag shows in `ps`. RUST_LOG sets the log filter (default: info)."
)]
pub struct Flags {
    /// Interface to bind; a non-loopback one needs --insecure-demo-auth
    #[arg(long, value_name = "H", default_value = "127.0.0.1")]
    pub host: String,
    /// Port to bind (0 = any free port)
    #[arg(long, value_name = "P", default_value_t = 8080)]
    pub port: u16,
    /// Another browser origin allowed to mint (repeat it, or separate with commas)
    #[arg(
        long = "allowed-origin",
        value_name = "O",
        env = "OPERATOR_ALLOWED_ORIGINS",
        value_delimiter = ','
    )]
    pub allowed_origins: Vec<String>,
    /// Another origin browsers reach this server at (a proxy or a DNS name); requests whose
    /// Host is not this server's are refused
    #[arg(
        long = "public-origin",
        value_name = "O",
        env = "OPERATOR_PUBLIC_ORIGINS",
        value_delimiter = ','
    )]
    pub public_origins: Vec<String>,
    /// The demo page, served at / [default: www]
    #[arg(long, value_name = "DIR")]
    pub www: Option<PathBuf>,
    /// The npm package, served at /pkg [default: pkg]
    #[arg(long, value_name = "DIR")]
    pub pkg: Option<PathBuf>,
    /// Mints per caller back to back
    #[arg(long, value_name = "N", default_value_t = RateLimit::PER_CALLER.burst)]
    pub mint_burst: u32,
    /// Mints per caller a minute
    #[arg(long, value_name = "N", default_value_t = RateLimit::PER_CALLER.per_minute)]
    pub mint_per_minute: u32,
    /// Mints and demo logins per client address (IPv6 per /64) back to back
    #[arg(long, value_name = "N", default_value_t = RateLimit::PER_ADDRESS.burst)]
    pub address_burst: u32,
    /// Mints and demo logins per client address (IPv6 per /64) a minute
    #[arg(long, value_name = "N", default_value_t = RateLimit::PER_ADDRESS.per_minute)]
    pub address_per_minute: u32,
    /// Allow a non-loopback --host although the demo login hands out an identity to anyone;
    /// never do this with a real API key
    #[arg(long)]
    pub insecure_demo_auth: bool,
    /// Operator API base URL [default: an emulator in-process]
    #[arg(long, value_name = "URL", env = "OPERATOR_BASE_URL")]
    pub base_url: Option<String>,
    /// Operator API key (required with a base URL)
    #[arg(
        long,
        value_name = "K",
        env = "OPERATOR_API_KEY",
        hide_env_values = true
    )]
    pub api_key: Option<String>,
    /// Session WebSocket host [default: wss://agent.app.operator.xyz; the embedded emulator
    /// uses its own]
    #[arg(long, value_name = "URL", env = "OPERATOR_SESSION_BASE_URL")]
    pub session_base_url: Option<String>,
    /// Agent for new conversations [default: the emulator's seeded agent]
    #[arg(long, value_name = "ID", env = "OPERATOR_AGENT_ID")]
    pub agent_id: Option<String>,
    /// Channel of new conversations: chat_realtime (the session WebSocket) or chat_async
    /// (POST …/session answered with SSE)
    #[arg(
        long,
        value_name = "C",
        env = "OPERATOR_CHANNEL",
        default_value = "chat_realtime"
    )]
    pub channel: ChatChannel,
    /// Admin key of the embedded emulator (fault injection)
    #[arg(
        long,
        value_name = "K",
        env = "OPERATOR_EMULATOR_ADMIN_KEY",
        hide_env_values = true
    )]
    pub emulator_admin_key: Option<String>,
    /// Secret signing demo session cookies [default: random]
    #[arg(
        long,
        value_name = "S",
        env = "OPERATOR_DEMO_COOKIE_SECRET",
        hide_env_values = true
    )]
    pub demo_cookie_secret: Option<String>,
    /// Secret signing the caller-to-conversation cookie; give every instance behind a load
    /// balancer the same one [default: random]
    #[arg(
        long,
        value_name = "S",
        env = "OPERATOR_SESSION_SECRET",
        hide_env_values = true
    )]
    pub session_secret: Option<String>,
}

/// Everything the dev server can be told.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Interface to bind (default `127.0.0.1`).
    pub host: String,
    /// Port to bind; 0 picks a free one (default 8080).
    pub port: u16,
    /// Operator API base URL; `None` embeds the emulator.
    pub base_url: Option<String>,
    /// Operator session host (`OPERATOR_SESSION_BASE_URL`); `None` means
    /// [`crate::DEFAULT_SESSION_BASE_URL`], or the embedded emulator's session host.
    pub session_base_url: Option<String>,
    /// Operator API key; required when `base_url` is set.
    pub api_key: Option<String>,
    /// Agent for new conversations; `None` means the emulator's seeded agent.
    pub agent_id: Option<String>,
    /// Channel of new conversations (`OPERATOR_CHANNEL`, default `chat_realtime`).
    pub channel: ChatChannel,
    /// Admin key for the embedded emulator's fault routes.
    pub emulator_admin_key: Option<String>,
    /// Extra allowed browser origins (the server's own origin is always allowed).
    pub allowed_origins: Vec<String>,
    /// Demo cookie signing secret; `None` means random per start.
    pub demo_cookie_secret: Option<String>,
    /// The demo page directory.
    pub www_dir: PathBuf,
    /// The built widget package directory (served under `/pkg`).
    pub pkg_dir: PathBuf,
    /// Mint rate limit per caller.
    pub rate_limit: RateLimit,
    /// Mint and demo-login rate limit per client address (IPv6 per /64), checked before auth.
    pub address_limit: RateLimit,
    /// Origins browsers reach this server at besides its bound address (proxies, DNS names).
    pub public_origins: Vec<String>,
    /// Secret signing the caller-to-conversation cookie; `None` means random per start.
    pub session_secret: Option<String>,
    /// Whether the demo auth may listen on a non-loopback interface.
    pub insecure_demo_auth: bool,
    /// How client connections are held (timeouts, how many); not a flag.
    pub connections: ConnectionLimits,
}

/// Why the configuration is unusable.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// clap's answer: an unknown flag or a bad value (exit 2), or `--help` (exit 0).
    #[error("{0}")]
    Flags(#[from] clap::Error),
    /// An allowed origin that is not an exact origin.
    #[error(transparent)]
    Origin(#[from] OriginError),
    /// The demo auth on an interface other hosts can reach, without `--insecure-demo-auth`.
    #[error(
        "refusing to listen on {0}: the demo login hands out an identity to anyone who asks, so \
         it only listens on loopback (use --host 127.0.0.1, or --insecure-demo-auth for a \
         throwaway demo)"
    )]
    DemoAuthNotLoopback(String),
    /// A real Operator base URL without a key.
    #[error(
        "OPERATOR_API_KEY is required when OPERATOR_BASE_URL is set (the key stays on this server)"
    )]
    MissingApiKey,
}

impl Config {
    /// The command line `args` (without the program name) and the environment, as the binary
    /// reads them.
    pub fn parse<I, T>(args: I) -> Result<Config, ConfigError>
    where
        I: IntoIterator<Item = T>,
        T: Into<OsString> + Clone,
    {
        let argv =
            std::iter::once(OsString::from("token-server")).chain(args.into_iter().map(Into::into));
        Config::from_flags(Flags::try_parse_from(argv)?)
    }

    /// The command line `args` only: no environment variable is read (for tests).
    pub fn parse_args_only<I, T>(args: I) -> Result<Config, ConfigError>
    where
        I: IntoIterator<Item = T>,
        T: Into<OsString> + Clone,
    {
        let argv =
            std::iter::once(OsString::from("token-server")).chain(args.into_iter().map(Into::into));
        let command = Flags::command().mut_args(|arg| arg.env(None));
        let flags = Flags::from_arg_matches(&command.try_get_matches_from(argv)?)?;
        Config::from_flags(flags)
    }

    /// The configuration `flags` describe, or why the server must not start with it. Empty
    /// values (an empty variable) count as not given.
    pub fn from_flags(flags: Flags) -> Result<Config, ConfigError> {
        let given = |v: Option<String>| v.filter(|v| !v.trim().is_empty());
        let url = |v: Option<String>| given(v).map(|u| u.trim().trim_end_matches('/').to_owned());
        let origins = |list: Vec<String>| -> Result<Vec<String>, OriginError> {
            list.iter()
                .map(|o| o.trim())
                .filter(|o| !o.is_empty())
                .map(normalize_origin)
                .collect()
        };
        let config = Config {
            host: flags.host,
            port: flags.port,
            base_url: url(flags.base_url),
            session_base_url: url(flags.session_base_url),
            api_key: given(flags.api_key),
            agent_id: given(flags.agent_id),
            channel: flags.channel,
            emulator_admin_key: given(flags.emulator_admin_key),
            allowed_origins: origins(flags.allowed_origins)?,
            demo_cookie_secret: given(flags.demo_cookie_secret),
            www_dir: flags.www.unwrap_or_else(|| default_dir("www")),
            pkg_dir: flags.pkg.unwrap_or_else(|| default_dir("pkg")),
            rate_limit: RateLimit {
                burst: flags.mint_burst,
                per_minute: flags.mint_per_minute,
            },
            address_limit: RateLimit {
                burst: flags.address_burst,
                per_minute: flags.address_per_minute,
            },
            public_origins: origins(flags.public_origins)?,
            session_secret: given(flags.session_secret),
            insecure_demo_auth: flags.insecure_demo_auth,
            connections: ConnectionLimits::default(),
        };
        if config.base_url.is_some() && config.api_key.is_none() {
            return Err(ConfigError::MissingApiKey);
        }
        if !config.insecure_demo_auth && !is_loopback_host(&config.host) {
            return Err(ConfigError::DemoAuthNotLoopback(config.host));
        }
        Ok(config)
    }

    /// Whether the demo auth is exposed beyond this machine (warned about at every start).
    pub fn demo_auth_exposed(&self) -> bool {
        !is_loopback_host(&self.host)
    }
}

/// Whether `host` (an `--host` value) names a loopback interface: `localhost` or a loopback
/// IP. Any other name counts as reachable from elsewhere.
pub fn is_loopback_host(host: &str) -> bool {
    let bare = host.trim().trim_start_matches('[').trim_end_matches(']');
    bare.eq_ignore_ascii_case("localhost")
        || bare
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// `./<name>` when it exists (xtask runs from the repo root), else the repo's own directory.
fn default_dir(name: &str) -> PathBuf {
    let local = Path::new(name);
    if local.is_dir() {
        return local.to_path_buf();
    }
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Config, ConfigError> {
        Config::parse_args_only(args)
    }

    #[test]
    fn the_flags_are_consistent_and_help_names_every_variable() {
        Flags::command().debug_assert();
        let help = Flags::command().render_long_help().to_string();
        for name in [
            "--address-per-minute",
            "--insecure-demo-auth",
            "OPERATOR_BASE_URL",
            "OPERATOR_API_KEY",
            "OPERATOR_SESSION_BASE_URL",
            "OPERATOR_AGENT_ID",
            "OPERATOR_CHANNEL",
            "OPERATOR_ALLOWED_ORIGINS",
            "OPERATOR_EMULATOR_ADMIN_KEY",
            "OPERATOR_DEMO_COOKIE_SECRET",
            "OPERATOR_SESSION_SECRET",
            "OPERATOR_PUBLIC_ORIGINS",
        ] {
            assert!(help.contains(name), "{name} in --help:\n{help}");
        }
    }

    #[test]
    fn defaults_embed_the_emulator_on_localhost() {
        let config = parse(&[]).unwrap();
        assert_eq!((config.host.as_str(), config.port), ("127.0.0.1", 8080));
        assert_eq!(
            config.base_url, None,
            "no base URL means the embedded emulator"
        );
        assert!(config.allowed_origins.is_empty());
        assert_eq!(config.connections, ConnectionLimits::default());
    }

    #[test]
    fn repeatable_and_comma_separated_origins_are_normalized() {
        let config = parse(&[
            "--port",
            "0",
            "--allowed-origin=http://a.test:1",
            "--allowed-origin",
            "https://b.test, http://c.test/,",
            "--base-url",
            "http://x/",
            "--api-key",
            "k",
        ])
        .unwrap();
        assert_eq!(config.port, 0);
        assert_eq!(config.base_url.as_deref(), Some("http://x"));
        assert_eq!(config.session_base_url, None, "the default session host");
        assert_eq!(
            config.allowed_origins,
            ["http://a.test:1", "https://b.test", "http://c.test"]
        );
    }

    #[test]
    fn static_directories_come_from_www_and_pkg_flags() {
        let config = parse(&["--www", "/s/www", "--pkg=/s/pkg"]).unwrap();
        assert_eq!(config.www_dir, Path::new("/s/www"));
        assert_eq!(config.pkg_dir, Path::new("/s/pkg"));
        let defaults = parse(&[]).unwrap();
        assert!(defaults.www_dir.ends_with("www"));
        assert!(defaults.pkg_dir.ends_with("pkg"));
        assert!(matches!(parse(&["--pkg"]), Err(ConfigError::Flags(_))));
        assert!(
            matches!(
                parse(&["--pkg-leptos", "/s/leptos"]),
                Err(ConfigError::Flags(e)) if e.kind() == clap::error::ErrorKind::UnknownArgument
            ),
            "there is one build, served at /pkg"
        );
    }

    #[test]
    fn the_session_host_is_trimmed_and_empty_values_count_as_absent() {
        let config = parse(&[
            "--base-url",
            "http://127.0.0.1:4010",
            "--api-key",
            "k",
            "--session-base-url",
            " ws://127.0.0.1:4011/ ",
            "--agent-id",
            " ",
        ])
        .unwrap();
        assert_eq!(
            config.session_base_url.as_deref(),
            Some("ws://127.0.0.1:4011")
        );
        assert_eq!(config.agent_id, None);
    }

    #[test]
    fn the_channel_is_realtime_unless_chat_async_is_named() {
        assert_eq!(parse(&[]).unwrap().channel, ChatChannel::Realtime);
        let config = parse(&["--channel", "chat_async"]).unwrap();
        assert_eq!(config.channel, ChatChannel::Async);
        assert!(
            matches!(
                parse(&["--channel", "phone"]),
                Err(ConfigError::Flags(e)) if e.kind() == clap::error::ErrorKind::ValueValidation
            ),
            "an unknown channel is a usage error"
        );
    }

    #[test]
    fn a_non_loopback_host_needs_insecure_demo_auth() {
        for host in ["0.0.0.0", "::", "192.168.1.5", "example.com"] {
            let err = parse(&["--host", host]).unwrap_err();
            assert!(
                matches!(&err, ConfigError::DemoAuthNotLoopback(h) if h == host),
                "{err:?}"
            );
            let line = err.to_string();
            assert!(
                !line.contains('\n') && line.contains("--insecure-demo-auth"),
                "one clear line: {line}"
            );
        }
        for host in ["127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost"] {
            let config = parse(&["--host", host]).unwrap();
            assert!(!config.demo_auth_exposed(), "{host} is loopback");
        }
        let config = parse(&["--host", "0.0.0.0", "--insecure-demo-auth"]).unwrap();
        assert!(config.insecure_demo_auth && config.demo_auth_exposed());
    }

    #[test]
    fn both_rate_limits_public_origins_and_the_session_secret_are_configurable() {
        let config = parse(&[
            "--mint-burst",
            "7",
            "--mint-per-minute=8",
            "--address-burst",
            "9",
            "--address-per-minute",
            "10",
            "--public-origin",
            "https://chat.example.com/",
            "--public-origin",
            "https://b.example.com",
            "--session-secret",
            "s3cret",
        ])
        .unwrap();
        assert_eq!(
            config.rate_limit,
            RateLimit {
                burst: 7,
                per_minute: 8
            }
        );
        assert_eq!(
            config.address_limit,
            RateLimit {
                burst: 9,
                per_minute: 10
            }
        );
        assert_eq!(
            config.public_origins,
            ["https://chat.example.com", "https://b.example.com"]
        );
        assert_eq!(config.session_secret.as_deref(), Some("s3cret"));
        let defaults = parse(&[]).unwrap();
        assert_eq!(defaults.address_limit, RateLimit::PER_ADDRESS);
        assert_eq!(defaults.rate_limit, RateLimit::PER_CALLER);
    }

    #[test]
    fn a_real_base_url_without_a_key_is_a_clear_error() {
        let err = parse(&["--base-url", "https://api.operator.xyz"]).unwrap_err();
        assert!(matches!(err, ConfigError::MissingApiKey), "{err:?}");
        assert!(err.to_string().contains("OPERATOR_API_KEY"), "{err}");
    }

    #[test]
    fn wildcard_origin_unknown_flags_and_bad_numbers_are_rejected() {
        use clap::error::ErrorKind;
        assert!(matches!(
            parse(&["--allowed-origin", "*"]),
            Err(ConfigError::Origin(_))
        ));
        let kind = |args: &[&str]| match parse(args) {
            Err(ConfigError::Flags(e)) => Some((e.kind(), e.exit_code())),
            _ => None,
        };
        assert_eq!(kind(&["--verbose"]), Some((ErrorKind::UnknownArgument, 2)));
        assert_eq!(
            kind(&["--port", "http"]),
            Some((ErrorKind::ValueValidation, 2))
        );
        assert_eq!(kind(&["--port"]), Some((ErrorKind::InvalidValue, 2)));
        assert_eq!(
            kind(&["--insecure-demo-auth=yes"]),
            Some((ErrorKind::TooManyValues, 2))
        );
        assert_eq!(kind(&["--help"]), Some((ErrorKind::DisplayHelp, 0)));
    }
}
