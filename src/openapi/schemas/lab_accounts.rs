//! Lab accounts as both APIs send them (`web::api::wire`), the allowlist replace, the org's
//! Teams, and labdesk's bulk link.
use std::collections::BTreeMap;

use utoipa::ToSchema;

use super::enums::UsState;
use crate::domain::billing::BillingType;
use crate::domain::bulk_links::BulkAction;
use crate::domain::lab::LabSlug;
use crate::domain::lab_account::{AccountStatus, DelegatedFlow};

/// A lab account: an organization's (or the platform's) account with a lab, and the Teams
/// that may order on it.
#[derive(ToSchema)]
pub struct ClientFacingLabAccount {
    #[schema(format = Uuid)]
    pub id: String,
    pub lab: LabSlug,
    /// The owning organization; null for a platform-managed account.
    #[schema(format = Uuid, required = true)]
    pub org_id: Option<String>,
    pub status: AccountStatus,
    pub delegated_flow: DelegatedFlow,
    /// The account number at the lab (what the lab writes in MSH-6 of its results).
    pub provider_account_id: String,
    #[schema(required = true)]
    pub account_name: Option<String>,
    /// Joined to every order's clinical notes.
    #[schema(required = true)]
    pub default_clinical_notes: Option<String>,
    #[schema(required = true)]
    pub business_units: Option<Vec<String>>,
    /// Per billing type, the states whose patients it may be used for.
    #[schema(value_type = BTreeMap<BillingType, Vec<UsState>>)]
    pub allowed_billing: BTreeMap<String, Vec<String>>,
    /// The Teams that may order on the account.
    #[schema(value_type = Vec<String>, format = Uuid)]
    pub team_id_allowlist: Vec<String>,
}

/// A list of lab accounts.
#[derive(ToSchema)]
pub struct LabAccountsResponse {
    pub data: Vec<ClientFacingLabAccount>,
}

/// The account after a change.
#[derive(ToSchema)]
pub struct LabAccountResponse {
    pub lab_account: ClientFacingLabAccount,
}

/// The new allowlist, replacing the old one whole.
#[derive(ToSchema)]
pub struct LabAccountTeamIdAllowlistUpdateBody {
    /// Teams of the organization; an empty list unlinks every Team.
    #[schema(value_type = Vec<String>, format = Uuid)]
    pub team_id_allowlist: Vec<String>,
}

/// A Team of the organization.
#[derive(ToSchema)]
pub struct ClientFacingOrgTeamListItem {
    #[schema(format = Uuid)]
    pub id: String,
    pub name: String,
    #[schema(format = DateTime)]
    pub created_on: String,
}

/// One page of the organization's Teams, by name.
#[derive(ToSchema)]
pub struct ClientFacingOrgTeamListResponse {
    pub teams: Vec<ClientFacingOrgTeamListItem>,
    /// Set when more Teams follow: pass it as `next_cursor` for the next page.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}

/// labdesk extension: link or unlink every listed account to every listed Team of the org.
#[derive(ToSchema)]
pub struct BulkLinkBody {
    /// 1 to 100 accounts of the organization.
    #[schema(value_type = Vec<String>, format = Uuid, min_items = 1, max_items = 100)]
    pub lab_account_ids: Vec<String>,
    /// 1 to 50 Teams of the organization.
    #[schema(value_type = Vec<String>, format = Uuid, min_items = 1, max_items = 50)]
    pub team_ids: Vec<String>,
    pub action: BulkAction,
    /// Only say what would change (default false).
    pub dry_run: Option<bool>,
}

/// One (account, Team) pair of a bulk link.
#[derive(ToSchema)]
pub struct BulkLinkPair {
    #[schema(format = Uuid)]
    pub lab_account_id: String,
    #[schema(format = Uuid)]
    pub team_id: String,
    /// `added`, `already_linked`, `removed`, `not_linked` or `refused`.
    #[schema(pattern = "^(added|already_linked|removed|not_linked|refused)$")]
    pub outcome: String,
    /// For a removed link: the Team's open orders on the account (they keep it).
    #[schema(required = true, minimum = 0)]
    pub open_orders: Option<i64>,
    /// For a refused pair: why, in words.
    #[schema(required = true)]
    pub reason: Option<String>,
    /// For a refused pair: why, as a code.
    #[schema(required = true)]
    pub code: Option<String>,
}

/// labdesk extension: what a bulk link changed (or, for a dry run, would change).
#[derive(ToSchema)]
pub struct BulkLinkResponse {
    /// The applied change's id; null for a dry run.
    #[schema(format = Uuid, required = true)]
    pub bulk_id: Option<String>,
    pub action: BulkAction,
    pub dry_run: bool,
    pub summary: String,
    pub pairs: Vec<BulkLinkPair>,
}
