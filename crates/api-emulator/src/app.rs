//! The two hosts, as the real service has them (operator-api.md §0): the REST host (server routes
//! with the API key, the events SSE and async session with `?token=`, admin routes) and the
//! session host (the real-time session WebSocket, nothing else).

use std::net::SocketAddr;

use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderName, Method};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use tower_http::cors::{Any, CorsLayer};

use crate::assumptions::MAX_BODY_BYTES;
use crate::config::EmulatorConfig;
use crate::faults::inject_http_faults;
use crate::hosts::{check_hosts, OwnHosts};
use crate::routes::{
    admin, agents, conversations, events_sse, fallback, session_async, session_ws, tokens,
};
use crate::serve::serve;
use crate::state::AppState;

fn server_routes(state: &AppState) -> Router<AppState> {
    Router::new()
        .route(
            "/conversational_agents",
            post(agents::create).get(agents::list),
        )
        .route(
            "/conversational_agents/{id}",
            get(agents::get).put(agents::update).delete(agents::delete),
        )
        .route("/conversational_agents/{id}/release", post(agents::release))
        .route(
            "/conversational_agents/{id}/versions",
            get(agents::versions),
        )
        .route(
            "/conversations",
            post(conversations::create).get(conversations::list),
        )
        .route(
            "/conversations/{id}",
            get(conversations::get).delete(conversations::delete),
        )
        .route("/conversations/{id}/token/refresh", post(tokens::refresh))
        .method_not_allowed_fallback(fallback::method_not_allowed)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            inject_http_faults,
        ))
}

fn token_routes(state: &AppState) -> Router<AppState> {
    // A32: token requests from any origin, without credentials.
    let cors = CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([
            axum::http::header::CONTENT_TYPE,
            HeaderName::from_static("last-event-id"),
        ]);
    Router::new()
        .route("/conversations/{id}/events", get(events_sse::events))
        .route(
            "/conversations/{id}/session",
            get(session_ws::not_on_the_rest_host).post(session_async::session),
        )
        .method_not_allowed_fallback(fallback::method_not_allowed)
        // Injected faults inside CORS, so browsers can read them.
        .layer(middleware::from_fn_with_state(
            state.clone(),
            inject_http_faults,
        ))
        .layer(cors)
}

fn admin_routes() -> Router<AppState> {
    // Browser test suites call these from their own origin.
    let cors = CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET, Method::POST, Method::DELETE])
        .allow_headers([
            axum::http::header::CONTENT_TYPE,
            HeaderName::from_static(admin::ADMIN_HEADER),
        ]);
    Router::new()
        .route(
            "/_emulator/faults",
            post(admin::post_fault).delete(admin::clear_faults),
        )
        .route("/_emulator/conversations/{id}/record", get(admin::record))
        .method_not_allowed_fallback(fallback::method_not_allowed)
        .layer(cors)
}

/// Logs method, path (never the query: it may hold a token) and status.
async fn log_requests(req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let response = next.run(req).await;
    tracing::debug!(%method, %path, status = response.status().as_u16(), "request");
    response
}

/// The session host: `GET /conversations/{id}/session` (WebSocket) only; anything else is
/// `404 not_found` in the error schema.
fn session_routes(state: &AppState) -> Router<AppState> {
    Router::new()
        .route("/conversations/{id}/session", get(session_ws::session))
        .method_not_allowed_fallback(fallback::not_found)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            inject_http_faults,
        ))
}

/// The emulator's two hosts, sharing one fresh in-memory state.
///
/// Must be served from inside a tokio runtime (the scripted agent runs as tasks).
#[derive(Debug, Clone)]
pub struct Routers {
    /// The REST host (`https://api.operator.xyz` for the real service): every route but the
    /// session WebSocket.
    pub rest: Router,
    /// The session host (`wss://agent.app.operator.xyz`): the session WebSocket only.
    pub session: Router,
}

/// Both hosts of one emulator (see [`Routers`]). Does not check the config; [`spawn`] does.
pub fn routers(config: EmulatorConfig) -> Routers {
    let state = AppState::new(config);
    let mut rest = Router::new()
        .merge(server_routes(&state))
        .merge(token_routes(&state));
    if state
        .config
        .admin_key
        .as_deref()
        .is_some_and(|k| !k.is_empty())
    {
        rest = rest.merge(admin_routes());
    }
    let finish = |router: Router<AppState>| {
        router
            .fallback(fallback::not_found)
            .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
            .layer(middleware::from_fn(log_requests))
            .with_state(state.clone())
    };
    Routers {
        rest: finish(rest),
        session: finish(session_routes(&state)),
    }
}

/// Where a spawned emulator listens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EmulatorAddrs {
    /// The REST host.
    pub rest: SocketAddr,
    /// The session host.
    pub session: SocketAddr,
}

impl EmulatorAddrs {
    /// `http://REST` (the `OPERATOR_BASE_URL` of a token server).
    pub fn rest_url(&self) -> String {
        format!("http://{}", self.rest)
    }

    /// `ws://SESSION` (the `OPERATOR_SESSION_BASE_URL` of a token server).
    pub fn session_url(&self) -> String {
        format!("ws://{}", self.session)
    }
}

/// Serves both hosts ([`routers`]) on their listeners in background tasks of the current tokio
/// runtime and returns the bound addresses (useful with port 0). When
/// [`EmulatorConfig::session_base_url`] is unset it becomes the session listener's `ws://` URL.
/// An invalid config ([`EmulatorConfig::validate`]) is an `InvalidInput` error.
///
/// Each host answers only requests addressed to it ([`OwnHosts`]: its bound address, and
/// [`EmulatorConfig::public_base_url`] or [`EmulatorConfig::session_base_url`]), within
/// [`EmulatorConfig::connections`].
pub async fn spawn(
    rest: tokio::net::TcpListener,
    session: tokio::net::TcpListener,
    mut config: EmulatorConfig,
) -> std::io::Result<EmulatorAddrs> {
    config
        .validate()
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
    let addrs = EmulatorAddrs {
        rest: rest.local_addr()?,
        session: session.local_addr()?,
    };
    config
        .session_base_url
        .get_or_insert_with(|| addrs.session_url());
    let rest_hosts = OwnHosts::new(addrs.rest, config.public_base_url.iter());
    let session_hosts = OwnHosts::new(addrs.session, config.session_base_url.iter());
    let limits = config.connections;
    let routers = routers(config);
    for (listener, router, hosts) in [
        (rest, routers.rest, rest_hosts),
        (session, routers.session, session_hosts),
    ] {
        let router = check_hosts(router, hosts);
        tokio::spawn(serve(listener, router, limits, std::future::pending()));
    }
    Ok(addrs)
}
