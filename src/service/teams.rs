//! An org's Teams as a signed-in person sees them: which Teams, their linked lab accounts, and
//! what the person may do for each (order, manage its API keys).
use std::collections::HashMap;

use crate::db::lab_accounts::{self as accounts_db, AccountFilter};
use crate::db::orgs::{self, Team};
use crate::db::DbConnection;
use crate::domain::access::{Action, Principal};
use crate::domain::ids::{OrgId, TeamId};
use crate::domain::lab_account::LabAccount;
use crate::domain::scope::Scope;
use crate::error::AppError;
use crate::service::policy;
use crate::service::visibility::visible_teams;

/// One Team with its linked accounts and what the reader may do for it.
pub struct TeamOverview {
    pub team: Team,
    pub accounts: Vec<LabAccount>,
    pub may_order: bool,
    pub may_manage_keys: bool,
}

fn overview(p: &Principal, team: Team, accounts: Vec<LabAccount>) -> TeamOverview {
    let may_order = policy::allowed(
        p,
        Action::PlaceOrder {
            org_id: &team.org_id,
            team_id: &team.id,
            draft_creator: None,
        },
    );
    let may_manage_keys = policy::allowed(
        p,
        Action::ManageTeamKeys {
            org_id: &team.org_id,
            team_id: &team.id,
        },
    );
    TeamOverview {
        team,
        accounts,
        may_order,
        may_manage_keys,
    }
}

/// The Teams of the org the person sees (a clinician: their own), each with its linked accounts.
pub fn list(
    conn: &mut DbConnection,
    p: &Principal,
    org_id: &OrgId,
) -> Result<Vec<TeamOverview>, AppError> {
    let teams = visible_teams(conn, p, &Scope::Org(org_id.clone()))?;
    // One query for every account of the org; each Team takes the ones linked to it.
    let accounts = accounts_db::list_for_org(conn, org_id, &AccountFilter::default())?;
    let mut by_team: HashMap<&TeamId, Vec<LabAccount>> = HashMap::new();
    for account in &accounts {
        for team in &account.team_ids {
            by_team.entry(team).or_default().push(account.clone());
        }
    }
    Ok(teams
        .into_iter()
        .map(|team| {
            let linked = by_team.remove(&team.id).unwrap_or_default();
            overview(p, team, linked)
        })
        .collect())
}

/// One Team of the org, if the person may see it (anything else is "not found").
pub fn show(
    conn: &mut DbConnection,
    p: &Principal,
    org_id: &OrgId,
    team_id: &TeamId,
) -> Result<TeamOverview, AppError> {
    let team = orgs::find_team(conn, team_id)?
        .filter(|t| t.org_id == *org_id)
        .ok_or(AppError::NotFound)?;
    policy::authorize(
        p,
        Action::ViewTeam {
            org_id,
            team_id: &team.id,
        },
    )?;
    let filter = AccountFilter {
        team_id: Some(team.id.clone()),
        ..AccountFilter::default()
    };
    let accounts = accounts_db::list_for_org(conn, org_id, &filter)?;
    Ok(overview(p, team, accounts))
}
