//! Orders, their tests and their event history.
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{order_events, order_tests, orders};
use super::DbConnection;
use crate::error::AppError;

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = orders)]
pub struct OrderRow {
    pub id: String,
    pub team_id: String,
    pub org_id: String,
    pub user_id: String,
    pub lab_account_id: String,
    pub lab_slug: String,
    pub collection_method: String,
    pub billing_type: String,
    /// JSON: PatientDetails.
    pub patient_details: String,
    /// JSON: PatientAddress.
    pub patient_address: String,
    pub patient_search_name: String,
    /// JSON: Physician.
    pub physician: Option<String>,
    pub clinical_notes: Option<String>,
    pub notes: Option<String>,
    pub priority: bool,
    /// JSON list.
    pub icd_codes: Option<String>,
    pub passthrough: Option<String>,
    pub activate_by: Option<String>,
    pub status_high: String,
    pub status_low: String,
    pub interpretation: Option<String>,
    pub sample_id: Option<String>,
    pub origin: String,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = order_events)]
pub struct OrderEvent {
    pub order_id: String,
    pub seq: i32,
    pub status: String,
    pub created_at: NaiveDateTime,
}

pub fn insert(
    conn: &mut DbConnection,
    row: &OrderRow,
    test_ids: &[String],
) -> Result<(), AppError> {
    diesel::insert_into(orders::table)
        .values(row)
        .execute(conn)
        .map_err(|e| AppError::db("creating an order", e))?;
    for (i, test) in test_ids.iter().enumerate() {
        diesel::insert_into(order_tests::table)
            .values((
                order_tests::order_id.eq(&row.id),
                order_tests::lab_test_id.eq(test),
                order_tests::position.eq(i as i32),
            ))
            .execute(conn)
            .map_err(|e| AppError::db("adding a test to an order", e))?;
    }
    Ok(())
}

pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<OrderRow>, AppError> {
    orders::table
        .find(id)
        .select(OrderRow::as_select())
        .first(conn)
        .optional()
        .map_err(|e| AppError::db("loading an order", e))
}

pub fn test_ids(conn: &mut DbConnection, order_id: &str) -> Result<Vec<String>, AppError> {
    order_tests::table
        .filter(order_tests::order_id.eq(order_id))
        .order(order_tests::position)
        .select(order_tests::lab_test_id)
        .load(conn)
        .map_err(|e| AppError::db("loading an order's tests", e))
}

pub fn events(conn: &mut DbConnection, order_id: &str) -> Result<Vec<OrderEvent>, AppError> {
    order_events::table
        .filter(order_events::order_id.eq(order_id))
        .order(order_events::seq)
        .select(OrderEvent::as_select())
        .load(conn)
        .map_err(|e| AppError::db("loading an order's events", e))
}

/// Appends an event and moves the order's current status to it.
pub fn add_event(
    conn: &mut DbConnection,
    order_id: &str,
    status: &str,
    high: &str,
    low: &str,
) -> Result<(), AppError> {
    let last: Option<i32> = order_events::table
        .filter(order_events::order_id.eq(order_id))
        .select(diesel::dsl::max(order_events::seq))
        .first(conn)
        .map_err(|e| AppError::db("reading an order's events", e))?;
    let now = super::now();
    diesel::insert_into(order_events::table)
        .values((
            order_events::order_id.eq(order_id),
            order_events::seq.eq(last.unwrap_or(0) + 1),
            order_events::status.eq(status),
            order_events::created_at.eq(now),
        ))
        .execute(conn)
        .map_err(|e| AppError::db("adding an order event", e))?;
    diesel::update(orders::table.find(order_id))
        .set((
            orders::status_high.eq(high),
            orders::status_low.eq(low),
            orders::updated_at.eq(now),
        ))
        .execute(conn)
        .map_err(|e| AppError::db("updating an order's status", e))?;
    Ok(())
}

/// Orders of a Team on an account that are still in progress.
pub fn open_count(
    conn: &mut DbConnection,
    account_id: &str,
    team_id: &str,
) -> Result<i64, AppError> {
    orders::table
        .filter(orders::lab_account_id.eq(account_id))
        .filter(orders::team_id.eq(team_id))
        .filter(orders::status_high.eq_any(["received", "collecting_sample", "sample_with_lab"]))
        .count()
        .get_result(conn)
        .map_err(|e| AppError::db("counting open orders", e))
}

/// Filters of order lists. Exactly one of `org_id` / `team_ids` scopes the list.
#[derive(Debug, Clone, Default)]
pub struct OrderFilter {
    pub org_id: Option<String>,
    pub team_ids: Option<Vec<String>>,
    pub statuses: Vec<String>,
    pub lab_account_id: Option<String>,
    pub user_id: Option<String>,
    pub order_ids: Vec<String>,
    pub from: Option<NaiveDateTime>,
    pub to: Option<NaiveDateTime>,
    /// Part of the patient's name, lower-case.
    pub patient_name: Option<String>,
}

/// Where a keyset page starts: after (created_at, id) in the list's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub created_at: NaiveDateTime,
    pub id: String,
}

fn filtered(f: &OrderFilter) -> orders::BoxedQuery<'static, super::MultiBackend> {
    let mut q = orders::table.into_boxed();
    if let Some(org) = &f.org_id {
        q = q.filter(orders::org_id.eq(org.clone()));
    }
    if let Some(teams) = &f.team_ids {
        q = q.filter(orders::team_id.eq_any(teams.clone()));
    }
    if !f.statuses.is_empty() {
        q = q.filter(orders::status_low.eq_any(f.statuses.clone()));
    }
    if let Some(a) = &f.lab_account_id {
        q = q.filter(orders::lab_account_id.eq(a.clone()));
    }
    if let Some(u) = &f.user_id {
        q = q.filter(orders::user_id.eq(u.clone()));
    }
    if !f.order_ids.is_empty() {
        q = q.filter(orders::id.eq_any(f.order_ids.clone()));
    }
    if let Some(from) = f.from {
        q = q.filter(orders::created_at.ge(from));
    }
    if let Some(to) = f.to {
        q = q.filter(orders::created_at.lt(to));
    }
    if let Some(name) = &f.patient_name {
        let needle = name.trim().to_lowercase().replace(['%', '_'], "");
        q = q.filter(orders::patient_search_name.like(format!("%{needle}%")));
    }
    q
}

/// Newest first, keyset-paged: rows strictly after `after`.
pub fn list_page(
    conn: &mut DbConnection,
    f: &OrderFilter,
    after: Option<&Cursor>,
    limit: i64,
) -> Result<Vec<OrderRow>, AppError> {
    let mut q = filtered(f);
    if let Some(c) = after {
        q = q.filter(
            orders::created_at.lt(c.created_at).or(orders::created_at
                .eq(c.created_at)
                .and(orders::id.lt(c.id.clone()))),
        );
    }
    q.order((orders::created_at.desc(), orders::id.desc()))
        .limit(limit)
        .select(OrderRow::as_select())
        .load(conn)
        .map_err(|e| AppError::db("listing orders", e))
}

/// Page-numbered listing for the API (`page` from 1), in either direction, with the total.
pub fn list_numbered(
    conn: &mut DbConnection,
    f: &OrderFilter,
    page: i64,
    size: i64,
    ascending: bool,
) -> Result<(Vec<OrderRow>, i64), AppError> {
    let failed = |e| AppError::db("listing orders", e);
    let total: i64 = filtered(f).count().get_result(conn).map_err(failed)?;
    let q = if ascending {
        filtered(f).order((orders::created_at.asc(), orders::id.asc()))
    } else {
        filtered(f).order((orders::created_at.desc(), orders::id.desc()))
    };
    let rows = q
        .offset((page - 1) * size)
        .limit(size)
        .select(OrderRow::as_select())
        .load(conn)
        .map_err(failed)?;
    Ok((rows, total))
}

pub fn set_interpretation(
    conn: &mut DbConnection,
    order_id: &str,
    interpretation: &str,
) -> Result<(), AppError> {
    diesel::update(orders::table.find(order_id))
        .set((
            orders::interpretation.eq(interpretation),
            orders::updated_at.eq(super::now()),
        ))
        .execute(conn)
        .map_err(|e| AppError::db("updating an order's interpretation", e))?;
    Ok(())
}
