//! Cancelling an order: under the order's lock, where its status allows it, with its audit row.
use serde_json::json;

use crate::db::audit::{self, AuditEntry};
use crate::db::orders as orders_db;
use crate::db::{write_tx, DbConnection};
use crate::domain::actor::Actor;
use crate::domain::audit::{AuditAction, EntityType};
use crate::domain::ids::{OrderId, TeamId};
use crate::domain::order_status::LowStatus;
use crate::service::order_errors::CancelError;
use crate::service::orders::{load_for_teams, OrderView};

/// Cancels an order of one of these Teams where its status allows it; returns it as it is now.
pub fn cancel(
    conn: &mut DbConnection,
    actor: &Actor,
    order_id: &OrderId,
    team_ids: &[TeamId],
) -> Result<OrderView, CancelError> {
    write_tx(conn, |conn| {
        crate::db::locks::take_order(conn, order_id)?;
        let order = load_for_teams(conn, order_id, team_ids)?;
        let (low, method) = (order.low(), order.method());
        if !low.cancellable() {
            return Err(CancelError::NotCancellable { status: low });
        }
        let to = LowStatus::Cancelled;
        orders_db::add_event(conn, order_id, method, to)?;
        crate::service::webhooks::outbox::order_updated_by_id(conn, order_id)?;
        crate::service::lab_outbox::order_cancelled(conn, order_id)?;
        audit::record(
            conn,
            actor,
            AuditEntry {
                action: AuditAction::OrderCancelled,
                entity_type: EntityType::Order,
                entity_id: order_id.as_str(),
                org_id: Some(&order.row.org_id),
                team_id: Some(&order.row.team_id),
                summary: format!("Order cancelled (was {})", low.as_str()),
                details: json!({"before": low.as_str(), "after": to.as_str()}),
            },
        )?;
        Ok(load_for_teams(conn, order_id, team_ids)?)
    })
}
