//! Server-side drafts of the order wizard.
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::order_drafts;
use super::DbConnection;
use crate::domain::ids::{DraftId, OrderId, TeamId, UserId};
use crate::error::AppError;

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = order_drafts)]
pub struct DraftRow {
    pub id: DraftId,
    pub team_id: TeamId,
    pub created_by: UserId,
    /// JSON of the wizard's state.
    pub data: String,
    pub order_id: Option<OrderId>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn insert(
    conn: &mut DbConnection,
    team_id: &TeamId,
    user_id: &UserId,
    data: &str,
) -> Result<DraftId, AppError> {
    let id = DraftId::new();
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

pub fn find(conn: &mut DbConnection, id: &DraftId) -> Result<Option<DraftRow>, AppError> {
    order_drafts::table
        .find(id)
        .select(DraftRow::as_select())
        .first(conn)
        .optional()
        .map_err(|e| AppError::db("loading a draft order", e))
}

pub fn save(conn: &mut DbConnection, id: &DraftId, data: &str) -> Result<(), AppError> {
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
pub fn mark_submitted(
    conn: &mut DbConnection,
    id: &DraftId,
    order_id: &OrderId,
) -> Result<bool, AppError> {
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
