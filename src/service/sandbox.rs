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
use crate::domain::order_status::{event_status, sandbox_next, HighStatus, LowStatus};
use crate::error::AppError;
use crate::hl7::build::{self, typical, Value};
use crate::hl7::oru;
use crate::service::orders::{load_for_teams, OrderView};
use crate::service::results::{ingest, Delivery, Outcome};

/// Why the sandbox did not move an order.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// Cancelled or failed: it goes nowhere.
    #[error("The order is {status} and cannot move forward.")]
    Closed { status: LowStatus },
    /// At the end of its path; only a corrected result can still come.
    #[error(
        "The order is already {status}; use final_status=corrected to send a corrected result."
    )]
    Finished { status: LowStatus },
    /// The dashboard's "corrected result" button, for an order not completed yet (the sandbox
    /// itself would first walk it all the way to completed).
    #[error("A corrected result can be sent once the order is completed; it is {status}.")]
    NotCompleted { status: LowStatus },
    #[error(transparent)]
    Failed(#[from] AppError),
}

impl From<SandboxError> for AppError {
    fn from(e: SandboxError) -> AppError {
        match e {
            SandboxError::Closed { .. } => AppError::rule("order_closed", e.to_string()),
            SandboxError::Finished { .. } => AppError::rule("order_finished", e.to_string()),
            SandboxError::NotCompleted { .. } => {
                AppError::rule("order_not_completed", e.to_string())
            }
            SandboxError::Failed(e) => e,
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

/// A typical value moved by up to 15% either way, the same for the same order and marker (a
/// partial and the final result agree) but different between orders, so a patient's values over
/// several sandbox orders form a trend rather than a flat line.
fn varied(typical: f64, order_id: &OrderId, slug: &str) -> f64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in order_id.as_str().bytes().chain(slug.bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    typical * (0.85 + (h % 31) as f64 / 100.0)
}

/// Generates and ingests a result message for the order: P (partial), F (final) or C (corrected).
fn deliver_result(
    conn: &mut DbConnection,
    actor: &Actor,
    order: &OrderView,
    status: &str,
) -> Result<Outcome, AppError> {
    let version = results_db::versions(conn, &order.row.id)?.len() + 1;
    let all = markers(order);
    // A partial result reports the first half of the markers; a corrected one changes the last value.
    let shown = if status == "P" {
        all.len().div_ceil(2)
    } else {
        all.len()
    };
    let values: Vec<Value> = all
        .iter()
        .take(shown)
        .enumerate()
        .map(|(i, (slug, name))| {
            let (value, unit, range) = typical(slug);
            let value = varied(value, &order.row.id, slug);
            let value = if status == "C" && i + 1 == shown {
                value * 1.1
            } else {
                value
            };
            Value {
                code: slug,
                name,
                value: format!("{value:.1}"),
                unit,
                range,
                flag: "",
            }
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
        orders_db::add_event(conn, &order.row.id, &event_status(method, low), low)?;
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

/// Advances the order one step, or to `target` (including `corrected` after `completed`).
pub fn advance(
    conn: &mut DbConnection,
    actor: &Actor,
    order_id: &OrderId,
    team_ids: &[TeamId],
    target: Option<LowStatus>,
) -> Result<(), SandboxError> {
    let mut steps = 0;
    loop {
        let order = load_for_teams(conn, order_id, team_ids)?;
        let (low, method) = (order.low(), order.method());
        if matches!(low.high(), HighStatus::Cancelled | HighStatus::Failed) {
            return Err(SandboxError::Closed { status: low });
        }
        let next = match (target, sandbox_next(method, low)) {
            (Some(t), _) if t == low => return Ok(()),
            (Some(LowStatus::Corrected), None) | (None, None)
                if low == LowStatus::Completed && target.is_some() =>
            {
                LowStatus::Corrected
            }
            (_, Some(next)) => next,
            (_, None) => {
                return if steps > 0 {
                    Ok(())
                } else {
                    Err(SandboxError::Finished { status: low })
                }
            }
        };
        match next {
            LowStatus::PartialResults => drop(deliver_result(conn, actor, &order, "P")?),
            LowStatus::Completed => drop(deliver_result(conn, actor, &order, "F")?),
            LowStatus::Corrected => drop(deliver_result(conn, actor, &order, "C")?),
            other => move_to(conn, actor, &order, other)?,
        }
        steps += 1;
        if target.is_none() || steps > 20 || next == LowStatus::Corrected {
            return Ok(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::varied;
    use crate::domain::ids::OrderId;

    #[test]
    fn sandbox_values_vary_by_order_but_not_between_versions() {
        let order = |text: &str| text.parse::<OrderId>().unwrap();
        let a = varied(100.0, &order("order-a"), "ldl");
        assert_eq!(a, varied(100.0, &order("order-a"), "ldl"));
        let all: Vec<f64> = (0..50)
            .map(|i| varied(100.0, &order(&format!("order-{i}")), "ldl"))
            .collect();
        assert!(all.iter().all(|v| (85.0..=115.0).contains(v)), "{all:?}");
        assert!(all.iter().any(|v| (*v - a).abs() > 1.0));
    }
}
