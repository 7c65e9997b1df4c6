//! Stored first responses of `POST /v3/order`, per Team and idempotency key.
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::idempotency_keys;
use super::DbConnection;
use crate::error::AppError;

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = idempotency_keys)]
pub struct IdempotencyRow {
    pub team_id: String,
    pub idem_key: String,
    pub request_hash: String,
    pub state: String,
    pub response_status: Option<i32>,
    pub response_body: Option<String>,
    pub created_at: NaiveDateTime,
}

pub fn find(
    conn: &mut DbConnection,
    team_id: &str,
    key: &str,
) -> Result<Option<IdempotencyRow>, AppError> {
    idempotency_keys::table
        .find((team_id, key))
        .select(IdempotencyRow::as_select())
        .first(conn)
        .optional()
        .map_err(|e| AppError::db("loading an idempotency key", e))
}

/// Claims the key; false when another request holds it (the primary key decides).
pub fn claim(
    conn: &mut DbConnection,
    team_id: &str,
    key: &str,
    hash: &str,
) -> Result<bool, AppError> {
    let inserted = diesel::insert_into(idempotency_keys::table)
        .values((
            idempotency_keys::team_id.eq(team_id),
            idempotency_keys::idem_key.eq(key),
            idempotency_keys::request_hash.eq(hash),
            idempotency_keys::state.eq("running"),
            idempotency_keys::created_at.eq(super::now()),
        ))
        .execute(conn);
    match inserted {
        Ok(_) => Ok(true),
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => Ok(false),
        Err(e) => Err(AppError::db("claiming an idempotency key", e)),
    }
}

pub fn release(conn: &mut DbConnection, team_id: &str, key: &str) -> Result<(), AppError> {
    diesel::delete(idempotency_keys::table.find((team_id, key)))
        .execute(conn)
        .map_err(|e| AppError::db("releasing an idempotency key", e))?;
    Ok(())
}

pub fn complete(
    conn: &mut DbConnection,
    team_id: &str,
    key: &str,
    status: u16,
    body: &str,
) -> Result<(), AppError> {
    diesel::update(idempotency_keys::table.find((team_id, key)))
        .set((
            idempotency_keys::state.eq("done"),
            idempotency_keys::response_status.eq(status as i32),
            idempotency_keys::response_body.eq(body),
        ))
        .execute(conn)
        .map_err(|e| AppError::db("storing an idempotent response", e))?;
    Ok(())
}
