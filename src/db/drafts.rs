//! Server-side drafts of the order wizard.
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::order_drafts;
use super::DbConnection;
use crate::error::AppError;

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = order_drafts)]
pub struct DraftRow {
    pub id: String,
    pub team_id: String,
    pub created_by: String,
    /// JSON of the wizard's state.
    pub data: String,
    pub order_id: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn insert(
    conn: &mut DbConnection,
    team_id: &str,
    user_id: &str,
    data: &str,
) -> Result<String, AppError> {
    let id = super::new_id();
    let now = super::now();
    diesel::insert_into(order_drafts::table)
        .values((
            order_drafts::id.eq(&id),
            order_drafts::team_id.eq(team_id),
            order_drafts::created_by.eq(user_id),
            order_drafts::data.eq(data),
            order_drafts::created_at.eq(now),
            order_drafts::updated_at.eq(now),
        ))
        .execute(conn)
        .map_err(|e| AppError::db("creating a draft order", e))?;
    Ok(id)
}

pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<DraftRow>, AppError> {
    order_drafts::table
        .find(id)
        .select(DraftRow::as_select())
        .first(conn)
        .optional()
        .map_err(|e| AppError::db("loading a draft order", e))
}

pub fn save(conn: &mut DbConnection, id: &str, data: &str) -> Result<(), AppError> {
    diesel::update(order_drafts::table.find(id))
        .set((
            order_drafts::data.eq(data),
            order_drafts::updated_at.eq(super::now()),
        ))
        .execute(conn)
        .map_err(|e| AppError::db("saving a draft order", e))?;
    Ok(())
}

/// Marks the draft as submitted; false if it already was (a double submit).
pub fn mark_submitted(conn: &mut DbConnection, id: &str, order_id: &str) -> Result<bool, AppError> {
    let n = diesel::update(
        order_drafts::table
            .find(id)
            .filter(order_drafts::order_id.is_null()),
    )
    .set((
        order_drafts::order_id.eq(order_id),
        order_drafts::updated_at.eq(super::now()),
    ))
    .execute(conn)
    .map_err(|e| AppError::db("submitting a draft order", e))?;
    Ok(n == 1)
}
