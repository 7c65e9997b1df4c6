//! Stored first responses of `POST /v3/order`, per Team and idempotency key. Every change to a
//! row names the claim it expects (its token and state) in its WHERE clause, so a request can
//! only complete, release or take over the claim it actually saw; the row count says whether it
//! did.
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::idempotency_keys;
use super::DbConnection;
use crate::domain::ids::TeamId;
use crate::domain::string_enum::string_enum;
use crate::error::AppError;

string_enum!(
    /// Where a claim on a key stands: its request still runs, or its response is stored.
    ClaimState {
        Running => "running",
        Done => "done",
    }
);

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = idempotency_keys)]
pub struct IdempotencyRow {
    pub team_id: TeamId,
    pub idem_key: String,
    pub request_hash: String,
    pub state: ClaimState,
    pub response_status: Option<i32>,
    pub response_body: Option<String>,
    /// When the current claim was made; the replay window counts from here.
    pub created_at: NaiveDateTime,
    pub claim_token: String,
    /// A running claim is alive until then (None: written before leases, so lapsed).
    pub lease_until: Option<NaiveDateTime>,
}

/// A new claim: who asks, for which body, and until when it is alive.
pub struct NewClaim<'a> {
    pub team_id: &'a TeamId,
    pub key: &'a str,
    pub hash: &'a str,
    pub token: &'a str,
    pub now: NaiveDateTime,
    pub lease_until: NaiveDateTime,
}

pub fn find(
    conn: &mut DbConnection,
    team_id: &TeamId,
    key: &str,
) -> Result<Option<IdempotencyRow>, AppError> {
    idempotency_keys::table
        .find((team_id, key))
        .select(IdempotencyRow::as_select())
        .first(conn)
        .optional()
        .map_err(|e| AppError::db("loading an idempotency key", e))
}

/// Claims a key nobody holds; false when a row exists already (the primary key decides).
pub fn insert_claim(conn: &mut DbConnection, claim: &NewClaim) -> Result<bool, AppError> {
    let inserted = diesel::insert_into(idempotency_keys::table)
        .values((
            idempotency_keys::team_id.eq(claim.team_id),
            idempotency_keys::idem_key.eq(claim.key),
            idempotency_keys::request_hash.eq(claim.hash),
            idempotency_keys::state.eq(ClaimState::Running),
            idempotency_keys::created_at.eq(claim.now),
            idempotency_keys::claim_token.eq(claim.token),
            idempotency_keys::lease_until.eq(claim.lease_until),
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

/// Replaces the row `seen` (a lapsed claim or an expired response) with a new claim, only if it
/// is still exactly that row; false when another request changed it first.
pub fn take_over(
    conn: &mut DbConnection,
    seen: &IdempotencyRow,
    claim: &NewClaim,
) -> Result<bool, AppError> {
    let n = diesel::update(
        idempotency_keys::table
            .find((claim.team_id, claim.key))
            .filter(idempotency_keys::claim_token.eq(&seen.claim_token))
            .filter(idempotency_keys::state.eq(&seen.state)),
    )
    .set((
        idempotency_keys::request_hash.eq(claim.hash),
        idempotency_keys::state.eq(ClaimState::Running),
        idempotency_keys::response_status.eq(None::<i32>),
        idempotency_keys::response_body.eq(None::<String>),
        idempotency_keys::created_at.eq(claim.now),
        idempotency_keys::claim_token.eq(claim.token),
        idempotency_keys::lease_until.eq(claim.lease_until),
    ))
    .execute(conn)
    .map_err(|e| AppError::db("taking over an idempotency key", e))?;
    Ok(n == 1)
}

/// Stores the response of claim `token` if it is still running and alive at `now`; false when
/// the claim was lost (taken over, or its lease lapsed), in which case nothing may commit.
pub fn complete(
    conn: &mut DbConnection,
    team_id: &TeamId,
    key: &str,
    token: &str,
    now: NaiveDateTime,
    status: u16,
    body: &str,
) -> Result<bool, AppError> {
    let n = diesel::update(
        idempotency_keys::table
            .find((team_id, key))
            .filter(idempotency_keys::claim_token.eq(token))
            .filter(idempotency_keys::state.eq(ClaimState::Running))
            .filter(idempotency_keys::lease_until.gt(now)),
    )
    .set((
        idempotency_keys::state.eq(ClaimState::Done),
        idempotency_keys::response_status.eq(i32::from(status)),
        idempotency_keys::response_body.eq(body),
    ))
    .execute(conn)
    .map_err(|e| AppError::db("storing an idempotent response", e))?;
    Ok(n == 1)
}

/// Gives up claim `token` if it is still running; someone else's claim is never touched.
pub fn release(
    conn: &mut DbConnection,
    team_id: &TeamId,
    key: &str,
    token: &str,
) -> Result<bool, AppError> {
    let n = diesel::delete(
        idempotency_keys::table
            .find((team_id, key))
            .filter(idempotency_keys::claim_token.eq(token))
            .filter(idempotency_keys::state.eq(ClaimState::Running)),
    )
    .execute(conn)
    .map_err(|e| AppError::db("releasing an idempotency key", e))?;
    Ok(n == 1)
}
