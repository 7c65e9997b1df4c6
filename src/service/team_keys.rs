//! A Team's API keys as its org's admins manage them: the list, creating one (the secret is
//! returned once and never stored) and revoking one. Every function first finds the Team in the
//! org and checks the person may manage its keys: another org's Team, and a Team a clinician is
//! not in, are "not found"; a role that may not is refused.
use crate::db::api_keys::{self as keys_db, ApiKeyRow};
use crate::db::orgs::{self, Team};
use crate::db::DbConnection;
use crate::domain::access::{Action, Principal};
use crate::domain::actor::Actor;
use crate::domain::api_key::validate_label;
use crate::domain::ids::{ApiKeyId, OrgId, TeamId};
use crate::error::AppError;
use crate::service::api_keys::{self, CreatedKey, KeyError, KeyOwner, KeyProblems, Revocation};
use crate::service::policy;

/// A Team and its keys (revoked ones included), oldest first.
pub struct TeamKeys {
    pub team: Team,
    pub keys: Vec<ApiKeyRow>,
}

/// The Team, if it is this org's and the person may manage its keys.
fn team_to_manage(
    conn: &mut DbConnection,
    p: &Principal,
    org_id: &OrgId,
    team_id: &TeamId,
) -> Result<Team, AppError> {
    let team = orgs::find_team_of_org(conn, org_id, team_id)?.ok_or(AppError::NotFound)?;
    policy::authorize(
        p,
        Action::ManageTeamKeys {
            org_id,
            team_id: &team.id,
        },
    )?;
    Ok(team)
}

/// The Team's keys.
pub fn list(
    conn: &mut DbConnection,
    p: &Principal,
    org_id: &OrgId,
    team_id: &TeamId,
) -> Result<TeamKeys, AppError> {
    let team = team_to_manage(conn, p, org_id, team_id)?;
    let keys = keys_db::list_for_team(conn, &team.id)?;
    Ok(TeamKeys { team, keys })
}

/// A key just made for a Team.
pub struct CreatedTeamKey {
    pub team: Team,
    pub key: CreatedKey,
}

/// Makes a key for the Team with the label as typed (whitespace collapsed), audited in the same
/// transaction. A label that is blank or too long is `KeyError::Invalid`, and nothing is made.
pub fn create(
    conn: &mut DbConnection,
    actor: &Actor,
    p: &Principal,
    org_id: &OrgId,
    team_id: &TeamId,
    typed_label: &str,
) -> Result<CreatedTeamKey, KeyError> {
    let team = team_to_manage(conn, p, org_id, team_id)?;
    let label = validate_label(typed_label).map_err(|message| {
        KeyError::Invalid(KeyProblems {
            label: Some(message),
            ..KeyProblems::default()
        })
    })?;
    let owner = KeyOwner::Team {
        team_id: team.id.clone(),
        org_id: org_id.clone(),
    };
    let key = api_keys::create_key(conn, actor, &owner, &label)?;
    Ok(CreatedTeamKey { team, key })
}

/// A key of the Team, with the Team, for the page that asks before revoking it.
pub struct KeyOfTeam {
    pub team: Team,
    pub key: ApiKeyRow,
}

/// The Team and one of its keys; another Team's key is "not found".
pub fn to_revoke(
    conn: &mut DbConnection,
    p: &Principal,
    org_id: &OrgId,
    team_id: &TeamId,
    key_id: &ApiKeyId,
) -> Result<KeyOfTeam, AppError> {
    let team = team_to_manage(conn, p, org_id, team_id)?;
    let key = keys_db::find(conn, key_id)?
        .filter(|k| k.team_id.as_ref() == Some(&team.id))
        .ok_or(AppError::NotFound)?;
    Ok(KeyOfTeam { team, key })
}

/// A revoke, with the Team's keys as they are after it.
pub struct RevokedTeamKey {
    pub revocation: Revocation,
    pub keys: TeamKeys,
}

/// Revokes a key of the Team (audited in the same transaction). Revoking one already revoked
/// changes nothing and writes no audit row; another Team's key is "not found".
pub fn revoke(
    conn: &mut DbConnection,
    actor: &Actor,
    p: &Principal,
    org_id: &OrgId,
    team_id: &TeamId,
    key_id: &ApiKeyId,
) -> Result<RevokedTeamKey, KeyError> {
    let team = team_to_manage(conn, p, org_id, team_id)?;
    let revocation = api_keys::revoke_team_key(conn, actor, &team.id, key_id)?;
    let keys = keys_db::list_for_team(conn, &team.id)?;
    Ok(RevokedTeamKey {
        revocation,
        keys: TeamKeys { team, keys },
    })
}
