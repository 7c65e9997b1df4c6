//! Reads of orders and results that show patient data, each next to its audit row: a Team key's
//! order list and result reads, and the dashboard's orders list. The audit row says who read
//! which orders (ids only: names and dates of birth never go into the audit log).
use serde_json::json;

use crate::db::audit::{self, AuditEntry};
use crate::db::orders::{self as orders_db, OrderFilter};
use crate::db::results::{self as results_db, BiomarkerRow, ResultRow};
use crate::db::{read_tx, DbConnection};
use crate::domain::actor::Actor;
use crate::domain::audit::{AuditAction, EntityType};
use crate::domain::ids::{OrderId, OrgId, ResultId, TeamId};
use crate::error::AppError;
use crate::service::orders::{self, OrderView};

/// A Team's API key reading its Team's data: who, for the audit log, and which Team.
#[derive(Debug, Clone, Copy)]
pub struct TeamReader<'a> {
    pub actor: &'a Actor,
    pub org_id: &'a OrgId,
    pub team_id: &'a TeamId,
}

/// Whose orders a list showed: a Team's (its API key) or an org's (the dashboard).
#[derive(Debug, Clone, Copy)]
pub enum ListedFrom<'a> {
    Team {
        org_id: &'a OrgId,
        team_id: &'a TeamId,
    },
    Org {
        org_id: &'a OrgId,
    },
}

/// A list of orders was shown: one `order.listed` row naming every order on it. Nothing shown,
/// nothing read: no row.
pub fn record_list(
    conn: &mut DbConnection,
    actor: &Actor,
    from: ListedFrom<'_>,
    order_ids: &[OrderId],
) -> Result<(), AppError> {
    if order_ids.is_empty() {
        return Ok(());
    }
    let (entity_type, entity_id, org_id, team_id) = match from {
        ListedFrom::Team { org_id, team_id } => {
            (EntityType::Team, team_id.as_str(), org_id, Some(team_id))
        }
        ListedFrom::Org { org_id } => (EntityType::Org, org_id.as_str(), org_id, None),
    };
    audit::record_read(
        conn,
        actor,
        AuditEntry {
            action: AuditAction::OrderListed,
            entity_type,
            entity_id,
            org_id: Some(org_id),
            team_id,
            summary: format!("Orders list viewed: {} order(s)", order_ids.len()),
            details: json!({"order_ids": order_ids}),
        },
    )
}

/// One numbered page of a Team's orders and the total matching, audited. `filter`'s Team scope
/// is set here from the key, whatever the caller put there.
pub fn list_for_team(
    conn: &mut DbConnection,
    reader: TeamReader<'_>,
    filter: OrderFilter,
    page: i64,
    size: i64,
    ascending: bool,
) -> Result<(Vec<OrderView>, i64), AppError> {
    let TeamReader {
        actor,
        org_id,
        team_id,
    } = reader;
    let filter = OrderFilter {
        org_id: None,
        team_ids: Some(vec![team_id.clone()]),
        ..filter
    };
    let (out, total) = read_tx(conn, |conn| {
        let (rows, total) = orders_db::list_numbered(conn, &filter, page, size, ascending)?;
        Ok::<_, AppError>((orders::load_many(conn, rows)?, total))
    })?;
    let ids: Vec<OrderId> = out.iter().map(|o| o.row.id.clone()).collect();
    record_list(conn, actor, ListedFrom::Team { org_id, team_id }, &ids)?;
    Ok((out, total))
}

/// One order of the key's Team, audited as `order.viewed`; another Team's order is "not found"
/// (and nothing is recorded).
pub fn order_for_team(
    conn: &mut DbConnection,
    reader: TeamReader<'_>,
    order_id: &OrderId,
) -> Result<OrderView, AppError> {
    let order = orders::load_for_teams(conn, order_id, std::slice::from_ref(reader.team_id))?;
    record_view(conn, reader.actor, &order, None)?;
    Ok(order)
}

/// An order was read (a PHI access); `result` is the result version shown with it, if any
/// (`(result id, version)`, the latest): one `order.viewed` row naming it, so the audit log says
/// which values were seen.
pub fn record_view(
    conn: &mut DbConnection,
    actor: &Actor,
    order: &OrderView,
    result: Option<(&ResultId, i32)>,
) -> Result<(), AppError> {
    let (summary, details) = match result {
        None => ("Order viewed".to_string(), json!({})),
        Some((id, version)) => (
            format!("Order viewed with result version {version}"),
            json!({"result_id": id, "result_version": version}),
        ),
    };
    audit::record_read(
        conn,
        actor,
        AuditEntry {
            action: AuditAction::OrderViewed,
            entity_type: EntityType::Order,
            entity_id: order.row.id.as_str(),
            org_id: Some(&order.row.org_id),
            team_id: Some(&order.row.team_id),
            summary,
            details,
        },
    )
}

/// The order's requisition PDF, its opening audited as a read of patient data.
pub fn requisition(
    conn: &mut DbConnection,
    actor: &Actor,
    order: &OrderView,
) -> Result<Vec<u8>, AppError> {
    let pdf = crate::service::requisition::pdf(order)?;
    audit::record_read(
        conn,
        actor,
        AuditEntry {
            action: AuditAction::RequisitionViewed,
            entity_type: EntityType::Order,
            entity_id: order.row.id.as_str(),
            org_id: Some(&order.row.org_id),
            team_id: Some(&order.row.team_id),
            summary: "Requisition opened".to_string(),
            details: json!({}),
        },
    )?;
    Ok(pdf)
}

/// The requisition of an order of this Team; another Team's order is "not found".
pub fn requisition_for_team(
    conn: &mut DbConnection,
    reader: TeamReader<'_>,
    order_id: &OrderId,
) -> Result<Vec<u8>, AppError> {
    let order = orders::load_for_teams(conn, order_id, std::slice::from_ref(reader.team_id))?;
    requisition(conn, reader.actor, &order)
}

/// Which part of a result was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultPart {
    Values,
    Metadata,
}

impl ResultPart {
    fn as_str(self) -> &'static str {
        match self {
            ResultPart::Values => "values",
            ResultPart::Metadata => "metadata",
        }
    }
}

/// An order's latest result as a Team reads it.
pub struct LatestResult {
    pub order: OrderView,
    pub result: ResultRow,
    pub markers: Vec<BiomarkerRow>,
}

/// The latest result of an order of this Team, audited as `result.viewed` naming the version
/// read. Another Team's order, or no result yet, is "not found" (and nothing is recorded).
pub fn latest_result_for_team(
    conn: &mut DbConnection,
    reader: TeamReader<'_>,
    order_id: &OrderId,
    part: ResultPart,
) -> Result<LatestResult, AppError> {
    let order = orders::load_for_teams(conn, order_id, std::slice::from_ref(reader.team_id))?;
    let result = results_db::versions(conn, order_id)?
        .pop()
        .ok_or(AppError::NotFound)?;
    let markers = match part {
        ResultPart::Values => results_db::biomarkers(conn, &result.id)?,
        ResultPart::Metadata => Vec::new(),
    };
    audit::record_read(
        conn,
        reader.actor,
        AuditEntry {
            action: AuditAction::ResultViewed,
            entity_type: EntityType::Order,
            entity_id: order.row.id.as_str(),
            org_id: Some(&order.row.org_id),
            team_id: Some(&order.row.team_id),
            summary: format!("Result version {} {} read", result.version, part.as_str()),
            details: json!({"result_id": result.id, "result_version": result.version, "part": part.as_str()}),
        },
    )?;
    Ok(LatestResult {
        order,
        result,
        markers,
    })
}
