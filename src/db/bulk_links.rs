//! Bulk link actions and the pairs each one changed (what its undo reverses), and the search of
//! an org's Teams that the bulk page picks from.
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::orgs::Team;
use super::schema::{bulk_link_actions, bulk_link_changes, teams};
use super::DbConnection;
use crate::domain::bulk_links::BulkAction;
use crate::domain::ids::{BulkLinkId, LabAccountId, OrgId, TeamId};
use crate::error::AppError;

diesel::define_sql_function!(fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text);

/// A bulk action as recorded.
#[derive(Debug, Clone)]
pub struct BulkLinkRow {
    pub id: BulkLinkId,
    pub org_id: OrgId,
    pub action: BulkAction,
    pub account_count: i32,
    pub team_count: i32,
    pub unchanged_count: i32,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub undone_at: Option<NaiveDateTime>,
    pub undone_by: Option<String>,
    pub undone_count: Option<i32>,
}

type StoredRow = (
    BulkLinkId,
    OrgId,
    String,
    i32,
    i32,
    i32,
    String,
    NaiveDateTime,
    Option<NaiveDateTime>,
    Option<String>,
    Option<i32>,
);

/// What a new bulk action records besides its changes.
pub struct NewBulkLink<'a> {
    pub org_id: &'a OrgId,
    pub action: BulkAction,
    pub account_count: usize,
    pub team_count: usize,
    pub unchanged_count: usize,
    pub created_by: &'a str,
}

fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

pub fn insert(conn: &mut DbConnection, new: &NewBulkLink<'_>) -> Result<BulkLinkId, AppError> {
    let id = BulkLinkId::new();
    diesel::insert_into(bulk_link_actions::table)
        .values((
            bulk_link_actions::id.eq(&id),
            bulk_link_actions::org_id.eq(new.org_id),
            bulk_link_actions::action.eq(new.action.as_str()),
            bulk_link_actions::account_count.eq(count(new.account_count)),
            bulk_link_actions::team_count.eq(count(new.team_count)),
            bulk_link_actions::unchanged_count.eq(count(new.unchanged_count)),
            bulk_link_actions::created_by.eq(new.created_by),
            bulk_link_actions::created_at.eq(super::now()),
        ))
        .execute(conn)
        .map_err(|e| AppError::db("recording a bulk link", e))?;
    Ok(id)
}

pub fn insert_change(
    conn: &mut DbConnection,
    bulk_id: &BulkLinkId,
    account_id: &LabAccountId,
    team_id: &TeamId,
) -> Result<(), AppError> {
    diesel::insert_into(bulk_link_changes::table)
        .values((
            bulk_link_changes::bulk_id.eq(bulk_id),
            bulk_link_changes::lab_account_id.eq(account_id),
            bulk_link_changes::team_id.eq(team_id),
        ))
        .execute(conn)
        .map_err(|e| AppError::db("recording a bulk link change", e))?;
    Ok(())
}

pub fn find(conn: &mut DbConnection, id: &BulkLinkId) -> Result<Option<BulkLinkRow>, AppError> {
    let row: Option<StoredRow> = bulk_link_actions::table
        .find(id)
        .select((
            bulk_link_actions::id,
            bulk_link_actions::org_id,
            bulk_link_actions::action,
            bulk_link_actions::account_count,
            bulk_link_actions::team_count,
            bulk_link_actions::unchanged_count,
            bulk_link_actions::created_by,
            bulk_link_actions::created_at,
            bulk_link_actions::undone_at,
            bulk_link_actions::undone_by,
            bulk_link_actions::undone_count,
        ))
        .first(conn)
        .optional()
        .map_err(|e| AppError::db("loading a bulk link", e))?;
    row.map(|r| {
        let action =
            r.2.parse::<BulkAction>()
                .map_err(|e| AppError::Internal(format!("stored bulk action {e}")))?;
        Ok(BulkLinkRow {
            id: r.0,
            org_id: r.1,
            action,
            account_count: r.3,
            team_count: r.4,
            unchanged_count: r.5,
            created_by: r.6,
            created_at: r.7,
            undone_at: r.8,
            undone_by: r.9,
            undone_count: r.10,
        })
    })
    .transpose()
}

/// The pairs a bulk action changed, by account and Team.
pub fn changes(
    conn: &mut DbConnection,
    id: &BulkLinkId,
) -> Result<Vec<(LabAccountId, TeamId)>, AppError> {
    bulk_link_changes::table
        .filter(bulk_link_changes::bulk_id.eq(id))
        .order((
            bulk_link_changes::lab_account_id,
            bulk_link_changes::team_id,
        ))
        .select((
            bulk_link_changes::lab_account_id,
            bulk_link_changes::team_id,
        ))
        .load(conn)
        .map_err(|e| AppError::db("loading a bulk link's changes", e))
}

/// Marks the action undone, unless it already was: whether this call did it.
pub fn mark_undone(
    conn: &mut DbConnection,
    id: &BulkLinkId,
    by: &str,
    changed: usize,
) -> Result<bool, AppError> {
    let n = diesel::update(
        bulk_link_actions::table
            .find(id)
            .filter(bulk_link_actions::undone_at.is_null()),
    )
    .set((
        bulk_link_actions::undone_at.eq(Some(super::now())),
        bulk_link_actions::undone_by.eq(Some(by)),
        bulk_link_actions::undone_count.eq(Some(count(changed))),
    ))
    .execute(conn)
    .map_err(|e| AppError::db("marking a bulk link undone", e))?;
    Ok(n == 1)
}

/// Escapes LIKE's wildcards so a search finds the text as typed.
fn like_pattern(text: &str) -> String {
    let mut p = String::from("%");
    for c in text.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// A page of an org's Teams by name whose name contains `search` (any case; empty: all), the
/// first `limit` after the name `after`.
pub fn search_teams(
    conn: &mut DbConnection,
    org_id: &OrgId,
    search: &str,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<Team>, AppError> {
    let mut q = teams::table
        .filter(teams::org_id.eq(org_id))
        .order(teams::name)
        .limit(limit)
        .select(Team::as_select())
        .into_boxed();
    if !search.trim().is_empty() {
        q = q.filter(
            lower(teams::name)
                .like(like_pattern(search.trim()))
                .escape('\\'),
        );
    }
    if let Some(name) = after {
        q = q.filter(teams::name.gt(name.to_string()));
    }
    q.load(conn).map_err(|e| AppError::db("searching teams", e))
}

#[cfg(test)]
mod tests {
    use super::like_pattern;

    #[test]
    fn a_search_matches_its_text_literally_in_any_case() {
        let table = [
            ("Card", "%card%"),
            ("50%", "%50\\%%"),
            ("a_b", "%a\\_b%"),
            ("x\\y", "%x\\\\y%"),
        ];
        for (text, pattern) in table {
            assert_eq!(like_pattern(text), pattern, "{text}");
        }
    }
}
