//! Sign-in attempts per email and per client address, for the lockout and the address throttle.
//! A row is written before its password is checked, as a failure, and marked succeeded after.
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::login_attempts;
use super::DbConnection;
use crate::domain::ids::LoginAttemptId;
use crate::error::AppError;

/// Records an attempt whose password is about to be checked; returns its id.
pub fn record_failure(
    conn: &mut DbConnection,
    email: &str,
    client_addr: &str,
    at: NaiveDateTime,
) -> Result<LoginAttemptId, AppError> {
    let id = LoginAttemptId::new();
    diesel::insert_into(login_attempts::table)
        .values((
            login_attempts::id.eq(&id),
            login_attempts::email.eq(email),
            login_attempts::client_addr.eq(client_addr),
            login_attempts::succeeded.eq(false),
            login_attempts::at.eq(at),
        ))
        .execute(conn)
        .map_err(|e| AppError::db("recording a sign-in attempt", e))?;
    Ok(id)
}

pub fn mark_succeeded(conn: &mut DbConnection, id: &LoginAttemptId) -> Result<(), AppError> {
    diesel::update(login_attempts::table.find(id))
        .set(login_attempts::succeeded.eq(true))
        .execute(conn)
        .map_err(|e| AppError::db("recording a successful sign-in", e))?;
    Ok(())
}

/// The latest attempts for an email, newest first: (succeeded, at).
pub fn recent(
    conn: &mut DbConnection,
    email: &str,
    limit: i64,
) -> Result<Vec<(bool, NaiveDateTime)>, AppError> {
    login_attempts::table
        .filter(login_attempts::email.eq(email))
        .order(login_attempts::at.desc())
        .select((login_attempts::succeeded, login_attempts::at))
        .limit(limit)
        .load(conn)
        .map_err(|e| AppError::db("reading sign-in attempts", e))
}

/// When the latest failed attempts from a client address happened, newest first.
pub fn recent_address_failures(
    conn: &mut DbConnection,
    client_addr: &str,
    limit: i64,
) -> Result<Vec<NaiveDateTime>, AppError> {
    login_attempts::table
        .filter(login_attempts::client_addr.eq(client_addr))
        .filter(login_attempts::succeeded.eq(false))
        .order(login_attempts::at.desc())
        .select(login_attempts::at)
        .limit(limit)
        .load(conn)
        .map_err(|e| AppError::db("reading sign-in attempts of an address", e))
}

/// Deletes attempts older than `before`; returns how many.
pub fn prune(conn: &mut DbConnection, before: NaiveDateTime) -> Result<usize, AppError> {
    diesel::delete(login_attempts::table.filter(login_attempts::at.lt(before)))
        .execute(conn)
        .map_err(|e| AppError::db("pruning old sign-in attempts", e))
}

/// On PostgreSQL, holds a transaction-scoped lock per key (an email or a client address) so
/// attempts for it queue across instances; SQLite's `BEGIN IMMEDIATE` already serializes writers.
pub fn lock(conn: &mut DbConnection, key: &str) -> Result<(), AppError> {
    if let DbConnection::Postgresql(c) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
            .bind::<diesel::sql_types::Text, _>(format!("labdesk sign-in {key}"))
            .execute(c)
            .map_err(|e| AppError::db("serializing sign-in attempts", e))?;
    }
    Ok(())
}
