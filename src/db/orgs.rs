//! Organizations and their Teams.
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{organizations, teams};
use super::DbConnection;
use crate::domain::ids::{OrgId, TeamId};
use crate::error::AppError;

#[derive(Queryable, Selectable, Debug, Clone, PartialEq, Eq)]
#[diesel(table_name = organizations)]
pub struct Org {
    pub id: OrgId,
    pub name: String,
    pub created_at: NaiveDateTime,
}

#[derive(Queryable, Selectable, Debug, Clone, PartialEq, Eq)]
#[diesel(table_name = teams)]
pub struct Team {
    pub id: TeamId,
    pub org_id: OrgId,
    pub name: String,
    pub created_at: NaiveDateTime,
}

pub fn insert_org(conn: &mut DbConnection, name: &str) -> Result<Org, AppError> {
    let org = Org {
        id: OrgId::new(),
        name: name.to_string(),
        created_at: super::now(),
    };
    diesel::insert_into(organizations::table)
        .values((
            organizations::id.eq(&org.id),
            organizations::name.eq(&org.name),
            organizations::created_at.eq(org.created_at),
        ))
        .execute(conn)
        .map_err(|e| AppError::db("creating an organization", e))?;
    Ok(org)
}

pub fn insert_team(conn: &mut DbConnection, org_id: &OrgId, name: &str) -> Result<Team, AppError> {
    let team = Team {
        id: TeamId::new(),
        org_id: org_id.clone(),
        name: name.to_string(),
        created_at: super::now(),
    };
    diesel::insert_into(teams::table)
        .values((
            teams::id.eq(&team.id),
            teams::org_id.eq(&team.org_id),
            teams::name.eq(&team.name),
            teams::created_at.eq(team.created_at),
        ))
        .execute(conn)
        .map_err(|e| AppError::db("creating a team", e))?;
    Ok(team)
}

pub fn find_org(conn: &mut DbConnection, id: &OrgId) -> Result<Option<Org>, AppError> {
    organizations::table
        .find(id)
        .select(Org::as_select())
        .first(conn)
        .optional()
        .map_err(|e| AppError::db("loading an organization", e))
}

/// By id, or else by exact name (for the command line).
pub fn find_org_by_id_or_name(conn: &mut DbConnection, key: &str) -> Result<Option<Org>, AppError> {
    organizations::table
        .filter(organizations::id.eq(key).or(organizations::name.eq(key)))
        .select(Org::as_select())
        .first(conn)
        .optional()
        .map_err(|e| AppError::db("loading an organization", e))
}

pub fn list_orgs(conn: &mut DbConnection, ids: &[OrgId]) -> Result<Vec<Org>, AppError> {
    organizations::table
        .filter(organizations::id.eq_any(ids))
        .order(organizations::name)
        .select(Org::as_select())
        .load(conn)
        .map_err(|e| AppError::db("listing organizations", e))
}

/// The Team `id` if it belongs to `org_id` (another org's Team is as good as none).
pub fn find_team_of_org(
    conn: &mut DbConnection,
    org_id: &OrgId,
    id: &TeamId,
) -> Result<Option<Team>, AppError> {
    Ok(find_team(conn, id)?.filter(|t| t.org_id == *org_id))
}

pub fn find_team(conn: &mut DbConnection, id: &TeamId) -> Result<Option<Team>, AppError> {
    teams::table
        .find(id)
        .select(Team::as_select())
        .first(conn)
        .optional()
        .map_err(|e| AppError::db("loading a team", e))
}

/// By id, or else by name; a name used in several orgs is ambiguous and refused.
pub fn find_team_by_id_or_name(
    conn: &mut DbConnection,
    key: &str,
) -> Result<Option<Team>, AppError> {
    let found: Vec<Team> = teams::table
        .filter(teams::id.eq(key).or(teams::name.eq(key)))
        .select(Team::as_select())
        .limit(2)
        .load(conn)
        .map_err(|e| AppError::db("loading a team", e))?;
    match found.len() {
        0 => Ok(None),
        1 => Ok(found.into_iter().next()),
        _ => Err(AppError::Config(format!(
            "more than one team is called '{key}': use the team id"
        ))),
    }
}

pub fn list_teams(conn: &mut DbConnection, org_id: &OrgId) -> Result<Vec<Team>, AppError> {
    teams::table
        .filter(teams::org_id.eq(org_id))
        .order(teams::name)
        .select(Team::as_select())
        .load(conn)
        .map_err(|e| AppError::db("listing teams", e))
}

/// A page of an org's Teams by name: the first `limit` after the name `after` (None: from the
/// start), from the (org, name) index, so a page costs the same with ten Teams or ten thousand.
pub fn teams_page(
    conn: &mut DbConnection,
    org_id: &OrgId,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<Team>, AppError> {
    let q = teams::table
        .filter(teams::org_id.eq(org_id))
        .order(teams::name)
        .limit(limit)
        .select(Team::as_select());
    match after {
        Some(name) => q.filter(teams::name.gt(name)).load(conn),
        None => q.load(conn),
    }
    .map_err(|e| AppError::db("listing a page of teams", e))
}

pub fn teams_by_ids(conn: &mut DbConnection, ids: &[TeamId]) -> Result<Vec<Team>, AppError> {
    teams::table
        .filter(teams::id.eq_any(ids))
        .order(teams::name)
        .select(Team::as_select())
        .load(conn)
        .map_err(|e| AppError::db("loading teams", e))
}

/// The first `limit` Teams of some orgs by org and name (a picker's choices), from the
/// (org, name) index.
pub fn first_teams(
    conn: &mut DbConnection,
    org_ids: &[OrgId],
    limit: i64,
) -> Result<Vec<Team>, AppError> {
    teams::table
        .filter(teams::org_id.eq_any(org_ids))
        .order((teams::org_id, teams::name))
        .limit(limit)
        .select(Team::as_select())
        .load(conn)
        .map_err(|e| AppError::db("listing teams", e))
}

/// Teams of several orgs (a CSM's), ordered for a grouped picker.
pub fn teams_of_orgs(conn: &mut DbConnection, org_ids: &[OrgId]) -> Result<Vec<Team>, AppError> {
    teams::table
        .filter(teams::org_id.eq_any(org_ids))
        .order((teams::org_id, teams::name))
        .select(Team::as_select())
        .load(conn)
        .map_err(|e| AppError::db("listing teams", e))
}
