//! Labs and their tests (the catalogue).
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{lab_tests, labs};
use super::DbConnection;
use crate::domain::ids::LabTestId;
use crate::domain::lab::{CollectionMethod, LabSlug, LabTestStatus, SampleType};
use crate::error::AppError;

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = labs)]
pub struct LabRow {
    pub slug: LabSlug,
    pub id: i32,
    pub name: String,
    pub first_line_address: String,
    pub city: String,
    pub zipcode: String,
    /// JSON list of collection methods.
    pub collection_methods: String,
    /// JSON list of sample types.
    pub sample_types: String,
}

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = lab_tests)]
pub struct LabTestRow {
    pub id: LabTestId,
    pub lab_slug: LabSlug,
    pub slug: String,
    pub name: String,
    pub sample_type: SampleType,
    pub method: CollectionMethod,
    pub price: f64,
    pub status: LabTestStatus,
    /// JSON list of markers.
    pub markers: String,
    pub created_at: NaiveDateTime,
}

pub fn upsert_lab(conn: &mut DbConnection, lab: &LabRow) -> Result<(), AppError> {
    let exists = labs::table
        .find(&lab.slug)
        .select(labs::slug)
        .first::<LabSlug>(conn)
        .optional()
        .map_err(|e| AppError::db("loading a lab", e))?
        .is_some();
    if !exists {
        diesel::insert_into(labs::table)
            .values(lab)
            .execute(conn)
            .map_err(|e| AppError::db("adding a lab", e))?;
    }
    Ok(())
}

pub fn list_labs(conn: &mut DbConnection) -> Result<Vec<LabRow>, AppError> {
    labs::table
        .order(labs::id)
        .select(LabRow::as_select())
        .load(conn)
        .map_err(|e| AppError::db("listing labs", e))
}

pub fn insert_test(conn: &mut DbConnection, test: &LabTestRow) -> Result<(), AppError> {
    diesel::insert_into(lab_tests::table)
        .values(test)
        .execute(conn)
        .map_err(|e| AppError::db("adding a lab test", e))?;
    Ok(())
}

pub fn list_tests(
    conn: &mut DbConnection,
    lab: Option<LabSlug>,
) -> Result<Vec<LabTestRow>, AppError> {
    let mut q = lab_tests::table
        .order((lab_tests::lab_slug, lab_tests::name))
        .select(LabTestRow::as_select())
        .into_boxed();
    if let Some(lab) = lab {
        q = q.filter(lab_tests::lab_slug.eq(lab));
    }
    q.load(conn)
        .map_err(|e| AppError::db("listing lab tests", e))
}

pub fn find_tests(conn: &mut DbConnection, ids: &[LabTestId]) -> Result<Vec<LabTestRow>, AppError> {
    // Most orders have one test: `=` keeps the statement prepared once per connection, where an
    // `IN (...)` list is compiled again on every call.
    let found = match ids {
        [one] => lab_tests::table
            .filter(lab_tests::id.eq(one))
            .select(LabTestRow::as_select())
            .load(conn),
        _ => lab_tests::table
            .filter(lab_tests::id.eq_any(ids))
            .select(LabTestRow::as_select())
            .load(conn),
    };
    let mut found: Vec<LabTestRow> = found.map_err(|e| AppError::db("loading lab tests", e))?;
    // Keep the order the caller gave.
    found.sort_by_key(|t| ids.iter().position(|i| *i == t.id));
    Ok(found)
}

pub fn find_lab(conn: &mut DbConnection, slug: LabSlug) -> Result<Option<LabRow>, AppError> {
    labs::table
        .find(slug)
        .select(LabRow::as_select())
        .first(conn)
        .optional()
        .map_err(|e| AppError::db("loading a lab", e))
}
