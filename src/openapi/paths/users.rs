//! `POST /v2/user`, `GET /v2/user/{user_id}`.
use crate::openapi::schemas::errors::{ErrorDetail, HTTPValidationError, RuleRefusal};
use crate::openapi::schemas::users::{ClientFacingUser, UserCreateBody};

/// Create a user
///
/// A user is the patient orders are placed for; `client_user_id` is unique within the Team.
#[utoipa::path(
    post,
    path = "/v2/user",
    tag = "Users",
    operation_id = "create_user",
    security(("apiKeyAuth" = [])),
    request_body = UserCreateBody,
    responses(
        (status = 200, description = "The new user.", body = ClientFacingUser),
        (status = 400, description = "The Team already has a user with this `client_user_id` (`duplicate_client_user_id`).", body = RuleRefusal),
        (status = 401, description = "No valid Team API key.", body = ErrorDetail),
        (status = 422, description = "The body is not JSON, or `client_user_id` is missing or not a string.", body = HTTPValidationError),
        (status = 503, description = "The database is unavailable; retry after `Retry-After` seconds.", body = ErrorDetail),
    )
)]
pub fn create_user() {}

/// Get a user
#[utoipa::path(
    get,
    path = "/v2/user/{user_id}",
    tag = "Users",
    operation_id = "get_user",
    security(("apiKeyAuth" = [])),
    params(("user_id" = String, Path, format = Uuid, description = "The user's id.")),
    responses(
        (status = 200, description = "The user.", body = ClientFacingUser),
        (status = 401, description = "No valid Team API key.", body = ErrorDetail),
        (status = 404, description = "No such user in the Team.", body = ErrorDetail),
        (status = 422, description = "`user_id` is not a UUID.", body = HTTPValidationError),
        (status = 503, description = "The database is unavailable; retry after `Retry-After` seconds.", body = ErrorDetail),
    )
)]
pub fn get_user() {}
