//! An org's Teams as a signed-in person sees them: which Teams (a page at a time), their linked
//! lab accounts, and what the person may do for each (order, manage its API keys).
use std::collections::HashMap;

use crate::db::account_links::{self, LinkedAccount};
use crate::db::lab_accounts::{self as accounts_db, AccountFilter};
use crate::db::orgs::{self, Team};
use crate::db::DbConnection;
use crate::domain::access::{Action, Principal};
use crate::domain::ids::{OrgId, TeamId};
use crate::domain::lab_account::LabAccount;
use crate::domain::paging::split_page;
use crate::error::AppError;
use crate::service::policy;
use crate::service::visibility::visible_teams_page;

/// One Team with its linked accounts and what the reader may do for it.
pub struct TeamOverview {
    pub team: Team,
    pub accounts: Vec<LabAccount>,
    pub may_order: bool,
    pub may_manage_keys: bool,
}

fn may_order(p: &Principal, team: &Team) -> bool {
    policy::allowed(
        p,
        Action::PlaceOrder {
            org_id: &team.org_id,
            team_id: &team.id,
            draft_creator: None,
        },
    )
}

fn overview(p: &Principal, team: Team, accounts: Vec<LabAccount>) -> TeamOverview {
    let may_order = may_order(p, &team);
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

/// How many Teams a page of the Teams list shows.
pub const TEAMS_PER_PAGE: usize = 50;

/// A Team as the Teams list shows it: the accounts linked to it and whether the reader may order.
pub struct TeamListing {
    pub team: Team,
    pub accounts: Vec<LinkedAccount>,
    pub may_order: bool,
}

/// One page of the Teams the person sees, in name order.
pub struct TeamsPage {
    pub teams: Vec<TeamListing>,
    /// The last Team of this page when another page follows.
    pub next: Option<TeamId>,
}

/// A page of the org's Teams the person sees (a clinician: their own) after the Team `after`,
/// each with its linked accounts: three queries however many Teams and accounts the org has.
pub fn page(
    conn: &mut DbConnection,
    p: &Principal,
    org_id: &OrgId,
    after: Option<&TeamId>,
) -> Result<TeamsPage, AppError> {
    policy::authorize(p, Action::ViewOrg { org_id })?;
    let after = match after {
        Some(id) => Some(orgs::find_team_of_org(conn, org_id, id)?.ok_or(AppError::NotFound)?),
        None => None,
    };
    // One more than a page tells whether another follows.
    let teams = visible_teams_page(conn, p, org_id, after.as_ref(), TEAMS_PER_PAGE + 1)?;
    let (teams, next) = split_page(teams, TEAMS_PER_PAGE, |t| t.id.clone());
    let ids: Vec<TeamId> = teams.iter().map(|t| t.id.clone()).collect();
    let mut by_team: HashMap<TeamId, Vec<LinkedAccount>> = HashMap::new();
    for linked in account_links::accounts_of_teams(conn, org_id, &ids)? {
        by_team
            .entry(linked.team_id.clone())
            .or_default()
            .push(linked);
    }
    let teams = teams
        .into_iter()
        .map(|team| TeamListing {
            accounts: by_team.remove(&team.id).unwrap_or_default(),
            may_order: may_order(p, &team),
            team,
        })
        .collect();
    Ok(TeamsPage { teams, next })
}

/// How many Teams a page of the org API's Team list holds.
pub const API_TEAMS_PER_PAGE: usize = 100;

/// A page of the org API's Team list.
pub struct OrgTeams {
    pub teams: Vec<Team>,
    /// The cursor of the next page, when one follows.
    pub next: Option<TeamId>,
}

/// Why a page of the org API's Team list cannot be given.
#[derive(Debug)]
pub enum OrgTeamsError {
    /// The cursor does not name a Team of the org (a Team deleted since, or another org's).
    UnknownCursor,
    Failed(AppError),
}

impl From<AppError> for OrgTeamsError {
    fn from(e: AppError) -> Self {
        OrgTeamsError::Failed(e)
    }
}

/// A page of the org's Teams in name order for its management key, after the Team `cursor`.
pub fn org_teams(
    conn: &mut DbConnection,
    org_id: &OrgId,
    cursor: Option<&TeamId>,
) -> Result<OrgTeams, OrgTeamsError> {
    let after = match cursor {
        Some(id) => {
            Some(orgs::find_team_of_org(conn, org_id, id)?.ok_or(OrgTeamsError::UnknownCursor)?)
        }
        None => None,
    };
    let limit = i64::try_from(API_TEAMS_PER_PAGE + 1).unwrap_or(i64::MAX);
    let teams = orgs::teams_page(conn, org_id, after.as_ref().map(|t| t.name.as_str()), limit)?;
    let (teams, next) = split_page(teams, API_TEAMS_PER_PAGE, |t| t.id.clone());
    Ok(OrgTeams { teams, next })
}

/// One Team of the org, if the person may see it (anything else is "not found").
pub fn show(
    conn: &mut DbConnection,
    p: &Principal,
    org_id: &OrgId,
    team_id: &TeamId,
) -> Result<TeamOverview, AppError> {
    let team = orgs::find_team_of_org(conn, org_id, team_id)?.ok_or(AppError::NotFound)?;
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
