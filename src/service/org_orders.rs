//! The dashboard's orders list of an org: the orders the person sees (`order_visibility`: the
//! whole org, or a clinician's Teams), filtered, newest first in keyset pages (a cursor of created
//! time and order id, never an offset, so a page costs the same on a million orders). Showing a
//! page is a PHI read: one `order.listed` audit row names its orders.
use chrono::NaiveDateTime;

use crate::db::lab_accounts::{self as accounts_db, AccountFilter, AccountLabel};
use crate::db::orders::{self as orders_db, Cursor, OrderFilter, OrderRow, PageAt};
use crate::db::orgs::Team;
use crate::db::{read_tx, DbConnection};
use crate::domain::access::{order_visibility, Action, OrderVisibility, Principal};
use crate::domain::actor::Actor;
use crate::domain::ids::{LabAccountId, OrderId, OrgId, TeamId};
use crate::domain::order_status::LowStatus;
use crate::domain::scope::Scope;
use crate::error::AppError;
use crate::service::order_reads::{record_list, ListedFrom};
use crate::service::policy;
use crate::service::visibility::{seen_teams, visible_teams};

pub const PAGE_SIZE: i64 = 50;

/// Which page: the newest, or the one just older or newer than a cursor.
#[derive(Debug, Clone)]
pub enum Position {
    Newest,
    Older(Cursor),
    Newer(Cursor),
}

/// What the list is filtered by.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub status: Option<LowStatus>,
    pub lab_account_id: Option<LabAccountId>,
    /// Created at or after.
    pub from: Option<NaiveDateTime>,
    /// Created before.
    pub before: Option<NaiveDateTime>,
    /// The start of the patient's first or last name.
    pub patient: Option<String>,
}

/// One order of the page.
pub struct ListedOrder {
    pub row: OrderRow,
    pub team_name: String,
    pub test_names: Vec<String>,
    pub account: Option<AccountLabel>,
}

pub struct OrdersPage {
    /// The person sees every Team's orders (otherwise their Teams' only).
    pub whole_org: bool,
    /// The Teams whose orders they see (empty when they see the whole org).
    pub teams: Vec<Team>,
    pub orders: Vec<ListedOrder>,
    pub has_newer: bool,
    pub has_older: bool,
    /// The accounts the lab account filter offers: those the person's orders can be on, the
    /// first `ACCOUNT_CHOICES` of them (and the one filtered by).
    pub accounts: Vec<AccountLabel>,
    /// The person's orders can be on more accounts than are offered.
    pub more_accounts: bool,
}

/// How many accounts the lab account filter offers at most; an org with more opens an account
/// from the lab accounts list and follows its "Orders on this account" link.
pub const ACCOUNT_CHOICES: usize = 200;

/// One page of the org's orders the person sees, recorded as read.
pub fn page(
    conn: &mut DbConnection,
    actor: &Actor,
    p: &Principal,
    org_id: &OrgId,
    filters: Filters,
    at: &Position,
) -> Result<OrdersPage, AppError> {
    policy::authorize(p, Action::ViewOrders { org_id })?;
    // Every read on one snapshot (see `db::read_tx`); the list is recorded after, before it is
    // answered.
    let (listed, page) = read_tx(conn, |conn| {
        let scope = Scope::Org(org_id.clone());
        let whole_org = order_visibility(p) == OrderVisibility::WholeOrg;
        // Who sees the whole org is not told its Teams (there may be a thousand): the page's rows
        // name theirs.
        let teams = if whole_org {
            Vec::new()
        } else {
            visible_teams(conn, p, &scope)?
        };
        let team_ids: Vec<TeamId> = teams.iter().map(|t| t.id.clone()).collect();
        let filters_account = filters.lab_account_id.clone();
        let filter = OrderFilter {
            org_id: whole_org.then(|| org_id.clone()),
            team_ids: (!whole_org).then(|| team_ids.clone()),
            statuses: filters.status.into_iter().collect(),
            lab_account_id: filters.lab_account_id,
            from: filters.from,
            to: filters.before,
            patient_name: filters.patient,
            ..OrderFilter::default()
        };
        let paged = if !whole_org && team_ids.is_empty() {
            Paged::default()
        } else {
            page_at(conn, &filter, at)?
        };
        let listed: Vec<OrderId> = paged.rows.iter().map(|o| o.id.clone()).collect();
        let orders = listed_orders(conn, p, &scope, paged.rows)?;
        let choices = AccountFilter {
            linked_to_any: (!whole_org).then(|| team_ids.clone()),
            ..AccountFilter::default()
        };
        let limit = i64::try_from(ACCOUNT_CHOICES + 1).unwrap_or(i64::MAX);
        let mut accounts = accounts_db::list_labels(conn, Some(org_id), &choices, limit)?;
        let more_accounts = accounts.len() > ACCOUNT_CHOICES;
        accounts.truncate(ACCOUNT_CHOICES);
        if let Some(chosen) = filters_account.filter(|id| !accounts.iter().any(|a| &a.id == id)) {
            let chosen = AccountFilter {
                account_id: Some(chosen),
                ..choices
            };
            accounts.extend(accounts_db::list_labels(conn, Some(org_id), &chosen, 1)?);
        }
        let page = OrdersPage {
            whole_org,
            teams,
            orders,
            has_newer: paged.has_newer,
            has_older: paged.has_older,
            accounts,
            more_accounts,
        };
        Ok::<_, AppError>((listed, page))
    })?;
    record_list(conn, actor, ListedFrom::Org { org_id }, &listed)?;
    Ok(page)
}

fn listed_orders(
    conn: &mut DbConnection,
    p: &Principal,
    scope: &Scope,
    rows: Vec<OrderRow>,
) -> Result<Vec<ListedOrder>, AppError> {
    let ids: Vec<OrderId> = rows.iter().map(|o| o.id.clone()).collect();
    let mut team_ids: Vec<TeamId> = rows.iter().map(|o| o.team_id.clone()).collect();
    team_ids.sort();
    team_ids.dedup();
    let teams = seen_teams(conn, p, scope, &team_ids)?;
    let tests = orders_db::test_names(conn, &ids)?;
    let mut account_ids: Vec<LabAccountId> =
        rows.iter().map(|o| o.lab_account_id.clone()).collect();
    account_ids.sort();
    account_ids.dedup();
    let accounts = accounts_db::labels(conn, &account_ids)?;
    Ok(rows
        .into_iter()
        .map(|row| ListedOrder {
            team_name: teams
                .iter()
                .find(|t| t.id == row.team_id)
                .map(|t| t.name.clone())
                .unwrap_or_default(),
            test_names: tests
                .iter()
                .filter(|(order, _)| *order == row.id)
                .map(|(_, name)| name.clone())
                .collect(),
            account: accounts
                .iter()
                .find(|a| a.id == row.lab_account_id)
                .cloned(),
            row,
        })
        .collect())
}

/// One page and whether there is more on either side.
#[derive(Default)]
struct Paged {
    rows: Vec<OrderRow>,
    has_newer: bool,
    has_older: bool,
}

fn newest(conn: &mut DbConnection, f: &OrderFilter) -> Result<Paged, AppError> {
    let mut rows = orders_db::list_page_at(conn, f, PageAt::Newest, PAGE_SIZE + 1)?;
    let has_older = rows.len() as i64 > PAGE_SIZE;
    rows.truncate(PAGE_SIZE as usize);
    Ok(Paged {
        rows,
        has_newer: false,
        has_older,
    })
}

fn any_at(conn: &mut DbConnection, f: &OrderFilter, at: PageAt<'_>) -> Result<bool, AppError> {
    Ok(!orders_db::list_page_at(conn, f, at, 1)?.is_empty())
}

fn page_at(conn: &mut DbConnection, f: &OrderFilter, at: &Position) -> Result<Paged, AppError> {
    match at {
        Position::Newest => newest(conn, f),
        Position::Older(c) => {
            let mut rows = orders_db::list_page_at(conn, f, PageAt::Older(c), PAGE_SIZE + 1)?;
            let has_older = rows.len() as i64 > PAGE_SIZE;
            rows.truncate(PAGE_SIZE as usize);
            let has_newer = match rows.first() {
                Some(first) => any_at(conn, f, PageAt::Newer(&Cursor::of(first)))?,
                None => true,
            };
            Ok(Paged {
                rows,
                has_newer,
                has_older,
            })
        }
        Position::Newer(c) => {
            let mut rows = orders_db::list_page_at(conn, f, PageAt::Newer(c), PAGE_SIZE + 1)?;
            if rows.len() as i64 <= PAGE_SIZE {
                // Back at the top: the newest page, full.
                return newest(conn, f);
            }
            rows.remove(0);
            let has_older = match rows.last() {
                Some(last) => any_at(conn, f, PageAt::Older(&Cursor::of(last)))?,
                None => false,
            };
            Ok(Paged {
                rows,
                has_newer: true,
                has_older,
            })
        }
    }
}
