//! Sign-in attempts per email, for the lockout rule.
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::login_attempts;
use super::DbConnection;
use crate::error::AppError;

pub fn record(conn: &mut DbConnection, email: &str, succeeded: bool) -> Result<(), AppError> {
    diesel::insert_into(login_attempts::table)
        .values((
            login_attempts::id.eq(super::new_id()),
            login_attempts::email.eq(email),
            login_attempts::succeeded.eq(succeeded),
            login_attempts::at.eq(super::now()),
        ))
        .execute(conn)
        .map_err(|e| AppError::db("recording a sign-in attempt", e))?;
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
