//! Result ingestion: a lab's delivery is matched to the order and account that ordered it, or
//! queued for review; duplicates change nothing; nothing here creates patients or orders.
mod attach;
mod receive;

pub use attach::{attach, biomarkers};
pub use receive::{receive, Receipt, ReceiveError, Received};

use serde_json::json;

use crate::db::audit::{self, AuditEntry};
use crate::db::lab_accounts::find_by_number;
use crate::db::orders as orders_db;
use crate::db::results as results_db;
use crate::db::unmatched::{self as unmatched_db, UnmatchedRow};
use crate::db::{write_tx, DbConnection};
use crate::domain::actor::Actor;
use crate::domain::audit::{AuditAction, EntityType};
use crate::domain::ids::{OrderId, ResultId, ReviewItemId, TeamId};
use crate::domain::lab::LabSlug;
use crate::domain::order_input::PatientDetails;
use crate::domain::result_matching::{
    decide, AccountRef, Decision, DecisionCode, Delivered, OrderRef,
};
use crate::domain::review::ReviewStatus;
use crate::domain::webhooks::WebhookEventType;
use crate::error::AppError;
use crate::hl7::oru::OruMessage;
use crate::hl7::refusal::Refusal;
use crate::service::webhooks::outbox;

/// What happened to a delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Attached {
        order_id: OrderId,
        result_id: ResultId,
        version: i32,
    },
    Queued {
        unmatched_id: ReviewItemId,
        code: DecisionCode,
    },
    Duplicate {
        previous: String,
    },
}

impl Outcome {
    pub fn word(&self) -> &'static str {
        match self {
            Outcome::Attached { .. } => "attached",
            Outcome::Queued { .. } => "queued_for_review",
            Outcome::Duplicate { .. } => "duplicate",
        }
    }
}

/// A delivery as received: the parsed message plus the raw text kept for reviewers.
pub struct Delivery<'a> {
    pub lab: LabSlug,
    pub format: &'a str,
    pub raw: &'a str,
    pub message: &'a OruMessage,
}

fn order_ref(
    conn: &mut DbConnection,
    placer: Option<&str>,
) -> Result<Option<(OrderRef, TeamId)>, AppError> {
    let Some(id) = placer.and_then(|p| uuid::Uuid::parse_str(p.trim()).ok()) else {
        return Ok(None);
    };
    let Some(row) = orders_db::find(conn, &OrderId::from(id))? else {
        return Ok(None);
    };
    let details: PatientDetails = serde_json::from_str(&row.patient_details).map_err(|e| {
        AppError::Internal(format!("order {} has bad patient details: {e}", row.id))
    })?;
    Ok(Some((
        OrderRef {
            id: row.id.clone(),
            org_id: row.org_id.clone(),
            lab_account_id: row.lab_account_id.clone(),
            last_name: details.last_name,
            dob: details.dob,
        },
        row.team_id,
    )))
}

/// Ingests one parsed delivery in one transaction.
pub fn ingest(
    conn: &mut DbConnection,
    actor: &Actor,
    d: &Delivery<'_>,
) -> Result<Outcome, AppError> {
    let m = d.message;
    write_tx(conn, |conn| {
        if let Some(prev) = results_db::find_inbound(conn, d.lab, &m.control_id)? {
            return Ok(Outcome::Duplicate {
                previous: prev.outcome,
            });
        }
        let accounts: Vec<AccountRef> = find_by_number(conn, d.lab, &m.receiving_facility)?
            .into_iter()
            .map(|(id, org_id)| AccountRef { id, org_id })
            .collect();
        let found = order_ref(conn, m.placer_order_number())?;
        let delivered = Delivered {
            last_name: m.patient.last_name.clone(),
            dob: m.patient.dob,
        };
        let outcome = match decide(&accounts, found.as_ref().map(|(o, _)| o), &delivered) {
            Decision::Attach {
                account_id,
                order_id,
            } => {
                let (result_id, version) =
                    attach(conn, actor, &order_id, &account_id, m, d.format)?;
                Outcome::Attached {
                    order_id,
                    result_id,
                    version,
                }
            }
            Decision::Unmatched {
                code,
                account_id,
                candidate_order_id,
                reasons,
            } => {
                let account_org = account_id
                    .as_ref()
                    .and_then(|a| accounts.iter().find(|x| &x.id == a))
                    .and_then(|a| a.org_id.clone());
                let candidate = found
                    .as_ref()
                    .filter(|(o, _)| Some(&o.id) == candidate_order_id.as_ref());
                // Quarantine is for CSMs only: no org. A platform account's item goes to the order's org.
                let org_id = match code {
                    DecisionCode::Quarantine => None,
                    _ => account_org.or_else(|| candidate.map(|(o, _)| o.org_id.clone())),
                };
                let id = ReviewItemId::new();
                let row = UnmatchedRow {
                    id: id.clone(),
                    lab_slug: d.lab,
                    lab_account_id: account_id.clone(),
                    org_id: org_id.clone(),
                    team_id: candidate.map(|(_, team)| team.clone()),
                    account_number: m.receiving_facility.clone(),
                    placer_order_number: m.placer_order_number().map(str::to_string),
                    control_id: m.control_id.clone(),
                    decision_code: code,
                    reasons: json!(reasons).to_string(),
                    candidate_order_id: candidate_order_id.clone(),
                    raw_message: d.raw.to_string(),
                    parsed: super::result_json::parsed_summary(m).to_string(),
                    status: ReviewStatus::PendingCustomer,
                    resolution_note: None,
                    resolved_order_id: None,
                    decided_by: None,
                    decided_at: None,
                    version: 1,
                    created_at: crate::db::now(),
                };
                unmatched_db::insert(conn, &row)?;
                // The Team whose order the result most likely is hears of it.
                if let (Some(org), Some(team)) = (&row.org_id, &row.team_id) {
                    let data = crate::wire::match_review(&row);
                    let event = WebhookEventType::MatchReviewCreated;
                    outbox::match_review(conn, event, org, team, data)?;
                }
                audit::record(
                    conn,
                    actor,
                    AuditEntry {
                        action: AuditAction::ResultQueued,
                        entity_type: EntityType::UnmatchedResult,
                        entity_id: id.as_str(),
                        org_id: org_id.as_ref(),
                        team_id: None,
                        summary: format!(
                            "Result from {} queued for review: {}",
                            d.lab,
                            code.label()
                        ),
                        details: json!({"decision_code": code.as_str(), "reasons": reasons, "control_id": m.control_id}),
                    },
                )?;
                Outcome::Queued {
                    unmatched_id: id,
                    code,
                }
            }
        };
        let (result_id, unmatched_id) = match &outcome {
            Outcome::Attached { result_id, .. } => (Some(result_id), None),
            Outcome::Queued { unmatched_id, .. } => (None, Some(unmatched_id)),
            Outcome::Duplicate { .. } => (None, None),
        };
        results_db::record_inbound(
            conn,
            d.lab,
            &m.control_id,
            d.format,
            outcome.word(),
            result_id,
            unmatched_id,
        )?;
        Ok(outcome)
    })
}

/// A delivery that could not be read is kept nowhere but the audit log: where the problem was
/// and what kind, never a value from the message (a refused field may be patient data).
pub fn record_rejection(
    conn: &mut DbConnection,
    actor: &Actor,
    lab: LabSlug,
    refusal: &Refusal,
) -> Result<(), AppError> {
    write_tx(conn, |conn| {
        audit::record(
            conn,
            actor,
            AuditEntry {
                action: AuditAction::ResultRejected,
                entity_type: EntityType::LabDelivery,
                entity_id: lab.as_str(),
                org_id: None,
                team_id: None,
                summary: format!("Delivery from {lab} rejected: {}", refusal.audit_text()),
                details: json!({"field": refusal.field(), "error": refusal.kind()}),
            },
        )
    })
}
