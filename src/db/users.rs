//! People who sign in, their Team memberships and CSM org assignments.
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{csm_assignments, team_members, users};
use super::DbConnection;
use crate::domain::access::Role;
use crate::domain::ids::{OrgId, TeamId, UserId};
use crate::error::AppError;

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub role: Role,
    pub org_id: Option<OrgId>,
    pub created_at: NaiveDateTime,
    pub disabled_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub password_hash: &'a str,
    pub role: Role,
    pub org_id: Option<&'a OrgId>,
    pub team_ids: &'a [TeamId],
    pub csm_org_ids: &'a [OrgId],
}

/// Emails are unique regardless of case.
pub fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

pub fn insert(conn: &mut DbConnection, new: &NewUser<'_>) -> Result<UserId, AppError> {
    let id = UserId::new();
    diesel::insert_into(users::table)
        .values((
            users::id.eq(&id),
            users::email.eq(normalise_email(new.email)),
            users::name.eq(new.name),
            users::password_hash.eq(new.password_hash),
            users::role.eq(new.role),
            users::org_id.eq(new.org_id),
            users::created_at.eq(super::now()),
        ))
        .execute(conn)
        .map_err(|e| AppError::db("creating a user", e))?;
    for team_id in new.team_ids {
        diesel::insert_into(team_members::table)
            .values((
                team_members::user_id.eq(&id),
                team_members::team_id.eq(team_id),
            ))
            .execute(conn)
            .map_err(|e| AppError::db("adding a team membership", e))?;
    }
    for org_id in new.csm_org_ids {
        diesel::insert_into(csm_assignments::table)
            .values((
                csm_assignments::user_id.eq(&id),
                csm_assignments::org_id.eq(org_id),
            ))
            .execute(conn)
            .map_err(|e| AppError::db("assigning an org to a CSM", e))?;
    }
    Ok(id)
}

pub fn find_by_email(conn: &mut DbConnection, email: &str) -> Result<Option<UserRow>, AppError> {
    users::table
        .filter(users::email.eq(normalise_email(email)))
        .select(UserRow::as_select())
        .first(conn)
        .optional()
        .map_err(|e| AppError::db("loading a user", e))
}

pub fn set_password_hash(conn: &mut DbConnection, id: &UserId, hash: &str) -> Result<(), AppError> {
    diesel::update(users::table.find(id))
        .set(users::password_hash.eq(hash))
        .execute(conn)
        .map_err(|e| AppError::db("updating a password", e))?;
    Ok(())
}

/// Marks a person disabled (they can no longer sign in); returns false if they already were.
pub fn disable(conn: &mut DbConnection, id: &UserId, now: NaiveDateTime) -> Result<bool, AppError> {
    let n = diesel::update(users::table.find(id).filter(users::disabled_at.is_null()))
        .set(users::disabled_at.eq(now))
        .execute(conn)
        .map_err(|e| AppError::db("disabling a user", e))?;
    Ok(n == 1)
}
