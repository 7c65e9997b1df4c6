//! The review queue of results that did not fit.
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{lab_account_teams, unmatched_results};
use super::DbConnection;
use crate::domain::ids::{LabAccountId, OrderId, OrgId, ReviewItemId, TeamId};
use crate::domain::lab::LabSlug;
use crate::domain::result_matching::DecisionCode;
use crate::domain::review::ReviewStatus;
use crate::error::AppError;

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = unmatched_results)]
pub struct UnmatchedRow {
    pub id: ReviewItemId,
    pub lab_slug: LabSlug,
    pub lab_account_id: Option<LabAccountId>,
    pub org_id: Option<OrgId>,
    pub team_id: Option<TeamId>,
    pub account_number: String,
    pub placer_order_number: Option<String>,
    pub control_id: String,
    pub decision_code: DecisionCode,
    /// JSON list of reason codes.
    pub reasons: String,
    pub candidate_order_id: Option<OrderId>,
    pub raw_message: String,
    /// JSON of what was read from the message.
    pub parsed: String,
    pub status: ReviewStatus,
    pub resolution_note: Option<String>,
    pub resolved_order_id: Option<OrderId>,
    pub decided_by: Option<String>,
    pub decided_at: Option<NaiveDateTime>,
    pub version: i32,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConnection, row: &UnmatchedRow) -> Result<(), AppError> {
    diesel::insert_into(unmatched_results::table)
        .values(row)
        .execute(conn)
        .map_err(|e| AppError::db("queueing an unmatched result", e))?;
    Ok(())
}

pub fn find(conn: &mut DbConnection, id: &ReviewItemId) -> Result<Option<UnmatchedRow>, AppError> {
    unmatched_results::table
        .find(id)
        .select(UnmatchedRow::as_select())
        .first(conn)
        .optional()
        .map_err(|e| AppError::db("loading an unmatched result", e))
}

/// Records a decision only if nobody decided since `expected_version` was read: the first
/// reviewer wins, the second is told.
pub fn decide(
    conn: &mut DbConnection,
    id: &ReviewItemId,
    expected_version: i32,
    status: ReviewStatus,
    note: Option<&str>,
    resolved_order_id: Option<&OrderId>,
    decided_by: &str,
) -> Result<bool, AppError> {
    let n = diesel::update(
        unmatched_results::table
            .find(id)
            .filter(unmatched_results::version.eq(expected_version)),
    )
    .set((
        unmatched_results::status.eq(status),
        unmatched_results::resolution_note.eq(note),
        unmatched_results::resolved_order_id.eq(resolved_order_id),
        unmatched_results::decided_by.eq(decided_by),
        unmatched_results::decided_at.eq(super::now()),
        unmatched_results::version.eq(expected_version + 1),
    ))
    .execute(conn)
    .map_err(|e| AppError::db("deciding an unmatched result", e))?;
    Ok(n == 1)
}

/// Filters of the queue. `org_ids` None means every org (quarantine included) for CSMs.
#[derive(Debug, Clone, Default)]
pub struct QueueFilter {
    pub org_ids: Option<Vec<OrgId>>,
    pub include_quarantine: bool,
    pub team_id: Option<TeamId>,
    pub statuses: Vec<ReviewStatus>,
    pub decision_code: Option<DecisionCode>,
    /// A lab's slug as asked for: the Team API takes any text, and one no item has shows none.
    pub lab: Option<String>,
    /// Keyset: (created_at, id) strictly after this, newest first.
    pub before: Option<(NaiveDateTime, ReviewItemId)>,
}

fn filtered(f: &QueueFilter) -> unmatched_results::BoxedQuery<'static, super::MultiBackend> {
    let mut q = unmatched_results::table.into_boxed();
    match (&f.org_ids, f.include_quarantine) {
        (Some(orgs), true) => {
            q = q.filter(
                unmatched_results::org_id
                    .eq_any(orgs.clone())
                    .or(unmatched_results::org_id.is_null()),
            )
        }
        (Some(orgs), false) => q = q.filter(unmatched_results::org_id.eq_any(orgs.clone())),
        (None, true) => {}
        (None, false) => q = q.filter(unmatched_results::org_id.is_not_null()),
    }
    if let Some(team) = &f.team_id {
        // `domain::access::team_sees_queue_item` in one query: the Team's own items, and items
        // of no Team delivered on an account linked to it. Never another Team's item, even on a
        // shared account. (The org is the `org_ids` filter above.)
        q = q.filter(
            unmatched_results::team_id
                .eq(team.clone())
                .or(unmatched_results::team_id.is_null().and(
                    unmatched_results::lab_account_id.eq_any(
                        lab_account_teams::table
                            .filter(lab_account_teams::team_id.eq(team.clone()))
                            .select(lab_account_teams::lab_account_id.nullable()),
                    ),
                )),
        );
    }
    if !f.statuses.is_empty() {
        q = q.filter(unmatched_results::status.eq_any(f.statuses.clone()));
    }
    if let Some(code) = &f.decision_code {
        q = q.filter(unmatched_results::decision_code.eq(*code));
    }
    if let Some(lab) = &f.lab {
        q = q.filter(unmatched_results::lab_slug.eq(lab.clone()));
    }
    q
}

pub fn count(conn: &mut DbConnection, f: &QueueFilter) -> Result<i64, AppError> {
    filtered(f)
        .count()
        .get_result(conn)
        .map_err(|e| AppError::db("counting unmatched results", e))
}

pub fn list(
    conn: &mut DbConnection,
    f: &QueueFilter,
    limit: i64,
) -> Result<Vec<UnmatchedRow>, AppError> {
    let mut q = filtered(f);
    if let Some((at, id)) = &f.before {
        // The plain bound lets the planners start the index scan at the cursor.
        q = q.filter(unmatched_results::created_at.le(*at)).filter(
            unmatched_results::created_at
                .lt(*at)
                .or(unmatched_results::created_at
                    .eq(*at)
                    .and(unmatched_results::id.lt(id.clone()))),
        );
    }
    q.order((
        unmatched_results::created_at.desc(),
        unmatched_results::id.desc(),
    ))
    .limit(limit)
    .select(UnmatchedRow::as_select())
    .load(conn)
    .map_err(|e| AppError::db("listing unmatched results", e))
}

/// Moves an open item to ops review, keeping it open.
pub fn escalate(
    conn: &mut DbConnection,
    id: &ReviewItemId,
    expected_version: i32,
    note: Option<&str>,
    by: &str,
) -> Result<bool, AppError> {
    let n = diesel::update(
        unmatched_results::table
            .find(id)
            .filter(unmatched_results::version.eq(expected_version)),
    )
    .set((
        unmatched_results::status.eq(ReviewStatus::PendingOps),
        unmatched_results::resolution_note.eq(note),
        unmatched_results::decided_by.eq(by),
        unmatched_results::version.eq(expected_version + 1),
    ))
    .execute(conn)
    .map_err(|e| AppError::db("escalating an unmatched result", e))?;
    Ok(n == 1)
}

/// Whether the account an item was delivered on is linked to this Team.
pub fn account_linked_to_team(
    conn: &mut DbConnection,
    item: &UnmatchedRow,
    team_id: &TeamId,
) -> Result<bool, AppError> {
    let Some(account) = &item.lab_account_id else {
        return Ok(false);
    };
    let linked: i64 = lab_account_teams::table
        .filter(lab_account_teams::lab_account_id.eq(account))
        .filter(lab_account_teams::team_id.eq(team_id))
        .count()
        .get_result(conn)
        .map_err(|e| AppError::db("checking a link", e))?;
    Ok(linked > 0)
}
