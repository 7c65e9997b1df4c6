//! Reviewers' decisions on results that did not fit: accept onto an order, reject, escalate.
//! The first decision wins (a version check); every decision is audited with its note.
use serde_json::json;

use crate::db::audit::{self, AuditEntry};
use crate::db::orders as orders_db;
use crate::db::unmatched::{self as unmatched_db, UnmatchedRow};
use crate::db::{write_tx, DbConnection};
use crate::domain::access::{Principal, Role};
use crate::domain::actor::Actor;
use crate::domain::audit::{AuditAction, EntityType};
use crate::domain::ids::{OrderId, OrgId, ResultId, ReviewItemId, TeamId};
use crate::domain::result_matching::DecisionCode;
use crate::domain::review::ReviewStatus;
use crate::error::AppError;
use crate::hl7::oru::{self, OruMessage};
use crate::service::result_json::read_json;
use crate::service::results::attach;

pub fn is_open(item: &UnmatchedRow) -> bool {
    item.status.is_open()
}

/// Who is deciding: the orgs whose items they may act on, and whether quarantine is theirs.
#[derive(Debug, Clone)]
pub struct Reviewer {
    pub actor: Actor,
    pub org_ids: Vec<OrgId>,
    pub sees_quarantine: bool,
}

impl Reviewer {
    /// A signed-in person as a reviewer: an org admin acts on their org's items, a CSM on the
    /// items of the orgs they look after and on quarantine; clinicians on nothing.
    pub fn of(p: &Principal, actor: Actor) -> Reviewer {
        let (org_ids, sees_quarantine) = match p.role {
            Role::Csm => (p.csm_org_ids.clone(), true),
            Role::OrgAdmin => (p.org_id.iter().cloned().collect(), false),
            Role::Clinician => (Vec::new(), false),
        };
        Reviewer {
            actor,
            org_ids,
            sees_quarantine,
        }
    }

    pub fn may_see(&self, item: &UnmatchedRow) -> bool {
        match &item.org_id {
            Some(org) => self.org_ids.contains(org),
            None => self.sees_quarantine,
        }
    }
}

pub const ALREADY_DECIDED: &str = "already_decided";
pub const NOTE_MAX_CHARS: usize = 1000;

fn already_decided(item: &UnmatchedRow) -> AppError {
    AppError::rule(
        ALREADY_DECIDED,
        format!(
            "This result was already decided by {} ({}). Nothing was changed.",
            item.decided_by.as_deref().unwrap_or("another reviewer"),
            item.status
        ),
    )
}

/// Another reviewer's decision landed between reading the item and writing ours (on PostgreSQL
/// the update waited for it): tell who decided what from the row as it is now, not as it was read.
fn decided_meanwhile(conn: &mut DbConnection, read: UnmatchedRow) -> AppError {
    match unmatched_db::find(conn, &read.id) {
        Ok(Some(now)) => already_decided(&now),
        Ok(None) => already_decided(&read),
        Err(e) => e,
    }
}

/// Loads an item the reviewer may act on, still open at `expected_version`.
fn open_item(
    conn: &mut DbConnection,
    r: &Reviewer,
    id: &ReviewItemId,
    expected_version: i32,
) -> Result<UnmatchedRow, AppError> {
    let item = unmatched_db::find(conn, id)?
        .filter(|i| r.may_see(i))
        .ok_or(AppError::NotFound)?;
    if !is_open(&item) || item.version != expected_version {
        return Err(already_decided(&item));
    }
    Ok(item)
}

/// The delivery as it was received, read again.
pub fn reparse(item: &UnmatchedRow) -> Result<OruMessage, AppError> {
    let raw = item.raw_message.trim_start();
    let parsed = if raw.starts_with('{') {
        read_json(raw.as_bytes())
    } else {
        oru::read(raw)
    };
    parsed.map_err(|e| AppError::Internal(format!("stored delivery no longer parses: {e}")))
}

fn record(
    conn: &mut DbConnection,
    r: &Reviewer,
    item: &UnmatchedRow,
    action: AuditAction,
    note: Option<&str>,
    order_id: Option<&OrderId>,
) -> Result<(), AppError> {
    audit::record(
        conn,
        &r.actor,
        AuditEntry {
            action,
            entity_type: EntityType::UnmatchedResult,
            entity_id: item.id.as_str(),
            org_id: item.org_id.as_ref(),
            team_id: item.team_id.as_ref(),
            summary: format!(
                "{} ({}){}",
                action,
                item.decision_code,
                note.map(|n| format!(": {n}")).unwrap_or_default()
            ),
            details: json!({"note": note, "order_id": order_id, "decision_code": item.decision_code}),
        },
    )
}

fn note_required(note: &str, what: &str) -> Result<String, AppError> {
    let note = note.trim();
    if note.is_empty() {
        return Err(AppError::rule(
            "note_required",
            format!("A note is required to {what}."),
        ));
    }
    note_optional(note).map(|n| n.unwrap_or_default().to_string())
}

/// A note that may be left out, within the same length bound as a required one.
fn note_optional(note: &str) -> Result<Option<&str>, AppError> {
    let note = note.trim();
    if note.chars().count() > NOTE_MAX_CHARS {
        return Err(AppError::rule(
            "note_too_long",
            format!("The note may be at most {NOTE_MAX_CHARS} characters."),
        ));
    }
    Ok((!note.is_empty()).then_some(note))
}

/// Accepts the result onto an order of the item's org. A `lab_account_mismatch` needs an
/// explicit confirmation and a note.
pub fn accept(
    conn: &mut DbConnection,
    r: &Reviewer,
    id: &ReviewItemId,
    expected_version: i32,
    order_id: &OrderId,
    confirmed_mismatch: bool,
    note: &str,
) -> Result<ResultId, AppError> {
    write_tx(conn, |conn| {
        let item = open_item(conn, r, id, expected_version)?;
        let order = orders_db::find(conn, order_id)?.ok_or(AppError::NotFound)?;
        let same_org = match &item.org_id {
            Some(org) => *org == order.org_id,
            None => r.org_ids.contains(&order.org_id),
        };
        if !same_org {
            return Err(AppError::NotFound);
        }
        let note = note_optional(note)?.unwrap_or_default();
        if item.decision_code == DecisionCode::LabAccountMismatch {
            if !confirmed_mismatch {
                return Err(AppError::rule(
                    "confirmation_required",
                    "This result was delivered on another lab account than the order used: confirm that it belongs to this order.",
                ));
            }
            note_required(note, "accept a result delivered on another lab account")?;
        }
        let note = (!note.is_empty()).then_some(note);
        if !unmatched_db::decide(
            conn,
            id,
            expected_version,
            ReviewStatus::Accepted,
            note,
            Some(order_id),
            &r.actor.label,
        )? {
            return Err(decided_meanwhile(conn, item));
        }
        let message = reparse(&item)?;
        let account = item
            .lab_account_id
            .clone()
            .unwrap_or_else(|| order.lab_account_id.clone());
        let (result_id, _) = attach(conn, &r.actor, order_id, &account, &message, "review")?;
        record(
            conn,
            r,
            &item,
            AuditAction::ResultReviewAccepted,
            note,
            Some(order_id),
        )?;
        Ok(result_id)
    })
}

pub fn reject(
    conn: &mut DbConnection,
    r: &Reviewer,
    id: &ReviewItemId,
    expected_version: i32,
    note: &str,
) -> Result<(), AppError> {
    let note = note_required(note, "reject a result")?;
    write_tx(conn, |conn| {
        let item = open_item(conn, r, id, expected_version)?;
        if !unmatched_db::decide(
            conn,
            id,
            expected_version,
            ReviewStatus::Rejected,
            Some(&note),
            None,
            &r.actor.label,
        )? {
            return Err(decided_meanwhile(conn, item));
        }
        record(
            conn,
            r,
            &item,
            AuditAction::ResultReviewRejected,
            Some(&note),
            None,
        )
    })
}

/// Hands the item to the CSMs (ops review); it stays open for them.
pub fn escalate(
    conn: &mut DbConnection,
    r: &Reviewer,
    id: &ReviewItemId,
    expected_version: i32,
    note: &str,
) -> Result<(), AppError> {
    write_tx(conn, |conn| {
        let item = open_item(conn, r, id, expected_version)?;
        if item.status == ReviewStatus::PendingOps {
            return Err(already_decided(&item));
        }
        let note = note_optional(note)?;
        if !unmatched_db::escalate(conn, id, expected_version, note, &r.actor.label)? {
            return Err(decided_meanwhile(conn, item));
        }
        record(
            conn,
            r,
            &item,
            AuditAction::ResultReviewEscalated,
            note,
            None,
        )
    })
}

/// The order a reviewer most likely wants: the candidate the matching found, else the order the
/// placer order number names when it is one the reviewer may put the result on.
pub fn suggested_order(
    conn: &mut DbConnection,
    r: &Reviewer,
    item: &UnmatchedRow,
) -> Result<Option<OrderId>, AppError> {
    if let Some(candidate) = &item.candidate_order_id {
        return Ok(Some(candidate.clone()));
    }
    let Some(id) = item
        .placer_order_number
        .as_deref()
        .and_then(|p| uuid::Uuid::parse_str(p.trim()).ok())
    else {
        return Ok(None);
    };
    Ok(orders_db::find(conn, &OrderId::from(id))?
        .filter(|o| match &item.org_id {
            Some(org) => *org == o.org_id,
            None => r.org_ids.contains(&o.org_id),
        })
        .map(|o| o.id))
}

/// Reading an item shows what the lab sent about a patient: a PHI read, audited (the dashboard's
/// item page and a Team key's `GET /v3/unmatched_result/{id}` alike).
pub fn record_view(
    conn: &mut DbConnection,
    actor: &Actor,
    item: &UnmatchedRow,
) -> Result<(), AppError> {
    audit::record(
        conn,
        actor,
        AuditEntry {
            action: AuditAction::ResultReviewViewed,
            entity_type: EntityType::UnmatchedResult,
            entity_id: item.id.as_str(),
            org_id: item.org_id.as_ref(),
            team_id: item.team_id.as_ref(),
            summary: format!("Unmatched result viewed ({})", item.decision_code),
            details: json!({}),
        },
    )
}

/// Who was shown a page of the queue.
#[derive(Debug, Clone, Copy)]
pub enum ListedBy<'a> {
    /// A Team's API key: one row for the Team.
    Team {
        org_id: &'a OrgId,
        team_id: &'a TeamId,
    },
    /// A reviewer on the dashboard (an org's queue, or a CSM's across orgs and quarantine): one
    /// row per org whose items were on the page, so each org's audit log shows the read.
    Reviewer,
}

/// A page of the queue was shown (each row names a patient): `result.review_listed` rows naming
/// the item ids, never the names. Nothing shown, nothing read: no row.
pub fn record_list(
    conn: &mut DbConnection,
    actor: &Actor,
    by: ListedBy<'_>,
    items: &[UnmatchedRow],
) -> Result<(), AppError> {
    let mut groups: Vec<(Option<&OrgId>, Vec<&ReviewItemId>)> = Vec::new();
    for item in items {
        let org = match by {
            ListedBy::Team { org_id, .. } => Some(org_id),
            ListedBy::Reviewer => item.org_id.as_ref(),
        };
        match groups.iter_mut().find(|(o, _)| *o == org) {
            Some((_, ids)) => ids.push(&item.id),
            None => groups.push((org, vec![&item.id])),
        }
    }
    for (org, ids) in groups {
        let (entity_type, entity_id, team_id) = match (by, org) {
            (ListedBy::Team { team_id, .. }, _) => {
                (EntityType::Team, team_id.as_str(), Some(team_id))
            }
            (ListedBy::Reviewer, Some(org)) => (EntityType::Org, org.as_str(), None),
            (ListedBy::Reviewer, None) => (EntityType::Platform, "quarantine", None),
        };
        audit::record(
            conn,
            actor,
            AuditEntry {
                action: AuditAction::ResultReviewListed,
                entity_type,
                entity_id,
                org_id: org,
                team_id,
                summary: format!("Review queue viewed: {} item(s)", ids.len()),
                details: json!({"unmatched_result_ids": ids}),
            },
        )?;
    }
    Ok(())
}
