//! The error bodies of `web::errors::api_body`: Junction's shapes, plus labdesk's `code`.
use utoipa::ToSchema;

/// 401 (missing, unknown or revoked key, or a key of another kind), 404 (no such object, or one
/// of another Team or org: the same answer for both), 409 and 503.
#[derive(ToSchema)]
pub struct ErrorDetail {
    /// A sentence a person can act on; `Not Found` for a 404.
    pub detail: String,
}

/// 400: a business rule refused the request; nothing was changed.
#[derive(ToSchema)]
pub struct RuleRefusal {
    /// What was refused and why, in words.
    pub detail: String,
    /// labdesk extension: the rule, for programs, e.g. `lab_account_not_linked`,
    /// `order_not_cancellable`, `duplicate_client_user_id`.
    pub code: String,
}

/// One problem of the input, at its location.
#[derive(ToSchema)]
#[schema(title = "ValidationError")]
pub struct ValidationError {
    /// Where: `body`, `query`, `path` or `header`, then the field names and list positions,
    /// e.g. `["body", "patient_address", "zip"]`.
    #[schema(value_type = Vec<String>)]
    pub loc: Vec<String>,
    pub msg: String,
    /// The kind of problem, e.g. `missing`, `uuid_parsing`, `enum`, `string_too_long`.
    #[schema(rename = "type")]
    pub kind: String,
}

/// 422: the input does not have the right shape; every problem is listed.
#[derive(ToSchema)]
pub struct HTTPValidationError {
    pub detail: Vec<ValidationError>,
}
