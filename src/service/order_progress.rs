//! Moving an order forward through its lifecycle without a lab (demo data, sandbox): one event
//! per step along the collection method's path, and one audit row, in one transaction.
use serde_json::json;

use crate::db::audit::{self, AuditEntry};
use crate::db::orders as orders_db;
use crate::db::{write_tx, DbConnection};
use crate::domain::actor::Actor;
use crate::domain::audit::{AuditAction, EntityType};
use crate::domain::ids::OrderId;
use crate::domain::order_status::LowStatus;
use crate::domain::simulation::next_step;
use crate::error::AppError;

/// Why an order did not move.
#[derive(Debug, thiserror::Error)]
pub enum ProgressError {
    #[error("An order in status {from} cannot move forward to {to}.")]
    NotAhead { from: LowStatus, to: LowStatus },
    #[error(transparent)]
    Failed(#[from] AppError),
}

impl From<diesel::result::Error> for ProgressError {
    fn from(e: diesel::result::Error) -> Self {
        ProgressError::Failed(e.into())
    }
}

impl From<ProgressError> for AppError {
    fn from(e: ProgressError) -> AppError {
        match e {
            ProgressError::NotAhead { .. } => {
                AppError::rule("order_status_not_ahead", e.to_string())
            }
            ProgressError::Failed(e) => e,
        }
    }
}

/// Advances the order step by step until it reaches `to`; a status that is not ahead of the
/// order's current one on its path is refused and changes nothing.
pub fn advance(
    conn: &mut DbConnection,
    actor: &Actor,
    order_id: &OrderId,
    to: LowStatus,
) -> Result<(), ProgressError> {
    write_tx(conn, |conn| {
        crate::db::locks::take_order(conn, order_id)?;
        let order = orders_db::find(conn, order_id)?.ok_or(AppError::NotFound)?;
        let (from, method) = (order.status_low, order.collection_method);
        let mut steps = Vec::new();
        let mut at = from;
        while at != to {
            at = next_step(method, at).ok_or(ProgressError::NotAhead { from, to })?;
            steps.push(at);
        }
        for step in &steps {
            orders_db::add_event(conn, order_id, method, *step)?;
            crate::service::webhooks::outbox::order_updated_by_id(conn, order_id)?;
        }
        if steps.is_empty() {
            return Ok(());
        }
        Ok(audit::record(
            conn,
            actor,
            AuditEntry {
                action: AuditAction::OrderStatusChanged,
                entity_type: EntityType::Order,
                entity_id: order_id.as_str(),
                org_id: Some(&order.org_id),
                team_id: Some(&order.team_id),
                summary: format!("Order moved from {} to {}", from.label(), to.label()),
                details: json!({"before": from.as_str(), "after": to.as_str()}),
            },
        )?)
    })
}
