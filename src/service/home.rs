//! An org's home page for one person: the blocks their role needs, each counting only what they
//! may see. Lab accounts by status and the launches waiting on a CSM (CSMs and org admins), the
//! review items waiting (who works the org's queue), and the orders of their Teams or of the
//! whole org as the orders list shows them: this week's by status, the last weeks per account
//! and day, and critical results nobody has opened yet. The counts are aggregates; the critical
//! list names patients, so showing it is an audited read like the orders list.
use chrono::{NaiveDate, NaiveDateTime};

use crate::db::home::{self as home_db, OrderScope, UnviewedCritical, WaitingAccount};
use crate::db::lab_accounts::{self as accounts_db, AccountLabel};
use crate::db::orders as orders_db;
use crate::db::orgs::Team;
use crate::db::{read_tx, DbConnection};
use crate::domain::access::{account_visibility, order_visibility, AccountVisibility};
use crate::domain::access::{Action, OrderVisibility, Principal};
use crate::domain::actor::Actor;
use crate::domain::charts::daily;
use crate::domain::home::{period_start, CHART_DAYS, CRITICAL_DAYS, WAITING_ON_CSM, WEEK_DAYS};
use crate::domain::ids::{LabAccountId, OrderId, OrgId, TeamId};
use crate::domain::lab_account::AccountStatus;
use crate::domain::order_status::LowStatus;
use crate::domain::result_matching::DecisionCode;
use crate::domain::scope::Scope;
use crate::error::AppError;
use crate::service::order_reads::{record_list, ListedFrom};
use crate::service::policy;
use crate::service::visibility::visible_teams;

/// How many waiting launches, account charts and critical results the page names.
pub const WAITING_SHOWN: i64 = 5;
pub const CHARTS_SHOWN: usize = 8;
pub const CRITICAL_SHOWN: i64 = 10;

pub struct AccountsBlock {
    /// Every status, in the order an account moves through them, with its count (maybe zero).
    pub by_status: Vec<(AccountStatus, i64)>,
    /// The longest waiting first, at most `WAITING_SHOWN`.
    pub waiting: Vec<WaitingAccount>,
    pub waiting_total: i64,
}

pub struct ReviewBlock {
    /// (kind, how many, the oldest's arrival), most first.
    pub by_kind: Vec<(DecisionCode, i64, NaiveDateTime)>,
    pub total: i64,
}

/// One account's orders per day over the charted days.
pub struct AccountSeries {
    pub account: AccountLabel,
    pub per_day: Vec<u32>,
    pub total: u32,
}

pub struct CriticalOrder {
    pub order: UnviewedCritical,
    pub team_name: String,
    pub test_names: Vec<String>,
}

pub struct OrdersBlock {
    /// The person sees every Team's orders (otherwise `teams` only).
    pub whole_org: bool,
    pub teams: Vec<Team>,
    pub week_from: NaiveDate,
    /// This week's orders by status, most first.
    pub week_by_status: Vec<(LowStatus, i64)>,
    pub chart_from: NaiveDate,
    pub today: NaiveDate,
    /// The busiest accounts of the charted days, at most `CHARTS_SHOWN`.
    pub series: Vec<AccountSeries>,
    /// Accounts with orders in the charted days that are not charted.
    pub more_accounts: usize,
    pub critical_from: NaiveDate,
    pub critical: Vec<CriticalOrder>,
    pub critical_total: i64,
}

pub struct Home {
    pub accounts: Option<AccountsBlock>,
    pub review: Option<ReviewBlock>,
    pub orders: OrdersBlock,
}

/// The home of `org_id` for `p` at `now`; the critical results shown are recorded as read.
pub fn home(
    conn: &mut DbConnection,
    actor: &Actor,
    p: &Principal,
    org_id: &OrgId,
    now: NaiveDateTime,
) -> Result<Home, AppError> {
    policy::authorize(p, Action::ViewOrders { org_id })?;
    let home = read_tx(conn, |conn| {
        let accounts = match account_visibility(p) {
            AccountVisibility::WholeOrg => Some(accounts_block(conn, org_id)?),
            AccountVisibility::LinkedTo(_) => None,
        };
        let reviews = Action::ReviewResults {
            org_id: Some(org_id),
        };
        let review = if policy::allowed(p, reviews) {
            Some(review_block(conn, org_id)?)
        } else {
            None
        };
        Ok::<_, AppError>(Home {
            accounts,
            review,
            orders: orders_block(conn, p, org_id, now)?,
        })
    })?;
    let listed: Vec<OrderId> = home
        .orders
        .critical
        .iter()
        .map(|c| c.order.id.clone())
        .collect();
    record_list(conn, actor, ListedFrom::Org { org_id }, &listed)?;
    Ok(home)
}

fn accounts_block(conn: &mut DbConnection, org_id: &OrgId) -> Result<AccountsBlock, AppError> {
    let counted = home_db::accounts_by_status(conn, org_id)?;
    let by_status = AccountStatus::ALL
        .iter()
        .map(|s| {
            let n = counted.iter().find(|(c, _)| c == s).map_or(0, |(_, n)| *n);
            (*s, n)
        })
        .collect::<Vec<_>>();
    let waiting = home_db::waiting_accounts(conn, org_id, WAITING_ON_CSM, WAITING_SHOWN)?;
    let waiting_total = by_status
        .iter()
        .filter(|(s, _)| WAITING_ON_CSM.contains(s))
        .map(|(_, n)| n)
        .sum();
    Ok(AccountsBlock {
        by_status,
        waiting,
        waiting_total,
    })
}

fn review_block(conn: &mut DbConnection, org_id: &OrgId) -> Result<ReviewBlock, AppError> {
    let mut by_kind: Vec<(DecisionCode, i64, NaiveDateTime)> =
        home_db::open_items_by_kind(conn, std::slice::from_ref(org_id))?
            .into_iter()
            .filter_map(|(code, n, oldest)| oldest.map(|o| (code, n, o)))
            .collect();
    by_kind.sort_by(|a, b| b.1.cmp(&a.1).then(a.2.cmp(&b.2)));
    let total = by_kind.iter().map(|(_, n, _)| n).sum();
    Ok(ReviewBlock { by_kind, total })
}

fn orders_block(
    conn: &mut DbConnection,
    p: &Principal,
    org_id: &OrgId,
    now: NaiveDateTime,
) -> Result<OrdersBlock, AppError> {
    let today = now.date();
    let whole_org = order_visibility(p) == OrderVisibility::WholeOrg;
    let teams = if whole_org {
        Vec::new()
    } else {
        visible_teams(conn, p, &Scope::Org(org_id.clone()))?
    };
    let scope = OrderScope {
        org_id: org_id.clone(),
        team_ids: (!whole_org).then(|| teams.iter().map(|t| t.id.clone()).collect()),
    };
    let (week_from, chart_from, critical_from) = (
        period_start(today, WEEK_DAYS),
        period_start(today, CHART_DAYS),
        period_start(today, CRITICAL_DAYS),
    );
    let mut block = OrdersBlock {
        whole_org,
        teams,
        week_from: week_from.date(),
        week_by_status: Vec::new(),
        chart_from: chart_from.date(),
        today,
        series: Vec::new(),
        more_accounts: 0,
        critical_from: critical_from.date(),
        critical: Vec::new(),
        critical_total: 0,
    };
    if scope.team_ids.as_ref().is_some_and(Vec::is_empty) {
        return Ok(block);
    }
    let mut by_status = home_db::orders_by_status(conn, &scope, week_from)?;
    by_status.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.as_str().cmp(b.0.as_str())));
    block.week_by_status = by_status;
    let (series, more) = series(conn, &scope, chart_from, today)?;
    (block.series, block.more_accounts) = (series, more);
    let (critical, total) =
        home_db::unviewed_critical(conn, &scope, critical_from, CRITICAL_SHOWN)?;
    block.critical = named(conn, p, org_id, critical)?;
    block.critical_total = total;
    Ok(block)
}

/// The busiest accounts' orders per day, and how many accounts with orders are left out.
fn series(
    conn: &mut DbConnection,
    scope: &OrderScope,
    from: NaiveDateTime,
    today: NaiveDate,
) -> Result<(Vec<AccountSeries>, usize), AppError> {
    let rows = home_db::orders_per_account_and_day(conn, scope, from)?;
    let mut ids: Vec<LabAccountId> = rows.iter().map(|(a, _, _)| a.clone()).collect();
    ids.sort();
    ids.dedup();
    let mut all: Vec<(LabAccountId, Vec<u32>, u32)> = ids
        .into_iter()
        .map(|id| {
            let days: Vec<(NaiveDate, i64)> = rows
                .iter()
                .filter(|(a, _, _)| *a == id)
                .map(|(_, d, n)| (*d, *n))
                .collect();
            let per_day = daily(&days, today, CHART_DAYS);
            let total = per_day.iter().sum();
            (id, per_day, total)
        })
        .collect();
    all.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
    let more = all.len().saturating_sub(CHARTS_SHOWN);
    all.truncate(CHARTS_SHOWN);
    let shown: Vec<LabAccountId> = all.iter().map(|(id, _, _)| id.clone()).collect();
    let labels = accounts_db::labels(conn, &shown)?;
    let series = all
        .into_iter()
        .filter_map(|(id, per_day, total)| {
            let account = labels.iter().find(|l| l.id == id)?.clone();
            Some(AccountSeries {
                account,
                per_day,
                total,
            })
        })
        .collect();
    Ok((series, more))
}

/// The critical orders with their Team's name and their tests.
fn named(
    conn: &mut DbConnection,
    p: &Principal,
    org_id: &OrgId,
    orders: Vec<UnviewedCritical>,
) -> Result<Vec<CriticalOrder>, AppError> {
    if orders.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<OrderId> = orders.iter().map(|o| o.id.clone()).collect();
    let mut team_ids: Vec<TeamId> = orders.iter().map(|o| o.team_id.clone()).collect();
    team_ids.sort();
    team_ids.dedup();
    let teams =
        crate::service::visibility::seen_teams(conn, p, &Scope::Org(org_id.clone()), &team_ids)?;
    let tests = orders_db::test_names(conn, &ids)?;
    Ok(orders
        .into_iter()
        .map(|order| CriticalOrder {
            team_name: teams
                .iter()
                .find(|t| t.id == order.team_id)
                .map(|t| t.name.clone())
                .unwrap_or_default(),
            test_names: tests
                .iter()
                .filter(|(o, _)| *o == order.id)
                .map(|(_, name)| name.clone())
                .collect(),
            order,
        })
        .collect())
}
