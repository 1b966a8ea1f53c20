//! The router: server routes (API key), token routes (CORS, `?token=`), admin routes.

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
use crate::routes::{
    admin, agents, conversations, events_sse, fallback, session_async, session_ws, tokens,
};
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
            get(session_ws::session).post(session_async::session),
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

/// The emulator as an axum [`Router`] with fresh in-memory state.
///
/// Must be served from inside a tokio runtime (the scripted agent runs as tasks).
pub fn router(config: EmulatorConfig) -> Router {
    let state = AppState::new(config);
    let mut app = Router::new()
        .merge(server_routes(&state))
        .merge(token_routes(&state));
    if state.config.admin_key.is_some() {
        app = app.merge(admin_routes());
    }
    app.fallback(fallback::not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn(log_requests))
        .with_state(state)
}

/// Serves [`router`] on `listener` in a background task of the current tokio runtime and
/// returns the bound address (useful with port 0).
pub async fn spawn(
    listener: tokio::net::TcpListener,
    config: EmulatorConfig,
) -> std::io::Result<SocketAddr> {
    let addr = listener.local_addr()?;
    let app = router(config);
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!(error = %e, "emulator server stopped");
        }
    });
    Ok(addr)
}
