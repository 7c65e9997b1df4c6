//! View structs shared by several pages.
use crate::db::orgs::Team;
use crate::domain::billing::BillingType;
use crate::domain::ids::LabAccountId;
use crate::domain::lab_account::LabAccount;
use crate::web::urls;

use super::Scope;

/// One account as a row of a list.
pub struct AccountRow {
    pub id: LabAccountId,
    pub url: String,
    pub lab: &'static str,
    pub name: String,
    pub provider_account_id: String,
    pub status: &'static str,
    pub status_label: &'static str,
    pub delegation: &'static str,
    /// (billing type label, number of states)
    pub billing: Vec<(&'static str, usize)>,
    /// (team name, team page url)
    pub teams: Vec<(String, String)>,
    pub platform: bool,
}

pub fn account_row(a: &LabAccount, scope: &Scope, teams: &[Team]) -> AccountRow {
    AccountRow {
        id: a.id.clone(),
        url: urls::lab_account(scope, &a.id),
        lab: a.lab.display_name(),
        name: a.display_name(),
        provider_account_id: a.provider_account_id.clone(),
        status: a.status.as_str(),
        status_label: a.status.label(),
        delegation: a.delegated_flow.label(),
        billing: BillingType::ALL
            .iter()
            .filter_map(|b| a.allowed_billing.states(*b).map(|s| (b.label(), s.len())))
            .collect(),
        teams: a
            .team_ids
            .iter()
            .filter_map(|id| teams.iter().find(|t| &t.id == id))
            .map(|t| (t.name.clone(), urls::team(&t.org_id, &t.id)))
            .collect(),
        platform: a.is_platform_managed(),
    }
}
