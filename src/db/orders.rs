//! Orders, their tests and their event history.
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{order_events, order_tests, orders};
use super::DbConnection;
use crate::domain::billing::BillingType;
use crate::domain::ids::{LabAccountId, LabTestId, OrderId, OrgId, PatientId, TeamId};
use crate::domain::lab::{CollectionMethod, LabSlug};
use crate::domain::order_status::{event_status, HighStatus, LowStatus};
use crate::domain::result_values::Interpretation;
use crate::error::AppError;

// The list queries live in `order_list`; these paths stay where callers know them.
pub use super::order_list::{
    list_numbered, list_page, list_page_at, name_needle, test_names, Cursor, OrderFilter, PageAt,
};

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = orders)]
pub struct OrderRow {
    pub id: OrderId,
    pub team_id: TeamId,
    pub org_id: OrgId,
    /// The patient (Junction's "user").
    pub user_id: PatientId,
    pub lab_account_id: LabAccountId,
    pub lab_slug: LabSlug,
    pub collection_method: CollectionMethod,
    pub billing_type: BillingType,
    /// JSON: PatientDetails.
    pub patient_details: String,
    /// JSON: PatientAddress.
    pub patient_address: String,
    pub patient_search_name: String,
    /// Lower-case last name, so a name filter can match it from its start on an index.
    pub patient_search_last_name: String,
    /// JSON: Physician.
    pub physician: Option<String>,
    pub clinical_notes: Option<String>,
    pub notes: Option<String>,
    pub priority: bool,
    /// JSON list.
    pub icd_codes: Option<String>,
    pub passthrough: Option<String>,
    pub activate_by: Option<String>,
    pub status_high: HighStatus,
    pub status_low: LowStatus,
    pub interpretation: Option<Interpretation>,
    pub sample_id: Option<String>,
    pub origin: String,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl OrderRow {
    /// The ICD-10 codes as a list (none when the stored JSON is absent or unreadable).
    pub fn icd_list(&self) -> Vec<String> {
        self.icd_codes
            .as_deref()
            .and_then(|t| serde_json::from_str(t).ok())
            .unwrap_or_default()
    }
}

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = order_events)]
pub struct OrderEvent {
    pub order_id: OrderId,
    pub seq: i32,
    pub status: String,
    pub created_at: NaiveDateTime,
}

/// Inserts a new order with its tests and its first event (the status it is created in, at its
/// creation time): the row is written once, never inserted and then updated.
pub fn insert(
    conn: &mut DbConnection,
    row: &OrderRow,
    test_ids: &[LabTestId],
    first_status: &str,
) -> Result<(), AppError> {
    diesel::insert_into(orders::table)
        .values(row)
        .execute(conn)
        .map_err(|e| AppError::db("creating an order", e))?;
    // One statement per test: the multi-backend connection has no multi-row insert.
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
    diesel::insert_into(order_events::table)
        .values((
            order_events::order_id.eq(&row.id),
            order_events::seq.eq(1),
            order_events::status.eq(first_status),
            order_events::created_at.eq(row.created_at),
        ))
        .execute(conn)
        .map_err(|e| AppError::db("adding an order's first event", e))?;
    Ok(())
}

pub fn find(conn: &mut DbConnection, id: &OrderId) -> Result<Option<OrderRow>, AppError> {
    orders::table
        .find(id)
        .select(OrderRow::as_select())
        .first(conn)
        .optional()
        .map_err(|e| AppError::db("loading an order", e))
}

pub fn test_ids(conn: &mut DbConnection, order_id: &OrderId) -> Result<Vec<LabTestId>, AppError> {
    order_tests::table
        .filter(order_tests::order_id.eq(order_id))
        .order(order_tests::position)
        .select(order_tests::lab_test_id)
        .load(conn)
        .map_err(|e| AppError::db("loading an order's tests", e))
}

/// The (order id, test id) pairs of several orders, each order's tests in their order: one query
/// for a whole page of orders.
pub fn test_ids_of(
    conn: &mut DbConnection,
    order_ids: &[OrderId],
) -> Result<Vec<(OrderId, LabTestId)>, AppError> {
    order_tests::table
        .filter(order_tests::order_id.eq_any(order_ids))
        .order((order_tests::order_id, order_tests::position))
        .select((order_tests::order_id, order_tests::lab_test_id))
        .load(conn)
        .map_err(|e| AppError::db("loading the tests of orders", e))
}

/// The events of several orders, each order's in sequence: one query for a page of orders.
pub fn events_of(
    conn: &mut DbConnection,
    order_ids: &[OrderId],
) -> Result<Vec<OrderEvent>, AppError> {
    order_events::table
        .filter(order_events::order_id.eq_any(order_ids))
        .order((order_events::order_id, order_events::seq))
        .select(OrderEvent::as_select())
        .load(conn)
        .map_err(|e| AppError::db("loading the events of orders", e))
}

pub fn events(conn: &mut DbConnection, order_id: &OrderId) -> Result<Vec<OrderEvent>, AppError> {
    order_events::table
        .filter(order_events::order_id.eq(order_id))
        .order(order_events::seq)
        .select(OrderEvent::as_select())
        .load(conn)
        .map_err(|e| AppError::db("loading an order's events", e))
}

/// Appends an event (its full `<high>.<method>.<low>` text) and moves the order's current status
/// to `low` and its high-level status in an order of `method`.
pub fn add_event(
    conn: &mut DbConnection,
    order_id: &OrderId,
    method: CollectionMethod,
    low: LowStatus,
) -> Result<(), AppError> {
    let status = event_status(method, low);
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
            order_events::status.eq(&status),
            order_events::created_at.eq(now),
        ))
        .execute(conn)
        .map_err(|e| AppError::db("adding an order event", e))?;
    diesel::update(orders::table.find(order_id))
        .set((
            orders::status_high.eq(low.high_in(method)),
            orders::status_low.eq(low),
            orders::updated_at.eq(now),
        ))
        .execute(conn)
        .map_err(|e| AppError::db("updating an order's status", e))?;
    Ok(())
}

/// The statuses of an order still in progress.
const OPEN: [HighStatus; 3] = [
    HighStatus::Received,
    HighStatus::CollectingSample,
    HighStatus::SampleWithLab,
];

/// Orders of a Team on an account that are still in progress.
pub fn open_count(
    conn: &mut DbConnection,
    account_id: &LabAccountId,
    team_id: &TeamId,
) -> Result<i64, AppError> {
    orders::table
        .filter(orders::lab_account_id.eq(account_id))
        .filter(orders::team_id.eq(team_id))
        .filter(orders::status_high.eq_any(OPEN))
        .count()
        .get_result(conn)
        .map_err(|e| AppError::db("counting open orders", e))
}

/// `open_count` for several Teams of one account in one query: (Team, count) for each Team
/// with at least one open order.
pub fn open_counts(
    conn: &mut DbConnection,
    account_id: &LabAccountId,
    team_ids: &[TeamId],
) -> Result<Vec<(TeamId, i64)>, AppError> {
    if team_ids.is_empty() {
        return Ok(Vec::new());
    }
    orders::table
        .filter(orders::lab_account_id.eq(account_id))
        .filter(orders::team_id.eq_any(team_ids))
        .filter(orders::status_high.eq_any(OPEN))
        .group_by(orders::team_id)
        .select((orders::team_id, diesel::dsl::count_star()))
        .load(conn)
        .map_err(|e| AppError::db("counting open orders per Team", e))
}

pub fn set_interpretation(
    conn: &mut DbConnection,
    order_id: &OrderId,
    interpretation: Interpretation,
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
