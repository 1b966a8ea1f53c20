//! JSON answers for unknown routes (404) and unsupported methods (405).

use axum::http::Uri;

use crate::error::ApiError;

/// 404 `not_found` for any unknown path.
pub async fn not_found(uri: Uri) -> ApiError {
    ApiError::not_found(format!("No route for {}.", uri.path()))
}

/// 405 `method_not_allowed`.
pub async fn method_not_allowed() -> ApiError {
    ApiError::method_not_allowed()
}
