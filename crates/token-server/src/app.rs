//! The dev server's router: the snippet behind an origin check and two rate limits (per client
//! address, then per caller), the rate-limited demo login, static files, and host-check / CORS /
//! timeout / body-limit / trace layers around everything.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, DefaultBodyLimit, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::demo_auth::{demo_login, DemoCookieAuth};
use crate::error::MintError;
use crate::mint::{mint, MintState};
use crate::origins::{check_host, check_origin, AllowedOrigins};
use crate::rate_limit::{spawn_sweeper, ClientKey, Limiter, RateLimit};
use crate::static_files::{content_security_policy, static_router, PageLogin, StaticDirs};

/// Largest request body accepted (the mint endpoint needs none).
pub const BODY_LIMIT: usize = 16 * 1024;

/// Everything [`app`] wires together.
pub struct AppState {
    /// The snippet's state (auth hook, upstream, agent, conversations).
    pub mint: Arc<MintState>,
    /// The demo cookie issuer; `Some` adds `GET /demo/login` and cookies on page loads.
    pub demo: Option<Arc<DemoCookieAuth>>,
    /// This server's own origins (its only valid `Host`s) and the other allowed browser origins.
    pub origins: AllowedOrigins,
    /// Mint rate limit per authorized caller.
    pub rate_limit: RateLimit,
    /// Mint and demo-login rate limit per client address (IPv6 per /64), checked before auth.
    pub address_limit: RateLimit,
    /// The demo page at `/`, the npm package at `/pkg`.
    pub static_dirs: StaticDirs,
    /// Whole-request timeout.
    pub request_timeout: Duration,
}

#[derive(Clone)]
struct CallerLimit {
    mint: Arc<MintState>,
    limiter: Arc<Limiter<String>>,
}

/// The dev server's router. Serve it with `into_make_service_with_connect_info::<SocketAddr>()`
/// so the rate limit sees client addresses. Inside a tokio runtime, the rate limits' maps are
/// swept on a timer for as long as the router lives.
pub fn app(state: AppState) -> Router {
    let addresses = Arc::new(Limiter::<ClientKey>::new(state.address_limit));
    let callers = Arc::new(Limiter::<String>::new(state.rate_limit));
    spawn_sweeper(Arc::downgrade(&addresses), addresses.sweep_every());
    spawn_sweeper(Arc::downgrade(&callers), callers.sweep_every());
    let caller_limit = CallerLimit {
        mint: state.mint.clone(),
        limiter: callers,
    };
    let session = Router::new()
        .route("/operator/session", post(mint))
        .with_state(state.mint.clone())
        .layer(middleware::from_fn_with_state(caller_limit, limit_callers))
        .layer(middleware::from_fn_with_state(
            addresses.clone(),
            limit_addresses,
        ))
        .layer(middleware::from_fn_with_state(
            state.origins.clone(),
            check_origin,
        ));
    let mut router = session;
    if let Some(demo) = &state.demo {
        router = router.merge(
            Router::new()
                .route("/demo/login", get(demo_login))
                .with_state(demo.clone())
                .layer(middleware::from_fn_with_state(
                    addresses.clone(),
                    limit_addresses,
                )),
        );
    }
    let page_login = state.demo.clone().map(|auth| PageLogin {
        auth,
        addresses: Some(addresses),
    });
    router
        .merge(
            static_router(&state.static_dirs, page_login).layer(
                tower_http::set_header::SetResponseHeaderLayer::if_not_present(
                    axum::http::header::CONTENT_SECURITY_POLICY,
                    axum::http::HeaderValue::from_str(&content_security_policy(
                        state.mint.upstream.base_url(),
                        state.mint.upstream.session_base_url(),
                    ))
                    .unwrap_or_else(|_| axum::http::HeaderValue::from_static("default-src 'self'")),
                ),
            ),
        )
        .layer(state.origins.cors_layer())
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            state.request_timeout,
        ))
        .layer(middleware::from_fn_with_state(state.origins, check_host))
        .layer(CatchPanicLayer::custom(answer_panic))
        .layer(
            tower_http::set_header::SetResponseHeaderLayer::if_not_present(
                axum::http::header::X_CONTENT_TYPE_OPTIONS,
                axum::http::HeaderValue::from_static("nosniff"),
            ),
        )
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
}

/// A handler that panicked gets the error schema (500 `internal`), not a dropped connection;
/// what it said goes to the log (through the redactor, by the panic hook of `main`), never to
/// the browser.
fn answer_panic(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    MintError::Internal.into_response()
}

/// Takes one token from the client address's bucket, before anything else looks at the
/// request: a new identity does not buy a new bucket.
async fn limit_addresses(
    State(limiter): State<Arc<Limiter<ClientKey>>>,
    request: Request,
    next: Next,
) -> Response {
    let ip = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip());
    if let Err(retry_after) = limiter.check(ClientKey::of(ip), Instant::now()) {
        tracing::warn!(?ip, path = request.uri().path(), "address rate limited");
        return MintError::RateLimited { retry_after }.into_response();
    }
    next.run(request).await
}

/// Takes one token from the authorized caller's bucket; a request the hook refuses passes on
/// (the address bucket has counted it, and the handler answers 401/403).
async fn limit_callers(State(limit): State<CallerLimit>, request: Request, next: Next) -> Response {
    if let Ok(caller) = limit.mint.auth.caller(request.headers()).await {
        if let Err(retry_after) = limit.limiter.check(caller.0, Instant::now()) {
            tracing::warn!("mint rate limited for a caller");
            return MintError::RateLimited { retry_after }.into_response();
        }
    }
    next.run(request).await
}
