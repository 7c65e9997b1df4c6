//! The status history of lab accounts.
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::lab_account_status_changes;
use super::DbConnection;
use crate::domain::ids::LabAccountId;
use crate::domain::lab_account::AccountStatus;
use crate::error::AppError;

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = lab_account_status_changes)]
pub struct StatusChange {
    pub id: String,
    pub lab_account_id: LabAccountId,
    pub from_status: Option<AccountStatus>,
    pub to_status: AccountStatus,
    pub reason: String,
    pub actor_label: String,
    pub at: NaiveDateTime,
}

pub fn record(
    conn: &mut DbConnection,
    account_id: &LabAccountId,
    from: Option<AccountStatus>,
    to: AccountStatus,
    reason: &str,
    actor_label: &str,
) -> Result<(), AppError> {
    diesel::insert_into(lab_account_status_changes::table)
        .values((
            lab_account_status_changes::id.eq(super::new_id()),
            lab_account_status_changes::lab_account_id.eq(account_id),
            lab_account_status_changes::from_status.eq(from),
            lab_account_status_changes::to_status.eq(to),
            lab_account_status_changes::reason.eq(reason),
            lab_account_status_changes::actor_label.eq(actor_label),
            lab_account_status_changes::at.eq(super::now()),
        ))
        .execute(conn)
        .map_err(|e| AppError::db("recording a status change", e))?;
    Ok(())
}

pub fn status_history(
    conn: &mut DbConnection,
    account_id: &LabAccountId,
) -> Result<Vec<StatusChange>, AppError> {
    lab_account_status_changes::table
        .filter(lab_account_status_changes::lab_account_id.eq(account_id))
        .order(lab_account_status_changes::at.desc())
        .select(StatusChange::as_select())
        .load(conn)
        .map_err(|e| AppError::db("loading status history", e))
}
