//! An org's audit log as its admins read it: a page of events (newest first, keyset by id) with
//! the actors for the filter's picker, or the export. Clinicians may not; another org's log is
//! "not found". Whatever the filter says, only this org's events are read.
use crate::db::audit::{self as audit_db, AuditEvent, AuditFilter};
use crate::db::DbConnection;
use crate::domain::access::{Action, Principal};
use crate::domain::ids::OrgId;
use crate::error::AppError;
use crate::service::policy;

/// Events on one page.
pub const PAGE_SIZE: i64 = 50;
/// Events in one export at most.
pub const EXPORT_LIMIT: i64 = 100_000;

/// One page of the log.
pub struct AuditPage {
    pub events: Vec<AuditEvent>,
    /// There are older events than these.
    pub has_more: bool,
    /// Everyone the org's log names, for the filter.
    pub actors: Vec<String>,
}

fn authorized_filter(
    p: &Principal,
    org_id: &OrgId,
    filter: &AuditFilter,
) -> Result<AuditFilter, AppError> {
    policy::authorize(p, Action::ViewAudit { org_id })?;
    Ok(AuditFilter {
        org_id: Some(org_id.clone()),
        ..filter.clone()
    })
}

/// The events the filter picks, a page at a time.
pub fn page(
    conn: &mut DbConnection,
    p: &Principal,
    org_id: &OrgId,
    filter: &AuditFilter,
) -> Result<AuditPage, AppError> {
    let filter = authorized_filter(p, org_id, filter)?;
    let mut events = audit_db::list(conn, &filter, PAGE_SIZE + 1)?;
    let has_more = events.len() as i64 > PAGE_SIZE;
    events.truncate(PAGE_SIZE as usize);
    let actors = audit_db::actors(conn, org_id)?;
    Ok(AuditPage {
        events,
        has_more,
        actors,
    })
}

/// The events the filter picks, for the CSV export (at most `EXPORT_LIMIT`, newest first).
pub fn export(
    conn: &mut DbConnection,
    p: &Principal,
    org_id: &OrgId,
    filter: &AuditFilter,
) -> Result<Vec<AuditEvent>, AppError> {
    let filter = authorized_filter(p, org_id, filter)?;
    audit_db::list(conn, &filter, EXPORT_LIMIT)
}
