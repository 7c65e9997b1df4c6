//! The orders list's patient-name filter on the name indexes: the few distinct stored names that
//! start with what was typed, each walked in page order from the cursor on its (scope, name,
//! created_at, id) index, merged. A page is then a few short index walks, however many orders
//! those names have and however recent they are.
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::order_list::{after_cursor, prefix_end, NameKey, OrderFilter, PageAt};
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
pub(super) fn page_ids(
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
