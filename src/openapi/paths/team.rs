//! The Team's lab accounts and the test catalogue.
use crate::domain::lab::{CollectionMethod, LabSlug, LabTestStatus};
use crate::domain::lab_account::AccountStatus;
use crate::openapi::schemas::catalogue::{ClientFacingLab, ClientFacingLabTest};
use crate::openapi::schemas::errors::{ErrorDetail, HTTPValidationError};
use crate::openapi::schemas::lab_accounts::LabAccountsResponse;

/// List the Team's lab accounts
///
/// Only the accounts linked to the calling Team, in any status (filter with `status`).
#[utoipa::path(
    get,
    path = "/v3/lab_test/lab_account",
    tag = "Lab accounts",
    operation_id = "get_team_lab_accounts",
    security(("apiKeyAuth" = [])),
    params(
        ("lab_account_id" = Option<String>, Query, format = Uuid, description = "Only this account."),
        ("status" = Option<AccountStatus>, Query, description = "Only accounts in this status."),
    ),
    responses(
        (status = 200, description = "The accounts.", body = LabAccountsResponse),
        (status = 401, description = "No valid Team API key.", body = ErrorDetail),
        (status = 422, description = "A query parameter is not valid.", body = HTTPValidationError),
        (status = 503, description = "The database is unavailable; retry after `Retry-After` seconds.", body = ErrorDetail),
    )
)]
pub fn lab_accounts() {}

/// List lab tests
///
/// The catalogue of every lab, filtered by the query.
#[utoipa::path(
    get,
    path = "/v3/lab_tests",
    tag = "Lab tests",
    operation_id = "get_lab_tests",
    security(("apiKeyAuth" = [])),
    params(
        ("lab_slug" = Option<LabSlug>, Query, description = "Only tests of this lab."),
        ("collection_method" = Option<CollectionMethod>, Query, description = "Only tests collected this way."),
        ("status" = Option<LabTestStatus>, Query, description = "Only tests in this status."),
        ("name" = Option<String>, Query, description = "Only tests whose name contains this, in any case."),
    ),
    responses(
        (status = 200, description = "The tests.", body = Vec<ClientFacingLabTest>),
        (status = 401, description = "No valid Team API key.", body = ErrorDetail),
        (status = 422, description = "A query parameter is not valid.", body = HTTPValidationError),
        (status = 503, description = "The database is unavailable; retry after `Retry-After` seconds.", body = ErrorDetail),
    )
)]
pub fn lab_tests() {}

/// List labs
#[utoipa::path(
    get,
    path = "/v3/lab_tests/labs",
    tag = "Lab tests",
    operation_id = "get_labs",
    security(("apiKeyAuth" = [])),
    responses(
        (status = 200, description = "Every lab.", body = Vec<ClientFacingLab>),
        (status = 401, description = "No valid Team API key.", body = ErrorDetail),
        (status = 503, description = "The database is unavailable; retry after `Retry-After` seconds.", body = ErrorDetail),
    )
)]
pub fn labs() {}
