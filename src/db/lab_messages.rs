//! Lab connections, the outbox of messages to labs, and each message's attempts.
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{lab_connections, lab_message_attempts, lab_messages};
use super::DbConnection;
use crate::domain::ids::{LabAccountId, OrderId};
use crate::domain::lab::LabSlug;
use crate::domain::lab_link::{Connection, ConnectionKind, LabMessageKind, LabMessageState};
use crate::error::AppError;

fn failed(what: &'static str) -> impl Fn(diesel::result::Error) -> AppError {
    move |e| AppError::db(what, e)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = lab_connections)]
pub struct ConnectionRow {
    pub lab_slug: LabSlug,
    pub kind: ConnectionKind,
    pub host: Option<String>,
    pub port: Option<i32>,
    pub folder: Option<String>,
    pub updated_by: String,
    pub updated_at: NaiveDateTime,
}

impl ConnectionRow {
    pub fn connection(&self) -> Connection {
        Connection {
            kind: self.kind,
            host: self.host.clone(),
            port: self.port.and_then(|p| u16::try_from(p).ok()),
            folder: self.folder.clone(),
        }
    }
}

/// The lab's connection; none configured is "none".
pub fn connection_of(conn: &mut DbConnection, lab: LabSlug) -> Result<Connection, AppError> {
    Ok(lab_connections::table
        .find(lab)
        .select(ConnectionRow::as_select())
        .first(conn)
        .optional()
        .map_err(failed("reading a lab connection"))?
        .map(|r| r.connection())
        .unwrap_or_else(Connection::none))
}

pub fn all_connections(conn: &mut DbConnection) -> Result<Vec<ConnectionRow>, AppError> {
    lab_connections::table
        .order(lab_connections::lab_slug)
        .select(ConnectionRow::as_select())
        .load(conn)
        .map_err(failed("listing lab connections"))
}

/// Sets the lab's connection (in the caller's transaction).
pub fn set_connection(
    conn: &mut DbConnection,
    lab: LabSlug,
    c: &Connection,
    by: &str,
) -> Result<(), AppError> {
    let now = super::now();
    let values = (
        lab_connections::kind.eq(c.kind),
        lab_connections::host.eq(c.host.as_deref()),
        lab_connections::port.eq(c.port.map(i32::from)),
        lab_connections::folder.eq(c.folder.as_deref()),
        lab_connections::updated_by.eq(by),
        lab_connections::updated_at.eq(now),
    );
    let changed = diesel::update(lab_connections::table.find(lab))
        .set(values)
        .execute(conn)
        .map_err(failed("changing a lab connection"))?;
    if changed == 0 {
        diesel::insert_into(lab_connections::table)
            .values((lab_connections::lab_slug.eq(lab), values))
            .execute(conn)
            .map_err(failed("adding a lab connection"))?;
    }
    Ok(())
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = lab_messages)]
pub struct LabMessageRow {
    pub id: String,
    pub order_id: OrderId,
    pub lab_slug: LabSlug,
    pub lab_account_id: LabAccountId,
    pub kind: LabMessageKind,
    pub control_id: String,
    pub body: String,
    pub state: LabMessageState,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub claimed_until: Option<NaiveDateTime>,
    pub ack_code: Option<String>,
    pub ack_text: Option<String>,
    pub created_at: NaiveDateTime,
    pub finished_at: Option<NaiveDateTime>,
}

pub fn insert_message(conn: &mut DbConnection, row: &LabMessageRow) -> Result<(), AppError> {
    diesel::insert_into(lab_messages::table)
        .values(row)
        .execute(conn)
        .map(drop)
        .map_err(failed("writing a message to a lab"))
}

/// The order's messages to its lab, oldest first.
pub fn messages_of_order(
    conn: &mut DbConnection,
    order_id: &OrderId,
) -> Result<Vec<LabMessageRow>, AppError> {
    lab_messages::table
        .filter(lab_messages::order_id.eq(order_id))
        .order((lab_messages::created_at, lab_messages::id))
        .select(LabMessageRow::as_select())
        .load(conn)
        .map_err(failed("reading an order's lab messages"))
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = lab_message_attempts)]
pub struct LabAttemptRow {
    pub id: String,
    pub message_id: String,
    pub attempted_at: NaiveDateTime,
    /// `ack`, `written`, or what went wrong (`unreachable`, `no_ack`, ...).
    pub outcome: String,
    pub detail: String,
    pub latency_ms: i32,
}

/// The attempts of these messages, oldest first.
pub fn attempts_of(
    conn: &mut DbConnection,
    message_ids: &[String],
) -> Result<Vec<LabAttemptRow>, AppError> {
    lab_message_attempts::table
        .filter(lab_message_attempts::message_id.eq_any(message_ids))
        .order((lab_message_attempts::attempted_at, lab_message_attempts::id))
        .select(LabAttemptRow::as_select())
        .load(conn)
        .map_err(failed("reading lab message attempts"))
}

/// Claims up to `limit` due messages, oldest first, until `lease_until` (see
/// `db::webhooks::claim_due`: the same lease, `FOR UPDATE SKIP LOCKED` on PostgreSQL).
pub fn claim_due(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
    limit: i64,
) -> Result<Vec<LabMessageRow>, AppError> {
    use lab_messages::dsl as m;
    super::write_tx(conn, |conn| {
        let due = m::lab_messages
            .filter(m::state.eq(LabMessageState::Pending))
            .filter(m::next_attempt_at.le(now))
            .filter(m::claimed_until.is_null().or(m::claimed_until.lt(now)))
            .order((m::created_at, m::id))
            .limit(limit)
            .select(m::id);
        let ids: Vec<String> = match conn {
            DbConnection::Postgresql(c) => due.for_update().skip_locked().load(c),
            DbConnection::Sqlite(c) => due.load(c),
        }
        .map_err(failed("finding due lab messages"))?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        diesel::update(m::lab_messages.filter(m::id.eq_any(&ids)))
            .set(m::claimed_until.eq(lease_until))
            .execute(conn)
            .map_err(failed("claiming lab messages"))?;
        m::lab_messages
            .filter(m::id.eq_any(&ids))
            .order((m::created_at, m::id))
            .select(LabMessageRow::as_select())
            .load(conn)
            .map_err(failed("reading claimed lab messages"))
    })
}

/// Where a message goes after an attempt.
pub struct LabOutcome {
    pub state: LabMessageState,
    pub next_attempt_at: NaiveDateTime,
    pub ack_code: Option<String>,
    pub ack_text: Option<String>,
}

/// Records an attempt and moves its message on, in one transaction.
pub fn record_attempt(
    conn: &mut DbConnection,
    attempt: &LabAttemptRow,
    outcome: &LabOutcome,
) -> Result<(), AppError> {
    use lab_messages::dsl as m;
    super::write_tx(conn, |conn| {
        diesel::insert_into(lab_message_attempts::table)
            .values(attempt)
            .execute(conn)
            .map_err(failed("recording a lab message attempt"))?;
        let finished = (outcome.state != LabMessageState::Pending).then_some(attempt.attempted_at);
        diesel::update(m::lab_messages.find(&attempt.message_id))
            .set((
                m::state.eq(outcome.state),
                m::attempts.eq(m::attempts + 1),
                m::next_attempt_at.eq(outcome.next_attempt_at),
                m::claimed_until.eq(None::<NaiveDateTime>),
                m::ack_code.eq(outcome.ack_code.as_deref()),
                m::ack_text.eq(outcome.ack_text.as_deref()),
                m::finished_at.eq(finished),
            ))
            .execute(conn)
            .map(drop)
            .map_err(failed("moving a lab message on"))
    })
}
