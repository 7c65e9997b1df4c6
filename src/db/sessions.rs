//! Dashboard sessions, stored by the digest of the secret in the cookie.
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{csm_assignments, sessions, team_members, users};
use super::DbConnection;
use crate::domain::access::{Principal, Role};
use crate::domain::ids::{OrgId, SessionId, TeamId, UserId};
use crate::domain::session::SessionFacts;
use crate::error::AppError;

/// A session presented by a request, with its person.
#[derive(Debug, Clone)]
pub struct PresentedSession {
    pub id: SessionId,
    pub facts: SessionFacts,
    pub principal: Principal,
}

pub fn insert(
    conn: &mut DbConnection,
    digest: &str,
    user_id: &UserId,
    now: NaiveDateTime,
) -> Result<SessionId, AppError> {
    let id = SessionId::new();
    diesel::insert_into(sessions::table)
        .values((
            sessions::id.eq(&id),
            sessions::digest.eq(digest),
            sessions::user_id.eq(user_id),
            sessions::created_at.eq(now),
            sessions::last_seen_at.eq(now),
        ))
        .execute(conn)
        .map_err(|e| AppError::db("starting a session", e))?;
    Ok(id)
}

type PresentedRow = (
    SessionId,
    NaiveDateTime,
    NaiveDateTime,
    Option<NaiveDateTime>,
    (
        UserId,
        String,
        String,
        Role,
        Option<OrgId>,
        Option<NaiveDateTime>,
    ),
    Option<TeamId>,
    Option<OrgId>,
);

/// The session with this digest and everything access decisions need about its person, in one
/// query (one row per Team membership x CSM assignment; a person has one kind or the other).
pub fn find_presented(
    conn: &mut DbConnection,
    digest: &str,
) -> Result<Option<PresentedSession>, AppError> {
    let rows: Vec<PresentedRow> = sessions::table
        .inner_join(users::table)
        .left_join(team_members::table.on(team_members::user_id.eq(users::id)))
        .left_join(csm_assignments::table.on(csm_assignments::user_id.eq(users::id)))
        .filter(sessions::digest.eq(digest))
        .select((
            sessions::id,
            sessions::created_at,
            sessions::last_seen_at,
            sessions::revoked_at,
            (
                users::id,
                users::email,
                users::name,
                users::role,
                users::org_id,
                users::disabled_at,
            ),
            team_members::team_id.nullable(),
            csm_assignments::org_id.nullable(),
        ))
        .load(conn)
        .map_err(|e| AppError::db("loading a session", e))?;
    let Some((id, created_at, last_seen_at, revoked_at, user, _, _)) = rows.first().cloned() else {
        return Ok(None);
    };
    let (user_id, email, name, role, org_id, disabled_at) = user;
    let mut team_ids: Vec<TeamId> = Vec::new();
    let mut csm_org_ids: Vec<OrgId> = Vec::new();
    for (.., team, org) in rows {
        if let Some(t) = team.filter(|t| !team_ids.contains(t)) {
            team_ids.push(t);
        }
        if let Some(o) = org.filter(|o| !csm_org_ids.contains(o)) {
            csm_org_ids.push(o);
        }
    }
    Ok(Some(PresentedSession {
        id,
        facts: SessionFacts {
            created_at,
            last_seen_at,
            revoked: revoked_at.is_some(),
            user_disabled: disabled_at.is_some(),
        },
        principal: Principal {
            user_id,
            email,
            name,
            role,
            org_id,
            team_ids,
            csm_org_ids,
        },
    }))
}

pub fn touch(conn: &mut DbConnection, id: &SessionId, now: NaiveDateTime) -> Result<(), AppError> {
    diesel::update(sessions::table.find(id))
        .set(sessions::last_seen_at.eq(now))
        .execute(conn)
        .map_err(|e| AppError::db("marking a session as seen", e))?;
    Ok(())
}

/// Ends the session with this digest (a browser that signs in again); returns how many ended.
pub fn revoke_by_digest(
    conn: &mut DbConnection,
    digest: &str,
    now: NaiveDateTime,
) -> Result<usize, AppError> {
    diesel::update(
        sessions::table
            .filter(sessions::digest.eq(digest))
            .filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(now))
    .execute(conn)
    .map_err(|e| AppError::db("ending a session", e))
}

/// Ends one session (sign-out); returns how many ended.
pub fn revoke_by_id(
    conn: &mut DbConnection,
    id: &SessionId,
    now: NaiveDateTime,
) -> Result<usize, AppError> {
    diesel::update(
        sessions::table
            .find(id)
            .filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(now))
    .execute(conn)
    .map_err(|e| AppError::db("ending a session", e))
}

/// Ends every live session of a person; returns how many.
pub fn revoke_all_for_user(
    conn: &mut DbConnection,
    user_id: &UserId,
    now: NaiveDateTime,
) -> Result<usize, AppError> {
    diesel::update(
        sessions::table
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(now))
    .execute(conn)
    .map_err(|e| AppError::db("ending a person's sessions", e))
}

/// Deletes sessions that can never work again: revoked, idle since `idle_before`, or started
/// before `created_before`. Returns how many.
pub fn prune(
    conn: &mut DbConnection,
    idle_before: NaiveDateTime,
    created_before: NaiveDateTime,
) -> Result<usize, AppError> {
    diesel::delete(
        sessions::table.filter(
            sessions::revoked_at
                .is_not_null()
                .or(sessions::last_seen_at.lt(idle_before))
                .or(sessions::created_at.lt(created_before)),
        ),
    )
    .execute(conn)
    .map_err(|e| AppError::db("pruning ended sessions", e))
}
