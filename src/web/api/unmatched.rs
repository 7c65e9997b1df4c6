//! Team API review queue: `GET /v3/unmatched_result` and `/{id}`, limited to what the Team may
//! see (`service::team_queue`).
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

use super::keys::TeamKey;
use super::query;
use super::wire::rfc3339;
use crate::db::lab_tests;
use crate::db::unmatched::UnmatchedRow;
use crate::domain::ids::ReviewItemId;
use crate::domain::result_matching::DecisionCode;
use crate::domain::result_values::ResultStatus;
use crate::domain::review::ReviewStatus;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::service::team_queue::{self, Wanted};
use crate::web::{run_db, run_list_db, AppState};

/// UnmatchedResult
pub fn item(i: &UnmatchedRow, labs: &[lab_tests::LabRow]) -> Value {
    let parsed: Value = serde_json::from_str(&i.parsed).unwrap_or_else(|_| json!({}));
    let reasons: Vec<String> = serde_json::from_str(&i.reasons).unwrap_or_default();
    let (status, action) = crate::wire::review_status(i);
    let lab = labs.iter().find(|l| l.slug == i.lab_slug);
    json!({
        "id": i.id,
        "status": status,
        "decision_code": i.decision_code,
        "sub_reason_codes": if i.decision_code == DecisionCode::LabAccountMismatch { json!(["lab_account_mismatch"]) } else { json!([]) },
        "reason": format!("{}: {}", i.decision_code.label(), reasons.join(", ")),
        "reason_codes": reasons,
        "patient": parsed.get("patient"),
        "lab": {"id": lab.map(|l| l.id).unwrap_or(0), "name": lab.map(|l| l.name.clone()).unwrap_or_else(|| i.lab_slug.to_string()), "slug": i.lab_slug},
        "markers": parsed["observations"].as_array().map(|o| o.iter().map(|x| json!({"provider_id": x["code"], "name": x["name"]})).collect::<Vec<_>>()).unwrap_or_default(),
        "interpretation": null,
        "result_status": parsed["status"].as_str().map(|s| if s.parse() == Ok(ResultStatus::Preliminary) { "partial" } else { "final" }),
        "note": i.resolution_note,
        "resolution_action": action,
        "resolved_user_id": null,
        "resolved_order_id": i.resolved_order_id,
        "allowed_actions": if i.status.is_open() { json!(["accept", "reject", "escalate"]) } else { json!([]) },
        "candidate_groups": i.candidate_order_id.as_ref().map(|o| json!([{"order_ids": [o]}])).unwrap_or_else(|| json!([])),
        "lab_account_id": i.lab_account_id,
        "account_number": i.account_number,
        "placer_order_number": i.placer_order_number,
        "created_at": rfc3339(&i.created_at),
        "updated_at": rfc3339(&i.decided_at.unwrap_or(i.created_at)),
        "reviewed_at": i.decided_at.map(|t| rfc3339(&t)),
    })
}

#[derive(Deserialize)]
pub struct ListQuery {
    limit: Option<String>,
    next_cursor: Option<String>,
    decision_code: Option<String>,
    lab_slug: Option<String>,
    status: Option<String>,
}

fn invalid(field: &str, msg: &str) -> AppError {
    let mut e = FieldErrors::default();
    e.push_at(&["query", field], msg, "value_error");
    AppError::invalid(e)
}

/// Cursor: "<created_at micros>.<id>" of the last item of the previous page.
fn parse_cursor(text: &str) -> Result<(chrono::NaiveDateTime, ReviewItemId), AppError> {
    let (micros, id) = text
        .split_once('.')
        .ok_or_else(|| invalid("next_cursor", "not a cursor from this API"))?;
    let micros: i64 = micros
        .parse()
        .map_err(|_| invalid("next_cursor", "not a cursor from this API"))?;
    let at = chrono::DateTime::from_timestamp_micros(micros)
        .ok_or_else(|| invalid("next_cursor", "not a cursor from this API"))?;
    Ok((at.naive_utc(), query::uuid("query", "next_cursor", id)?))
}

/// `GET /v3/unmatched_result`: the Team's items only, an audited PHI read.
pub async fn list(
    state: web::Data<AppState>,
    key: TeamKey,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let limit: i64 = match q.limit.as_deref() {
        None => 50,
        Some(l) => l
            .parse()
            .ok()
            .filter(|n| (1..=100).contains(n))
            .ok_or_else(|| invalid("limit", "Input should be a whole number from 1 to 100"))?,
    };
    let decision_code = q
        .decision_code
        .as_deref()
        .map(str::parse::<DecisionCode>)
        .transpose()
        .map_err(|e| invalid("decision_code", &e))?;
    let statuses = match q.status.as_deref() {
        None => vec![],
        Some("pending_customer_review") => vec![ReviewStatus::PendingCustomer],
        Some("pending_ops_review") => vec![ReviewStatus::PendingOps],
        Some("resolved") => vec![ReviewStatus::Accepted, ReviewStatus::Rejected],
        Some(_) => {
            return Err(invalid(
                "status",
                "Input should be pending_customer_review, pending_ops_review or resolved",
            ))
        }
    };
    let wanted = Wanted {
        statuses,
        decision_code,
        lab: q.lab_slug.clone(),
        before: q.next_cursor.as_deref().map(parse_cursor).transpose()?,
    };
    let body = run_list_db(&state, move |conn| {
        let page = team_queue::list(conn, key.reader(), wanted, limit)?;
        let labs = lab_tests::list_labs(conn)?;
        let next = page.items.last().filter(|_| page.more).map(|r| format!("{}.{}", r.created_at.and_utc().timestamp_micros(), r.id));
        Ok(json!({"data": page.items.iter().map(|r| item(r, &labs)).collect::<Vec<_>>(), "next_cursor": next, "total": page.total}))
    })
    .await?;
    Ok(HttpResponse::Ok().json(body))
}

/// `GET /v3/unmatched_result/{id}`: an item the Team may see (else 404), an audited PHI read.
pub async fn get(
    state: web::Data<AppState>,
    key: TeamKey,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id: ReviewItemId = query::uuid("path", "raw_result_id", &path.into_inner())?;
    let body = run_db(&state, move |conn| {
        let row = team_queue::item(conn, key.reader(), &id)?;
        let labs = lab_tests::list_labs(conn)?;
        Ok(item(&row, &labs))
    })
    .await?;
    Ok(HttpResponse::Ok().json(body))
}
