//! Which Teams an account is linked to.
use diesel::prelude::*;

use super::lab_accounts::AccountLabel;
use super::schema::{lab_account_teams, lab_accounts};
use super::DbConnection;
use crate::domain::ids::{LabAccountId, OrgId, TeamId};
use crate::domain::lab_account::AccountStatus;
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

/// `open_orders_count` for each of `team_ids` in one query (Teams without open orders: absent).
pub fn open_orders_counts(
    conn: &mut DbConnection,
    account_id: &LabAccountId,
    team_ids: &[TeamId],
) -> Result<Vec<(TeamId, i64)>, AppError> {
    super::orders::open_counts(conn, account_id, team_ids)
}

/// What the Teams list shows of an account linked to one of its Teams.
#[derive(Queryable, Debug, Clone)]
pub struct LinkedAccount {
    pub team_id: TeamId,
    pub account: AccountLabel,
    pub status: AccountStatus,
}

/// The accounts linked to each of `team_ids` that the org sees (its own and the platform's), by
/// Team, lab and number: one query over the links of those Teams only.
pub fn accounts_of_teams(
    conn: &mut DbConnection,
    org_id: &OrgId,
    team_ids: &[TeamId],
) -> Result<Vec<LinkedAccount>, AppError> {
    if team_ids.is_empty() {
        return Ok(Vec::new());
    }
    lab_account_teams::table
        .inner_join(lab_accounts::table)
        .filter(lab_account_teams::team_id.eq_any(team_ids))
        .filter(
            lab_accounts::org_id
                .eq(org_id)
                .or(lab_accounts::org_id.is_null()),
        )
        .order((
            lab_account_teams::team_id,
            lab_accounts::lab_slug,
            lab_accounts::provider_account_id,
        ))
        .select((
            lab_account_teams::team_id,
            (
                lab_accounts::id,
                lab_accounts::lab_slug,
                lab_accounts::account_name,
                lab_accounts::provider_account_id,
            ),
            lab_accounts::status,
        ))
        .load(conn)
        .map_err(|e| AppError::db("loading the accounts of Teams", e))
}
