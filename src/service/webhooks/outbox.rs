//! Writing events. Each is written in the caller's transaction, with one delivery per enabled
//! endpoint of the Team that subscribed to its type: a change rolled back sends nothing, and a
//! Team with no endpoint pays one indexed read per change.
use serde_json::{json, Value};

use crate::db::orders::OrderRow;
use crate::db::patients;
use crate::db::results::ResultRow;
use crate::db::webhooks::{self as db, DeliveryRow, EndpointRow, EventRow};
use crate::db::DbConnection;
use crate::domain::ids::{OrderId, OrgId, TeamId, WebhookDeliveryId, WebhookEventId};
use crate::domain::result_values::ResultStatus;
use crate::domain::webhooks::{subscribed, DeliveryState, WebhookEventType};
use crate::error::AppError;
use crate::service::orders::{self, OrderView};
use crate::wire::rfc3339;

/// Writes the event for the given endpoints (already chosen), its body as sent.
pub fn write(
    conn: &mut DbConnection,
    org_id: &OrgId,
    team_id: &TeamId,
    event_type: WebhookEventType,
    body: &Value,
    to: &[EndpointRow],
) -> Result<Option<WebhookEventId>, AppError> {
    if to.is_empty() {
        return Ok(None);
    }
    let now = crate::db::now();
    let event = EventRow {
        id: WebhookEventId::mint(),
        org_id: org_id.clone(),
        team_id: team_id.clone(),
        event_type,
        payload: body.to_string(),
        created_at: now,
    };
    let deliveries: Vec<DeliveryRow> = to
        .iter()
        .map(|endpoint| DeliveryRow {
            id: WebhookDeliveryId::new(),
            event_id: event.id.clone(),
            endpoint_id: endpoint.id.clone(),
            state: DeliveryState::Pending,
            attempts: 0,
            next_attempt_at: now,
            claimed_until: None,
            created_at: now,
            finished_at: None,
        })
        .collect();
    db::insert_event(conn, &event, &deliveries)?;
    Ok(Some(event.id))
}

/// The Team's endpoints that want this event type.
fn subscribers_of(
    conn: &mut DbConnection,
    team_id: &TeamId,
    event_type: WebhookEventType,
) -> Result<Vec<EndpointRow>, AppError> {
    Ok(db::subscribers(conn, team_id)?
        .into_iter()
        .filter(|e| subscribed(&e.types(), event_type))
        .collect())
}

/// The `client_user_id` of the order's patient, as the Team knows them.
fn client_user_id(conn: &mut DbConnection, order: &OrderRow) -> Result<String, AppError> {
    Ok(patients::find(conn, &order.user_id)?
        .map(|p| p.client_user_id)
        .unwrap_or_default())
}

/// Junction's `ClientFacingOrderChanged`: the order as the order API shows it.
fn order_body(
    conn: &mut DbConnection,
    event_type: WebhookEventType,
    view: &OrderView,
) -> Result<Value, AppError> {
    Ok(json!({
        "event_type": event_type,
        "user_id": view.row.user_id,
        "client_user_id": client_user_id(conn, &view.row)?,
        "team_id": view.row.team_id,
        "data": crate::wire::orders::order(view),
    }))
}

/// `labtest.order.created`, for an order just placed.
pub fn order_created(conn: &mut DbConnection, view: &OrderView) -> Result<(), AppError> {
    let event_type = WebhookEventType::OrderCreated;
    let to = subscribers_of(conn, &view.row.team_id, event_type)?;
    if to.is_empty() {
        return Ok(());
    }
    let body = order_body(conn, event_type, view)?;
    write(
        conn,
        &view.row.org_id,
        &view.row.team_id,
        event_type,
        &body,
        &to,
    )
    .map(drop)
}

/// `labtest.order.updated`, after a status change of the order (results ready is this event
/// with `partial_results` or `completed`, as Junction sends it).
pub fn order_updated(conn: &mut DbConnection, order: &OrderRow) -> Result<(), AppError> {
    let event_type = WebhookEventType::OrderUpdated;
    let to = subscribers_of(conn, &order.team_id, event_type)?;
    if to.is_empty() {
        return Ok(());
    }
    let view = orders::load(conn, &order.id)?.ok_or(AppError::NotFound)?;
    let body = order_body(conn, event_type, &view)?;
    write(conn, &order.org_id, &order.team_id, event_type, &body, &to).map(drop)
}

/// `labtest.result.critical`, for a result version with a critical value.
pub fn critical_result(
    conn: &mut DbConnection,
    order: &OrderRow,
    result: &ResultRow,
    sample_id: &str,
) -> Result<(), AppError> {
    let event_type = WebhookEventType::ResultCritical;
    let to = subscribers_of(conn, &order.team_id, event_type)?;
    if to.is_empty() {
        return Ok(());
    }
    let body = json!({
        "event_type": event_type,
        "user_id": order.user_id,
        "client_user_id": client_user_id(conn, order)?,
        "team_id": order.team_id,
        "data": {
            "order_id": order.id,
            "sample_id": sample_id,
            "status": if result.status == ResultStatus::Preliminary { "partial" } else { "final" },
            "interpretation": result.interpretation,
            "team_id": order.team_id,
            "user_id": order.user_id,
            "created_at": rfc3339(&result.created_at),
            "updated_at": rfc3339(&result.created_at),
        },
    });
    write(conn, &order.org_id, &order.team_id, event_type, &body, &to).map(drop)
}

/// `labtest.match_review.created` / `.updated` for a review item of the Team: Junction's
/// `MatchReviewWebhookPayload` (ids and codes only, no patient data).
pub fn match_review(
    conn: &mut DbConnection,
    event_type: WebhookEventType,
    org_id: &OrgId,
    team_id: &TeamId,
    data: Value,
) -> Result<(), AppError> {
    let to = subscribers_of(conn, team_id, event_type)?;
    let body = json!({"event_type": event_type, "team_id": team_id, "data": data});
    write(conn, org_id, team_id, event_type, &body, &to).map(drop)
}

/// Reads the order and writes `labtest.order.updated` for it (for callers holding only an id).
pub fn order_updated_by_id(conn: &mut DbConnection, id: &OrderId) -> Result<(), AppError> {
    match crate::db::orders::find(conn, id)? {
        Some(order) => order_updated(conn, &order),
        None => Err(AppError::NotFound),
    }
}
