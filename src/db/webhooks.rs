//! Webhook endpoints, the outbox of events, their deliveries and each delivery's attempts.
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{webhook_attempts, webhook_deliveries, webhook_endpoints, webhook_events};
use super::DbConnection;
use crate::domain::ids::{
    OrgId, TeamId, WebhookAttemptId, WebhookDeliveryId, WebhookEndpointId, WebhookEventId,
};
use crate::domain::webhooks::{DeliveryState, WebhookEventType};
use crate::error::AppError;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = webhook_endpoints)]
pub struct EndpointRow {
    pub id: WebhookEndpointId,
    pub org_id: OrgId,
    pub team_id: TeamId,
    pub url: String,
    pub description: String,
    /// A JSON list of event type names.
    pub event_types: String,
    pub enabled: bool,
    pub secret: String,
    pub consecutive_failures: i32,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub deleted_at: Option<NaiveDateTime>,
}

impl EndpointRow {
    /// The event types it subscribed to (a stored name the code no longer knows is left out).
    pub fn types(&self) -> Vec<WebhookEventType> {
        serde_json::from_str::<Vec<String>>(&self.event_types)
            .unwrap_or_default()
            .iter()
            .filter_map(|t| t.parse().ok())
            .collect()
    }
}

#[derive(Insertable)]
#[diesel(table_name = webhook_endpoints)]
pub struct NewEndpoint<'a> {
    pub id: &'a WebhookEndpointId,
    pub org_id: &'a OrgId,
    pub team_id: &'a TeamId,
    pub url: &'a str,
    pub description: &'a str,
    pub event_types: &'a str,
    pub enabled: bool,
    pub secret: &'a str,
    pub consecutive_failures: i32,
    pub created_by: &'a str,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

fn failed(what: &'static str) -> impl Fn(diesel::result::Error) -> AppError {
    move |e| AppError::db(what, e)
}

pub fn insert_endpoint(conn: &mut DbConnection, row: &NewEndpoint) -> Result<(), AppError> {
    diesel::insert_into(webhook_endpoints::table)
        .values(row)
        .execute(conn)
        .map(drop)
        .map_err(failed("adding a webhook endpoint"))
}

/// A Team's endpoints (deleted ones not), oldest first.
pub fn list_endpoints(
    conn: &mut DbConnection,
    team_id: &TeamId,
) -> Result<Vec<EndpointRow>, AppError> {
    webhook_endpoints::table
        .filter(webhook_endpoints::team_id.eq(team_id))
        .filter(webhook_endpoints::deleted_at.is_null())
        .order((webhook_endpoints::created_at, webhook_endpoints::id))
        .select(EndpointRow::as_select())
        .load(conn)
        .map_err(failed("listing webhook endpoints"))
}

/// An endpoint that is not deleted.
pub fn find_endpoint(
    conn: &mut DbConnection,
    id: &WebhookEndpointId,
) -> Result<Option<EndpointRow>, AppError> {
    webhook_endpoints::table
        .find(id)
        .filter(webhook_endpoints::deleted_at.is_null())
        .select(EndpointRow::as_select())
        .first(conn)
        .optional()
        .map_err(failed("reading a webhook endpoint"))
}

/// The changeable parts of an endpoint.
pub struct EndpointChange<'a> {
    pub url: &'a str,
    pub description: &'a str,
    pub event_types: &'a str,
    pub enabled: bool,
}

pub fn update_endpoint(
    conn: &mut DbConnection,
    id: &WebhookEndpointId,
    change: &EndpointChange,
) -> Result<(), AppError> {
    diesel::update(webhook_endpoints::table.find(id))
        .set((
            webhook_endpoints::url.eq(change.url),
            webhook_endpoints::description.eq(change.description),
            webhook_endpoints::event_types.eq(change.event_types),
            webhook_endpoints::enabled.eq(change.enabled),
            webhook_endpoints::updated_at.eq(super::now()),
        ))
        .execute(conn)
        .map(drop)
        .map_err(failed("changing a webhook endpoint"))
}

pub fn set_secret(
    conn: &mut DbConnection,
    id: &WebhookEndpointId,
    secret: &str,
) -> Result<(), AppError> {
    diesel::update(webhook_endpoints::table.find(id))
        .set((
            webhook_endpoints::secret.eq(secret),
            webhook_endpoints::updated_at.eq(super::now()),
        ))
        .execute(conn)
        .map(drop)
        .map_err(failed("rotating a webhook secret"))
}

/// Marks the endpoint deleted (its attempts stay for the record) and gives up its pending
/// deliveries.
pub fn delete_endpoint(conn: &mut DbConnection, id: &WebhookEndpointId) -> Result<(), AppError> {
    let now = super::now();
    diesel::update(webhook_endpoints::table.find(id))
        .set((
            webhook_endpoints::deleted_at.eq(now),
            webhook_endpoints::enabled.eq(false),
            webhook_endpoints::updated_at.eq(now),
        ))
        .execute(conn)
        .map_err(failed("deleting a webhook endpoint"))?;
    diesel::update(
        webhook_deliveries::table
            .filter(webhook_deliveries::endpoint_id.eq(id))
            .filter(webhook_deliveries::state.eq(DeliveryState::Pending)),
    )
    .set((
        webhook_deliveries::state.eq(DeliveryState::Failed),
        webhook_deliveries::finished_at.eq(now),
    ))
    .execute(conn)
    .map(drop)
    .map_err(failed("giving up a deleted endpoint's deliveries"))
}

/// The Team's enabled endpoints, with the event types each subscribed to.
pub fn subscribers(
    conn: &mut DbConnection,
    team_id: &TeamId,
) -> Result<Vec<EndpointRow>, AppError> {
    webhook_endpoints::table
        .filter(webhook_endpoints::team_id.eq(team_id))
        .filter(webhook_endpoints::enabled.eq(true))
        .filter(webhook_endpoints::deleted_at.is_null())
        .select(EndpointRow::as_select())
        .load(conn)
        .map_err(failed("finding webhook subscribers"))
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = webhook_events)]
pub struct EventRow {
    pub id: WebhookEventId,
    pub org_id: OrgId,
    pub team_id: TeamId,
    pub event_type: WebhookEventType,
    pub payload: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = webhook_deliveries)]
pub struct DeliveryRow {
    pub id: WebhookDeliveryId,
    pub event_id: WebhookEventId,
    pub endpoint_id: WebhookEndpointId,
    pub state: DeliveryState,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub claimed_until: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub finished_at: Option<NaiveDateTime>,
}

/// Writes an event and its deliveries (in the caller's transaction).
pub fn insert_event(
    conn: &mut DbConnection,
    event: &EventRow,
    deliveries: &[DeliveryRow],
) -> Result<(), AppError> {
    diesel::insert_into(webhook_events::table)
        .values(event)
        .execute(conn)
        .map_err(failed("writing a webhook event"))?;
    // One statement each: the multi-backend connection has no batch insert, and a Team has
    // a handful of endpoints.
    for delivery in deliveries {
        diesel::insert_into(webhook_deliveries::table)
            .values(delivery)
            .execute(conn)
            .map_err(failed("writing a webhook delivery"))?;
    }
    Ok(())
}

/// A delivery claimed for sending, with what sending needs.
pub struct Claimed {
    pub delivery: DeliveryRow,
    pub event: EventRow,
    pub endpoint: EndpointRow,
}

/// Claims up to `limit` due deliveries, oldest first, until `lease_until`: no other worker takes
/// them meanwhile. On PostgreSQL rows another instance is claiming are skipped (`FOR UPDATE SKIP
/// LOCKED`); on SQLite the write transaction already runs alone.
pub fn claim_due(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
    limit: i64,
) -> Result<Vec<Claimed>, AppError> {
    use webhook_deliveries::dsl as d;
    super::write_tx(conn, |conn| {
        let due = d::webhook_deliveries
            .filter(d::state.eq(DeliveryState::Pending))
            .filter(d::next_attempt_at.le(now))
            .filter(d::claimed_until.is_null().or(d::claimed_until.lt(now)))
            .order((d::created_at, d::id))
            .limit(limit)
            .select(d::id);
        let ids: Vec<WebhookDeliveryId> = match conn {
            DbConnection::Postgresql(c) => due.for_update().skip_locked().load(c),
            DbConnection::Sqlite(c) => due.load(c),
        }
        .map_err(failed("finding due webhook deliveries"))?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        diesel::update(d::webhook_deliveries.filter(d::id.eq_any(&ids)))
            .set(d::claimed_until.eq(lease_until))
            .execute(conn)
            .map_err(failed("claiming webhook deliveries"))?;
        let rows: Vec<(DeliveryRow, EventRow, EndpointRow)> = d::webhook_deliveries
            .inner_join(webhook_events::table)
            .inner_join(webhook_endpoints::table)
            .filter(d::id.eq_any(&ids))
            .order((d::created_at, d::id))
            .select((
                DeliveryRow::as_select(),
                EventRow::as_select(),
                EndpointRow::as_select(),
            ))
            .load(conn)
            .map_err(failed("reading claimed webhook deliveries"))?;
        Ok(rows
            .into_iter()
            .map(|(delivery, event, endpoint)| Claimed {
                delivery,
                event,
                endpoint,
            })
            .collect())
    })
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = webhook_attempts)]
pub struct AttemptRow {
    pub id: WebhookAttemptId,
    pub delivery_id: WebhookDeliveryId,
    pub endpoint_id: WebhookEndpointId,
    pub attempted_at: NaiveDateTime,
    pub status_code: Option<i32>,
    pub latency_ms: i32,
    pub error: Option<String>,
    pub response_snippet: String,
}

/// What became of a delivery after an attempt.
pub struct Outcome {
    pub state: DeliveryState,
    pub next_attempt_at: NaiveDateTime,
}

/// Records an attempt, moves its delivery on and keeps the endpoint's count of failures in a
/// row, in one transaction.
pub fn record_attempt(
    conn: &mut DbConnection,
    attempt: &AttemptRow,
    outcome: &Outcome,
) -> Result<(), AppError> {
    use webhook_deliveries::dsl as d;
    let delivered = outcome.state == DeliveryState::Delivered;
    super::write_tx(conn, |conn| {
        diesel::insert_into(webhook_attempts::table)
            .values(attempt)
            .execute(conn)
            .map_err(failed("recording a webhook attempt"))?;
        let finished = (outcome.state != DeliveryState::Pending).then_some(attempt.attempted_at);
        diesel::update(d::webhook_deliveries.find(&attempt.delivery_id))
            .set((
                d::state.eq(outcome.state),
                d::attempts.eq(d::attempts + 1),
                d::next_attempt_at.eq(outcome.next_attempt_at),
                d::claimed_until.eq(None::<NaiveDateTime>),
                d::finished_at.eq(finished),
            ))
            .execute(conn)
            .map_err(failed("moving a webhook delivery on"))?;
        let endpoint = webhook_endpoints::table.find(&attempt.endpoint_id);
        let counted = if delivered {
            diesel::update(endpoint)
                .set(webhook_endpoints::consecutive_failures.eq(0))
                .execute(conn)
        } else {
            diesel::update(endpoint)
                .set(
                    webhook_endpoints::consecutive_failures
                        .eq(webhook_endpoints::consecutive_failures + 1),
                )
                .execute(conn)
        };
        counted
            .map(drop)
            .map_err(failed("counting an endpoint's failures"))
    })
}

/// An attempt as the dashboard lists it.
#[derive(Debug, Clone, Queryable)]
pub struct AttemptView {
    pub attempt: AttemptRow,
    pub event_id: WebhookEventId,
    pub event_type: WebhookEventType,
    pub delivery_state: DeliveryState,
}

/// The endpoint's latest attempts, newest first.
pub fn recent_attempts(
    conn: &mut DbConnection,
    endpoint_id: &WebhookEndpointId,
    limit: i64,
) -> Result<Vec<AttemptView>, AppError> {
    webhook_attempts::table
        .inner_join(
            webhook_deliveries::table
                .on(webhook_deliveries::id.eq(webhook_attempts::delivery_id))
                .inner_join(webhook_events::table),
        )
        .filter(webhook_attempts::endpoint_id.eq(endpoint_id))
        .order((
            webhook_attempts::attempted_at.desc(),
            webhook_attempts::id.desc(),
        ))
        .limit(limit)
        .select((
            AttemptRow::as_select(),
            webhook_events::id,
            webhook_events::event_type,
            webhook_deliveries::state,
        ))
        .load(conn)
        .map_err(failed("listing webhook attempts"))
}

/// The endpoint's deliveries still waiting, and the next moment one is due.
pub fn pending_count(
    conn: &mut DbConnection,
    endpoint_id: &WebhookEndpointId,
) -> Result<i64, AppError> {
    webhook_deliveries::table
        .filter(webhook_deliveries::endpoint_id.eq(endpoint_id))
        .filter(webhook_deliveries::state.eq(DeliveryState::Pending))
        .count()
        .get_result(conn)
        .map_err(failed("counting pending webhook deliveries"))
}

/// A delivery of this endpoint.
pub fn find_delivery(
    conn: &mut DbConnection,
    endpoint_id: &WebhookEndpointId,
    id: &WebhookDeliveryId,
) -> Result<Option<DeliveryRow>, AppError> {
    webhook_deliveries::table
        .find(id)
        .filter(webhook_deliveries::endpoint_id.eq(endpoint_id))
        .select(DeliveryRow::as_select())
        .first(conn)
        .optional()
        .map_err(failed("reading a webhook delivery"))
}

/// Sends a delivery again from now (replay): pending, due at once, unclaimed.
pub fn requeue(conn: &mut DbConnection, id: &WebhookDeliveryId) -> Result<(), AppError> {
    use webhook_deliveries::dsl as d;
    diesel::update(d::webhook_deliveries.find(id))
        .set((
            d::state.eq(DeliveryState::Pending),
            d::next_attempt_at.eq(super::now()),
            d::claimed_until.eq(None::<NaiveDateTime>),
            d::finished_at.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)
        .map(drop)
        .map_err(failed("sending a webhook delivery again"))
}
