//! The audit rows of reads of the queue: an item or a page of items names a patient, so
//! showing one is a PHI read, recorded whether the dashboard or a Team key asked.
use serde_json::json;

use crate::db::audit::{self, AuditEntry};
use crate::db::unmatched::UnmatchedRow;
use crate::db::DbConnection;
use crate::domain::actor::Actor;
use crate::domain::audit::{AuditAction, EntityType};
use crate::domain::ids::{OrgId, ReviewItemId, TeamId};
use crate::error::AppError;

/// Reading an item shows what the lab sent about a patient: a PHI read, audited (the dashboard's
/// item page and a Team key's `GET /v3/unmatched_result/{id}` alike).
pub fn record_view(
    conn: &mut DbConnection,
    actor: &Actor,
    item: &UnmatchedRow,
) -> Result<(), AppError> {
    audit::record_read(
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
        audit::record_read(
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
