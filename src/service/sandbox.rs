//! Sandbox deployments: move an order forward and produce its results through the same ingestion
//! path a lab uses, so a demo needs no lab.
use chrono::Duration;
use serde_json::json;

use crate::db::audit::{self, AuditEntry};
use crate::db::orders as orders_db;
use crate::db::results as results_db;
use crate::db::{write_tx, DbConnection};
use crate::domain::actor::Actor;
use crate::domain::audit::{AuditAction, EntityType};
use crate::domain::ids::{OrderId, TeamId};
use crate::domain::order_status::LowStatus;
use crate::domain::result_values::parse_range;
use crate::domain::simulation::{
    plan, simulated_value, PlanError, SimulatedValue, Simulation, SimulationFlags,
};
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::hl7::build::{self, typical, Value};
use crate::hl7::oru;
use crate::service::order_cancel::cancel;
use crate::service::orders::{load_for_teams, OrderView};
use crate::service::results::{ingest, Delivery, Outcome};

/// Why the sandbox did not move an order.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// The status asked for is not one an order of this collection method has: a validation
    /// error on `final_status`.
    #[error("{0}")]
    NotForMethod(PlanError),
    /// The order cannot get there from where it is.
    #[error("{0}")]
    Unreachable(PlanError),
    /// The dashboard's "corrected result" button, for an order not completed yet.
    #[error("A corrected result can be sent once the order is completed; it is {status}.")]
    NotCompleted { status: LowStatus },
    #[error(transparent)]
    Failed(#[from] AppError),
}

impl From<SandboxError> for AppError {
    fn from(e: SandboxError) -> AppError {
        match e {
            SandboxError::Failed(inner) => inner,
            SandboxError::NotForMethod(why) => {
                let mut errors = FieldErrors::default();
                errors.push_at(&["query", "final_status"], why.to_string(), "enum");
                AppError::invalid(errors)
            }
            SandboxError::NotCompleted { .. } => {
                AppError::rule("order_not_completed", e.to_string())
            }
            SandboxError::Unreachable(why) => {
                let code = match why {
                    PlanError::Closed { .. } => "order_closed",
                    PlanError::Finished { .. } => "order_finished",
                    PlanError::NotCancellable { .. } => "order_not_cancellable",
                    PlanError::NotAhead { .. } | PlanError::NotForMethod { .. } => {
                        "order_status_not_ahead"
                    }
                };
                AppError::rule(code, why.to_string())
            }
        }
    }
}

fn markers(order: &OrderView) -> Vec<(String, String)> {
    order
        .tests
        .iter()
        .flat_map(|t| {
            serde_json::from_str::<Vec<serde_json::Value>>(&t.markers).unwrap_or_default()
        })
        .map(|m| {
            (
                m["slug"].as_str().unwrap_or("marker").to_string(),
                m["name"].as_str().unwrap_or("Marker").to_string(),
            )
        })
        .collect()
}

/// Where in its range a marker's made-up value sits, 0..1: the same for the same order and
/// marker (a partial and the final result agree) but different between orders, so a patient's
/// values over several sandbox orders form a trend rather than a flat line.
fn spread(order_id: &OrderId, slug: &str) -> f64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in order_id.as_str().bytes().chain(slug.bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (h % 31) as f64 / 30.0
}

/// Generates and ingests a result message for the order: P (partial), F (final) or C
/// (corrected), its values made up as `flags` ask.
fn deliver_result(
    conn: &mut DbConnection,
    actor: &Actor,
    order: &OrderView,
    status: &str,
    flags: &SimulationFlags,
) -> Result<Outcome, AppError> {
    let version = results_db::versions(conn, &order.row.id)?.len() + 1;
    let all = markers(order);
    // A partial result reports the first half of the markers.
    let shown = if status == "P" {
        all.len().div_ceil(2)
    } else {
        all.len()
    };
    // The marker a final result leaves out when the flags ask for one missing: the last.
    let missing = (flags.has_missing_results && status != "P")
        .then(|| all.len().checked_sub(1))
        .flatten();
    let made_up: Vec<(SimulatedValue, &'static str, &'static str)> = all
        .iter()
        .take(shown)
        .enumerate()
        .map(|(i, (slug, _))| {
            let (typical, unit, range) = typical(slug);
            let mut at = spread(&order.row.id, slug);
            // A correction changes the last value, within the same interpretation.
            if status == "C" && i + 1 == shown {
                at = (at + 0.37) % 1.0;
            }
            let kind = flags.result_type(i);
            let value = simulated_value(
                kind,
                flags.interpretation,
                typical,
                parse_range(range),
                range,
                at,
            );
            (value, unit, range)
        })
        .collect();
    let values: Vec<Value> = all
        .iter()
        .zip(&made_up)
        .enumerate()
        .map(|(i, ((slug, name), (v, unit, _)))| Value {
            code: slug,
            name,
            value_type: v.hl7_type,
            value: v.value.clone(),
            unit: if v.hl7_type == "NM" || v.hl7_type == "SN" {
                unit
            } else {
                ""
            },
            range: &v.range,
            flag: v.flag,
            missing: missing == Some(i),
        })
        .collect();
    let now = crate::db::now();
    let control_id = format!(
        "SBX-{}-{version}-{}",
        &order.row.id.as_str()[..8],
        uuid::Uuid::new_v4().simple()
    );
    let text = build::write(&build::Oru {
        control_id: &control_id,
        sending_facility: order
            .lab
            .as_ref()
            .map(|l| l.name.as_str())
            .unwrap_or("Sandbox Lab"),
        account_number: &order.account.provider_account_id,
        placer_order_number: order.row.id.as_str(),
        accession: &format!("SBX-{}", &order.row.id.as_str()[..8]),
        last_name: &order.details.last_name,
        first_name: &order.details.first_name,
        dob: order.details.dob,
        sex: match order.details.gender.as_str() {
            "female" => "F",
            "male" => "M",
            _ => "U",
        },
        status,
        collected_at: now - Duration::hours(20),
        reported_at: now,
        values,
    });
    let message = oru::read(&text)
        .map_err(|e| AppError::Internal(format!("sandbox message does not read: {e}")))?;
    ingest(
        conn,
        actor,
        &Delivery {
            lab: order.row.lab_slug,
            format: "hl7",
            raw: &text,
            message: &message,
        },
    )
}

fn move_to(
    conn: &mut DbConnection,
    actor: &Actor,
    order: &OrderView,
    low: LowStatus,
) -> Result<(), AppError> {
    let method = order.method();
    write_tx(conn, |conn| {
        crate::db::locks::take_order(conn, &order.row.id)?;
        orders_db::add_event(conn, &order.row.id, method, low)?;
        crate::service::webhooks::outbox::order_updated_by_id(conn, &order.row.id)?;
        audit::record(
            conn,
            actor,
            AuditEntry {
                action: AuditAction::OrderStatusChanged,
                entity_type: EntityType::Order,
                entity_id: order.row.id.as_str(),
                org_id: Some(&order.row.org_id),
                team_id: Some(&order.row.team_id),
                summary: format!("Sandbox moved the order to {}", low.label()),
                details: json!({"status": low.as_str(), "sandbox": true}),
            },
        )
    })
}

/// Moves the order along its collection method's lifecycle to `target` (the whole success path
/// to completed when there is none), producing results through ingestion on the way, as
/// Junction's sandbox does; the steps taken, in order.
pub fn advance(
    conn: &mut DbConnection,
    actor: &Actor,
    order_id: &OrderId,
    team_ids: &[TeamId],
    asked: &Simulation,
) -> Result<Vec<LowStatus>, SandboxError> {
    let flags = &asked.flags;
    let order = load_for_teams(conn, order_id, team_ids)?;
    let steps = plan(order.method(), order.low(), asked.target).map_err(|e| match e {
        PlanError::NotForMethod { .. } => SandboxError::NotForMethod(e),
        other => SandboxError::Unreachable(other),
    })?;
    for step in &steps {
        // Read again: each result version and marker list follows the one before.
        let order = load_for_teams(conn, order_id, team_ids)?;
        match step {
            LowStatus::PartialResults => drop(deliver_result(conn, actor, &order, "P", flags)?),
            LowStatus::Completed => drop(deliver_result(conn, actor, &order, "F", flags)?),
            LowStatus::Corrected => drop(deliver_result(conn, actor, &order, "C", flags)?),
            // The real cancellation, with its own checks and audit row.
            LowStatus::Cancelled => {
                drop(cancel(conn, actor, order_id, team_ids).map_err(AppError::from)?)
            }
            other => move_to(conn, actor, &order, *other)?,
        }
    }
    Ok(steps)
}

#[cfg(test)]
mod tests {
    use super::spread;
    use crate::domain::ids::OrderId;

    #[test]
    fn sandbox_values_vary_by_order_but_not_between_versions() {
        let order = |text: &str| text.parse::<OrderId>().unwrap();
        let a = spread(&order("order-a"), "ldl");
        assert_eq!(a, spread(&order("order-a"), "ldl"));
        let all: Vec<f64> = (0..50)
            .map(|i| spread(&order(&format!("order-{i}")), "ldl"))
            .collect();
        assert!(all.iter().all(|v| (0.0..=1.0).contains(v)), "{all:?}");
        assert!(all.iter().any(|v| (*v - a).abs() > 0.1));
    }
}
