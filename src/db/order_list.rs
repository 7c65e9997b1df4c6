//! Order lists: filters, keyset pages for the dashboard, numbered pages for the API.
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::orders::OrderRow;
use super::schema::{lab_tests, order_tests, orders, team_order_counts};
use super::DbConnection;
use crate::domain::ids::{LabAccountId, OrderId, OrgId, PatientId, TeamId};
use crate::domain::order_status::LowStatus;
use crate::error::AppError;

/// Filters of order lists. Exactly one of `org_id` / `team_ids` scopes the list.
#[derive(Debug, Clone, Default)]
pub struct OrderFilter {
    pub org_id: Option<OrgId>,
    pub team_ids: Option<Vec<TeamId>>,
    pub statuses: Vec<LowStatus>,
    pub lab_account_id: Option<LabAccountId>,
    /// The patient's orders only (the wire's `user_id`).
    pub user_id: Option<PatientId>,
    pub order_ids: Vec<OrderId>,
    pub from: Option<NaiveDateTime>,
    pub to: Option<NaiveDateTime>,
    /// The start of the patient's first or last name (case does not matter).
    pub patient_name: Option<String>,
}

/// Where a keyset page starts: after (created_at, id) in the list's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub created_at: NaiveDateTime,
    pub id: OrderId,
}

const CURSOR_TIME: &str = "%Y%m%dT%H%M%S%.6f";

impl Cursor {
    pub fn of(row: &OrderRow) -> Cursor {
        Cursor {
            created_at: row.created_at,
            id: row.id.clone(),
        }
    }

    /// For a URL: the time and the order id, nothing about the patient.
    pub fn encode(&self) -> String {
        format!("{}_{}", self.created_at.format(CURSOR_TIME), self.id)
    }

    pub fn decode(text: &str) -> Option<Cursor> {
        let (time, id) = text.trim().split_once('_')?;
        let created_at = NaiveDateTime::parse_from_str(time, "%Y%m%dT%H%M%S%.f").ok()?;
        let id = OrderId::from(uuid::Uuid::parse_str(id).ok()?);
        Some(Cursor { created_at, id })
    }
}

/// Which page of a newest-first list: the first, the one older than a row, or the one newer.
#[derive(Debug, Clone, Copy)]
pub enum PageAt<'a> {
    Newest,
    Older(&'a Cursor),
    Newer(&'a Cursor),
}

/// The typed name as the stored keys spell it (lower case, single spaces), without LIKE's
/// wildcard and escape characters; None when nothing is left.
pub fn name_needle(text: &str) -> Option<String> {
    let needle = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
        .replace(['%', '_', '\\'], "");
    (!needle.is_empty()).then_some(needle)
}

/// The smallest string greater than every string that starts with `prefix`, so a prefix match
/// is an index range on both backends (`LIKE 'x%'` uses no index on either by default).
pub(super) fn prefix_end(prefix: &str) -> String {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        let next = match last as u32 + 1 {
            0xD800 => 0xE000,
            n => n,
        };
        if let Some(c) = char::from_u32(next) {
            chars.push(c);
            return chars.into_iter().collect();
        }
    }
    format!("{prefix}{}", char::MAX)
}

/// Which stored name key the name filter reads: either (one query), or one of them (an index
/// range each; the list runs both and merges).
#[derive(Debug, Clone, Copy)]
pub(super) enum NameKey {
    Either,
    Full,
    Last,
}

macro_rules! starts_with {
    ($column:expr, $needle:expr, $end:expr) => {
        $column
            .ge($needle.clone())
            .and($column.lt($end.clone()))
            .and($column.like(format!("{}%", $needle)))
    };
}

fn filtered(f: &OrderFilter, key: NameKey) -> orders::BoxedQuery<'static, super::MultiBackend> {
    let mut q = orders::table.into_boxed();
    if let Some(org) = &f.org_id {
        q = q.filter(orders::org_id.eq(org.clone()));
    }
    q = match f.team_ids.as_deref() {
        // `= ANY(...)` of one element keeps PostgreSQL from walking the (team, created) index
        // in order: it sorts every row of the Team instead.
        Some([team]) => q.filter(orders::team_id.eq(team.clone())),
        Some(teams) => q.filter(orders::team_id.eq_any(teams.to_vec())),
        None => q,
    };
    if !f.statuses.is_empty() {
        q = q.filter(orders::status_low.eq_any(f.statuses.clone()));
    }
    if let Some(a) = &f.lab_account_id {
        q = q.filter(orders::lab_account_id.eq(a.clone()));
    }
    if let Some(u) = &f.user_id {
        q = q.filter(orders::user_id.eq(u.clone()));
    }
    if !f.order_ids.is_empty() {
        q = q.filter(orders::id.eq_any(f.order_ids.clone()));
    }
    if let Some(from) = f.from {
        q = q.filter(orders::created_at.ge(from));
    }
    if let Some(to) = f.to {
        q = q.filter(orders::created_at.lt(to));
    }
    if let Some(needle) = f.patient_name.as_deref().and_then(name_needle) {
        let end = prefix_end(&needle);
        let full = orders::patient_search_name;
        let last = orders::patient_search_last_name;
        q = match key {
            NameKey::Either => {
                q.filter(starts_with!(full, needle, end).or(starts_with!(last, needle, end)))
            }
            NameKey::Full => q.filter(starts_with!(full, needle, end)),
            NameKey::Last => q.filter(starts_with!(last, needle, end)),
        };
    }
    q
}

/// The filters and the cursor of a page applied to a query (no order).
pub(super) fn after_cursor(
    f: &OrderFilter,
    key: NameKey,
    at: PageAt<'_>,
) -> orders::BoxedQuery<'static, super::MultiBackend> {
    let q = filtered(f, key);
    // The plain bound lets the planners start the index scan at the cursor; the OR alone is only
    // a filter, and a deep page would walk every newer row first.
    match at {
        PageAt::Newest => q,
        PageAt::Older(c) => q.filter(orders::created_at.le(c.created_at)).filter(
            orders::created_at.lt(c.created_at).or(orders::created_at
                .eq(c.created_at)
                .and(orders::id.lt(c.id.clone()))),
        ),
        PageAt::Newer(c) => q.filter(orders::created_at.ge(c.created_at)).filter(
            orders::created_at.gt(c.created_at).or(orders::created_at
                .eq(c.created_at)
                .and(orders::id.gt(c.id.clone()))),
        ),
    }
}

/// `after_cursor` in the page's order: newest first, or for "Newer" oldest first from the cursor.
pub(super) fn positioned(
    f: &OrderFilter,
    key: NameKey,
    at: PageAt<'_>,
) -> orders::BoxedQuery<'static, super::MultiBackend> {
    let q = after_cursor(f, key, at);
    match at {
        PageAt::Newer(_) => q.order((orders::created_at.asc(), orders::id.asc())),
        _ => q.order((orders::created_at.desc(), orders::id.desc())),
    }
}

/// One keyset page, newest first: at most `limit` rows next to the cursor.
pub fn list_page_at(
    conn: &mut DbConnection,
    f: &OrderFilter,
    at: PageAt<'_>,
    limit: i64,
) -> Result<Vec<OrderRow>, AppError> {
    if let Some(needle) = f.patient_name.as_deref().and_then(name_needle) {
        return super::order_name_search::page(conn, f, &needle, at, limit);
    }
    let rows = positioned(f, NameKey::Either, at)
        .limit(limit)
        .select(OrderRow::as_select())
        .load(conn)
        .map_err(|e| AppError::db("listing orders", e))?;
    Ok(in_newest_first(rows, at))
}

/// Of keys (created_at, id) gathered from several walks, the ids of the page: the newest
/// `wanted`, or for `Newer` the oldest `wanted` (the ones just above the cursor).
pub(super) fn page_of_keys(
    mut keys: Vec<(NaiveDateTime, OrderId)>,
    at: PageAt<'_>,
    wanted: usize,
) -> Vec<OrderId> {
    keys.sort();
    keys.dedup();
    let ids = keys.into_iter().map(|(_, id)| id);
    match at {
        PageAt::Newer(_) => ids.take(wanted).collect(),
        _ => ids.rev().take(wanted).collect(),
    }
}

/// The orders of a page by id, newest first.
pub(super) fn newest_first_by_id(
    conn: &mut DbConnection,
    ids: &[OrderId],
) -> Result<Vec<OrderRow>, AppError> {
    let mut rows: Vec<OrderRow> = orders::table
        .filter(orders::id.eq_any(ids))
        .select(OrderRow::as_select())
        .load(conn)
        .map_err(|e| AppError::db("listing orders by patient name", e))?;
    rows.sort_by(|a, b| (b.created_at, &b.id).cmp(&(a.created_at, &a.id)));
    Ok(rows)
}

/// Rows of a page as loaded in its order, newest first.
pub(super) fn in_newest_first(mut rows: Vec<OrderRow>, at: PageAt<'_>) -> Vec<OrderRow> {
    if let PageAt::Newer(_) = at {
        rows.reverse();
    }
    rows
}

/// Newest first, keyset-paged: rows strictly after `after`.
pub fn list_page(
    conn: &mut DbConnection,
    f: &OrderFilter,
    after: Option<&Cursor>,
    limit: i64,
) -> Result<Vec<OrderRow>, AppError> {
    let at = match after {
        Some(c) => PageAt::Older(c),
        None => PageAt::Newest,
    };
    list_page_at(conn, f, at, limit)
}

/// The total of a Team list filtered at most by status, from the counters the triggers keep; None
/// for any other filter (those count the matching rows through their index).
fn counted_total(conn: &mut DbConnection, f: &OrderFilter) -> Result<Option<i64>, AppError> {
    let OrderFilter {
        org_id: None,
        team_ids: Some(teams),
        statuses,
        lab_account_id: None,
        user_id: None,
        order_ids,
        from: None,
        to: None,
        patient_name: None,
    } = f
    else {
        return Ok(None);
    };
    if !order_ids.is_empty() {
        return Ok(None);
    }
    let mut q = team_order_counts::table
        .filter(team_order_counts::team_id.eq_any(teams.to_vec()))
        .into_boxed();
    if !statuses.is_empty() {
        let statuses: Vec<String> = statuses.iter().map(|s| s.as_str().to_string()).collect();
        q = q.filter(team_order_counts::status_low.eq_any(statuses));
    }
    // A few rows per Team and status (the shards): summed here, so the sum's type is the same
    // on both backends.
    let counts: Vec<i64> = q
        .select(team_order_counts::n)
        .load(conn)
        .map_err(|e| AppError::db("reading the order counters", e))?;
    Ok(Some(counts.iter().sum()))
}

/// Page-numbered listing for the API (`page` from 1), in either direction, with the total.
pub fn list_numbered(
    conn: &mut DbConnection,
    f: &OrderFilter,
    page: i64,
    size: i64,
    ascending: bool,
) -> Result<(Vec<OrderRow>, i64), AppError> {
    let failed = |e| AppError::db("listing orders", e);
    let total = match counted_total(conn, f)? {
        Some(total) => total,
        None => filtered(f, NameKey::Either)
            .count()
            .get_result(conn)
            .map_err(failed)?,
    };
    let q = if ascending {
        filtered(f, NameKey::Either).order((orders::created_at.asc(), orders::id.asc()))
    } else {
        filtered(f, NameKey::Either).order((orders::created_at.desc(), orders::id.desc()))
    };
    let rows = q
        .offset((page - 1) * size)
        .limit(size)
        .select(OrderRow::as_select())
        .load(conn)
        .map_err(failed)?;
    Ok((rows, total))
}

/// The test names of several orders, as (order id, name) in each order's test order: one query
/// for a whole list page.
pub fn test_names(
    conn: &mut DbConnection,
    order_ids: &[OrderId],
) -> Result<Vec<(OrderId, String)>, AppError> {
    order_tests::table
        .inner_join(lab_tests::table)
        .filter(order_tests::order_id.eq_any(order_ids))
        .order((order_tests::order_id, order_tests::position))
        .select((order_tests::order_id, lab_tests::name))
        .load(conn)
        .map_err(|e| AppError::db("loading the tests of orders", e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_needle_folds_case_and_spaces_and_drops_wildcards() {
        let table = [
            ("  Jane   DOE ", Some("jane doe")),
            ("o'Brien", Some("o'brien")),
            ("50%_\\", Some("50")),
            ("%%", None),
            ("   ", None),
        ];
        for (typed, expected) in table {
            assert_eq!(name_needle(typed).as_deref(), expected, "{typed:?}");
        }
    }

    #[test]
    fn prefix_end_is_just_above_every_string_with_the_prefix() {
        assert_eq!(prefix_end("doe"), "dof");
        assert_eq!(prefix_end("jane d"), "jane e");
        assert_eq!(prefix_end("a\u{D7FF}"), "a\u{E000}");
        assert_eq!(prefix_end("z\u{10FFFF}"), "{");
        for name in ["doe", "doe jane", "doe\u{10FFFF}", "doea"] {
            assert!(name >= "doe" && name < prefix_end("doe").as_str(), "{name}");
        }
        assert!("dof" >= prefix_end("doe").as_str());
    }

    #[test]
    fn cursor_round_trips_through_a_url_and_refuses_junk() {
        let c = Cursor {
            created_at: chrono::NaiveDate::from_ymd_opt(2026, 11, 30)
                .unwrap()
                .and_hms_micro_opt(10, 15, 0, 120)
                .unwrap(),
            id: "6f1c2a4e-8b1d-4c1e-9a55-0b7d3c2e9f10".parse().unwrap(),
        };
        assert_eq!(
            c.encode(),
            "20261130T101500.000120_6f1c2a4e-8b1d-4c1e-9a55-0b7d3c2e9f10"
        );
        assert_eq!(Cursor::decode(&c.encode()), Some(c));
        for junk in ["", "x_y", "20261130T101500.000120_not-a-uuid", "nope"] {
            assert_eq!(Cursor::decode(junk), None, "{junk}");
        }
    }
}
