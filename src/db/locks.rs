//! Row locks that keep a check and the write that depends on it together. On PostgreSQL they are
//! `SELECT ... FOR SHARE/FOR UPDATE` held until the transaction ends; SQLite's write transactions
//! (`BEGIN IMMEDIATE`, see `write_tx`) already run one at a time, so there they do nothing.
use diesel::prelude::*;
use diesel::sql_types::Text;

use super::DbConnection;
use crate::domain::ids::{LabAccountId, OrderId};
use crate::error::AppError;

/// Holds a lab account against changes (a suspension or unlink waits) while an order is placed on
/// it; other orders on the same account are not held up.
pub fn share_lab_account(conn: &mut DbConnection, id: &LabAccountId) -> Result<(), AppError> {
    if let DbConnection::Postgresql(c) = conn {
        diesel::sql_query("SELECT id FROM lab_accounts WHERE id = $1 FOR SHARE")
            .bind::<Text, _>(id.as_str())
            .execute(c)
            .map_err(|e| AppError::db("locking a lab account", e))?;
    }
    Ok(())
}

/// Takes an order for this transaction alone: its status is read, its next event and result
/// version numbered and written by one writer at a time (two deliveries for one order at once
/// would otherwise both take "the next version").
pub fn take_order(conn: &mut DbConnection, id: &OrderId) -> Result<(), AppError> {
    if let DbConnection::Postgresql(c) = conn {
        diesel::sql_query("SELECT id FROM orders WHERE id = $1 FOR UPDATE")
            .bind::<Text, _>(id.as_str())
            .execute(c)
            .map_err(|e| AppError::db("locking an order", e))?;
    }
    Ok(())
}
