//! The orders pages: the list (filters, keyset pages), one order with its results (an audited
//! PHI read), cancelling it, and the sandbox's "Advance". Which orders a person sees is
//! `domain::access::order_visibility`.
pub mod cancel;
pub mod filters;
pub mod list;
pub mod results;
pub mod sandbox;
pub mod show;

use crate::db::orgs;
use crate::db::DbConnection;
use crate::domain::access::{order_visibility, Action, OrderVisibility, Principal};
use crate::domain::order_input::PatientDetails;
use crate::domain::order_status::{HighStatus, LowStatus};
use crate::error::AppError;
use crate::service::orders::{self as orders_service, OrderView};
use crate::web::policy;

/// The org's Teams whose orders this person sees: all of them, or a clinician's own.
pub fn visible_teams(
    conn: &mut DbConnection,
    p: &Principal,
    org_id: &str,
) -> Result<Vec<orgs::Team>, AppError> {
    let teams = orgs::list_teams(conn, org_id)?;
    Ok(match order_visibility(p) {
        OrderVisibility::WholeOrg => teams,
        OrderVisibility::Teams(mine) => {
            teams.into_iter().filter(|t| mine.contains(&t.id)).collect()
        }
    })
}

pub fn visible_team_ids(
    conn: &mut DbConnection,
    p: &Principal,
    org_id: &str,
) -> Result<Vec<String>, AppError> {
    Ok(visible_teams(conn, p, org_id)?
        .into_iter()
        .map(|t| t.id)
        .collect())
}

/// An order of this org that the person may see; anything else is "not found".
pub fn load_visible(
    conn: &mut DbConnection,
    p: &Principal,
    org_id: &str,
    order_id: &str,
) -> Result<OrderView, AppError> {
    let order = orders_service::load(conn, order_id)?.ok_or(AppError::NotFound)?;
    if order.row.org_id != org_id {
        return Err(AppError::NotFound);
    }
    policy::authorize(
        p,
        Action::ViewOrder {
            org_id,
            team_id: &order.row.team_id,
        },
    )?;
    Ok(order)
}

pub fn orders_url(org_id: &str) -> String {
    format!("/orgs/{org_id}/orders")
}

pub fn order_url(org_id: &str, order_id: &str) -> String {
    format!("/orgs/{org_id}/orders/{order_id}")
}

pub fn patient_name(d: &PatientDetails) -> String {
    format!("{} {}", d.first_name, d.last_name)
}

/// An order's status as a badge: the low-level label, coloured by its high-level status.
pub struct StatusBadge {
    pub high: &'static str,
    pub low: String,
    pub label: String,
}

impl StatusBadge {
    pub fn new(high: &str, low: &str) -> StatusBadge {
        let high = high
            .parse::<HighStatus>()
            .map(HighStatus::as_str)
            .unwrap_or("unknown");
        let label = low
            .parse::<LowStatus>()
            .map(LowStatus::label)
            .unwrap_or_else(|_| low.to_string());
        StatusBadge {
            high,
            low: low.to_string(),
            label,
        }
    }
}

/// A fixed notice after a redirect (`?done=...`): never text from the URL itself.
pub fn done_notice(done: Option<&str>) -> Option<String> {
    match done {
        Some("cancelled") => Some("Order cancelled.".to_string()),
        Some("advanced") => Some("Sandbox: the order moved one step forward.".to_string()),
        Some("corrected") => Some("Sandbox: a corrected result was sent.".to_string()),
        _ => None,
    }
}
