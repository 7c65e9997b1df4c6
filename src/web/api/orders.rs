//! Team API orders: create (idempotent), read, list, cancel.
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse, ResponseError};
use serde::Deserialize;
use serde_json::json;

use super::keys::TeamKey;
use super::{order_body, query, wire_orders};
use crate::db::orders::OrderFilter;
use crate::db::DbConnection;
use crate::domain::actor::Actor;
use crate::domain::ids::OrderId;
use crate::domain::order_input::OrderRequest;
use crate::domain::order_status::LowStatus;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::service::idempotency::{self, Outcome};
use crate::service::order_reads;
use crate::service::orders;
use crate::web::errors::api_body;
use crate::web::{run_db, run_list_db, AppState};

const IDEMPOTENCY_HEADER: &str = "x-idempotency-key";

fn json_response(status: StatusCode, body: String) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("application/json")
        .body(body)
}

/// Places the order and renders the response exactly as it will be replayed: a refusal (any
/// 4xx) is an answer too, a server error is an `Err`. `orders::create` undoes its own writes when
/// it refuses, so a refusal leaves nothing behind even inside an enclosing transaction.
fn place(
    conn: &mut DbConnection,
    actor: &Actor,
    parsed: Result<OrderRequest, AppError>,
) -> Result<(u16, String), AppError> {
    let placed = parsed.and_then(|req| {
        let order = orders::place(conn, actor, &req)?;
        wire_orders::post_order_json(&order, "order created")
            .map_err(|e| AppError::Internal(format!("writing an order as JSON: {e}")))
    });
    match placed {
        Ok(body) => Ok((StatusCode::OK.as_u16(), body)),
        Err(e) if e.status_code().is_client_error() => {
            let status = e.status_code();
            Ok((status.as_u16(), api_body(Some(&e), status, "").to_string()))
        }
        Err(e) => Err(e),
    }
}

fn stored_response(status: u16, body: String) -> HttpResponse {
    json_response(
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        body,
    )
}

/// `POST /v3/order`
pub async fn create(
    state: web::Data<AppState>,
    key: TeamKey,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let idem_key = req
        .headers()
        .get(IDEMPOTENCY_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
    if idem_key.as_ref().is_some_and(|k| k.len() > 255) {
        let mut e = FieldErrors::default();
        e.push_at(
            &["header", "X-Idempotency-Key"],
            "At most 255 characters",
            "string_too_long",
        );
        return Err(AppError::invalid(e));
    }
    // Reading the body costs in proportion to its size: off the async workers.
    let (team, org, keyed) = (key.team_id.clone(), key.org_id.clone(), idem_key.is_some());
    let (parsed, hash) = web::block(move || {
        let hash = keyed.then(|| idempotency::fingerprint(&body));
        (order_body::parse(&body, &team, &org), hash)
    })
    .await?;
    let actor = key.actor.clone();
    let (Some(idem_key), Some(hash)) = (idem_key, hash) else {
        let (status, body) = match parsed {
            // Nothing to store: a malformed body needs no database.
            Err(e) if e.status_code().is_client_error() => return Err(e),
            parsed => run_db(&state, move |conn| place(conn, &actor, parsed)).await?,
        };
        return Ok(stored_response(status, body));
    };
    let team = key.team_id.clone();
    let outcome = run_db(&state, move |conn| {
        idempotency::run_once(conn, &team, &idem_key, &hash, |conn| {
            place(conn, &actor, parsed)
        })
    })
    .await?;
    match outcome {
        Outcome::Answered { status, body } | Outcome::Replay { status, body } => {
            Ok(stored_response(status, body))
        }
        Outcome::StillRunning => Ok(json_response(
            StatusCode::CONFLICT,
            json!({"detail": "A request with this X-Idempotency-Key is still being processed; retry shortly."}).to_string(),
        )),
        Outcome::DifferentBody => {
            let mut e = FieldErrors::default();
            e.push_at(
                &["header", "X-Idempotency-Key"],
                "This X-Idempotency-Key was already used with a different request body",
                "value_error",
            );
            Err(AppError::invalid(e))
        }
    }
}

/// `GET /v3/order/{order_id}`: an audited PHI read.
pub async fn get(
    state: web::Data<AppState>,
    key: TeamKey,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id: OrderId = query::uuid("path", "order_id", &path.into_inner())?;
    let body = run_db(&state, move |conn| {
        let order = order_reads::order_for_team(conn, key.reader(), &id)?;
        Ok(wire_orders::order(&order))
    })
    .await?;
    Ok(HttpResponse::Ok().json(body))
}

/// `POST /v3/order/{order_id}/cancel`
pub async fn cancel(
    state: web::Data<AppState>,
    key: TeamKey,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id: OrderId = query::uuid("path", "order_id", &path.into_inner())?;
    let body = run_db(&state, move |conn| {
        let teams = [key.team_id.clone()];
        let order = orders::cancel(conn, &key.actor, &id, &teams)?;
        Ok(wire_orders::post_order_response(&order, "order cancelled"))
    })
    .await?;
    Ok(HttpResponse::Ok().json(body))
}

/// The body of `GET /v3/orders`.
#[derive(serde::Serialize)]
struct OrderPage<'a> {
    orders: Vec<wire_orders::WireOrder<'a>>,
    page: i64,
    size: i64,
    total: i64,
}

#[derive(Deserialize)]
pub struct ListQuery {
    page: Option<String>,
    size: Option<String>,
    user_id: Option<String>,
    start_date: Option<String>,
    end_date: Option<String>,
    order_direction: Option<String>,
    lab_account_id: Option<String>,
}

fn number(
    field: &str,
    value: &Option<String>,
    default: i64,
    min: i64,
    max: i64,
) -> Result<i64, AppError> {
    let Some(v) = value else { return Ok(default) };
    match v.trim().parse::<i64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => {
            let mut e = FieldErrors::default();
            e.push_at(
                &["query", field],
                format!("Input should be a whole number from {min} to {max}"),
                "int_parsing",
            );
            Err(AppError::invalid(e))
        }
    }
}

fn date(field: &str, value: &Option<String>) -> Result<Option<chrono::NaiveDateTime>, AppError> {
    let Some(v) = value.as_deref().map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(v) {
        return Ok(Some(dt.naive_utc()));
    }
    if let Some(d) = chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
    {
        return Ok(Some(d));
    }
    let mut e = FieldErrors::default();
    e.push_at(
        &["query", field],
        "Input should be a date (YYYY-MM-DD) or an RFC 3339 timestamp",
        "datetime_parsing",
    );
    Err(AppError::invalid(e))
}

/// Repeatable query parameters (`status`, `order_ids`) as a list.
fn repeated(req: &HttpRequest, name: &str) -> Vec<String> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(req.query_string())
        .unwrap_or_default()
        .into_iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v)
        .collect()
}

/// `GET /v3/orders`: only the key's Team's orders, an audited PHI read.
pub async fn list(
    state: web::Data<AppState>,
    key: TeamKey,
    req: HttpRequest,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let page = number("page", &q.page, 1, 1, 1_000_000)?;
    let size = number("size", &q.size, 50, 1, 100)?;
    let ascending = match q.order_direction.as_deref() {
        None | Some("desc") => false,
        Some("asc") => true,
        Some(_) => {
            let mut e = FieldErrors::default();
            e.push_at(
                &["query", "order_direction"],
                "Input should be 'asc' or 'desc'",
                "enum",
            );
            return Err(AppError::invalid(e));
        }
    };
    let mut statuses = Vec::new();
    for s in repeated(&req, "status") {
        let low: LowStatus = s.parse().map_err(|msg: String| {
            let mut e = FieldErrors::default();
            e.push_at(&["query", "status"], msg, "enum");
            AppError::invalid(e)
        })?;
        statuses.push(low);
    }
    let mut order_ids = Vec::new();
    for id in repeated(&req, "order_ids") {
        order_ids.push(query::uuid("query", "order_ids", &id)?);
    }
    let filter = OrderFilter {
        statuses,
        lab_account_id: query::optional_uuid("lab_account_id", &q.lab_account_id)?,
        user_id: query::optional_uuid("user_id", &q.user_id)?,
        order_ids,
        from: date("start_date", &q.start_date)?,
        to: date("end_date", &q.end_date)?,
        ..OrderFilter::default()
    };
    let body = run_list_db(&state, move |conn| {
        let (orders, total) =
            order_reads::list_for_team(conn, key.reader(), filter, page, size, ascending)?;
        serde_json::to_string(&OrderPage {
            orders: orders.iter().map(wire_orders::wire_order).collect(),
            page,
            size,
            total,
        })
        .map_err(|e| AppError::Internal(format!("writing orders as JSON: {e}")))
    })
    .await?;
    Ok(json_response(StatusCode::OK, body))
}
