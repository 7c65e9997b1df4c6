//! The orders pages: the list (filters, keyset pages), one order with its results (an audited
//! PHI read), cancelling it, and the sandbox's "Advance". Which orders a person sees and what
//! they may do to them is decided in `service::org_orders` and `service::order_page`.
pub mod cancel;
pub mod filters;
pub mod lab_messages;
pub mod list;
pub mod results;
pub mod sandbox;
pub mod show;

use serde::Deserialize;

use crate::domain::ids::{OrderId, OrgId};
use crate::domain::order_input::PatientDetails;
use crate::domain::order_status::{HighStatus, LowStatus};

/// `/orgs/{org}/orders/{order_id}/...`
#[derive(Deserialize)]
pub struct OrderPath {
    pub org: OrgId,
    pub order_id: OrderId,
}

pub fn patient_name(d: &PatientDetails) -> String {
    format!("{} {}", d.first_name, d.last_name)
}

/// An order's status as a badge: the low-level label, coloured by its high-level status.
pub struct StatusBadge {
    pub high: &'static str,
    pub low: &'static str,
    pub label: String,
}

impl StatusBadge {
    pub fn new(high: HighStatus, low: LowStatus) -> StatusBadge {
        StatusBadge {
            high: high.as_str(),
            low: low.as_str(),
            label: low.label(),
        }
    }
}

/// The label of an event's `<high>.<method>.<low>` status: its low-level status's.
pub fn event_label(status: &str) -> String {
    let low = status.rsplit('.').next().unwrap_or(status);
    low.parse::<LowStatus>()
        .map(LowStatus::label)
        .unwrap_or_else(|_| low.to_string())
}

/// A fixed notice after a redirect (`?done=...`): never text from the URL itself.
pub fn done_notice(done: Option<&str>) -> Option<String> {
    match done {
        Some("cancelled") => Some("Order cancelled.".to_string()),
        Some("advanced") => Some("Sandbox: the order moved one step forward.".to_string()),
        Some("simulated") => Some("Sandbox: the order moved on.".to_string()),
        Some("corrected") => Some("Sandbox: a corrected result was sent.".to_string()),
        _ => None,
    }
}
