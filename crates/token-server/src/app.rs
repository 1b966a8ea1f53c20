//! The dev server's router: the snippet behind an origin check and a rate limit, the demo
//! login, static files, and CORS / timeout / body-limit / trace layers around everything.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, DefaultBodyLimit, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::demo_auth::{demo_login, DemoCookieAuth};
use crate::error::MintError;
use crate::mint::{mint, MintState};
use crate::origins::{check_origin, AllowedOrigins};
use crate::rate_limit::{Limiter, RateLimit};
use crate::static_files::{content_security_policy, static_router, StaticDirs};

/// Largest request body accepted (the mint endpoint needs none).
pub const BODY_LIMIT: usize = 16 * 1024;

/// Everything [`app`] wires together.
pub struct AppState {
    /// The snippet's state (auth hook, upstream, agent, conversations).
    pub mint: Arc<MintState>,
    /// The demo cookie issuer; `Some` adds `GET /demo/login` and cookies on page loads.
    pub demo: Option<Arc<DemoCookieAuth>>,
    /// Browser origins allowed besides the server's own.
    pub origins: AllowedOrigins,
    /// Mint rate limit per (IP, caller).
    pub rate_limit: RateLimit,
    /// Demo pages at `/`, the npm package at `/pkg`, the Leptos demo build at `/pkg-leptos`.
    pub static_dirs: StaticDirs,
    /// Whole-request timeout.
    pub request_timeout: Duration,
}

#[derive(Clone)]
struct LimitState {
    mint: Arc<MintState>,
    limiter: Arc<Limiter>,
}

/// The dev server's router. Serve it with `into_make_service_with_connect_info::<SocketAddr>()`
/// so the rate limit sees client addresses.
pub fn app(state: AppState) -> Router {
    let limit = LimitState {
        mint: state.mint.clone(),
        limiter: Arc::new(Limiter::new(state.rate_limit)),
    };
    let session = Router::new()
        .route("/operator/session", post(mint))
        .with_state(state.mint.clone())
        .layer(middleware::from_fn_with_state(limit, limit_mints))
        .layer(middleware::from_fn_with_state(
            state.origins.clone(),
            check_origin,
        ));
    let mut router = session;
    if let Some(demo) = &state.demo {
        router = router.merge(
            Router::new()
                .route("/demo/login", get(demo_login))
                .with_state(demo.clone()),
        );
    }
    router
        .merge(
            static_router(&state.static_dirs, state.demo.clone()).layer(
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
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
}

/// Takes one token from the (IP, caller) bucket; unauthenticated callers share `(IP, "")`.
async fn limit_mints(State(limit): State<LimitState>, request: Request, next: Next) -> Response {
    let ip = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip());
    let caller = limit
        .mint
        .auth
        .caller(request.headers())
        .await
        .map(|c| c.0)
        .unwrap_or_default();
    if let Err(retry_after) = limit.limiter.check((ip, caller), Instant::now()) {
        tracing::warn!(?ip, "mint rate limited");
        return MintError::RateLimited { retry_after }.into_response();
    }
    next.run(request).await
}
