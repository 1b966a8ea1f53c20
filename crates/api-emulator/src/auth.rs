//! Authentication: API key + version for server routes, `?token=` for the token routes.

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::http::HeaderMap;

use subtle::ConstantTimeEq;

use crate::assumptions::API_VERSION;
use crate::error::ApiError;
use crate::state::AppState;

/// Header carrying the API version.
pub const VERSION_HEADER: &str = "operator-version";

/// Whether a presented secret equals the configured one, in time independent of where they
/// differ (`subtle`). An empty configured secret matches nothing, not an empty header.
pub fn secret_eq(presented: &str, expected: &str) -> bool {
    !expected.is_empty() && bool::from(presented.as_bytes().ct_eq(expected.as_bytes()))
}

/// Proof that a request carried the configured API key and a supported `Operator-Version`.
/// Auth is checked first (401), then the version (400), as in A2.
#[derive(Debug, Clone, Copy)]
pub struct ApiKey;

/// Checks `Authorization: Bearer <key>` and `Operator-Version`.
pub fn check_api_key(
    state: &AppState,
    headers: &HeaderMap,
    has_query_token: bool,
) -> Result<(), ApiError> {
    let Some(value) = headers.get(AUTHORIZATION) else {
        return Err(if has_query_token {
            ApiError::unauthorized(
                "This endpoint needs an API key; ?token= is only accepted by the events and session APIs.",
            )
        } else {
            ApiError::unauthorized("Missing API key (Authorization: Bearer <key>).")
        });
    };
    let presented = value
        .to_str()
        .ok()
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, key)| key.trim());
    if !presented.is_some_and(|key| secret_eq(key, &state.config.api_key)) {
        return Err(ApiError::unauthorized("Invalid API key."));
    }
    match headers.get(VERSION_HEADER).map(|v| v.to_str()) {
        Some(Ok(v)) if v.trim() == API_VERSION => Ok(()),
        Some(_) => Err(ApiError::unsupported_version(format!(
            "Unsupported Operator-Version; the only supported version is {API_VERSION}."
        ))),
        None => Err(ApiError::unsupported_version(format!(
            "Missing Operator-Version header (use {API_VERSION})."
        ))),
    }
}

fn query_has_token(parts: &Parts) -> bool {
    parts.uri.query().is_some_and(|q| {
        q.split('&')
            .any(|kv| kv == "token" || kv.starts_with("token="))
    })
}

impl FromRequestParts<AppState> for ApiKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        check_api_key(state, &parts.headers, query_has_token(parts))?;
        Ok(ApiKey)
    }
}

/// Authorizes a token route for one conversation: an `Authorization` header (server side) wins;
/// otherwise `?token=` must be a live token of this conversation. The API key is never accepted
/// as `?token=`.
pub fn authorize_stream(
    state: &AppState,
    headers: &HeaderMap,
    token: Option<&str>,
    conversation_id: &str,
) -> Result<(), ApiError> {
    if headers.contains_key(AUTHORIZATION) {
        return check_api_key(state, headers, token.is_some());
    }
    let token = match token {
        None | Some("") => return Err(ApiError::token_invalid("Missing ?token=.")),
        Some(t) => t,
    };
    if secret_eq(token, &state.config.api_key) {
        return Err(ApiError::token_invalid(
            "API keys are not accepted as ?token=; use an ephemeral conversation token.",
        ));
    }
    state
        .store()
        .check_token(token, conversation_id)
        .into_result()
}

#[cfg(test)]
mod tests {
    use super::secret_eq;

    #[test]
    fn secrets_match_only_when_equal_and_never_when_empty() {
        assert!(secret_eq("op_key_1", "op_key_1"));
        assert!(
            !secret_eq("op_key_2", "op_key_1"),
            "same length, one byte off"
        );
        assert!(!secret_eq("op_key", "op_key_1"), "a prefix");
        assert!(
            !secret_eq("", ""),
            "an empty configured key matches nothing"
        );
    }
}
