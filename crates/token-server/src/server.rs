//! Turning a [`Config`] into a running dev server: resolve the upstream (embedding the
//! emulator when no base URL is given), bind, serve until shutdown.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use api_emulator::ConnectionLimits;
use axum::Router;
use tokio::net::TcpListener;

use crate::app::{app, AppState};
use crate::config::Config;
use crate::demo_auth::DemoCookieAuth;
use crate::mint::MintState;
use crate::origins::AllowedOrigins;
use crate::static_files::StaticDirs;
use crate::upstream::{Upstream, DEFAULT_SESSION_BASE_URL};

/// Whole-request timeout of the dev server.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// Binding the listener or the embedded emulator failed.
    #[error("could not bind {what}: {source}")]
    Bind {
        /// Which server.
        what: &'static str,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The HTTP client could not be built.
    #[error("could not build the Operator API client: {0}")]
    Client(#[from] reqwest::Error),
}

/// The API key the server will use: `OPERATOR_API_KEY`, or the emulator's default when the
/// emulator is embedded. Known before anything logs, so the log redactor can mask it.
pub fn effective_api_key(config: &Config) -> String {
    config
        .api_key
        .clone()
        .unwrap_or_else(|| api_emulator::DEFAULT_API_KEY.to_owned())
}

/// Every secret the logs must never show.
pub fn secrets(config: &Config) -> Vec<String> {
    let mut all = vec![effective_api_key(config)];
    all.extend(config.emulator_admin_key.clone());
    all.extend(config.demo_cookie_secret.clone());
    all.extend(config.session_secret.clone());
    all
}

/// A bound, not yet serving, dev server.
#[derive(Debug)]
pub struct Bound {
    /// `http://HOST:PORT` of the dev server.
    pub url: String,
    /// `http://127.0.0.1:PORT` of the embedded emulator's REST host, if any.
    pub emulator_url: Option<String>,
    /// `ws://127.0.0.1:PORT` of the embedded emulator's session host, if any.
    pub emulator_session_url: Option<String>,
    listener: TcpListener,
    router: Router,
    connections: ConnectionLimits,
}

/// Starts the embedded emulator if needed, builds the app and binds its listener.
pub async fn bind(config: &Config) -> Result<Bound, ServeError> {
    let api_key = effective_api_key(config);
    let (base_url, session_base_url, emulator) = match &config.base_url {
        Some(url) => {
            let session = config
                .session_base_url
                .clone()
                .unwrap_or_else(|| DEFAULT_SESSION_BASE_URL.to_owned());
            (url.clone(), session, None)
        }
        None => {
            let addrs = spawn_emulator(config, &api_key).await?;
            (addrs.rest_url(), addrs.session_url(), Some(addrs))
        }
    };
    let agent_id = config
        .agent_id
        .clone()
        .unwrap_or_else(|| api_emulator::SEEDED_AGENT_ID.to_owned());
    let demo = Arc::new(match &config.demo_cookie_secret {
        Some(secret) => DemoCookieAuth::new(secret.as_bytes()),
        None => DemoCookieAuth::random(),
    });
    let upstream = Upstream::new(&base_url, &api_key)?.with_session_base_url(&session_base_url);
    let mut mint = MintState::new(demo.clone(), upstream, agent_id).with_channel(config.channel);
    if let Some(secret) = &config.session_secret {
        mint = mint.with_session_secret(secret.as_bytes());
    }
    let mint = Arc::new(mint);
    let listener = TcpListener::bind((config.host.as_str(), config.port))
        .await
        .map_err(|source| ServeError::Bind {
            what: "the dev server",
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| ServeError::Bind {
        what: "the dev server",
        source,
    })?;
    let router = app(AppState {
        mint,
        demo: Some(demo),
        origins: own_and_allowed_origins(config, addr),
        rate_limit: config.rate_limit,
        address_limit: config.address_limit,
        static_dirs: StaticDirs {
            www: config.www_dir.clone(),
            pkg: config.pkg_dir.clone(),
        },
        request_timeout: REQUEST_TIMEOUT,
    });
    Ok(Bound {
        url: format!("http://{addr}"),
        emulator_url: emulator.map(|a| a.rest_url()),
        emulator_session_url: emulator.map(|a| a.session_url()),
        listener,
        router,
        connections: config.connections,
    })
}

/// The server's own origins (from its bound address and `--public-origin`) and the others
/// allowed to call it (`--allowed-origin`; public origins too, whatever `Host` a proxy sends).
fn own_and_allowed_origins(config: &Config, addr: SocketAddr) -> AllowedOrigins {
    let mut own = AllowedOrigins::bound_origins(addr);
    own.extend(config.public_origins.iter().cloned());
    let mut listed = config.allowed_origins.clone();
    listed.extend(config.public_origins.iter().cloned());
    AllowedOrigins::new(own, listed)
}

/// The embedded emulator: its REST host and its session host on free loopback ports, in its
/// default (documented) mode. The mint hands out session URLs on its session host.
async fn spawn_emulator(
    config: &Config,
    api_key: &str,
) -> Result<api_emulator::EmulatorAddrs, ServeError> {
    let bind_err = |source| ServeError::Bind {
        what: "the embedded emulator",
        source,
    };
    let rest = TcpListener::bind("127.0.0.1:0").await.map_err(bind_err)?;
    let session = TcpListener::bind("127.0.0.1:0").await.map_err(bind_err)?;
    let url = format!("http://{}", rest.local_addr().map_err(bind_err)?);
    let emulator = api_emulator::EmulatorConfig {
        api_key: api_key.to_owned(),
        admin_key: config.emulator_admin_key.clone(),
        public_base_url: Some(url),
        ..Default::default()
    };
    api_emulator::spawn(rest, session, emulator)
        .await
        .map_err(bind_err)
}

impl Bound {
    /// Serves within [`Config::connections`] until `shutdown` resolves, then lets open
    /// connections finish their requests (see [`api_emulator::serve`]).
    pub async fn serve(self, shutdown: impl Future<Output = ()>) {
        api_emulator::serve(self.listener, self.router, self.connections, shutdown).await;
    }
}
