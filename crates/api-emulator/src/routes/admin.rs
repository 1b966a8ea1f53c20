//! `/_emulator/*` admin routes (fault injection, record). Mounted only with an admin key;
//! every request must carry `X-Emulator-Admin-Key`.

use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};

use crate::auth::secret_eq;
use crate::error::{ApiError, ApiResult};
use crate::extract::{JsonBody, PathId};
use crate::faults::{FaultSpec, Transport};
use crate::ids;
use crate::state::AppState;

/// The slowest agent pace `slow_agent` accepts.
const MAX_PACE: std::time::Duration = std::time::Duration::from_secs(60);

/// Header carrying the admin key.
pub const ADMIN_HEADER: &str = "x-emulator-admin-key";

/// Proof of the admin key.
#[derive(Debug, Clone, Copy)]
pub struct AdminKey;

impl FromRequestParts<AppState> for AdminKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let presented = parts
            .headers
            .get(ADMIN_HEADER)
            .and_then(|v| v.to_str().ok());
        match (&state.config.admin_key, presented) {
            (Some(key), Some(p)) if secret_eq(p, key) => Ok(AdminKey),
            (None, _) => Err(ApiError::not_found("No route for this path.")),
            _ => Err(ApiError::unauthorized(
                "Missing or wrong X-Emulator-Admin-Key.",
            )),
        }
    }
}

fn conversation_exists(state: &AppState, id: &str) -> ApiResult<()> {
    if state.store().conversations.contains_key(id) {
        Ok(())
    } else {
        Err(ApiError::not_found(format!("Conversation {id} not found.")))
    }
}

/// `POST /_emulator/faults` with one [`FaultSpec`] → `{"armed": <the fault>}`.
pub async fn post_fault(
    _: AdminKey,
    State(state): State<AppState>,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult<Json<Value>> {
    let spec: FaultSpec = serde_json::from_value(body)
        .map_err(|e| ApiError::invalid(format!("Invalid fault: {e}")))?;
    match &spec {
        FaultSpec::DropSse {
            after_events,
            conversation_id,
        } => {
            state
                .faults()
                .arm_drop(Transport::Sse, conversation_id.clone(), *after_events);
            state.poke_all();
        }
        FaultSpec::DropWs {
            after_events,
            conversation_id,
        } => {
            state
                .faults()
                .arm_drop(Transport::Ws, conversation_id.clone(), *after_events);
            state.poke_all();
        }
        FaultSpec::DropAsync {
            after_events,
            conversation_id,
        } => {
            state
                .faults()
                .arm_drop(Transport::Async, conversation_id.clone(), *after_events);
            state.poke_all();
        }
        FaultSpec::HttpStatus {
            status,
            count,
            retry_after_s,
            path_prefix,
        } => {
            state
                .faults()
                .arm_http(*status, *count, *retry_after_s, path_prefix.clone())?;
        }
        FaultSpec::RevokeToken { conversation_id } => {
            conversation_exists(&state, conversation_id)?;
            if let Some(rec) = state.store().active_token_mut(conversation_id) {
                rec.revoked = true;
            }
        }
        FaultSpec::ExpireToken { conversation_id } => {
            conversation_exists(&state, conversation_id)?;
            if let Some(rec) = state.store().active_token_mut(conversation_id) {
                rec.expires_at = ids::now() - time::Duration::seconds(1);
            }
        }
        FaultSpec::SlowAgent {
            delta_interval_ms,
            conversation_id,
        } => {
            let pace = std::time::Duration::try_from_secs_f64(delta_interval_ms / 1000.0)
                .ok()
                .filter(|pace| *pace <= MAX_PACE)
                .ok_or_else(|| {
                    ApiError::invalid(format!(
                        "Invalid fault: delta_interval_ms must be between 0 and {} (got {delta_interval_ms}).",
                        MAX_PACE.as_millis()
                    ))
                })?;
            state.faults().set_slow(conversation_id.clone(), pace);
        }
        FaultSpec::LoseMessage { conversation_id } => {
            conversation_exists(&state, conversation_id)?;
            state.faults().arm_lose_message(conversation_id.clone());
        }
        FaultSpec::CloseConnections { conversation_id } => {
            let log = state
                .store()
                .conversations
                .get(conversation_id)
                .map(|c| c.log.clone())
                .ok_or_else(|| {
                    ApiError::not_found(format!("Conversation {conversation_id} not found."))
                })?;
            log.close_readers();
        }
        FaultSpec::MalformedFrame {
            conversation_id,
            target,
        } => {
            conversation_exists(&state, conversation_id)?;
            state
                .faults()
                .arm_malformed(conversation_id.clone(), *target);
            state.poke_all();
        }
    }
    tracing::info!(?spec, "fault armed");
    Ok(Json(json!({ "armed": spec })))
}

/// `DELETE /_emulator/faults` → 204, every fault cleared.
pub async fn clear_faults(_: AdminKey, State(state): State<AppState>) -> StatusCode {
    state.faults().clear();
    StatusCode::NO_CONTENT
}

/// `GET /_emulator/conversations/{id}/record` → `{events, transcript}`.
pub async fn record(
    _: AdminKey,
    State(state): State<AppState>,
    PathId(id): PathId,
) -> ApiResult<Json<Value>> {
    let log = state
        .store()
        .conversations
        .get(&id)
        .map(|c| c.log.clone())
        .ok_or_else(|| ApiError::not_found(format!("Conversation {id} not found.")))?;
    let events = log.all();
    let transcript: Vec<Value> = events
        .iter()
        .filter_map(|e| {
            let role = match e.payload_type.as_str() {
                "user.message.received" => "user",
                "agent.message.completed" => "agent",
                _ => return None,
            };
            Some(json!({ "role": role, "text": e.value["payload"]["text"] }))
        })
        .collect();
    let events: Vec<Value> = events.iter().map(|e| e.value.clone()).collect();
    Ok(Json(json!({ "events": events, "transcript": transcript })))
}
