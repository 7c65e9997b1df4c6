//! Which Teams an account is linked to.
use diesel::prelude::*;

use super::schema::lab_account_teams;
use super::DbConnection;
use crate::domain::ids::{LabAccountId, TeamId};
use crate::error::AppError;

/// Every Team the account is linked to, across orgs (for the allowlist replace).
pub fn all_linked_team_ids(
    conn: &mut DbConnection,
    account_id: &LabAccountId,
) -> Result<Vec<TeamId>, AppError> {
    lab_account_teams::table
        .filter(lab_account_teams::lab_account_id.eq(account_id))
        .select(lab_account_teams::team_id)
        .order(lab_account_teams::team_id)
        .load(conn)
        .map_err(|e| AppError::db("loading linked teams", e))
}

pub fn link(
    conn: &mut DbConnection,
    account_id: &LabAccountId,
    team_id: &TeamId,
) -> Result<(), AppError> {
    diesel::insert_into(lab_account_teams::table)
        .values((
            lab_account_teams::lab_account_id.eq(account_id),
            lab_account_teams::team_id.eq(team_id),
            lab_account_teams::created_at.eq(super::now()),
        ))
        .execute(conn)
        .map_err(|e| AppError::db("linking a team", e))?;
    Ok(())
}

pub fn unlink(
    conn: &mut DbConnection,
    account_id: &LabAccountId,
    team_id: &TeamId,
) -> Result<bool, AppError> {
    let n = diesel::delete(
        lab_account_teams::table
            .filter(lab_account_teams::lab_account_id.eq(account_id))
            .filter(lab_account_teams::team_id.eq(team_id)),
    )
    .execute(conn)
    .map_err(|e| AppError::db("unlinking a team", e))?;
    Ok(n == 1)
}

/// Open orders of a Team on an account: what unlinking would leave behind.
pub fn open_orders_count(
    conn: &mut DbConnection,
    account_id: &LabAccountId,
    team_id: &TeamId,
) -> Result<i64, AppError> {
    super::orders::open_count(conn, account_id, team_id)
}
