//! `X-Idempotency-Key` on `POST /v3/order`, per Team: the first response (status and body) is
//! stored and replayed for 24 hours; the same key while the first request runs is a 409; the same
//! key with a different body is a 422.
//!
//! A request that finds the key free *claims* it: a row in state `running` with a fresh token and
//! a lease. It then does its work and stores its response in the same write transaction, on the
//! condition that the claim is still its own and the lease has not run out. So an order never
//! exists without its stored response, a response is never stored without its order, and a claim
//! holder that outlives its lease can no longer commit anything. A claim whose lease ran out can
//! therefore only belong to a request that died with its process (or that will fail to commit),
//! and a later request takes it over; until then the key answers 409. Taking over, storing and
//! releasing all name the claim's token in their WHERE clause: no request can act on a claim it
//! does not hold.
use chrono::Duration;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::db::idempotency::{self as store, ClaimState, IdempotencyRow, NewClaim};
use crate::db::{write_tx, DbConnection};
use crate::domain::ids::TeamId;
use crate::error::AppError;

pub const REPLAY_HOURS: i64 = 24;
/// How long a claim stays alive. A request's work runs in one pooled connection and one write
/// transaction, bounded by the pool checkout timeout and SQLite's busy timeout (10 s) plus the
/// work itself; 30 s leaves room for a slow moment and keeps the wait after a crash short.
pub const LEASE_SECS: i64 = 30;

/// A claim this request holds.
#[derive(Debug, Clone)]
pub struct Claim {
    pub team_id: TeamId,
    pub key: String,
    pub token: String,
}

pub enum Begin {
    /// This request holds the key and must `finish` with it.
    Claimed(Claim),
    Answer(Outcome),
}

/// What to answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// This request ran; its response was stored together with what it wrote.
    Answered {
        status: u16,
        body: String,
    },
    /// The stored response of an earlier request with this key.
    Replay {
        status: u16,
        body: String,
    },
    /// Another request holds the key (or took it over): retry shortly.
    StillRunning,
    DifferentBody,
}

/// A fingerprint of the request body: JSON compares by meaning (key order and whitespace do not
/// matter), anything else byte for byte. Keys are sorted here rather than by relying on
/// `serde_json`'s map type, which a crate feature elsewhere in the build could change.
pub fn fingerprint(body: &[u8]) -> String {
    let canonical = match serde_json::from_slice::<Value>(body) {
        Ok(value) => {
            let mut out = String::with_capacity(body.len());
            write_canonical(&value, &mut out);
            out
        }
        Err(_) => Value::String(String::from_utf8_lossy(body).into_owned()).to_string(),
    };
    hex::encode(Sha256::digest(canonical.as_bytes()))
}

fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (k, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                write_canonical(v, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(v, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// Whether the row still decides the answer: a running claim within its lease, or a stored
/// response within the replay window.
fn is_live(row: &IdempotencyRow, now: chrono::NaiveDateTime) -> bool {
    if row.state == ClaimState::Running {
        row.lease_until.is_some_and(|until| until > now)
    } else {
        now - row.created_at < Duration::hours(REPLAY_HOURS)
    }
}

fn answer_from(row: &IdempotencyRow, hash: &str) -> Outcome {
    if row.request_hash != hash {
        return Outcome::DifferentBody;
    }
    match (row.state, row.response_status, &row.response_body) {
        (ClaimState::Done, Some(status), Some(body)) => Outcome::Replay {
            status: u16::try_from(status).unwrap_or(500),
            body: body.clone(),
        },
        _ => Outcome::StillRunning,
    }
}

/// Claims the key, takes over a lapsed claim or an expired response, or says what to answer.
/// Each step is its own statement (no enclosing transaction), so a lost race on the primary key
/// does not abort anything on PostgreSQL.
pub fn begin(
    conn: &mut DbConnection,
    team_id: &TeamId,
    key: &str,
    hash: &str,
) -> Result<Begin, AppError> {
    let now = crate::db::now();
    let token = crate::db::new_id();
    let new = NewClaim {
        team_id,
        key,
        hash,
        token: &token,
        now,
        lease_until: now + Duration::seconds(LEASE_SECS),
    };
    // A lost race means another request changed the row between our read and our write: read
    // it again and answer from it.
    for _ in 0..2 {
        let claimed = match store::find(conn, team_id, key)? {
            None => store::insert_claim(conn, &new)?,
            Some(row) if is_live(&row, now) => return Ok(Begin::Answer(answer_from(&row, hash))),
            Some(row) => store::take_over(conn, &row, &new)?,
        };
        if claimed {
            return Ok(Begin::Claimed(Claim {
                team_id: team_id.clone(),
                key: key.to_string(),
                token,
            }));
        }
    }
    Ok(Begin::Answer(Outcome::StillRunning))
}

enum Abort {
    Lost,
    Failed(AppError),
}

impl From<diesel::result::Error> for Abort {
    fn from(e: diesel::result::Error) -> Self {
        Abort::Failed(e.into())
    }
}

/// Runs `work` and stores its response in the same write transaction. `work` answers
/// `Ok((status, body))` for everything worth replaying (success and refusals, having undone
/// its own writes for a refusal) and `Err` for a server error: then nothing commits and the
/// key is given up so a retry can run. If the claim is no longer ours, nothing commits either
/// and the answer is "still running" (the request holding the key decides the response).
pub fn finish<F>(conn: &mut DbConnection, claim: &Claim, work: F) -> Result<Outcome, AppError>
where
    F: FnOnce(&mut DbConnection) -> Result<(u16, String), AppError>,
{
    let result = write_tx(conn, |conn| {
        let (status, body) = work(conn).map_err(Abort::Failed)?;
        let stored = store::complete(
            conn,
            &claim.team_id,
            &claim.key,
            &claim.token,
            crate::db::now(),
            status,
            &body,
        )
        .map_err(Abort::Failed)?;
        if !stored {
            return Err(Abort::Lost);
        }
        Ok((status, body))
    });
    match result {
        Ok((status, body)) => Ok(Outcome::Answered { status, body }),
        Err(Abort::Lost) => {
            tracing::warn!("an idempotency claim was lost before its response was stored");
            Ok(Outcome::StillRunning)
        }
        Err(Abort::Failed(e)) => {
            if let Err(release) = store::release(conn, &claim.team_id, &claim.key, &claim.token) {
                tracing::warn!(error = %release, "could not release an idempotency claim; its lease will lapse");
            }
            Err(e)
        }
    }
}

/// `begin`, then `finish` with `work` if this request got the key: one call, so nothing between
/// the claim and the work can be cancelled halfway (it runs on one blocking thread).
pub fn run_once<F>(
    conn: &mut DbConnection,
    team_id: &TeamId,
    key: &str,
    hash: &str,
    work: F,
) -> Result<Outcome, AppError>
where
    F: FnOnce(&mut DbConnection) -> Result<(u16, String), AppError>,
{
    match begin(conn, team_id, key, hash)? {
        Begin::Claimed(claim) => finish(conn, &claim, work),
        Begin::Answer(outcome) => Ok(outcome),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_ignores_key_order_and_whitespace_but_not_values() {
        let a = fingerprint(br#"{"a": 1, "b": {"y": [1, 2], "x": "s"}}"#);
        let table: [(&[u8], bool); 6] = [
            (br#"{"b":{"x":"s","y":[1,2]},"a":1}"#, true),
            (
                b"{\n  \"b\" : { \"y\" : [ 1 , 2 ] , \"x\" : \"s\" } ,\n \"a\" : 1 }",
                true,
            ),
            (br#"{"a": 1, "b": {"y": [2, 1], "x": "s"}}"#, false),
            (br#"{"a": 2, "b": {"y": [1, 2], "x": "s"}}"#, false),
            (
                br#"{"a": 1, "b": {"y": [1, 2], "x": "s"}, "c": null}"#,
                false,
            ),
            (b"not json", false),
        ];
        for (body, same) in table {
            assert_eq!(
                fingerprint(body) == a,
                same,
                "{}",
                String::from_utf8_lossy(body)
            );
        }
        assert_eq!(fingerprint(b"not json"), fingerprint(b"not json"));
        assert_ne!(fingerprint(b"not json"), fingerprint(b"not  json"));
    }
}
