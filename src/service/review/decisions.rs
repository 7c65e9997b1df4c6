//! Reviewers' decisions on results that did not fit: accept onto an order, reject, escalate.
//! The first decision wins (a version check); every decision is audited with its note.
use serde_json::json;

use super::candidates::allowed_teams;
use super::errors::{DecideError, DecidedState};
use super::{item_in_scope, Reviewer};
use crate::db::audit::{self, AuditEntry};
use crate::db::orders as orders_db;
use crate::db::unmatched::{self as unmatched_db, UnmatchedRow};
use crate::db::{write_tx, DbConnection};
use crate::domain::access::Principal;
use crate::domain::actor::Actor;
use crate::domain::audit::{AuditAction, EntityType};
use crate::domain::ids::{OrderId, ResultId, ReviewItemId};
use crate::domain::result_matching::DecisionCode;
use crate::domain::review::{team_may_take, ReviewAction, ReviewStatus};
use crate::domain::scope::Scope;
use crate::domain::webhooks::WebhookEventType;
use crate::error::AppError;
use crate::hl7::oru::{self, OruMessage};
use crate::service::result_json::read_json;
use crate::service::results::attach;
use crate::service::webhooks::outbox;

pub const NOTE_MAX_CHARS: usize = 1000;

fn already_decided(item: &UnmatchedRow) -> DecideError {
    DecideError::AlreadyDecided {
        current: DecidedState {
            status: item.status,
            decided_by: item.decided_by.clone(),
        },
    }
}

/// Another reviewer's decision landed between reading the item and writing ours (on PostgreSQL
/// the update waited for it): tell who decided what from the row as it is now, not as it was read.
fn decided_meanwhile(conn: &mut DbConnection, read: UnmatchedRow) -> DecideError {
    match unmatched_db::find(conn, &read.id) {
        Ok(Some(now)) => already_decided(&now),
        Ok(None) => already_decided(&read),
        Err(e) => e.into(),
    }
}

/// Loads an item the reviewer may act on, still open at `expected_version`.
fn open_item(
    conn: &mut DbConnection,
    r: &Reviewer,
    id: &ReviewItemId,
    expected_version: i32,
) -> Result<UnmatchedRow, DecideError> {
    let item = unmatched_db::find(conn, id)?
        .filter(|i| r.may_see(i))
        .ok_or(DecideError::ItemNotFound)?;
    if !item.status.is_open() || item.version != expected_version {
        return Err(already_decided(&item));
    }
    Ok(item)
}

/// The delivery as it was received, read again.
fn reparse(item: &UnmatchedRow) -> Result<OruMessage, AppError> {
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
    )?;
    // The Team whose order the result most likely is learns how it was resolved.
    if let (Some(org_id), Some(team_id)) = (&item.org_id, &item.team_id) {
        let after = unmatched_db::find(conn, &item.id)?.ok_or(AppError::NotFound)?;
        let data = crate::wire::match_review(&after);
        let event = WebhookEventType::MatchReviewUpdated;
        outbox::match_review(conn, event, org_id, team_id, data)?;
    }
    Ok(())
}

fn note_required(note: &str, what: &'static str) -> Result<String, DecideError> {
    let note = note.trim();
    if note.is_empty() {
        return Err(DecideError::NoteRequired { what });
    }
    note_optional(note).map(|n| n.unwrap_or_default().to_string())
}

/// A note that may be left out, within the same length bound as a required one.
fn note_optional(note: &str) -> Result<Option<&str>, DecideError> {
    let note = note.trim();
    if note.chars().count() > NOTE_MAX_CHARS {
        return Err(DecideError::NoteTooLong);
    }
    Ok((!note.is_empty()).then_some(note))
}

/// Accepts the result onto an order of the item's org and of a Team the item may go to
/// (`domain::review::candidate_teams`). A `lab_account_mismatch` needs an explicit
/// confirmation and a note.
pub fn accept(
    conn: &mut DbConnection,
    r: &Reviewer,
    id: &ReviewItemId,
    expected_version: i32,
    order_id: &OrderId,
    confirmed_mismatch: bool,
    note: &str,
) -> Result<ResultId, DecideError> {
    write_tx(conn, |conn| {
        let item = open_item(conn, r, id, expected_version)?;
        let order = orders_db::find(conn, order_id)?.ok_or(DecideError::OrderNotFound)?;
        let same_org = match &item.org_id {
            Some(org) => *org == order.org_id,
            None => r.org_ids.contains(&order.org_id),
        };
        // The result names a patient: never onto another Team's order than the item's.
        let teams = allowed_teams(conn, &item)?;
        if !same_org || !team_may_take(teams.as_deref(), &order.team_id) {
            return Err(DecideError::OrderNotFound);
        }
        let note = note_optional(note)?.unwrap_or_default();
        if item.decision_code == DecisionCode::LabAccountMismatch {
            if !confirmed_mismatch {
                return Err(DecideError::ConfirmationRequired);
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
) -> Result<(), DecideError> {
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
        )?;
        Ok(())
    })
}

/// Hands the item to the CSMs (ops review); it stays open for them.
pub fn escalate(
    conn: &mut DbConnection,
    r: &Reviewer,
    id: &ReviewItemId,
    expected_version: i32,
    note: &str,
) -> Result<(), DecideError> {
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
        )?;
        Ok(())
    })
}

/// A decision as a reviewer's form states it.
#[derive(Debug, Clone)]
pub struct DecisionRequest {
    pub action: ReviewAction,
    /// The item's version the form was read at: a decision on anything newer is refused.
    pub version: i32,
    /// For an accept: the order the result goes on (None: the form held no order id).
    pub order_id: Option<OrderId>,
    /// For an accept of a `lab_account_mismatch`: the reviewer says it belongs to the order.
    pub confirmed_mismatch: bool,
    pub note: String,
}

/// A decision on an item of the queue of `scope`, by a person who works that queue.
pub fn decide(
    conn: &mut DbConnection,
    p: &Principal,
    actor: Actor,
    scope: &Scope,
    id: &ReviewItemId,
    req: &DecisionRequest,
) -> Result<(), DecideError> {
    let r = Reviewer::working(p, actor, scope)?;
    let item = item_in_scope(conn, p, scope, id)?.ok_or(DecideError::ItemNotFound)?;
    match req.action {
        ReviewAction::Accept => {
            let order_id = req.order_id.as_ref().ok_or(DecideError::OrderIdRequired)?;
            let confirmed = req.confirmed_mismatch;
            accept(
                conn,
                &r,
                &item.id,
                req.version,
                order_id,
                confirmed,
                &req.note,
            )
            .map(drop)
        }
        ReviewAction::Reject => reject(conn, &r, &item.id, req.version, &req.note),
        ReviewAction::Escalate => escalate(conn, &r, &item.id, req.version, &req.note),
    }
}
