//! Result versions of orders, their biomarkers, and the log of inbound deliveries.
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{inbound_messages, result_biomarkers, results};
use super::DbConnection;
use crate::error::AppError;

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = results)]
pub struct ResultRow {
    pub id: String,
    pub order_id: String,
    pub lab_account_id: String,
    pub version: i32,
    pub status: String,
    pub interpretation: String,
    pub control_id: String,
    /// JSON: what LabResultsMetadata is built from.
    pub metadata: String,
    pub source: String,
    pub created_at: NaiveDateTime,
}

#[derive(Queryable, Selectable, Insertable, Debug, Clone, PartialEq)]
#[diesel(table_name = result_biomarkers)]
pub struct BiomarkerRow {
    pub result_id: String,
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
    pub interpretation: String,
    pub observed_at: Option<NaiveDateTime>,
}

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = inbound_messages)]
pub struct InboundRow {
    pub id: String,
    pub lab_slug: String,
    pub control_id: String,
    pub format: String,
    pub outcome: String,
    pub result_id: Option<String>,
    pub unmatched_id: Option<String>,
    pub received_at: NaiveDateTime,
}

pub fn find_inbound(
    conn: &mut DbConnection,
    lab: &str,
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
    lab: &str,
    control_id: &str,
    format: &str,
    outcome: &str,
    result_id: Option<&str>,
    unmatched_id: Option<&str>,
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

pub fn next_version(conn: &mut DbConnection, order_id: &str) -> Result<i32, AppError> {
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
pub fn versions(conn: &mut DbConnection, order_id: &str) -> Result<Vec<ResultRow>, AppError> {
    results::table
        .filter(results::order_id.eq(order_id))
        .order(results::version)
        .select(ResultRow::as_select())
        .load(conn)
        .map_err(|e| AppError::db("loading results", e))
}

pub fn biomarkers(conn: &mut DbConnection, result_id: &str) -> Result<Vec<BiomarkerRow>, AppError> {
    result_biomarkers::table
        .filter(result_biomarkers::result_id.eq(result_id))
        .order(result_biomarkers::position)
        .select(BiomarkerRow::as_select())
        .load(conn)
        .map_err(|e| AppError::db("loading biomarkers", e))
}
