//! `X-Idempotency-Key` on `POST /v3/order`, per Team: the first response (status and body) is
//! stored and replayed for 24 hours; the same key while the first request runs is a 409; the same
//! key with a different body is a 422.
use chrono::Duration;
use sha2::{Digest, Sha256};

use crate::db::idempotency::{self as store, IdempotencyRow};
use crate::db::DbConnection;
use crate::error::AppError;

pub const REPLAY_HOURS: i64 = 24;
/// A claim whose request never finished (the process died) is given up after this long.
pub const ABANDONED_SECS: i64 = 120;

pub enum Begin {
    /// This request owns the key and must finish or release it.
    Claimed,
    Replay {
        status: u16,
        body: String,
    },
    StillRunning,
    DifferentBody,
}

/// A fingerprint of the request body, insensitive to key order and whitespace.
pub fn fingerprint(body: &serde_json::Value) -> String {
    hex::encode(Sha256::digest(body.to_string().as_bytes()))
}

fn expired(row: &IdempotencyRow, now: chrono::NaiveDateTime) -> bool {
    let age = now - row.created_at;
    match row.state.as_str() {
        "running" => age > Duration::seconds(ABANDONED_SECS),
        _ => age > Duration::hours(REPLAY_HOURS),
    }
}

/// Claims the key or says what to answer instead. Each step is its own statement (no enclosing
/// transaction), so a lost race on the primary key does not abort anything on PostgreSQL.
pub fn begin(
    conn: &mut DbConnection,
    team_id: &str,
    key: &str,
    hash: &str,
) -> Result<Begin, AppError> {
    if let Some(row) = store::find(conn, team_id, key)? {
        if !expired(&row, crate::db::now()) {
            return Ok(decide(&row, hash));
        }
        store::release(conn, team_id, key)?;
    }
    if store::claim(conn, team_id, key, hash)? {
        return Ok(Begin::Claimed);
    }
    // Another request claimed it between our read and our insert.
    match store::find(conn, team_id, key)? {
        Some(row) => Ok(decide(&row, hash)),
        None => Ok(Begin::StillRunning),
    }
}

fn decide(row: &IdempotencyRow, hash: &str) -> Begin {
    if row.request_hash != hash {
        return Begin::DifferentBody;
    }
    match (row.state.as_str(), row.response_status, &row.response_body) {
        ("done", Some(status), Some(body)) => Begin::Replay {
            status: status as u16,
            body: body.clone(),
        },
        _ => Begin::StillRunning,
    }
}

/// Stores the response to replay, or gives the key up after a server error so a retry can run.
pub fn finish(
    conn: &mut DbConnection,
    team_id: &str,
    key: &str,
    status: u16,
    body: &str,
) -> Result<(), AppError> {
    if status >= 500 {
        store::release(conn, team_id, key)
    } else {
        store::complete(conn, team_id, key, status, body)
    }
}
