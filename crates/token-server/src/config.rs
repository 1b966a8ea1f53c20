//! Dev-server configuration from flags and environment variables (flags win).

use std::path::{Path, PathBuf};

use crate::origins::{normalize_origin, OriginError};
use crate::rate_limit::RateLimit;

/// Usage text for `--help`.
pub const USAGE: &str = "\
token-server: the operator-chat dev server (mint endpoint + static files)

USAGE: token-server [--host H] [--port P] [--allowed-origin O]... [--www DIR] [--pkg DIR]
                    [--mint-burst N] [--mint-per-minute N]
                    [--address-burst N] [--address-per-minute N] [--public-origin O]...
                    [--insecure-demo-auth]

  --www DIR         the demo page, served at / (default: www)
  --pkg DIR         the npm package, served at /pkg (default: pkg)
  --mint-burst N, --mint-per-minute N
                    mints per caller: N back to back, N a minute (default: 20, 60)
  --address-burst N, --address-per-minute N
                    mints and demo logins per client address, IPv6 per /64
                    (default: 30, 60)
  --public-origin O another origin browsers reach this server at (a proxy or a DNS
                    name); requests whose Host is not this server's are refused
  --insecure-demo-auth
                    allow a non-loopback --host although the demo login hands out an
                    identity to anyone; never do this with a real API key

ENVIRONMENT:
  OPERATOR_BASE_URL            Operator API base URL (default: an emulator in-process)
  OPERATOR_API_KEY             API key (required with OPERATOR_BASE_URL)
  OPERATOR_SESSION_BASE_URL    session WebSocket host (default wss://agent.app.operator.xyz;
                               ignored with the embedded emulator, which uses its own)
  OPERATOR_AGENT_ID            agent for new conversations (default: the emulator's seeded agent)
  OPERATOR_ALLOWED_ORIGINS     comma-separated extra browser origins allowed to mint
  OPERATOR_EMULATOR_ADMIN_KEY  admin key of the embedded emulator (fault injection)
  OPERATOR_DEMO_COOKIE_SECRET  secret signing demo session cookies (default: random)
  OPERATOR_SESSION_SECRET      secret signing the caller-to-conversation cookie; give every
                               instance behind a load balancer the same one (default: random)
  OPERATOR_PUBLIC_ORIGINS      comma-separated --public-origin values
  RUST_LOG                     log filter (default: info)
";

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
}

/// Why the configuration is unusable.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ConfigError {
    /// `--help` was asked for.
    #[error("{USAGE}")]
    Help,
    /// A flag this server does not know.
    #[error("unknown flag {0}\n\n{USAGE}")]
    UnknownFlag(String),
    /// A flag without its value.
    #[error("{0} needs a value")]
    MissingValue(String),
    /// A value that does not parse.
    #[error("invalid value {value:?} for {flag}")]
    InvalidValue {
        /// The flag or variable.
        flag: String,
        /// What was given.
        value: String,
    },
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
    /// Reads `args` (without the program name) and variables through `env`.
    pub fn parse<I, E>(args: I, env: E) -> Result<Config, ConfigError>
    where
        I: IntoIterator<Item = String>,
        E: Fn(&str) -> Option<String>,
    {
        let var = |name: &str| env(name).filter(|v| !v.trim().is_empty());
        let mut config = Config {
            host: "127.0.0.1".into(),
            port: 8080,
            base_url: var("OPERATOR_BASE_URL").map(|u| u.trim().trim_end_matches('/').to_owned()),
            session_base_url: var("OPERATOR_SESSION_BASE_URL")
                .map(|u| u.trim().trim_end_matches('/').to_owned()),
            api_key: var("OPERATOR_API_KEY"),
            agent_id: var("OPERATOR_AGENT_ID"),
            emulator_admin_key: var("OPERATOR_EMULATOR_ADMIN_KEY"),
            allowed_origins: Vec::new(),
            demo_cookie_secret: var("OPERATOR_DEMO_COOKIE_SECRET"),
            www_dir: default_dir("www"),
            pkg_dir: default_dir("pkg"),
            rate_limit: RateLimit::PER_CALLER,
            address_limit: RateLimit::PER_ADDRESS,
            public_origins: Vec::new(),
            session_secret: var("OPERATOR_SESSION_SECRET"),
            insecure_demo_auth: false,
        };
        if let Some(list) = var("OPERATOR_PUBLIC_ORIGINS") {
            for origin in list.split(',').map(str::trim).filter(|o| !o.is_empty()) {
                config.public_origins.push(normalize_origin(origin)?);
            }
        }
        if let Some(list) = var("OPERATOR_ALLOWED_ORIGINS") {
            for origin in list.split(',').map(str::trim).filter(|o| !o.is_empty()) {
                config.allowed_origins.push(normalize_origin(origin)?);
            }
        }
        let mut args = args.into_iter();
        while let Some(flag) = args.next() {
            let (name, inline) = match flag.split_once('=') {
                Some((n, v)) if n.starts_with("--") => (n.to_owned(), Some(v.to_owned())),
                _ => (flag.clone(), None),
            };
            if name == "--help" || name == "-h" {
                return Err(ConfigError::Help);
            }
            if name == "--insecure-demo-auth" && inline.is_none() {
                config.insecure_demo_auth = true;
                continue;
            }
            let known = [
                "--host",
                "--port",
                "--allowed-origin",
                "--www",
                "--pkg",
                "--mint-burst",
                "--mint-per-minute",
                "--address-burst",
                "--address-per-minute",
                "--public-origin",
            ];
            if !known.contains(&name.as_str()) {
                return Err(ConfigError::UnknownFlag(flag));
            }
            let value = inline
                .or_else(|| args.next())
                .ok_or_else(|| ConfigError::MissingValue(name.clone()))?;
            match name.as_str() {
                "--host" => config.host = value,
                "--port" => config.port = number(&name, &value)?,
                "--allowed-origin" => config.allowed_origins.push(normalize_origin(&value)?),
                "--www" => config.www_dir = value.into(),
                "--pkg" => config.pkg_dir = value.into(),
                "--mint-burst" => config.rate_limit.burst = number(&name, &value)?,
                "--address-burst" => config.address_limit.burst = number(&name, &value)?,
                "--address-per-minute" => config.address_limit.per_minute = number(&name, &value)?,
                "--public-origin" => config.public_origins.push(normalize_origin(&value)?),
                _ => config.rate_limit.per_minute = number(&name, &value)?,
            }
        }
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

fn number<T: std::str::FromStr>(flag: &str, value: &str) -> Result<T, ConfigError> {
    value.trim().parse().map_err(|_| ConfigError::InvalidValue {
        flag: flag.to_owned(),
        value: value.to_owned(),
    })
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
    use std::collections::HashMap;

    fn parse(args: &[&str], env: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let env: HashMap<String, String> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::parse(args.iter().map(|a| a.to_string()), |k| env.get(k).cloned())
    }

    #[test]
    fn defaults_embed_the_emulator_on_localhost() {
        let config = parse(&[], &[]).unwrap();
        assert_eq!((config.host.as_str(), config.port), ("127.0.0.1", 8080));
        assert_eq!(
            config.base_url, None,
            "no base URL means the embedded emulator"
        );
        assert!(config.allowed_origins.is_empty());
    }

    #[test]
    fn flags_and_env_combine_with_repeatable_origins() {
        let config = parse(
            &[
                "--port",
                "0",
                "--allowed-origin=http://a.test:1",
                "--allowed-origin",
                "https://b.test",
            ],
            &[
                ("OPERATOR_ALLOWED_ORIGINS", "http://c.test, http://d.test/"),
                ("OPERATOR_BASE_URL", "http://x/"),
                ("OPERATOR_API_KEY", "k"),
            ],
        )
        .unwrap();
        assert_eq!(config.port, 0);
        assert_eq!(config.base_url.as_deref(), Some("http://x"));
        assert_eq!(config.session_base_url, None, "the default session host");
        assert_eq!(
            config.allowed_origins,
            [
                "http://c.test",
                "http://d.test",
                "http://a.test:1",
                "https://b.test"
            ]
        );
    }

    #[test]
    fn static_directories_come_from_www_and_pkg_flags() {
        let config = parse(&["--www", "/s/www", "--pkg=/s/pkg"], &[]).unwrap();
        assert_eq!(config.www_dir, Path::new("/s/www"));
        assert_eq!(config.pkg_dir, Path::new("/s/pkg"));
        let defaults = parse(&[], &[]).unwrap();
        assert!(defaults.www_dir.ends_with("www"));
        assert!(defaults.pkg_dir.ends_with("pkg"));
        assert!(matches!(
            parse(&["--pkg"], &[]),
            Err(ConfigError::MissingValue(_))
        ));
        assert!(
            matches!(
                parse(&["--pkg-leptos", "/s/leptos"], &[]),
                Err(ConfigError::UnknownFlag(_))
            ),
            "there is one build, served at /pkg"
        );
    }

    #[test]
    fn the_session_host_comes_from_its_own_variable() {
        let config = parse(
            &[],
            &[
                ("OPERATOR_BASE_URL", "http://127.0.0.1:4010"),
                ("OPERATOR_API_KEY", "k"),
                ("OPERATOR_SESSION_BASE_URL", " ws://127.0.0.1:4011/ "),
            ],
        )
        .unwrap();
        assert_eq!(
            config.session_base_url.as_deref(),
            Some("ws://127.0.0.1:4011")
        );
    }

    #[test]
    fn a_non_loopback_host_needs_insecure_demo_auth() {
        for host in ["0.0.0.0", "::", "192.168.1.5", "example.com"] {
            let err = parse(&["--host", host], &[]).unwrap_err();
            assert_eq!(err, ConfigError::DemoAuthNotLoopback(host.into()));
            let line = err.to_string();
            assert!(
                !line.contains('\n') && line.contains("--insecure-demo-auth"),
                "one clear line: {line}"
            );
        }
        for host in ["127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost"] {
            let config = parse(&["--host", host], &[]).unwrap();
            assert!(!config.demo_auth_exposed(), "{host} is loopback");
        }
        let config = parse(&["--host", "0.0.0.0", "--insecure-demo-auth"], &[]).unwrap();
        assert!(config.insecure_demo_auth && config.demo_auth_exposed());
    }

    #[test]
    fn both_rate_limits_public_origins_and_the_session_secret_are_configurable() {
        let config = parse(
            &[
                "--mint-burst",
                "7",
                "--mint-per-minute=8",
                "--address-burst",
                "9",
                "--address-per-minute",
                "10",
                "--public-origin",
                "https://chat.example.com/",
            ],
            &[
                ("OPERATOR_SESSION_SECRET", "s3cret"),
                ("OPERATOR_PUBLIC_ORIGINS", "https://b.example.com"),
            ],
        )
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
            ["https://b.example.com", "https://chat.example.com"]
        );
        assert_eq!(config.session_secret.as_deref(), Some("s3cret"));
        let defaults = parse(&[], &[]).unwrap();
        assert_eq!(defaults.address_limit, RateLimit::PER_ADDRESS);
        assert_eq!(defaults.rate_limit, RateLimit::PER_CALLER);
    }

    #[test]
    fn a_real_base_url_without_a_key_is_a_clear_error() {
        let err = parse(&[], &[("OPERATOR_BASE_URL", "https://api.operator.xyz")]).unwrap_err();
        assert_eq!(err, ConfigError::MissingApiKey);
        assert!(err.to_string().contains("OPERATOR_API_KEY"), "{err}");
    }

    #[test]
    fn wildcard_origin_unknown_flags_and_bad_numbers_are_rejected() {
        assert!(matches!(
            parse(&["--allowed-origin", "*"], &[]),
            Err(ConfigError::Origin(_))
        ));
        assert!(matches!(
            parse(&["--verbose"], &[]),
            Err(ConfigError::UnknownFlag(_))
        ));
        assert!(matches!(
            parse(&["--port", "http"], &[]),
            Err(ConfigError::InvalidValue { .. })
        ));
        assert!(matches!(
            parse(&["--port"], &[]),
            Err(ConfigError::MissingValue(_))
        ));
    }
}
