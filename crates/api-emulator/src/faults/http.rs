//! Middleware answering armed `http_status` faults before the route runs.

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::state::AppState;

/// Answers the request with an injected 429/5xx if an `http_status` fault matches its path.
/// CORS preflights pass through so browsers can read the injected answer.
pub async fn inject_http_faults(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    if req.method() != Method::OPTIONS {
        let injected = state.faults().take_http(req.uri().path());
        if let Some(error) = injected {
            tracing::info!(path = req.uri().path(), status = %error.status, "injected fault");
            return error.into_response();
        }
    }
    next.run(req).await
}
