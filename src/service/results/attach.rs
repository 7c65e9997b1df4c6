//! A delivery put on an order as its next result version: the values as biomarkers with their
//! interpretation, the order's status following the result's, and the audit row. Matching
//! deliveries and reviewers' accepts both end here.
use chrono::NaiveDateTime;
use serde_json::json;

use crate::db::audit::{self, AuditEntry};
use crate::db::orders as orders_db;
use crate::db::results::{self as results_db, BiomarkerRow, ResultRow};
use crate::db::DbConnection;
use crate::domain::actor::Actor;
use crate::domain::audit::{AuditAction, EntityType};
use crate::domain::ids::{LabAccountId, OrderId, ResultId};
use crate::domain::order_status::LowStatus;
use crate::domain::result_values::{
    interpret, overall, parse_number, parse_range, Interpretation, ResultStatus,
};
use crate::error::AppError;
use crate::hl7::oru::OruMessage;
use crate::service::webhooks::outbox;

fn slug(name: &str, code: &str) -> String {
    let base = if name.trim().is_empty() { code } else { name };
    base.trim()
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

fn value_type(hl7_type: &str, numeric: bool) -> &'static str {
    match hl7_type {
        "NM" if numeric => "numeric",
        "SN" => "range",
        "CE" | "CWE" | "CNE" => "coded_value",
        _ if numeric => "numeric",
        _ => "comment",
    }
}

/// Biomarker rows and the overall interpretation of one delivery.
pub fn biomarkers(result_id: &ResultId, m: &OruMessage) -> (Vec<BiomarkerRow>, Interpretation) {
    let mut rows = Vec::new();
    let mut levels = Vec::new();
    for obx in m.orders.iter().flat_map(|o| o.observations.iter()) {
        if obx.missing {
            continue;
        }
        let numeric = parse_number(&obx.value);
        let (min, max) = parse_range(&obx.reference_range);
        let level = interpret(&obx.abnormal_flags, numeric, min, max);
        levels.push(level);
        rows.push(BiomarkerRow {
            result_id: result_id.clone(),
            position: rows.len() as i32,
            name: if obx.name.is_empty() {
                obx.code.clone()
            } else {
                obx.name.clone()
            },
            slug: slug(&obx.name, &obx.code),
            code: obx.code.clone(),
            loinc: (obx.coding_system == "LN").then(|| obx.code.clone()),
            value_type: value_type(&obx.value_type, numeric.is_some()).to_string(),
            result: obx.value.clone(),
            numeric_value: numeric,
            unit: (!obx.units.is_empty()).then(|| obx.units.clone()),
            reference_range: (!obx.reference_range.is_empty()).then(|| obx.reference_range.clone()),
            min_range: min,
            max_range: max,
            flags: json!(obx.abnormal_flags).to_string(),
            interpretation: level,
            observed_at: obx.observed_at,
        });
    }
    (rows, overall(levels))
}

fn metadata(m: &OruMessage, received_at: NaiveDateTime) -> serde_json::Value {
    let first = m.orders.first();
    json!({
        "specimen_number": first.and_then(|o| o.filler_order_number.clone()),
        "date_collected": first.and_then(|o| o.collected_at).map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string()),
        "date_reported": first.and_then(|o| o.reported_at).or(m.sent_at).map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string()),
        "date_received": received_at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        "laboratory": m.sending_facility,
        "sending_application": m.sending_application,
        "patient_id": m.patient.id,
        "missing_results": missing_results(m),
    })
}

/// The observations the lab reported as "cannot be obtained" (OBX-11 `X`), as Junction's
/// `MissingBiomarkerResult`.
fn missing_results(m: &OruMessage) -> serde_json::Value {
    let missing: Vec<serde_json::Value> = m
        .orders
        .iter()
        .flat_map(|o| o.observations.iter())
        .filter(|obx| obx.missing)
        .map(|obx| {
            let name = if obx.name.is_empty() {
                &obx.code
            } else {
                &obx.name
            };
            json!({
                "name": name,
                "slug": slug(&obx.name, &obx.code),
                "inferred_failure_type": "unknown_failure",
                "note": "The lab could not obtain this result.",
                "loinc": (obx.coding_system == "LN").then(|| obx.code.clone()),
                "loinc_slug": null,
                "provider_id": obx.code,
                "source_markers": null,
            })
        })
        .collect();
    json!(missing)
}

/// Moves the order's status with its results: partial, final, corrected.
fn follow_status(
    conn: &mut DbConnection,
    order_id: &OrderId,
    status: ResultStatus,
    interpretation: Interpretation,
) -> Result<(), AppError> {
    let order = orders_db::find(conn, order_id)?.ok_or(AppError::NotFound)?;
    let method = order.collection_method;
    let low = match status {
        ResultStatus::Preliminary => LowStatus::PartialResults,
        ResultStatus::Final => LowStatus::Completed,
        ResultStatus::Corrected => LowStatus::Corrected,
    };
    let moved = order.status_low != low;
    if moved {
        orders_db::add_event(conn, order_id, method, low)?;
    }
    orders_db::set_interpretation(conn, order_id, interpretation)?;
    if moved {
        outbox::order_updated_by_id(conn, order_id)?;
    }
    Ok(())
}

/// Attaches a delivery to an order as its next result version (also used by reviewers' accepts).
pub fn attach(
    conn: &mut DbConnection,
    actor: &Actor,
    order_id: &OrderId,
    account_id: &LabAccountId,
    m: &OruMessage,
    source: &str,
) -> Result<(ResultId, i32), AppError> {
    crate::db::locks::take_order(conn, order_id)?;
    let order = orders_db::find(conn, order_id)?.ok_or(AppError::NotFound)?;
    let result_id = ResultId::new();
    let version = results_db::next_version(conn, order_id)?;
    let (markers, interpretation) = biomarkers(&result_id, m);
    let now = crate::db::now();
    let status = m.status();
    let row = ResultRow {
        id: result_id.clone(),
        order_id: order_id.clone(),
        lab_account_id: account_id.clone(),
        version,
        status,
        interpretation,
        control_id: m.control_id.clone(),
        metadata: metadata(m, now).to_string(),
        source: source.to_string(),
        created_at: now,
    };
    results_db::insert(conn, &row, &markers)?;
    follow_status(conn, order_id, status, interpretation)?;
    if interpretation == Interpretation::Critical {
        let sample = m.orders.first().and_then(|o| o.filler_order_number.clone());
        outbox::critical_result(conn, &order, &row, &sample.unwrap_or_default())?;
    }
    audit::record(
        conn,
        actor,
        AuditEntry {
            action: AuditAction::ResultAttached,
            entity_type: EntityType::Order,
            entity_id: order_id.as_str(),
            org_id: Some(&order.org_id),
            team_id: Some(&order.team_id),
            summary: format!(
                "Result version {version} ({}) attached, {} values, {}",
                status.as_str(),
                markers.len(),
                interpretation.as_str()
            ),
            details: json!({"result_id": result_id, "version": version, "control_id": m.control_id, "source": source}),
        },
    )?;
    Ok((result_id, version))
}
