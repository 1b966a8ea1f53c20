//! `/conversations` (§5): create (first token mint), get, list, delete.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde_json::{json, Map, Value};

use super::pagination::{page, parse_cursor};
use crate::agent::spawn_actor;
use crate::assumptions::DELETE_STATUS;
use crate::auth::ApiKey;
use crate::error::{ApiError, ApiResult};
use crate::extract::{
    object, optional_object, optional_str, required_str, JsonBody, PathId, QueryMap,
};
use crate::ids;
use crate::state::{split_agent_ref, AppState, ChannelType, Conversation, EventLog, Status, Store};
use crate::urls::{base_url, session_base_url};

fn not_found(id: &str) -> ApiError {
    ApiError::not_found(format!("Conversation {id} not found."))
}

/// Resolves `ca_x` (released version) or `ca_x@vN` to a version-specific id.
fn resolve_agent(store: &Store, reference: &str) -> ApiResult<String> {
    let missing = || {
        ApiError::not_found(format!(
            "Conversational agent {reference} not found or not released."
        ))
        .with_data(json!({ "field": "agent_id" }))
    };
    let (id, number) = split_agent_ref(reference).ok_or_else(missing)?;
    let agent = store.agents.get(id).ok_or_else(missing)?;
    let number = match number {
        Some(n) => agent.version(Some(n)).ok_or_else(missing)?.number,
        None => agent.released.ok_or_else(missing)?,
    };
    Ok(agent.version_id(number))
}

struct ChannelRequest {
    kind: ChannelType,
    phone: Option<(Value, Value, Value)>,
}

fn parse_channel(obj: &Map<String, Value>) -> ApiResult<ChannelRequest> {
    let channel = optional_object(obj, "channel")?
        .ok_or_else(|| ApiError::invalid_field("channel", "`channel` is required."))?;
    let kind = required_str(channel, "type")
        .ok()
        .and_then(ChannelType::parse)
        .ok_or_else(|| {
            ApiError::invalid_field(
                "channel.type",
                "`channel.type` must be one of phone, chat_realtime, chat_async.",
            )
        })?;
    let phone = if kind == ChannelType::Phone {
        let callee = required_str(channel, "callee_no").map_err(|_| {
            ApiError::invalid_field(
                "channel.callee_no",
                "`channel.callee_no` is required for phone.",
            )
        })?;
        let caller = optional_str(channel, "caller_no")?;
        let priority = optional_str(channel, "priority")?.unwrap_or("normal");
        Some((json!(callee), json!(caller), json!(priority)))
    } else {
        None
    };
    Ok(ChannelRequest { kind, phone })
}

/// `POST /conversations` → `{id, channel: {type, token, events_url}}` (§5.1; phone adds
/// `callee_no`, `caller_no`). With the extensions on, chat channels also get `expires_at` and
/// `session_url` (the session host's socket for `chat_realtime`, the async POST URL for
/// `chat_async`).
pub async fn create(
    _: ApiKey,
    State(state): State<AppState>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult<Json<Value>> {
    let obj = object(&body)?;
    let agent_ref = required_str(obj, "agent_id")?;
    let channel = parse_channel(obj)?;
    let livemode = match obj.get("livemode") {
        None | Some(Value::Null) => true,
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            return Err(ApiError::invalid_field(
                "livemode",
                "`livemode` must be a boolean.",
            ))
        }
    };
    let override_config = optional_object(obj, "override_config")?
        .cloned()
        .map(Value::Object);
    let context = optional_object(obj, "context")?
        .cloned()
        .unwrap_or_default();

    let id = ids::conversation_id();
    let (token, expires_at, log) = {
        let mut store = state.store();
        let agent_id = resolve_agent(&store, agent_ref)?;
        let log = EventLog::new(&id, &agent_id, livemode);
        let seq = store.next_seq();
        let conversation = Conversation {
            id: id.clone(),
            seq,
            agent_id,
            livemode,
            channel_type: channel.kind,
            phone: channel.phone.clone(),
            override_config,
            context,
            created_at: ids::now(),
            started_at: None,
            completed_at: None,
            status: Status::Queued,
            log: log.clone(),
            commands: spawn_actor(state.clone(), id.clone(), log.clone()),
            active_token: None,
        };
        store.conversations.insert(id.clone(), conversation);
        let (token, expires_at) = store.mint_token(&id, state.config.token_ttl)?;
        (token, expires_at, log)
    };
    let mut setup_channel = json!({ "type": channel.kind.as_str() });
    if let Some((callee, caller, _)) = &channel.phone {
        setup_channel["callee_no"] = callee.clone();
        setup_channel["caller_no"] = caller.clone();
    }
    log.append(json!({
        "type": "conversation.setup",
        "channel": setup_channel,
        "direction": channel.kind.direction(),
    }));
    tracing::info!(conversation = %id, channel = channel.kind.as_str(), "conversation created");

    let base = base_url(&state, &headers);
    let mut out = json!({
        "type": channel.kind.as_str(),
        "token": token,
        "events_url": format!("{base}/conversations/{id}/events"),
    });
    if let Some((callee, caller, _)) = &channel.phone {
        out["callee_no"] = callee.clone();
        out["caller_no"] = caller.clone();
    }
    if state.config.extensions {
        out["expires_at"] = json!(expires_at);
        match channel.kind {
            ChannelType::Phone => {}
            ChannelType::ChatRealtime => {
                let session_base = session_base_url(&state, &base);
                out["session_url"] = json!(format!("{session_base}/conversations/{id}/session"));
            }
            ChannelType::ChatAsync => {
                out["session_url"] = json!(format!("{base}/conversations/{id}/session"));
            }
        }
    }
    Ok(Json(json!({ "id": id, "channel": out })))
}

/// `GET /conversations/{id}`.
pub async fn get(
    _: ApiKey,
    State(state): State<AppState>,
    PathId(id): PathId,
) -> ApiResult<Json<Value>> {
    let store = state.store();
    let c = store.conversations.get(&id).ok_or_else(|| not_found(&id))?;
    Ok(Json(c.to_json()))
}

fn time_filter(query: &QueryMap, key: &str) -> ApiResult<Option<time::OffsetDateTime>> {
    match query.get(key) {
        None => Ok(None),
        Some(s) => ids::parse_rfc3339(s).map(Some).ok_or_else(|| {
            ApiError::invalid_field(key, format!("`{key}` must be an RFC 3339 date-time."))
        }),
    }
}

/// `GET /conversations?cursor=&created_at_gte=&created_at_lt=&completed_at_gte=&completed_at_lt=`.
pub async fn list(
    _: ApiKey,
    State(state): State<AppState>,
    query: QueryMap,
) -> ApiResult<Json<Value>> {
    let before = parse_cursor(query.get("cursor"))?;
    let created_gte = time_filter(&query, "created_at_gte")?;
    let created_lt = time_filter(&query, "created_at_lt")?;
    let completed_gte = time_filter(&query, "completed_at_gte")?;
    let completed_lt = time_filter(&query, "completed_at_lt")?;
    let store = state.store();
    let items = store
        .conversations
        .values()
        .filter(|c| created_gte.is_none_or(|t| c.created_at >= t))
        .filter(|c| created_lt.is_none_or(|t| c.created_at < t))
        .filter(|c| completed_gte.is_none_or(|t| c.completed_at.is_some_and(|d| d >= t)))
        .filter(|c| completed_lt.is_none_or(|t| c.completed_at.is_some_and(|d| d < t)))
        .map(|c| (c.seq, c.to_list_item()))
        .collect();
    Ok(Json(page(items, before)))
}

/// `DELETE /conversations/{id}`: testmode, or livemode still queued → 204; else 409; 404 after.
pub async fn delete(
    _: ApiKey,
    State(state): State<AppState>,
    PathId(id): PathId,
) -> ApiResult<StatusCode> {
    let mut store = state.store();
    let c = store.conversations.get(&id).ok_or_else(|| not_found(&id))?;
    if c.livemode && c.status != Status::Queued {
        return Err(ApiError::conflict(
            "Only testmode conversations or queued livemode conversations can be deleted.",
        ));
    }
    store.conversations.remove(&id);
    store.tokens.retain(|_, t| t.conversation_id != id);
    tracing::info!(conversation = %id, "conversation deleted");
    Ok(StatusCode::from_u16(DELETE_STATUS).unwrap_or(StatusCode::NO_CONTENT))
}
