//! The landing redirect, an org's home page (the state of things at a glance for the person's
//! role: `service::home`), and the CSMs' org picker.
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use crate::db::orgs::Team;
use crate::domain::access::Role;
use crate::domain::charts::{bars, BarChart, Frame};
use crate::domain::home::waited;
use crate::domain::ids::OrgId;
use crate::domain::order_input::PatientDetails;
use crate::domain::scope::Scope;
use crate::error::AppError;
use crate::service::home::{self as home_service, AccountSeries, Home, OrdersBlock};
use crate::service::org_picker;
use crate::web::page::{render, see_other, Chrome, Nav, PageContext};
use crate::web::pages::orders::filters::ListQuery as OrdersQuery;
use crate::web::pages::orders::patient_name;
use crate::web::{run_db, urls, AppState};

/// Where a signed-in person lands: their org's home, a CSM with one org that org's, any other
/// CSM the org picker.
pub async fn index(ctx: PageContext) -> HttpResponse {
    let p = &ctx.principal;
    let org = match (&p.org_id, p.role, p.csm_org_ids.as_slice()) {
        (Some(org), _, _) => org,
        (None, Role::Csm, [only]) => only,
        _ => return see_other(&urls::orgs()),
    };
    see_other(&urls::org_home(org))
}

/// A count with the words it stands for and the list it opens.
pub struct Tally {
    pub label: String,
    pub count: i64,
    pub url: String,
    /// A second line: how long the oldest has waited, the stored code.
    pub note: String,
}

pub struct WaitingRow {
    pub name: String,
    pub status: &'static str,
    pub waited: String,
    pub url: String,
}

pub struct AccountsView {
    pub by_status: Vec<Tally>,
    pub waiting: Vec<WaitingRow>,
    pub waiting_total: i64,
}

pub struct ReviewView {
    pub by_kind: Vec<Tally>,
    pub total: i64,
    pub queue_url: String,
}

pub struct DayBar {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    /// "3 orders on 2026-03-04": the bar's tooltip.
    pub title: String,
}

pub struct ChartView {
    pub account: String,
    pub number: String,
    pub url: String,
    pub width: f64,
    pub height: f64,
    pub bars: Vec<DayBar>,
    /// The whole chart in one sentence: its `aria-label`.
    pub label: String,
    /// The days with orders, for the text alternative.
    pub busy_days: Vec<(String, u32)>,
    pub total: u32,
}

pub struct CriticalRow {
    pub url: String,
    pub patient: String,
    pub tests: String,
    pub team: String,
    pub placed: String,
}

pub struct OrdersView {
    pub scope_note: String,
    pub week_from: String,
    pub week_total: i64,
    pub week_url: String,
    pub week_by_status: Vec<Tally>,
    pub chart_from: String,
    pub today: String,
    pub charts: Vec<ChartView>,
    pub more_accounts: usize,
    pub critical: Vec<CriticalRow>,
    pub critical_total: i64,
    pub critical_from: String,
}

#[derive(Template)]
#[template(path = "home/page.html")]
struct HomePage {
    chrome: Chrome,
    accounts: Option<AccountsView>,
    review: Option<ReviewView>,
    orders: OrdersView,
}

#[derive(Deserialize)]
pub struct OrgPath {
    org: OrgId,
}

pub async fn page(
    state: web::Data<AppState>,
    ctx: PageContext,
    path: web::Path<OrgPath>,
) -> Result<HttpResponse, AppError> {
    let org_id = path.into_inner().org;
    let page = run_db(&state, move |conn| {
        let scope = Scope::Org(org_id.clone());
        let chrome = ctx.chrome(conn, Some(&scope), Nav::Home)?;
        let now = crate::db::now();
        let home = home_service::home(conn, &ctx.actor(), &ctx.principal, &org_id, now)?;
        Ok(view(chrome, &org_id, home, now))
    })
    .await?;
    render(&page)
}

fn orders_url(org: &OrgId, q: OrdersQuery) -> String {
    q.url(&urls::org_orders(org))
}

fn view(chrome: Chrome, org: &OrgId, home: Home, now: chrono::NaiveDateTime) -> HomePage {
    let scope = Scope::Org(org.clone());
    let accounts = home.accounts.map(|a| AccountsView {
        by_status: a
            .by_status
            .iter()
            .map(|(status, n)| Tally {
                label: status.label().to_string(),
                count: *n,
                url: format!("{}?status={status}", urls::lab_accounts(&scope)),
                note: String::new(),
            })
            .collect(),
        waiting: a
            .waiting
            .iter()
            .map(|w| WaitingRow {
                name: w.label.name(),
                status: w.status.label(),
                waited: waited(w.since, now),
                url: urls::lab_account(&scope, &w.label.id),
            })
            .collect(),
        waiting_total: a.waiting_total,
    });
    let review = home.review.map(|r| ReviewView {
        by_kind: r
            .by_kind
            .iter()
            .map(|(code, n, oldest)| Tally {
                label: code.label().to_string(),
                count: *n,
                url: format!("{}?decision_code={code}", urls::review_queue(&scope)),
                note: format!("oldest waiting {}", waited(*oldest, now)),
            })
            .collect(),
        total: r.total,
        queue_url: urls::review_queue(&scope),
    });
    HomePage {
        chrome,
        accounts,
        review,
        orders: orders_view(org, home.orders),
    }
}

fn scope_note(o: &OrdersBlock) -> String {
    if o.whole_org {
        "Every Team's orders.".to_string()
    } else if o.teams.is_empty() {
        "You are not a member of any Team yet, so there are no orders to show.".to_string()
    } else {
        let names: Vec<&str> = o.teams.iter().map(|t: &Team| t.name.as_str()).collect();
        format!("Orders of your Teams: {}.", names.join(", "))
    }
}

/// The charts' box: 28 bars of about 8 px.
const CHART: Frame = Frame {
    width: 224.0,
    height: 40.0,
    gap: 2.0,
};

fn chart(org: &OrgId, o: &OrdersBlock, s: &AccountSeries) -> ChartView {
    let BarChart {
        width,
        height,
        bars: drawn,
        max,
        total,
    } = bars(&s.per_day, CHART);
    let day = |i: usize| o.chart_from + chrono::Duration::days(i as i64);
    let orders = |n: u32| if n == 1 { "order" } else { "orders" };
    let name = s.account.name();
    ChartView {
        url: orders_url(
            org,
            OrdersQuery {
                lab_account_id: Some(s.account.id.to_string()),
                from: Some(o.chart_from.to_string()),
                ..OrdersQuery::default()
            },
        ),
        number: s.account.provider_account_id.clone(),
        width,
        height,
        bars: drawn
            .iter()
            .enumerate()
            .map(|(i, b)| DayBar {
                x: b.x,
                y: b.y,
                width: b.width,
                height: b.height,
                title: format!("{} {} on {}", b.value, orders(b.value), day(i)),
            })
            .collect(),
        label: format!(
            "Orders per day on {name} from {} to {}: {total} in all, at most {max} a day.",
            o.chart_from, o.today
        ),
        busy_days: s
            .per_day
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(i, n)| (day(i).format("%b %-d").to_string(), *n))
            .collect(),
        total,
        account: name,
    }
}

fn orders_view(org: &OrgId, o: OrdersBlock) -> OrdersView {
    let week_from = o.week_from.to_string();
    let since = |status: Option<String>| OrdersQuery {
        status,
        from: Some(week_from.clone()),
        ..OrdersQuery::default()
    };
    OrdersView {
        scope_note: scope_note(&o),
        week_total: o.week_by_status.iter().map(|(_, n)| n).sum(),
        week_url: orders_url(org, since(None)),
        week_by_status: o
            .week_by_status
            .iter()
            .map(|(status, n)| Tally {
                label: status.label(),
                count: *n,
                url: orders_url(org, since(Some(status.to_string()))),
                note: String::new(),
            })
            .collect(),
        charts: o.series.iter().map(|s| chart(org, &o, s)).collect(),
        more_accounts: o.more_accounts,
        critical: o
            .critical
            .iter()
            .map(|c| CriticalRow {
                url: urls::order(org, &c.order.id),
                patient: serde_json::from_str::<PatientDetails>(&c.order.patient_details)
                    .map(|d| patient_name(&d))
                    .unwrap_or_else(|_| "(unreadable)".to_string()),
                tests: c.test_names.join(", "),
                team: c.team_name.clone(),
                placed: c.order.created_at.format("%Y-%m-%d").to_string(),
            })
            .collect(),
        critical_total: o.critical_total,
        critical_from: o.critical_from.to_string(),
        chart_from: o.chart_from.to_string(),
        today: o.today.to_string(),
        week_from,
    }
}

pub struct OrgLink {
    name: String,
    url: String,
}

#[derive(Template)]
#[template(path = "orgs/pick.html")]
struct PickPage {
    chrome: Chrome,
    orgs: Vec<OrgLink>,
}

pub async fn pick(state: web::Data<AppState>, ctx: PageContext) -> Result<HttpResponse, AppError> {
    let page = run_db(&state, move |conn| {
        let chrome = ctx.chrome(conn, None, Nav::Orgs)?;
        let orgs = org_picker::orgs(conn, &ctx.principal)?;
        Ok(PickPage {
            chrome,
            orgs: orgs
                .into_iter()
                .map(|o| OrgLink {
                    url: urls::org_home(&o.id),
                    name: o.name,
                })
                .collect(),
        })
    })
    .await?;
    render(&page)
}
