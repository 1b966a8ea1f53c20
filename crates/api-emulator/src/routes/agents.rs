//! `/conversational_agents` (§6): create, list, get, update draft, release, versions, delete.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};

use super::pagination::{page, parse_cursor};
use crate::assumptions::DELETE_STATUS;
use crate::auth::ApiKey;
use crate::error::{ApiError, ApiResult};
use crate::extract::{
    object, optional_object, optional_str, required_str, JsonBody, PathId, QueryMap,
};
use crate::ids;
use crate::state::{split_agent_ref, Agent, AgentVersion, AppState};

fn agent_not_found(id: &str) -> ApiError {
    ApiError::not_found(format!("Conversational agent {id} not found."))
}

fn ids_json(agent: &Agent, number: u32) -> Json<Value> {
    Json(json!({ "id": agent.id, "version_id": agent.version_id(number) }))
}

/// `POST /conversational_agents` `{name, description, config}` → `{id, version_id}` (draft v0).
pub async fn create(
    _: ApiKey,
    State(state): State<AppState>,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult<Json<Value>> {
    let obj = object(&body)?;
    let name = required_str(obj, "name")?.to_string();
    let description = required_str(obj, "description")?.to_string();
    let config = optional_object(obj, "config")?
        .ok_or_else(|| ApiError::invalid_field("config", "`config` is required."))?;
    let mut store = state.store();
    let seq = store.next_seq();
    let agent = Agent::new(seq, name, description, Value::Object(config.clone()));
    let out = ids_json(&agent, 0);
    store.agents.insert(agent.id.clone(), agent);
    Ok(out)
}

/// `GET /conversational_agents?cursor=` → `{data, cursor}`.
pub async fn list(
    _: ApiKey,
    State(state): State<AppState>,
    query: QueryMap,
) -> ApiResult<Json<Value>> {
    let before = parse_cursor(query.get("cursor"))?;
    let store = state.store();
    let items = store
        .agents
        .values()
        .map(|a| {
            let v = a.latest();
            let item = json!({
                "id": a.id, "version_id": a.version_id(v.number), "name": v.name,
                "description": v.description, "is_released": v.is_released,
            });
            (a.seq, item)
        })
        .collect();
    Ok(Json(page(items, before)))
}

/// `GET /conversational_agents/{id}` (`ca_x` = latest, `ca_x@vN` = that version).
pub async fn get(
    _: ApiKey,
    State(state): State<AppState>,
    PathId(reference): PathId,
) -> ApiResult<Json<Value>> {
    let (id, number) = split_agent_ref(&reference).ok_or_else(|| agent_not_found(&reference))?;
    let store = state.store();
    let agent = store
        .agents
        .get(id)
        .ok_or_else(|| agent_not_found(&reference))?;
    let version = agent
        .version(number)
        .ok_or_else(|| agent_not_found(&reference))?;
    Ok(Json(agent.to_json(version)))
}

fn apply_update(version: &mut AgentVersion, obj: &serde_json::Map<String, Value>) -> ApiResult<()> {
    if let Some(name) = optional_str(obj, "name")? {
        version.name = name.to_string();
    }
    if let Some(description) = optional_str(obj, "description")? {
        version.description = description.to_string();
    }
    if let Some(config) = optional_object(obj, "config")? {
        version.config = Value::Object(config.clone());
    }
    match obj.get("postprocess_agents") {
        None | Some(Value::Null) => {}
        Some(Value::Array(a)) if a.iter().all(Value::is_string) => {
            version.postprocess_agents = Some(Value::Array(a.clone()));
        }
        Some(_) => {
            return Err(ApiError::invalid_field(
                "postprocess_agents",
                "`postprocess_agents` must be an array of strings.",
            ))
        }
    }
    version.updated_at = ids::now();
    Ok(())
}

/// `PUT /conversational_agents/{id}`: updates the draft, or creates one from the given/latest
/// version when that is released. → `{id, version_id}` of the draft.
pub async fn update(
    _: ApiKey,
    State(state): State<AppState>,
    PathId(reference): PathId,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult<Json<Value>> {
    let obj = object(&body)?;
    let (id, number) = split_agent_ref(&reference).ok_or_else(|| agent_not_found(&reference))?;
    let mut store = state.store();
    let agent = store
        .agents
        .get_mut(id)
        .ok_or_else(|| agent_not_found(&reference))?;
    let base = agent
        .version(number)
        .ok_or_else(|| agent_not_found(&reference))?
        .clone();
    let latest_is_draft = !agent.latest().is_released;
    let mut draft = if latest_is_draft {
        agent.latest().clone()
    } else {
        base
    };
    apply_update(&mut draft, obj)?;
    if latest_is_draft {
        let last = agent.versions.len() - 1;
        agent.versions[last] = draft;
    } else {
        let now = ids::now();
        draft.number = agent.versions.len() as u32;
        draft.is_released = false;
        draft.created_at = now;
        draft.updated_at = now;
        agent.versions.push(draft);
    }
    let number = agent.latest().number;
    Ok(ids_json(agent, number))
}

/// `POST /conversational_agents/{version_id}/release` → `{id, version_id}`.
pub async fn release(
    _: ApiKey,
    State(state): State<AppState>,
    PathId(reference): PathId,
) -> ApiResult<Json<Value>> {
    let (id, number) = split_agent_ref(&reference).ok_or_else(|| agent_not_found(&reference))?;
    let mut store = state.store();
    let agent = store
        .agents
        .get_mut(id)
        .ok_or_else(|| agent_not_found(&reference))?;
    let number = agent
        .version(number)
        .ok_or_else(|| agent_not_found(&reference))?
        .number;
    let version = &mut agent.versions[number as usize];
    version.is_released = true;
    version.updated_at = ids::now();
    agent.released = Some(number);
    Ok(ids_json(agent, number))
}

/// `GET /conversational_agents/{id}/versions` → `{data: [...]}`, newest first.
pub async fn versions(
    _: ApiKey,
    State(state): State<AppState>,
    PathId(reference): PathId,
) -> ApiResult<Json<Value>> {
    let (id, _) = split_agent_ref(&reference).ok_or_else(|| agent_not_found(&reference))?;
    let store = state.store();
    let agent = store
        .agents
        .get(id)
        .ok_or_else(|| agent_not_found(&reference))?;
    let data: Vec<Value> = agent
        .versions
        .iter()
        .rev()
        .map(|v| agent.version_summary(v))
        .collect();
    Ok(Json(json!({ "data": data })))
}

/// `DELETE /conversational_agents/{id}` → 204; 404 after.
pub async fn delete(
    _: ApiKey,
    State(state): State<AppState>,
    PathId(reference): PathId,
) -> ApiResult<StatusCode> {
    match split_agent_ref(&reference) {
        Some((id, None)) => {
            state
                .store()
                .agents
                .remove(id)
                .ok_or_else(|| agent_not_found(&reference))?;
            Ok(StatusCode::from_u16(DELETE_STATUS).unwrap_or(StatusCode::NO_CONTENT))
        }
        Some((_, Some(_))) => Err(ApiError::invalid(
            "Delete takes an agent id (ca_…), not a version id.",
        )),
        None => Err(agent_not_found(&reference)),
    }
}
