//! People: creating users, checking and changing passwords, disabling them.
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use serde_json::json;

use crate::db::audit::{self, AuditEntry};
use crate::db::{self, orgs, sessions, users, write_tx, DbConnection};
use crate::domain::access::Role;
use crate::domain::actor::Actor;
use crate::domain::audit::{AuditAction, EntityType};
use crate::domain::credentials;
use crate::domain::ids::{TeamId, UserId};
use crate::error::AppError;

pub fn hash_password(password: &str) -> Result<String, AppError> {
    Argon2::default()
        .hash_password(password.as_bytes(), &SaltString::generate(&mut OsRng))
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(format!("hashing a password: {e}")))
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash to verify against when the email is unknown, so both cases take the same time.
pub fn dummy_hash() -> &'static str {
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$LHtnW8w/O7fYtE+9Wlsm4bB0wDUKm4nKIhuaOvEKCm0"
}

#[derive(Debug, Clone)]
pub struct CreateUser {
    pub email: String,
    pub name: String,
    pub role: Role,
    /// Org of an org_admin or clinician; for a CSM, the orgs they look after.
    pub orgs: Vec<String>,
    /// Teams of a clinician (ids or names).
    pub teams: Vec<String>,
    pub password: String,
}

/// Creates a user with their memberships; ids or names are accepted for orgs and Teams.
pub fn create(
    conn: &mut DbConnection,
    actor: &Actor,
    input: &CreateUser,
) -> Result<UserId, AppError> {
    let email = users::normalise_email(&input.email);
    if !email.contains('@') || !credentials::email_fits(&email) {
        return Err(AppError::Config(format!(
            "'{}' is not an email address",
            input.email
        )));
    }
    if input.name.trim().is_empty() {
        return Err(AppError::Config("the user needs a name".into()));
    }
    if let Some(problem) = credentials::new_password_problem(&input.password) {
        return Err(AppError::Config(problem));
    }
    let hash = hash_password(&input.password)?;
    write_tx(conn, |conn| {
        if users::find_by_email(conn, &email)?.is_some() {
            return Err(AppError::Config(format!(
                "a user with email {email} already exists"
            )));
        }
        let mut org_ids = Vec::new();
        for key in &input.orgs {
            let org = orgs::find_org_by_id_or_name(conn, key)?
                .ok_or_else(|| AppError::Config(format!("no organization '{key}'")))?;
            org_ids.push(org.id);
        }
        let mut team_ids = Vec::new();
        for key in &input.teams {
            let team = orgs::find_team_by_id_or_name(conn, key)?
                .ok_or_else(|| AppError::Config(format!("no team '{key}'")))?;
            team_ids.push(team);
        }
        let (org_id, csm_orgs) = match input.role {
            Role::Csm => (None, org_ids.clone()),
            _ => match org_ids.as_slice() {
                [one] => (Some(one.clone()), vec![]),
                _ => {
                    return Err(AppError::Config(format!(
                        "a {} belongs to exactly one organization (--org)",
                        input.role
                    )))
                }
            },
        };
        if input.role == Role::Clinician && team_ids.is_empty() {
            return Err(AppError::Config(
                "a clinician needs at least one --team".into(),
            ));
        }
        if let Some(bad) = team_ids.iter().find(|t| Some(&t.org_id) != org_id.as_ref()) {
            return Err(AppError::Config(format!(
                "team '{}' is not in the user's organization",
                bad.name
            )));
        }
        let team_id_list: Vec<TeamId> = team_ids.iter().map(|t| t.id.clone()).collect();
        let id = users::insert(
            conn,
            &users::NewUser {
                email: &email,
                name: input.name.trim(),
                password_hash: &hash,
                role: input.role,
                org_id: org_id.as_ref(),
                team_ids: &team_id_list,
                csm_org_ids: &csm_orgs,
            },
        )?;
        audit::record(
            conn,
            actor,
            AuditEntry {
                action: AuditAction::UserCreated,
                entity_type: EntityType::User,
                entity_id: id.as_str(),
                org_id: org_id.as_ref(),
                team_id: None,
                summary: format!("Created {} {}", input.role, email),
                details: json!({"role": input.role.as_str(), "teams": team_id_list, "csm_orgs": csm_orgs}),
            },
        )?;
        Ok(id)
    })
}

fn existing(conn: &mut DbConnection, email: &str) -> Result<users::UserRow, AppError> {
    users::find_by_email(conn, email)?
        .ok_or_else(|| AppError::Config(format!("no user with email {}", email.trim())))
}

/// Gives a person a new password and ends all their sessions; returns how many were ended.
pub fn set_password(
    conn: &mut DbConnection,
    actor: &Actor,
    email: &str,
    password: &str,
) -> Result<usize, AppError> {
    if let Some(problem) = credentials::new_password_problem(password) {
        return Err(AppError::Config(problem));
    }
    let hash = hash_password(password)?;
    write_tx(conn, |conn| {
        let user = existing(conn, email)?;
        users::set_password_hash(conn, &user.id, &hash)?;
        let ended = sessions::revoke_all_for_user(conn, &user.id, db::now())?;
        audit::record(
            conn,
            actor,
            AuditEntry {
                action: AuditAction::UserPasswordChanged,
                entity_type: EntityType::User,
                entity_id: user.id.as_str(),
                org_id: user.org_id.as_ref(),
                team_id: None,
                summary: format!(
                    "Password of {} changed ({ended} sessions ended)",
                    user.email
                ),
                details: json!({"sessions_ended": ended}),
            },
        )?;
        Ok(ended)
    })
}

/// Disables a person: they cannot sign in and all their sessions end. Returns how many sessions
/// were ended, or None if they were disabled already (nothing changes then).
pub fn disable(
    conn: &mut DbConnection,
    actor: &Actor,
    email: &str,
) -> Result<Option<usize>, AppError> {
    write_tx(conn, |conn| {
        let user = existing(conn, email)?;
        let now = db::now();
        if !users::disable(conn, &user.id, now)? {
            return Ok(None);
        }
        let ended = sessions::revoke_all_for_user(conn, &user.id, now)?;
        audit::record(
            conn,
            actor,
            AuditEntry {
                action: AuditAction::UserDisabled,
                entity_type: EntityType::User,
                entity_id: user.id.as_str(),
                org_id: user.org_id.as_ref(),
                team_id: None,
                summary: format!("Disabled {} ({ended} sessions ended)", user.email),
                details: json!({"sessions_ended": ended}),
            },
        )?;
        Ok(Some(ended))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_hash_verifies_only_the_same_password() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("wrong horse battery", &hash));
        assert!(!verify_password("x", dummy_hash()));
    }
}
