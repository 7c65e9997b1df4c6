//! View structs shared by several pages.
use crate::db::orgs::Team;
use crate::domain::billing::BillingType;
use crate::domain::lab_account::LabAccount;

use super::Scope;

/// One account as a row of a list.
pub struct AccountRow {
    pub id: String,
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

pub fn account_url(scope: &Scope, id: &str) -> String {
    format!("{}/{id}", scope.base())
}

pub fn team_url(org_id: &str, team_id: &str) -> String {
    format!("/orgs/{org_id}/teams/{team_id}")
}

pub fn account_row(a: &LabAccount, scope: &Scope, teams: &[Team]) -> AccountRow {
    AccountRow {
        id: a.id.clone(),
        url: account_url(scope, &a.id),
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
            .map(|t| (t.name.clone(), team_url(&t.org_id, &t.id)))
            .collect(),
        platform: a.is_platform_managed(),
    }
}
