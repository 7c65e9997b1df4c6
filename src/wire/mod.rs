//! Wire objects of API.md, built from domain types: the API's answers and the webhooks' bodies.
pub mod orders;

use serde::Serialize;

use crate::domain::ids::{LabAccountId, OrgId, TeamId};
use crate::domain::lab_account::LabAccount;

#[derive(Serialize)]
pub struct ClientFacingLabAccount {
    pub id: LabAccountId,
    pub lab: &'static str,
    pub org_id: Option<OrgId>,
    pub status: &'static str,
    pub delegated_flow: &'static str,
    pub provider_account_id: String,
    pub account_name: Option<String>,
    pub default_clinical_notes: Option<String>,
    pub business_units: Option<Vec<String>>,
    pub allowed_billing: serde_json::Value,
    pub team_id_allowlist: Vec<TeamId>,
}

impl From<&LabAccount> for ClientFacingLabAccount {
    fn from(a: &LabAccount) -> Self {
        ClientFacingLabAccount {
            id: a.id.clone(),
            lab: a.lab.as_str(),
            org_id: a.owner.org_id().cloned(),
            status: a.status.as_str(),
            delegated_flow: a.delegated_flow.as_str(),
            provider_account_id: a.provider_account_id.clone(),
            account_name: a.account_name.clone(),
            default_clinical_notes: a.default_clinical_notes.clone(),
            business_units: a.business_units.clone(),
            allowed_billing: a.allowed_billing.to_json(),
            team_id_allowlist: a.team_ids.clone(),
        }
    }
}

#[derive(Serialize)]
pub struct LabAccountsResponse {
    pub data: Vec<ClientFacingLabAccount>,
}

#[derive(Serialize)]
pub struct LabAccountResponse {
    pub lab_account: ClientFacingLabAccount,
}

#[derive(Serialize)]
pub struct TeamItem {
    pub id: TeamId,
    pub name: String,
    pub created_on: String,
}

#[derive(Serialize)]
pub struct TeamListResponse {
    pub teams: Vec<TeamItem>,
    pub next_cursor: Option<String>,
}

pub fn rfc3339(t: &chrono::NaiveDateTime) -> String {
    t.and_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A review item's status and resolution as Junction spells them.
pub fn review_status(
    item: &crate::db::unmatched::UnmatchedRow,
) -> (&'static str, Option<&'static str>) {
    use crate::domain::review::ReviewStatus;
    match item.status {
        ReviewStatus::Accepted => ("resolved", Some("accept")),
        ReviewStatus::Rejected => ("resolved", Some("reject")),
        ReviewStatus::PendingOps => ("pending_ops_review", None),
        ReviewStatus::PendingCustomer => ("pending_customer_review", None),
    }
}

/// Junction's `MatchReviewWebhookPayload`: ids and codes of a review item, no patient data.
pub fn match_review(item: &crate::db::unmatched::UnmatchedRow) -> serde_json::Value {
    use crate::domain::result_matching::DecisionCode;
    let (status, action) = review_status(item);
    let sub_reasons: &[&str] = if item.decision_code == DecisionCode::LabAccountMismatch {
        &["lab_account_mismatch"]
    } else {
        &[]
    };
    serde_json::json!({
        "id": item.id,
        "status": status,
        "decision_code": item.decision_code,
        "sub_reason_codes": sub_reasons,
        "resolution_action": action,
        "resolved_user_id": null,
        "resolved_order_id": item.resolved_order_id,
    })
}
