//! The orders list's patient-name filter. First on the name indexes: the few distinct stored
//! names that start with what was typed, each walked in page order from the cursor on its (name,
//! scope, created_at, id) index, merged; a page is then a few short index walks, however many
//! orders those names have and however recent they are. A start shared by too many names (a
//! letter or two) is looked for among the orders next to the cursor, where so common a start is
//! found; failing that, every match is read from the name indexes' ranges.
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::order_list::{
    after_cursor, in_newest_first, newest_first_by_id, page_of_keys, positioned, prefix_end,
    NameKey, OrderFilter, PageAt,
};
use super::orders::OrderRow;
use super::schema::orders;
use super::DbConnection;
use crate::domain::ids::{OrderId, OrgId, TeamId};
use crate::error::AppError;

/// More distinct names than this start with what was typed (a letter or two): the list's other
/// ways answer it (so common a start fills a page from the newest orders).
const MAX_NAMES: usize = 24;

/// The list's scope as the name indexes' first column: one org, or one Team.
enum IndexScope<'a> {
    Org(&'a OrgId),
    Team(&'a TeamId),
}

fn failed(e: diesel::result::Error) -> AppError {
    AppError::db("listing orders by patient name", e)
}

/// The distinct values of a name column in [needle, end) within the scope, one index seek each
/// (a skip scan); None when there are more than `MAX_NAMES`.
macro_rules! distinct_names {
    ($conn:expr, $scope:expr, $col:expr, $needle:expr, $end:expr) => {{
        let mut names: Vec<String> = Vec::new();
        loop {
            let q = orders::table
                .select(diesel::dsl::min($col))
                .filter($col.lt($end.to_string()))
                .into_boxed();
            let q = match $scope {
                IndexScope::Org(o) => q.filter(orders::org_id.eq((*o).clone())),
                IndexScope::Team(t) => q.filter(orders::team_id.eq((*t).clone())),
            };
            let q = match names.last() {
                Some(prev) => q.filter($col.gt(prev.clone())),
                None => q.filter($col.ge($needle.to_string())),
            };
            match q.first::<Option<String>>($conn).map_err(failed)? {
                Some(_) if names.len() == MAX_NAMES => break None,
                Some(name) => names.push(name),
                None => break Some(names),
            }
        }
    }};
}

/// The (created_at, id) of at most `limit` orders of one stored name next to the cursor, in page
/// order.
macro_rules! walk_name {
    ($conn:expr, $f:expr, $at:expr, $col:expr, $name:expr, $limit:expr) => {{
        let q = after_cursor($f, NameKey::Either, $at).filter($col.eq($name.clone()));
        let q = match $at {
            PageAt::Newer(_) => q.order((orders::created_at.asc(), orders::id.asc())),
            _ => q.order((orders::created_at.desc(), orders::id.desc())),
        };
        q.limit($limit)
            .select((orders::created_at, orders::id))
            .load::<(NaiveDateTime, OrderId)>($conn)
            .map_err(failed)?
    }};
}

/// The ids of the page's orders whose first or last name starts with `needle`, in page order
/// (oldest first for `Newer`); None when the list is not one org's or one Team's, or too many
/// names start so.
fn walked_ids(
    conn: &mut DbConnection,
    f: &OrderFilter,
    needle: &str,
    at: PageAt<'_>,
    limit: i64,
) -> Result<Option<Vec<OrderId>>, AppError> {
    let scope = match (&f.org_id, f.team_ids.as_deref()) {
        (Some(org), None) => IndexScope::Org(org),
        (None, Some([team])) => IndexScope::Team(team),
        _ => return Ok(None),
    };
    let end = prefix_end(needle);
    let full_col = orders::patient_search_name;
    let last_col = orders::patient_search_last_name;
    let Some(full) = distinct_names!(conn, &scope, full_col, needle, end) else {
        return Ok(None);
    };
    let Some(last) = distinct_names!(conn, &scope, last_col, needle, end) else {
        return Ok(None);
    };
    let unnamed = OrderFilter {
        patient_name: None,
        ..f.clone()
    };
    let mut keys: Vec<(NaiveDateTime, OrderId)> = Vec::new();
    for name in &full {
        keys.extend(walk_name!(conn, &unnamed, at, full_col, name, limit));
    }
    for name in &last {
        keys.extend(walk_name!(conn, &unnamed, at, last_col, name, limit));
    }
    keys.sort();
    keys.dedup();
    let wanted = usize::try_from(limit).unwrap_or(0);
    let ids = match at {
        PageAt::Newer(_) => keys.into_iter().take(wanted).map(|(_, id)| id).collect(),
        _ => keys
            .into_iter()
            .rev()
            .take(wanted)
            .map(|(_, id)| id)
            .collect(),
    };
    Ok(Some(ids))
}

/// One page of orders whose patient's first or last name starts with `needle`, newest first.
pub(super) fn page(
    conn: &mut DbConnection,
    f: &OrderFilter,
    needle: &str,
    at: PageAt<'_>,
    limit: i64,
) -> Result<Vec<OrderRow>, AppError> {
    if let Some(ids) = walked_ids(conn, f, needle, at, limit)? {
        return newest_first_by_id(conn, &ids);
    }
    for per_row in NAME_WINDOWS_PER_ROW {
        if let Some(rows) = page_from_window(conn, f, needle, at, limit, per_row)? {
            return Ok(in_newest_first(rows, at));
        }
    }
    // Rare enough not to fill a window: every match of each name key, by its index range alone
    // (no order or limit, which could lead a planner to walk the time index instead), sorted
    // here. The range holds only the matches, and they are few.
    let mut keys: Vec<(NaiveDateTime, OrderId)> = Vec::new();
    for key in [NameKey::Full, NameKey::Last] {
        keys.extend(
            after_cursor(f, key, at)
                .select((orders::created_at, orders::id))
                .load::<(NaiveDateTime, OrderId)>(conn)
                .map_err(failed)?,
        );
    }
    let ids = page_of_keys(keys, at, usize::try_from(limit).unwrap_or(0));
    newest_first_by_id(conn, &ids)
}

/// How many of the orders next to the cursor a name filter looks through, per row wanted: a
/// common name fills the page in the first window; one that is rare lately (a burst of other
/// patients' orders) in the second; only a name rarer than one in 200 recent orders goes to the
/// name index, whose range is then small.
const NAME_WINDOWS_PER_ROW: [i64; 2] = [20, 200];

/// A name filter answered from the orders next to the cursor (walking the time index): their
/// stored name keys are matched here. A common name fills the page from the first few hundred
/// orders; a rare one does not, and the name index answers it (its range is then small). Either
/// way a page never sorts every order whose name matches. None: the window did not fill the page.
fn page_from_window(
    conn: &mut DbConnection,
    f: &OrderFilter,
    needle: &str,
    at: PageAt<'_>,
    limit: i64,
    per_row: i64,
) -> Result<Option<Vec<OrderRow>>, AppError> {
    let unnamed = OrderFilter {
        patient_name: None,
        ..f.clone()
    };
    let window: Vec<(OrderId, String, String)> = positioned(&unnamed, NameKey::Either, at)
        .limit(limit.saturating_mul(per_row))
        .select((
            orders::id,
            orders::patient_search_name,
            orders::patient_search_last_name,
        ))
        .load(conn)
        .map_err(failed)?;
    let wanted = usize::try_from(limit).unwrap_or(0);
    let ids: Vec<OrderId> = window
        .into_iter()
        .filter(|(_, full, last)| full.starts_with(needle) || last.starts_with(needle))
        .map(|(id, _, _)| id)
        .take(wanted)
        .collect();
    if ids.len() < wanted {
        return Ok(None);
    }
    // By id alone (primary key lookups): with the list's filters and order, a planner may walk
    // the whole time index to avoid sorting a few rows.
    let mut rows: Vec<OrderRow> = orders::table
        .filter(orders::id.eq_any(&ids))
        .select(OrderRow::as_select())
        .load(conn)
        .map_err(failed)?;
    rows.sort_by_key(|r| ids.iter().position(|id| *id == r.id));
    Ok(Some(rows))
}
