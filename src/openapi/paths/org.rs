//! Junction's Org Management API (`X-Management-Key`) and labdesk's bulk link.
use crate::domain::lab_account::AccountStatus;
use crate::openapi::schemas::errors::{ErrorDetail, HTTPValidationError, RuleRefusal};
use crate::openapi::schemas::lab_accounts::{
    BulkLinkBody, BulkLinkResponse, ClientFacingOrgTeamListResponse, LabAccountResponse,
    LabAccountTeamIdAllowlistUpdateBody, LabAccountsResponse,
};

/// List the organization's Teams
///
/// By name, 100 at a time; `next_cursor` asks for the next page.
#[utoipa::path(
    get,
    path = "/v1/org/{org_id}/team",
    tag = "Org management",
    operation_id = "list_teams_in_org",
    security(("ManagementKey" = [])),
    params(
        ("org_id" = String, Path, format = Uuid, description = "The key's organization."),
        ("next_cursor" = Option<String>, Query, format = Uuid, description = "The previous page's `next_cursor`."),
    ),
    responses(
        (status = 200, description = "One page of Teams.", body = ClientFacingOrgTeamListResponse),
        (status = 401, description = "No valid management key.", body = ErrorDetail),
        (status = 404, description = "`org_id` is not the key's organization.", body = ErrorDetail),
        (status = 422, description = "`org_id` or `next_cursor` is not valid.", body = HTTPValidationError),
        (status = 503, description = "The database is unavailable; retry after `Retry-After` seconds.", body = ErrorDetail),
    )
)]
pub fn teams() {}

/// List the organization's lab accounts
///
/// Every account of the organization, and the platform-managed accounts linked to its Teams.
#[utoipa::path(
    get,
    path = "/v1/org/{org_id}/lab_account/{env}/{region}",
    tag = "Org management",
    operation_id = "get_lab_accounts",
    security(("ManagementKey" = [])),
    params(
        ("org_id" = String, Path, format = Uuid, description = "The key's organization."),
        ("env" = String, Path, pattern = "^(production|sandbox)$", description = "The deployment's environment; another is a 404."),
        ("region" = String, Path, pattern = "^(us|eu)$", description = "The deployment's region; another is a 404."),
        ("lab_account_id" = Option<String>, Query, format = Uuid, description = "Only this account."),
        ("team_id" = Option<String>, Query, format = Uuid, description = "Only accounts linked to this Team."),
        ("status" = Option<AccountStatus>, Query, description = "Only accounts in this status."),
    ),
    responses(
        (status = 200, description = "The accounts.", body = LabAccountsResponse),
        (status = 401, description = "No valid management key.", body = ErrorDetail),
        (status = 404, description = "`org_id`, `env` or `region` is not the key's or the deployment's.", body = ErrorDetail),
        (status = 422, description = "A path or query parameter is not valid.", body = HTTPValidationError),
        (status = 503, description = "The database is unavailable; retry after `Retry-After` seconds.", body = ErrorDetail),
    )
)]
pub fn lab_accounts() {}

/// Replace a lab account's Team allowlist
///
/// The whole list at once, in one transaction; a Team of another organization refuses the
/// request and changes nothing.
#[utoipa::path(
    patch,
    path = "/v1/org/{org_id}/lab_account/{env}/{region}/{account_id}",
    tag = "Org management",
    operation_id = "update_lab_account_team_id_allowlist",
    security(("ManagementKey" = [])),
    params(
        ("org_id" = String, Path, format = Uuid, description = "The key's organization."),
        ("env" = String, Path, pattern = "^(production|sandbox)$", description = "The deployment's environment; another is a 404."),
        ("region" = String, Path, pattern = "^(us|eu)$", description = "The deployment's region; another is a 404."),
        ("account_id" = String, Path, format = Uuid, description = "The account's id."),
    ),
    request_body = LabAccountTeamIdAllowlistUpdateBody,
    responses(
        (status = 200, description = "The account with its new allowlist.", body = LabAccountResponse),
        (status = 400, description = "A Team is not the organization's, or the account may not be changed so.", body = RuleRefusal),
        (status = 401, description = "No valid management key.", body = ErrorDetail),
        (status = 404, description = "No such account of the organization, or `org_id`, `env` or `region` is not the key's or the deployment's.", body = ErrorDetail),
        (status = 422, description = "A path parameter or the body is not valid.", body = HTTPValidationError),
        (status = 503, description = "The database is unavailable; retry after `Retry-After` seconds.", body = ErrorDetail),
    )
)]
pub fn replace_allowlist() {}

/// Link or unlink accounts and Teams in bulk
///
/// Every listed account to every listed Team, in one transaction with an audit row per
/// change; with `dry_run` only says what would change. Any refused pair refuses the whole
/// request (`bulk_link_refused`).
#[utoipa::path(
    post,
    path = "/v1/org/{org_id}/lab_account/bulk_link",
    tag = "Org management",
    operation_id = "bulk_link_lab_accounts",
    security(("ManagementKey" = [])),
    params(("org_id" = String, Path, format = Uuid, description = "The key's organization.")),
    request_body = BulkLinkBody,
    responses(
        (status = 200, description = "What changed, or would change.", body = BulkLinkResponse),
        (status = 400, description = "A pair may not be changed (`bulk_link_refused`); nothing changed.", body = RuleRefusal),
        (status = 401, description = "No valid management key.", body = ErrorDetail),
        (status = 404, description = "`org_id` is not the key's organization.", body = ErrorDetail),
        (status = 422, description = "The body is not valid.", body = HTTPValidationError),
        (status = 503, description = "The database is unavailable; retry after `Retry-After` seconds.", body = ErrorDetail),
    ),
    extensions(("x-labdesk-extension" = json!(true)))
)]
pub fn bulk_link() {}
