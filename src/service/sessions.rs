//! Signing in and out of the dashboard: the lockout gate, the password check, the session row and
//! its audit row.
use chrono::NaiveDateTime;
use serde_json::json;

use crate::db::audit::{self, AuditEntry};
use crate::db::users::UserRow;
use crate::db::{self, login_attempts, sessions, users, write_tx, DbConnection};
use crate::domain::access::Principal;
use crate::domain::actor::Actor;
use crate::domain::audit::{AuditAction, EntityType};
use crate::domain::credentials;
use crate::domain::ids::{LoginAttemptId, SessionId};
use crate::domain::lockout::{self, Gate};
use crate::domain::session::{self as rules, Liveness};
use crate::error::AppError;
use crate::service::users::{dummy_hash, verify_password};

/// One sign-in attempt as typed, with where it came from.
pub struct SignInAttempt<'a> {
    pub email: &'a str,
    pub password: &'a str,
    pub client_addr: &'a str,
    /// The session the browser already had, if any: it is ended by the new sign-in.
    pub replaces_session: Option<&'a str>,
    pub request_id: Option<String>,
}

#[derive(Debug)]
pub enum SignInOutcome {
    /// The secret for the session cookie (only its digest is stored).
    SignedIn {
        secret: String,
    },
    /// Wrong password, unknown or disabled person, or an email or password too long to be real.
    WrongCredentials,
    EmailLocked {
        until: NaiveDateTime,
    },
    AddressThrottled {
        until: NaiveDateTime,
    },
}

/// Checks a password under the lockout rules and starts a session.
///
/// The attempt is recorded as a failure in the same serialized step that reads the counts, before
/// its password is checked, so parallel attempts (on any number of instances) cannot get more
/// checks through than the rules allow. The slow hash runs outside any transaction.
pub fn sign_in(
    conn: &mut DbConnection,
    attempt: &SignInAttempt<'_>,
) -> Result<SignInOutcome, AppError> {
    let email = users::normalise_email(attempt.email);
    if !credentials::email_fits(&email) || !credentials::password_fits(attempt.password) {
        return Ok(SignInOutcome::WrongCredentials);
    }
    let (attempt_id, user) = match admit(conn, &email, attempt.client_addr)? {
        Ok(admitted) => admitted,
        Err(refused) => return Ok(refused),
    };
    // Unknown emails are checked against a dummy hash so both take the same time.
    let hash = user
        .as_ref()
        .map_or(dummy_hash(), |u| u.password_hash.as_str());
    let password_ok = verify_password(attempt.password, hash);
    let Some(user) = user.filter(|u| password_ok && u.disabled_at.is_none()) else {
        return Ok(SignInOutcome::WrongCredentials);
    };
    let secret = rules::new_secret();
    Ok(
        if start_session(conn, attempt, &attempt_id, &user, &secret)? {
            SignInOutcome::SignedIn { secret }
        } else {
            SignInOutcome::WrongCredentials
        },
    )
}

/// Either (attempt id, the person if the email is known), or why no check may happen.
type Admission = Result<(LoginAttemptId, Option<UserRow>), SignInOutcome>;

/// The serialized step: lock the address and the email, apply the rules, and if a check may
/// happen, record it (as a failure until it succeeds). Returns the attempt id and the person.
fn admit(conn: &mut DbConnection, email: &str, client_addr: &str) -> Result<Admission, AppError> {
    write_tx(conn, |conn| {
        // Always address first, then email, so two attempts never wait on each other in a circle.
        login_attempts::lock(conn, &format!("address {client_addr}"))?;
        login_attempts::lock(conn, &format!("email {email}"))?;
        let now = db::now();
        login_attempts::prune(conn, lockout::forget_before(now))?;
        let recent = login_attempts::recent(conn, email, lockout::MAX_FAILURES as i64)?;
        let address = login_attempts::recent_address_failures(
            conn,
            client_addr,
            lockout::MAX_ADDRESS_FAILURES as i64,
        )?;
        Ok(match lockout::gate(&recent, &address, now) {
            Gate::Check => {
                let id = login_attempts::record_failure(conn, email, client_addr, now)?;
                Ok((id, users::find_by_email(conn, email)?))
            }
            Gate::EmailLocked { until } => Err(SignInOutcome::EmailLocked { until }),
            Gate::AddressThrottled { until } => Err(SignInOutcome::AddressThrottled { until }),
        })
    })
}

/// Marks the attempt succeeded, ends the session the browser had, prunes ended sessions and
/// starts the new one with its audit row. False if the person changed while the hash was checked.
fn start_session(
    conn: &mut DbConnection,
    attempt: &SignInAttempt<'_>,
    attempt_id: &LoginAttemptId,
    user: &UserRow,
    secret: &str,
) -> Result<bool, AppError> {
    write_tx(conn, |conn| {
        // A password change or a disable that committed while the hash was checked wins.
        let current = users::find_by_email(conn, &user.email)?;
        if !current
            .is_some_and(|c| c.password_hash == user.password_hash && c.disabled_at.is_none())
        {
            return Ok(false);
        }
        let now = db::now();
        login_attempts::mark_succeeded(conn, attempt_id)?;
        if let Some(old) = attempt.replaces_session {
            sessions::revoke_by_digest(conn, &rules::digest(old), now)?;
        }
        let (idle_before, created_before) = rules::prune_before(now);
        sessions::prune(conn, idle_before, created_before)?;
        let session_id = sessions::insert(conn, &rules::digest(secret), &user.id, now)?;
        audit::record(
            conn,
            &Actor::user(&user.id, &user.email, attempt.request_id.clone()),
            AuditEntry {
                action: AuditAction::UserSignedIn,
                entity_type: EntityType::User,
                entity_id: user.id.as_str(),
                org_id: user.org_id.as_ref(),
                team_id: None,
                summary: format!("{} signed in", user.email),
                details: json!({"session": session_id}),
            },
        )?;
        Ok(true)
    })
}

/// A live session and its person.
#[derive(Debug, Clone)]
pub struct Authenticated {
    pub session_id: SessionId,
    pub principal: Principal,
}

/// The person behind a session secret, if the session still works. One query, plus a write at
/// most once a minute to move `last_seen_at`.
pub fn authenticate(
    conn: &mut DbConnection,
    secret: &str,
) -> Result<Option<Authenticated>, AppError> {
    let Some(found) = sessions::find_presented(conn, &rules::digest(secret))? else {
        return Ok(None);
    };
    let now = db::now();
    match rules::liveness(&found.facts, now) {
        Liveness::Ended => Ok(None),
        Liveness::Live { touch } => {
            if touch {
                sessions::touch(conn, &found.id, now)?;
            }
            Ok(Some(Authenticated {
                session_id: found.id,
                principal: found.principal,
            }))
        }
    }
}

/// Ends one session (sign-out).
pub fn sign_out(
    conn: &mut DbConnection,
    actor: &Actor,
    principal: &Principal,
    session_id: &SessionId,
) -> Result<(), AppError> {
    write_tx(conn, |conn| {
        sessions::revoke_by_id(conn, session_id, db::now())?;
        audit::record(
            conn,
            actor,
            AuditEntry {
                action: AuditAction::UserSignedOut,
                entity_type: EntityType::User,
                entity_id: principal.user_id.as_str(),
                org_id: principal.org_id.as_ref(),
                team_id: None,
                summary: format!("{} signed out", principal.email),
                details: json!({"session": session_id}),
            },
        )
    })
}

/// Ends every session of the signed-in person, on every browser and instance.
pub fn sign_out_everywhere(
    conn: &mut DbConnection,
    actor: &Actor,
    principal: &Principal,
) -> Result<usize, AppError> {
    write_tx(conn, |conn| {
        let ended = sessions::revoke_all_for_user(conn, &principal.user_id, db::now())?;
        audit::record(
            conn,
            actor,
            AuditEntry {
                action: AuditAction::UserSignedOutEverywhere,
                entity_type: EntityType::User,
                entity_id: principal.user_id.as_str(),
                org_id: principal.org_id.as_ref(),
                team_id: None,
                summary: format!(
                    "{} signed out everywhere ({ended} sessions ended)",
                    principal.email
                ),
                details: json!({"sessions_ended": ended}),
            },
        )?;
        Ok(ended)
    })
}
