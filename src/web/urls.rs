//! The dashboard's paths, built from typed ids: one function per route of `routes.rs`, so a path is
//! written once. Pure functions. The JSON APIs' paths are fixed by the wire format and are not
//! built here.
use crate::domain::ids::{
    ApiKeyId, BulkLinkId, DraftId, LabAccountId, OrderId, OrgId, ReviewItemId, TeamId,
    WebhookDeliveryId, WebhookEndpointId,
};
use crate::domain::lab::LabSlug;
use crate::domain::return_to::ReturnTo;
use crate::domain::review::ReviewAction;
use crate::domain::wizard::Step;

pub use crate::domain::scope::Scope;

/// The path every page of the scope starts with.
fn prefix(scope: &Scope) -> String {
    match scope {
        Scope::Org(org) => format!("/orgs/{org}"),
        Scope::Platform => "/platform".to_string(),
    }
}

/// A file of `static/` by its path there, with the fingerprint of this build's static files, so
/// it can be cached for good (`security_headers` says so) and a new build is fetched at once.
pub fn asset(path: &str) -> String {
    format!("/static/{path}?v={}", ASSETS_VERSION)
}

/// Set by `build.rs` from the content of `static/`.
pub const ASSETS_VERSION: &str = env!("LABDESK_ASSETS_VERSION");

pub fn sign_in() -> String {
    "/login".to_string()
}

pub fn sign_out() -> String {
    "/logout".to_string()
}

pub fn sign_out_everywhere() -> String {
    "/logout/everywhere".to_string()
}

/// The API reference page, read from the OpenAPI document.
pub fn api_docs() -> String {
    "/docs".to_string()
}

/// The API's OpenAPI document.
pub fn openapi_document() -> String {
    "/openapi.json".to_string()
}

/// Sends a signed-in person on to their landing page.
pub fn home() -> String {
    "/".to_string()
}

/// An org's home page: the state of things at a glance for the person's role.
pub fn org_home(org: &OrgId) -> String {
    format!("/orgs/{org}/home")
}

/// The organizations a person may open.
pub fn orgs() -> String {
    "/orgs".to_string()
}

pub fn lab_accounts(scope: &Scope) -> String {
    format!("{}/lab_accounts", prefix(scope))
}

pub fn new_lab_account(scope: &Scope) -> String {
    format!("{}/new", lab_accounts(scope))
}

pub fn lab_account(scope: &Scope, account: &LabAccountId) -> String {
    format!("{}/{account}", lab_accounts(scope))
}

pub fn edit_lab_account(scope: &Scope, account: &LabAccountId) -> String {
    format!("{}/edit", lab_account(scope, account))
}

pub fn lab_account_status(scope: &Scope, account: &LabAccountId) -> String {
    format!("{}/status", lab_account(scope, account))
}

/// Where a Team is linked to the account (POST).
pub fn lab_account_teams(scope: &Scope, account: &LabAccountId) -> String {
    format!("{}/teams", lab_account(scope, account))
}

pub fn unlink_team(scope: &Scope, account: &LabAccountId, team: &TeamId) -> String {
    format!("{}/{team}/unlink", lab_account_teams(scope, account))
}

pub fn teams(org: &OrgId) -> String {
    format!("/orgs/{org}/teams")
}

pub fn team(org: &OrgId, team: &TeamId) -> String {
    format!("{}/{team}", teams(org))
}

pub fn team_keys(org: &OrgId, team_id: &TeamId) -> String {
    format!("{}/keys", team(org, team_id))
}

pub fn revoke_team_key(org: &OrgId, team_id: &TeamId, key: &ApiKeyId) -> String {
    format!("{}/{key}/revoke", team_keys(org, team_id))
}

pub fn team_webhooks(org: &OrgId, team_id: &TeamId) -> String {
    format!("{}/webhooks", team(org, team_id))
}

pub fn webhook_endpoint(org: &OrgId, team_id: &TeamId, endpoint: &WebhookEndpointId) -> String {
    format!("{}/{endpoint}", team_webhooks(org, team_id))
}

pub fn webhook_test(org: &OrgId, team_id: &TeamId, endpoint: &WebhookEndpointId) -> String {
    format!("{}/test", webhook_endpoint(org, team_id, endpoint))
}

pub fn webhook_rotate(org: &OrgId, team_id: &TeamId, endpoint: &WebhookEndpointId) -> String {
    format!("{}/rotate", webhook_endpoint(org, team_id, endpoint))
}

pub fn webhook_delete(org: &OrgId, team_id: &TeamId, endpoint: &WebhookEndpointId) -> String {
    format!("{}/delete", webhook_endpoint(org, team_id, endpoint))
}

pub fn webhook_replay(
    org: &OrgId,
    team_id: &TeamId,
    endpoint: &WebhookEndpointId,
    delivery: &WebhookDeliveryId,
) -> String {
    format!(
        "{}/deliveries/{delivery}/replay",
        webhook_endpoint(org, team_id, endpoint)
    )
}

pub fn audit(org: &OrgId) -> String {
    format!("/orgs/{org}/audit")
}

pub fn audit_csv(org: &OrgId) -> String {
    format!("/orgs/{org}/audit.csv")
}

pub fn org_orders(org: &OrgId) -> String {
    format!("/orgs/{org}/orders")
}

/// The org's orders on one lab account (the orders list filtered by it).
pub fn org_orders_on_account(org: &OrgId, account: &LabAccountId) -> String {
    format!("{}?lab_account_id={account}", org_orders(org))
}

pub fn order(org: &OrgId, order: &OrderId) -> String {
    format!("{}/{order}", org_orders(org))
}

pub fn cancel_order(org: &OrgId, order_id: &OrderId) -> String {
    format!("{}/cancel", order(org, order_id))
}

/// The sandbox's "one step forward" (and "corrected result") button.
pub fn order_requisition(org: &OrgId, order_id: &OrderId) -> String {
    format!("{}/requisition.pdf", order(org, order_id))
}

pub fn advance_order(org: &OrgId, order_id: &OrderId) -> String {
    format!("{}/sandbox/advance", order(org, order_id))
}

/// Starts the order wizard for a Team (a POST; the GET shows the button).
pub fn new_order(org: &OrgId, team_id: &TeamId) -> String {
    format!("{}/orders/new", team(org, team_id))
}

/// A step of the order wizard.
pub fn draft_step(org: &OrgId, draft: &DraftId, step: Step) -> String {
    format!("/orgs/{org}/drafts/{draft}/{step}")
}

pub fn submit_draft(org: &OrgId, draft: &DraftId) -> String {
    format!("/orgs/{org}/drafts/{draft}/submit")
}

pub fn review_queue(scope: &Scope) -> String {
    format!("{}/review", prefix(scope))
}

pub fn review_item(scope: &Scope, item: &ReviewItemId) -> String {
    format!("{}/{item}", review_queue(scope))
}

/// A decision on a review item: `accept`, `reject` or `escalate`.
pub fn decide_review_item(scope: &Scope, item: &ReviewItemId, decision: ReviewAction) -> String {
    format!("{}/{decision}", review_item(scope, item))
}

/// The search of the orders a review item's result may go on (a POST: the search is patient data).
pub fn review_candidates(scope: &Scope, item: &ReviewItemId) -> String {
    format!("{}/candidates", review_item(scope, item))
}

pub fn lab_keys() -> String {
    "/platform/lab_keys".to_string()
}

pub fn lab_connections() -> String {
    "/platform/lab_connections".to_string()
}

pub fn lab_connection(lab: LabSlug) -> String {
    format!("{}/{lab}", lab_connections())
}

pub fn revoke_lab_key(key: &ApiKeyId) -> String {
    format!("{}/{key}/revoke", lab_keys())
}

/// The page that shows a new lab key's secret, once (the create form redirects there).
pub fn lab_key_created(key: &ApiKeyId) -> String {
    format!("{}/{key}/created", lab_keys())
}

/// The page that shows a new Team key's secret, once (the create form redirects there).
pub fn team_key_created(org: &OrgId, team_id: &TeamId, key: &ApiKeyId) -> String {
    format!("{}/{key}/created", team_keys(org, team_id))
}

/// The sign-in page, which sends the person back to `return_to` once signed in.
pub fn sign_in_returning_to(return_to: &ReturnTo) -> String {
    let query = serde_urlencoded::to_string([("next", return_to.as_str())]).unwrap_or_default();
    format!("{}?{query}", sign_in())
}

/// Bulk link or unlink of an org's accounts to its Teams: the choice and preview (GET) and the
/// apply (POST).
pub fn bulk_links(org: &OrgId) -> String {
    format!("/orgs/{org}/lab_accounts/bulk/links")
}

/// What a bulk link or unlink changed, with its Undo.
pub fn bulk_link(org: &OrgId, id: &BulkLinkId) -> String {
    format!("{}/{id}", bulk_links(org))
}

pub fn undo_bulk_link(org: &OrgId, id: &BulkLinkId) -> String {
    format!("{}/undo", bulk_link(org, id))
}

#[cfg(test)]
#[path = "urls_tests.rs"]
mod tests;
