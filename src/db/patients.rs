//! Patients (Junction "users") of a Team.
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::patients;
use super::DbConnection;
use crate::domain::ids::{PatientId, TeamId};
use crate::domain::order_input::{Gender, Patient};
use crate::error::AppError;

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = patients)]
pub struct PatientRow {
    pub id: PatientId,
    pub team_id: TeamId,
    pub client_user_id: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub dob: Option<NaiveDate>,
    pub gender: Option<Gender>,
    pub phone_number: Option<String>,
    pub email: Option<String>,
    /// JSON of the latest order's address.
    pub address: Option<String>,
    pub search_name: Option<String>,
    pub created_at: NaiveDateTime,
}

impl PatientRow {
    pub fn display_name(&self) -> String {
        match (&self.first_name, &self.last_name) {
            (Some(f), Some(l)) => format!("{f} {l}"),
            _ => format!("Patient {}", self.client_user_id),
        }
    }
}

/// Lower-cased "first last", for finding patients and orders by name.
pub fn search_name(first: &str, last: &str) -> String {
    format!("{} {}", first.trim(), last.trim()).to_lowercase()
}

/// Lower-case last name, the second key a name filter matches from its start.
pub fn search_last_name(last: &str) -> String {
    last.trim().to_lowercase()
}

pub fn insert(
    conn: &mut DbConnection,
    team_id: &TeamId,
    client_user_id: &str,
) -> Result<PatientRow, AppError> {
    let id = PatientId::new();
    diesel::insert_into(patients::table)
        .values((
            patients::id.eq(&id),
            patients::team_id.eq(team_id),
            patients::client_user_id.eq(client_user_id),
            patients::created_at.eq(super::now()),
        ))
        .execute(conn)
        .map_err(|e| AppError::db("creating a patient", e))?;
    find(conn, &id)?.ok_or(AppError::NotFound)
}

pub fn find(conn: &mut DbConnection, id: &PatientId) -> Result<Option<PatientRow>, AppError> {
    patients::table
        .find(id)
        .select(PatientRow::as_select())
        .first(conn)
        .optional()
        .map_err(|e| AppError::db("loading a patient", e))
}

/// A patient of this Team; another Team's patient is "not found".
pub fn find_in_team(
    conn: &mut DbConnection,
    team_id: &TeamId,
    id: &PatientId,
) -> Result<Option<PatientRow>, AppError> {
    Ok(find(conn, id)?.filter(|p| p.team_id == *team_id))
}

pub fn find_by_client_id(
    conn: &mut DbConnection,
    team_id: &TeamId,
    client_user_id: &str,
) -> Result<Option<PatientRow>, AppError> {
    patients::table
        .filter(patients::team_id.eq(team_id))
        .filter(patients::client_user_id.eq(client_user_id))
        .select(PatientRow::as_select())
        .first(conn)
        .optional()
        .map_err(|e| AppError::db("loading a patient", e))
}

/// Patients of a Team whose name contains `query` (all when empty), newest first.
pub fn search(
    conn: &mut DbConnection,
    team_id: &TeamId,
    query: &str,
    limit: i64,
) -> Result<Vec<PatientRow>, AppError> {
    let mut q = patients::table
        .filter(patients::team_id.eq(team_id.clone()))
        .order(patients::created_at.desc())
        .limit(limit)
        .select(PatientRow::as_select())
        .into_boxed();
    let needle = query.trim().to_lowercase();
    if !needle.is_empty() {
        q = q.filter(patients::search_name.like(format!("%{}%", needle.replace(['%', '_'], ""))));
    }
    q.load(conn)
        .map_err(|e| AppError::db("searching patients", e))
}

/// Keeps the latest demographics on the patient, so the wizard can find and prefill them.
pub fn remember(conn: &mut DbConnection, id: &PatientId, p: &Patient) -> Result<(), AppError> {
    use patients::dsl as pt;
    let address =
        serde_json::to_string(&p.address).map_err(|e| AppError::Internal(e.to_string()))?;
    let d = &p.details;
    let search = search_name(&d.first_name, &d.last_name);
    // Only when something differs: a patient's repeat orders carry the same details, and an
    // update that changes nothing still writes the row (and on PostgreSQL locks it until the
    // order commits, so a patient's concurrent orders would wait on each other).
    let differs = pt::first_name
        .is_null()
        .or(pt::first_name.ne(&d.first_name))
        .or(pt::last_name.is_null())
        .or(pt::last_name.ne(&d.last_name))
        .or(pt::dob.is_null())
        .or(pt::dob.ne(d.dob))
        .or(pt::gender.is_null())
        .or(pt::gender.ne(d.gender))
        .or(pt::phone_number.is_null())
        .or(pt::phone_number.ne(&d.phone_number))
        .or(pt::email.is_null())
        .or(pt::email.ne(&d.email))
        .or(pt::address.is_null())
        .or(pt::address.ne(&address))
        .or(pt::search_name.is_null())
        .or(pt::search_name.ne(&search));
    diesel::update(pt::patients.find(id).filter(differs))
        .set((
            pt::first_name.eq(&d.first_name),
            pt::last_name.eq(&d.last_name),
            pt::dob.eq(d.dob),
            pt::gender.eq(d.gender),
            pt::phone_number.eq(&d.phone_number),
            pt::email.eq(&d.email),
            pt::address.eq(&address),
            pt::search_name.eq(&search),
        ))
        .execute(conn)
        .map_err(|e| AppError::db("updating a patient", e))?;
    Ok(())
}
