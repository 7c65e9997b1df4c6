//! Result versions of orders, their biomarkers, and the log of inbound deliveries.
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{inbound_messages, result_biomarkers, results};
use super::DbConnection;
use crate::domain::ids::{LabAccountId, OrderId, PatientId, ResultId, ReviewItemId, TeamId};
use crate::domain::lab::LabSlug;
use crate::domain::result_values::{Interpretation, ResultStatus};
use crate::error::AppError;

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = results)]
pub struct ResultRow {
    pub id: ResultId,
    pub order_id: OrderId,
    pub lab_account_id: LabAccountId,
    pub version: i32,
    pub status: ResultStatus,
    pub interpretation: Interpretation,
    pub control_id: String,
    /// JSON: what LabResultsMetadata is built from.
    pub metadata: String,
    pub source: String,
    pub created_at: NaiveDateTime,
}

#[derive(Queryable, Selectable, Insertable, Debug, Clone, PartialEq)]
#[diesel(table_name = result_biomarkers)]
pub struct BiomarkerRow {
    pub result_id: ResultId,
    pub position: i32,
    pub name: String,
    pub slug: String,
    pub code: String,
    pub loinc: Option<String>,
    pub value_type: String,
    pub result: String,
    pub numeric_value: Option<f64>,
    pub unit: Option<String>,
    pub reference_range: Option<String>,
    pub min_range: Option<f64>,
    pub max_range: Option<f64>,
    /// JSON list of the lab's abnormal flags.
    pub flags: String,
    pub interpretation: Interpretation,
    pub observed_at: Option<NaiveDateTime>,
}

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = inbound_messages)]
pub struct InboundRow {
    pub id: String,
    pub lab_slug: LabSlug,
    pub control_id: String,
    pub format: String,
    pub outcome: String,
    pub result_id: Option<ResultId>,
    pub unmatched_id: Option<ReviewItemId>,
    pub received_at: NaiveDateTime,
}

pub fn find_inbound(
    conn: &mut DbConnection,
    lab: LabSlug,
    control_id: &str,
) -> Result<Option<InboundRow>, AppError> {
    inbound_messages::table
        .filter(inbound_messages::lab_slug.eq(lab))
        .filter(inbound_messages::control_id.eq(control_id))
        .select(InboundRow::as_select())
        .first(conn)
        .optional()
        .map_err(|e| AppError::db("loading an inbound message", e))
}

pub fn record_inbound(
    conn: &mut DbConnection,
    lab: LabSlug,
    control_id: &str,
    format: &str,
    outcome: &str,
    result_id: Option<&ResultId>,
    unmatched_id: Option<&ReviewItemId>,
) -> Result<(), AppError> {
    diesel::insert_into(inbound_messages::table)
        .values((
            inbound_messages::id.eq(super::new_id()),
            inbound_messages::lab_slug.eq(lab),
            inbound_messages::control_id.eq(control_id),
            inbound_messages::format.eq(format),
            inbound_messages::outcome.eq(outcome),
            inbound_messages::result_id.eq(result_id),
            inbound_messages::unmatched_id.eq(unmatched_id),
            inbound_messages::received_at.eq(super::now()),
        ))
        .execute(conn)
        .map_err(|e| AppError::db("recording an inbound message", e))?;
    Ok(())
}

pub fn next_version(conn: &mut DbConnection, order_id: &OrderId) -> Result<i32, AppError> {
    let max: Option<i32> = results::table
        .filter(results::order_id.eq(order_id))
        .select(diesel::dsl::max(results::version))
        .first(conn)
        .map_err(|e| AppError::db("reading result versions", e))?;
    Ok(max.unwrap_or(0) + 1)
}

pub fn insert(
    conn: &mut DbConnection,
    row: &ResultRow,
    markers: &[BiomarkerRow],
) -> Result<(), AppError> {
    diesel::insert_into(results::table)
        .values(row)
        .execute(conn)
        .map_err(|e| AppError::db("storing a result", e))?;
    for m in markers {
        diesel::insert_into(result_biomarkers::table)
            .values(m)
            .execute(conn)
            .map_err(|e| AppError::db("storing a biomarker", e))?;
    }
    Ok(())
}

/// Every version of an order's result, oldest first.
pub fn versions(conn: &mut DbConnection, order_id: &OrderId) -> Result<Vec<ResultRow>, AppError> {
    results::table
        .filter(results::order_id.eq(order_id))
        .order(results::version)
        .select(ResultRow::as_select())
        .load(conn)
        .map_err(|e| AppError::db("loading results", e))
}

pub fn biomarkers(
    conn: &mut DbConnection,
    result_id: &ResultId,
) -> Result<Vec<BiomarkerRow>, AppError> {
    result_biomarkers::table
        .filter(result_biomarkers::result_id.eq(result_id))
        .order(result_biomarkers::position)
        .select(BiomarkerRow::as_select())
        .load(conn)
        .map_err(|e| AppError::db("loading biomarkers", e))
}

/// The latest result version of one of a patient's orders.
#[derive(Debug, Clone, PartialEq)]
pub struct PatientResult {
    pub order_id: OrderId,
    pub order_created_at: NaiveDateTime,
    pub result_id: ResultId,
    pub version: i32,
}

/// How many of a patient's newest orders the result history looks at.
pub const RECENT_ORDERS: i64 = 200;

/// The latest result of each of a patient's last `max_orders` orders with results in a Team,
/// among their newest `RECENT_ORDERS` orders created up to `up_to`, oldest order first (by
/// creation time, then id). Two indexed reads: `orders_user` (user_id, created_at) walked newest
/// first for at most `RECENT_ORDERS` orders, `results_order` (order_id, version) for their
/// versions; the number of rows read is bounded, however long the patient's history.
pub fn latest_for_patient(
    conn: &mut DbConnection,
    team_id: &TeamId,
    patient_id: &PatientId,
    up_to: NaiveDateTime,
    max_orders: usize,
) -> Result<Vec<PatientResult>, AppError> {
    use super::schema::orders;
    // Each order has a few versions; this many rows hold at least `max_orders` orders' latest.
    let max_rows = i64::try_from(max_orders.saturating_mul(8)).unwrap_or(i64::MAX);
    // The patient's newest orders first (an index range), so a long history of orders without
    // results is never walked to the end.
    let recent: Vec<OrderId> = orders::table
        .filter(orders::user_id.eq(patient_id))
        .filter(orders::created_at.le(up_to))
        .order((orders::created_at.desc(), orders::id.desc()))
        .select(orders::id)
        .limit(RECENT_ORDERS)
        .load(conn)
        .map_err(|e| AppError::db("loading a patient's recent orders", e))?;
    let rows: Vec<(OrderId, TeamId, NaiveDateTime, ResultId, i32)> = orders::table
        .inner_join(results::table)
        .filter(orders::id.eq_any(recent))
        .filter(orders::created_at.le(up_to))
        .order((
            orders::created_at.desc(),
            orders::id.desc(),
            results::version.desc(),
        ))
        .select((
            orders::id,
            orders::team_id,
            orders::created_at,
            results::id,
            results::version,
        ))
        .limit(max_rows)
        .load(conn)
        .map_err(|e| AppError::db("loading a patient's results", e))?;
    let mut latest: Vec<PatientResult> = Vec::new();
    // Newest version first within each order: the first row of an order is its latest result.
    for (order_id, team, created_at, result_id, version) in rows {
        // A patient belongs to one Team; the filter keeps it so whatever the data says.
        if team != *team_id || latest.last().is_some_and(|l| l.order_id == order_id) {
            continue;
        }
        if latest.len() == max_orders {
            break;
        }
        latest.push(PatientResult {
            order_id,
            order_created_at: created_at,
            result_id,
            version,
        });
    }
    latest.reverse();
    Ok(latest)
}

/// A value of a marker in one result version.
#[derive(Queryable, Debug, Clone, PartialEq)]
pub struct MarkerValue {
    pub result_id: ResultId,
    pub slug: String,
    /// The value as the lab wrote it.
    pub result: String,
    pub numeric_value: Option<f64>,
    pub unit: Option<String>,
}

/// The values of these markers in these result versions, by the primary key's
/// (result_id, position) prefix.
pub fn marker_values(
    conn: &mut DbConnection,
    result_ids: &[ResultId],
    slugs: &[String],
) -> Result<Vec<MarkerValue>, AppError> {
    if result_ids.is_empty() || slugs.is_empty() {
        return Ok(Vec::new());
    }
    result_biomarkers::table
        .filter(result_biomarkers::result_id.eq_any(result_ids))
        .filter(result_biomarkers::slug.eq_any(slugs))
        .order((result_biomarkers::result_id, result_biomarkers::position))
        .select((
            result_biomarkers::result_id,
            result_biomarkers::slug,
            result_biomarkers::result,
            result_biomarkers::numeric_value,
            result_biomarkers::unit,
        ))
        .load(conn)
        .map_err(|e| AppError::db("loading marker values", e))
}
