//! Team API results: `GET /v3/order/{id}/result` (LabResultsRaw), `/result/metadata`, and the
//! sandbox's `POST /v3/order/{id}/test`.
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

use super::keys::TeamKey;
use super::{query, simulation_body, wire_orders};
use crate::db::results::{BiomarkerRow, ResultRow};
use crate::domain::ids::OrderId;
use crate::domain::order_status::event_status;
use crate::domain::result_values::ResultStatus;
use crate::error::AppError;
use crate::service::order_reads::{self, ResultPart};
use crate::service::orders::{self, OrderView};
use crate::service::sandbox;
use crate::web::{run_db, AppState};

fn age_at(dob: chrono::NaiveDate, on: chrono::NaiveDate) -> i32 {
    use chrono::Datelike;
    let mut years = on.year() - dob.year();
    if (on.month(), on.day()) < (dob.month(), dob.day()) {
        years -= 1;
    }
    years
}

/// LabResultsMetadata of the latest result.
fn metadata(order: &OrderView, result: &ResultRow) -> Value {
    let m: Value = serde_json::from_str(&result.metadata).unwrap_or_else(|_| json!({}));
    let text = |k: &str| m.get(k).and_then(Value::as_str).map(str::to_string);
    let collected = text("date_collected");
    let age_on = collected
        .as_deref()
        .and_then(|c| chrono::DateTime::parse_from_rfc3339(c).ok())
        .map(|d| d.date_naive())
        .unwrap_or_else(|| result.created_at.date());
    let d = &order.details;
    json!({
        "age": age_at(d.dob, age_on).to_string(),
        "dob": d.dob.format("%Y-%m-%d").to_string(),
        "clia_#": null,
        "patient": format!("{} {}", d.first_name, d.last_name),
        "provider": order.physician.as_ref().map(|p| format!("{} {}", p.first_name, p.last_name)),
        "laboratory": text("laboratory").filter(|s| !s.is_empty()).or_else(|| order.lab.as_ref().map(|l| l.name.clone())),
        "date_reported": text("date_reported").unwrap_or_else(|| super::wire::rfc3339(&result.created_at)),
        "date_collected": collected,
        "specimen_number": text("specimen_number").unwrap_or_default(),
        "date_received": text("date_received"),
        "status": if result.status == ResultStatus::Preliminary { "partial" } else { "final" },
        "interpretation": result.interpretation,
        "patient_id": order.row.user_id,
        "account_id": order.account.provider_account_id,
    })
}

/// The result's `missing_results`, as ingestion recorded them (none for results stored before).
fn meta_missing(result: &ResultRow) -> Value {
    serde_json::from_str::<Value>(&result.metadata)
        .ok()
        .and_then(|m| m.get("missing_results").cloned())
        .filter(Value::is_array)
        .unwrap_or_else(|| json!([]))
}

/// BiomarkerResult
fn biomarker(b: &BiomarkerRow, reported: &str) -> Value {
    let flags: Vec<String> = serde_json::from_str(&b.flags).unwrap_or_default();
    json!({
        "name": b.name,
        "slug": b.slug,
        "value": b.numeric_value,
        "result": b.result,
        "type": b.value_type,
        "unit": b.unit,
        "timestamp": b.observed_at.map(|t| super::wire::rfc3339(&t)).unwrap_or_else(|| reported.to_string()),
        "notes": null,
        "reference_range": b.reference_range,
        "min_range_value": b.min_range,
        "max_range_value": b.max_range,
        "is_above_max_range": match (b.numeric_value, b.max_range) { (Some(v), Some(m)) => Some(v > m), _ => None },
        "is_below_min_range": match (b.numeric_value, b.min_range) { (Some(v), Some(m)) => Some(v < m), _ => None },
        "interpretation": b.interpretation,
        "source_interpretation": flags.join(","),
        "loinc": b.loinc,
        "provider_id": b.code,
    })
}

/// `GET /v3/order/{order_id}/result`: an audited PHI read (no result yet is a 404).
pub async fn result(
    state: web::Data<AppState>,
    key: TeamKey,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id: OrderId = query::uuid("path", "order_id", &path.into_inner())?;
    let body = run_db(&state, move |conn| {
        let read =
            order_reads::latest_result_for_team(conn, key.reader(), &id, ResultPart::Values)?;
        let meta = metadata(&read.order, &read.result);
        let reported = meta["date_reported"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        Ok(json!({
            "metadata": meta,
            "results": read.markers.iter().map(|b| biomarker(b, &reported)).collect::<Vec<_>>(),
            "missing_results": meta_missing(&read.result),
        }))
    })
    .await?;
    Ok(HttpResponse::Ok().json(body))
}

/// `GET /v3/order/{order_id}/result/metadata`: an audited PHI read.
pub async fn result_metadata(
    state: web::Data<AppState>,
    key: TeamKey,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id: OrderId = query::uuid("path", "order_id", &path.into_inner())?;
    let body = run_db(&state, move |conn| {
        let read =
            order_reads::latest_result_for_team(conn, key.reader(), &id, ResultPart::Metadata)?;
        Ok(metadata(&read.order, &read.result))
    })
    .await?;
    Ok(HttpResponse::Ok().json(body))
}

#[derive(Deserialize)]
pub struct TestQuery {
    final_status: Option<String>,
    delay: Option<String>,
}

/// `POST /v3/order/{order_id}/test`: sandbox deployments only. Takes the order through its
/// lifecycle to `final_status` (to completed without one) with made-up results, in this request.
pub async fn sandbox_test(
    state: web::Data<AppState>,
    key: TeamKey,
    path: web::Path<String>,
    q: web::Query<TestQuery>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    if !state.settings.is_sandbox() {
        return Err(AppError::NotFound);
    }
    let id: OrderId = query::uuid("path", "order_id", &path.into_inner())?;
    let asked = simulation_body::parse(q.final_status.as_deref(), q.delay.as_deref(), &body)?;
    let teams = vec![key.team_id.clone()];
    let actor = key.actor.clone();
    let body = run_db(&state, move |conn| {
        let steps = sandbox::advance(conn, &actor, &id, &teams, &asked)?;
        let order = orders::load_for_teams(conn, &id, &teams)?;
        let message = match steps.last() {
            Some(last) => format!("order moved to {}", event_status(order.method(), *last)),
            None => "order already there".to_string(),
        };
        Ok(wire_orders::post_order_response(&order, &message))
    })
    .await?;
    Ok(HttpResponse::Ok().json(body))
}

/// `GET /v3/order/{order_id}/requisition/pdf`: the requisition, an audited read.
pub async fn requisition(
    state: web::Data<AppState>,
    key: TeamKey,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id: OrderId = query::uuid("path", "order_id", &path.into_inner())?;
    let pdf = run_db(&state, move |conn| {
        order_reads::requisition_for_team(conn, key.reader(), &id)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header(("Cache-Control", "private, no-store"))
        .body(pdf))
}
