//! `POST /conversations/{id}/token/refresh` (§2.2): a new token revokes the previous one.

use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

use crate::auth::ApiKey;
use crate::error::ApiResult;
use crate::extract::PathId;
use crate::state::AppState;

/// Mints a new token for the conversation (also for ended ones, so history can be re-read).
pub async fn refresh(
    _: ApiKey,
    State(state): State<AppState>,
    PathId(id): PathId,
) -> ApiResult<Json<Value>> {
    let ttl = state.config.token_ttl;
    let (token, expires_at) = state.store().mint_token(&id, ttl)?;
    tracing::info!(conversation = %id, "token refreshed");
    Ok(Json(json!({ "token": token, "expires_at": expires_at })))
}
