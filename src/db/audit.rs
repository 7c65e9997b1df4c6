//! The audit log: rows are only ever inserted, always inside the transaction of the change they
//! record; a read of patient data is committed before the data is answered (`record_read`).
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::audit_events;
use super::DbConnection;
use crate::domain::actor::{Actor, ActorKind};
use crate::domain::audit::{AuditAction, EntityType};
use crate::domain::ids::{OrgId, TeamId};
use crate::error::AppError;

/// What happened to which entity.
#[derive(Debug, Clone)]
pub struct AuditEntry<'a> {
    pub action: AuditAction,
    pub entity_type: EntityType,
    /// The id of what `entity_type` names (an order's, a Team's, a lab's slug, ...).
    pub entity_id: &'a str,
    pub org_id: Option<&'a OrgId>,
    pub team_id: Option<&'a TeamId>,
    pub summary: String,
    /// Before/after values, as JSON.
    pub details: serde_json::Value,
}

#[derive(Insertable)]
#[diesel(table_name = audit_events)]
struct NewAuditEvent<'a> {
    at: NaiveDateTime,
    actor_type: ActorKind,
    actor_id: Option<&'a str>,
    actor_label: &'a str,
    action: AuditAction,
    entity_type: EntityType,
    entity_id: &'a str,
    org_id: Option<&'a OrgId>,
    team_id: Option<&'a TeamId>,
    summary: &'a str,
    details: String,
    request_id: Option<&'a str>,
}

#[derive(Queryable, Selectable, Debug, Clone, serde::Serialize)]
#[diesel(table_name = audit_events)]
pub struct AuditEvent {
    pub id: i64,
    pub at: NaiveDateTime,
    pub actor_type: ActorKind,
    pub actor_id: Option<String>,
    pub actor_label: String,
    pub action: AuditAction,
    pub entity_type: EntityType,
    pub entity_id: String,
    pub org_id: Option<OrgId>,
    pub team_id: Option<TeamId>,
    pub summary: String,
    pub details: String,
    pub request_id: Option<String>,
}

pub fn record(
    conn: &mut DbConnection,
    actor: &Actor,
    entry: AuditEntry<'_>,
) -> Result<(), AppError> {
    diesel::insert_into(audit_events::table)
        .values(NewAuditEvent {
            at: super::now(),
            actor_type: actor.kind,
            actor_id: actor.id.as_deref(),
            actor_label: &actor.label,
            action: entry.action,
            entity_type: entry.entity_type,
            entity_id: entry.entity_id,
            org_id: entry.org_id,
            team_id: entry.team_id,
            summary: &entry.summary,
            details: entry.details.to_string(),
            request_id: actor.request_id.as_deref(),
        })
        .execute(conn)
        .map_err(|e| AppError::db("writing an audit row", e))?;
    Ok(())
}

/// Records a read of patient data (an order viewed, a list of orders shown), committed before it
/// returns, so nothing is answered without its row in the log. Inside a transaction the row is
/// part of it; otherwise it is a write of its own that shares its commit with concurrent writes
/// (`group_commit`), so on SQLite reads do not queue one commit each behind order writes.
pub fn record_read(
    conn: &mut DbConnection,
    actor: &Actor,
    entry: AuditEntry<'_>,
) -> Result<(), AppError> {
    let actor = actor.clone();
    let (entity_id, org_id, team_id) = (
        entry.entity_id.to_string(),
        entry.org_id.cloned(),
        entry.team_id.cloned(),
    );
    let (action, entity_type, summary, details) = (
        entry.action,
        entry.entity_type,
        entry.summary,
        entry.details,
    );
    super::group_commit::write_batched(conn, move |conn| {
        record(
            conn,
            &actor,
            AuditEntry {
                action,
                entity_type,
                entity_id: &entity_id,
                org_id: org_id.as_ref(),
                team_id: team_id.as_ref(),
                summary,
                details,
            },
        )
    })
}

/// Which audit rows to show. `org_id` None means platform-wide rows only a CSM's view needs.
/// `entity_type` is matched as typed: a word no row has shows nothing.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub org_id: Option<OrgId>,
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub actor: Option<String>,
    pub from: Option<NaiveDateTime>,
    pub to: Option<NaiveDateTime>,
    /// Keyset: rows with an id below this one.
    pub before_id: Option<i64>,
    /// Leave out records of someone looking (`AuditAction::is_read`).
    pub hide_reads: bool,
}

pub fn list(
    conn: &mut DbConnection,
    f: &AuditFilter,
    limit: i64,
) -> Result<Vec<AuditEvent>, AppError> {
    let mut q = audit_events::table
        .select(AuditEvent::as_select())
        .order(audit_events::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(org) = &f.org_id {
        q = q.filter(audit_events::org_id.eq(org.clone()));
    }
    if let Some(t) = &f.entity_type {
        q = q.filter(audit_events::entity_type.eq(t.clone()));
    }
    if let Some(id) = &f.entity_id {
        q = q.filter(audit_events::entity_id.eq(id.clone()));
    }
    if let Some(a) = &f.actor {
        q = q.filter(audit_events::actor_label.eq(a.clone()));
    }
    if let Some(from) = f.from {
        q = q.filter(audit_events::at.ge(from));
    }
    if let Some(to) = f.to {
        q = q.filter(audit_events::at.lt(to));
    }
    if let Some(before) = f.before_id {
        q = q.filter(audit_events::id.lt(before));
    }
    if f.hide_reads {
        let reads: Vec<AuditAction> = AuditAction::ALL
            .iter()
            .copied()
            .filter(|a| a.is_read())
            .collect();
        q = q.filter(audit_events::action.ne_all(reads));
    }
    q.load(conn)
        .map_err(|e| AppError::db("listing audit events", e))
}

/// The distinct actors seen in an org's audit log, for the filter's picker.
pub fn actors(conn: &mut DbConnection, org_id: &OrgId) -> Result<Vec<String>, AppError> {
    audit_events::table
        .filter(audit_events::org_id.eq(org_id))
        .select(audit_events::actor_label)
        .distinct()
        .order(audit_events::actor_label)
        .limit(500)
        .load(conn)
        .map_err(|e| AppError::db("listing audit actors", e))
}
