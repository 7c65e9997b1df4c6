//! The orders list: filters in the query string (a plain GET form; htmx swaps only the table and
//! pushes the URL), newest first in keyset pages ("Newer" / "Older" links carry a cursor of
//! created time and order id, never an offset), so a page costs the same on a million orders.
use crate::web::pages::Nav;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use super::filters::{parse, start_of_day, ListQuery};
use super::{patient_name, StatusBadge};
use crate::db::lab_accounts::{self as accounts_db, AccountFilter};
use crate::db::orders::{self as orders_db, Cursor, OrderFilter, OrderRow, PageAt};
use crate::db::orgs::Team;
use crate::db::DbConnection;
use crate::domain::access::{order_visibility, Action, OrderVisibility, Principal, Role};
use crate::domain::ids::{LabAccountId, OrderId, OrgId, TeamId};
use crate::domain::order_input::PatientDetails;
use crate::domain::order_status::LowStatus;
use crate::error::AppError;
use crate::service::order_reads::{self, ListedFrom};
use crate::service::policy;
use crate::service::visibility::visible_teams;
use crate::web::htmx::is_htmx;
use crate::web::pages::{chrome, fmt_time, render, Chrome, Scope, SelectOption};
use crate::web::session::SignedIn;
use crate::web::urls;
use crate::web::{run_db, AppState};

pub const PAGE_SIZE: i64 = 50;

/// One page and whether there is more on either side.
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

fn page_of(
    conn: &mut DbConnection,
    f: &OrderFilter,
    at: Option<&(bool, Cursor)>,
) -> Result<Paged, AppError> {
    match at {
        None => newest(conn, f),
        Some((true, c)) => {
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
        Some((false, c)) => {
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

pub struct OrderListRow {
    pub id: OrderId,
    pub url: String,
    pub patient: String,
    pub team: String,
    pub tests: String,
    pub account_name: String,
    pub account_number: String,
    pub status: StatusBadge,
    pub created_at: String,
}

pub struct OrdersTable {
    pub filter_error: Option<String>,
    pub rows: Vec<OrderListRow>,
    pub filtered: bool,
    pub base_url: String,
    pub empty_message: String,
    pub newer_url: Option<String>,
    pub older_url: Option<String>,
    /// On a later page: the way back to the newest orders.
    pub newest_url: Option<String>,
}

#[derive(Template)]
#[template(path = "orders/list.html")]
struct ListPage {
    chrome: Chrome,
    base_url: String,
    scope_note: String,
    status_options: Vec<SelectOption>,
    account_options: Vec<SelectOption>,
    from: String,
    to: String,
    patient: String,
    table: OrdersTable,
}

#[derive(Template)]
#[template(path = "orders/_table.html")]
struct TableFragment {
    table: OrdersTable,
}

/// A whole page, or just the table for htmx.
enum Output {
    Page(Box<ListPage>),
    Fragment(TableFragment),
}

fn rows(
    conn: &mut DbConnection,
    org_id: &OrgId,
    teams: &[Team],
    orders: Vec<OrderRow>,
) -> Result<Vec<OrderListRow>, AppError> {
    let ids: Vec<OrderId> = orders.iter().map(|o| o.id.clone()).collect();
    let tests = orders_db::test_names(conn, &ids)?;
    let mut account_ids: Vec<LabAccountId> =
        orders.iter().map(|o| o.lab_account_id.clone()).collect();
    account_ids.sort();
    account_ids.dedup();
    let accounts = accounts_db::labels(conn, &account_ids)?;
    Ok(orders
        .into_iter()
        .map(|o| {
            let account = accounts.iter().find(|a| a.id == o.lab_account_id);
            OrderListRow {
                url: urls::order(org_id, &o.id),
                patient: serde_json::from_str::<PatientDetails>(&o.patient_details)
                    .map(|d| patient_name(&d))
                    .unwrap_or_else(|_| "(unreadable)".to_string()),
                team: teams
                    .iter()
                    .find(|t| t.id == o.team_id)
                    .map(|t| t.name.clone())
                    .unwrap_or_default(),
                tests: tests
                    .iter()
                    .filter(|(order, _)| *order == o.id)
                    .map(|(_, name)| name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                account_name: account.map(|a| a.name()).unwrap_or_default(),
                account_number: account
                    .map(|a| a.provider_account_id.clone())
                    .unwrap_or_default(),
                status: StatusBadge::new(o.status_high, o.status_low),
                created_at: fmt_time(&o.created_at),
                id: o.id,
            }
        })
        .collect())
}

fn empty_message(p: &Principal, team_count: usize) -> String {
    match p.role {
        Role::Clinician if team_count == 0 => "You are not a member of any Team yet, so there are no orders to show. Ask your ops admin to add you to a Team.".to_string(),
        Role::Clinician => "Your Teams have no orders yet. Orders placed for your Teams, in labdesk or through the API, appear here.".to_string(),
        _ => "This organization has no orders yet. Orders its Teams place, in labdesk or through the API, appear here.".to_string(),
    }
}

fn account_options(
    conn: &mut DbConnection,
    p: &Principal,
    org_id: &OrgId,
    team_ids: &[TeamId],
    selected: Option<&str>,
) -> Result<Vec<SelectOption>, AppError> {
    let accounts = accounts_db::list_for_org(conn, org_id, &AccountFilter::default())?;
    Ok(accounts
        .iter()
        .filter(|a| match order_visibility(p) {
            OrderVisibility::WholeOrg => true,
            OrderVisibility::Teams(_) => a.team_ids.iter().any(|t| team_ids.contains(t)),
        })
        .map(|a| {
            let label = format!("{} ({})", a.display_name(), a.provider_account_id);
            SelectOption::new(a.id.as_str(), &label, selected)
        })
        .collect())
}

pub async fn page(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: SignedIn,
    path: web::Path<OrgId>,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let p = user.principal.clone();
    let csrf = user.csrf.clone();
    let sandbox = state.settings.is_sandbox();
    let actor = user.actor();
    let org_id = path.into_inner();
    let q = q.into_inner();
    let htmx = is_htmx(&req);
    let output = run_db(&state, move |conn| {
        let scope = Scope::Org(org_id.clone());
        let chrome = chrome(conn, &p, &csrf, sandbox, Some(&scope), Nav::Orders)?;
        policy::authorize(&p, Action::ViewOrders { org_id: &org_id })?;
        let wanted = parse(&q)?;
        let teams = visible_teams(conn, &p, &scope)?;
        let team_ids: Vec<TeamId> = teams.iter().map(|t| t.id.clone()).collect();
        let whole_org = order_visibility(&p) == OrderVisibility::WholeOrg;
        let filter = OrderFilter {
            org_id: whole_org.then(|| org_id.clone()),
            team_ids: (!whole_org).then(|| team_ids.clone()),
            statuses: wanted.status.into_iter().collect(),
            lab_account_id: wanted.lab_account_id.clone(),
            from: wanted.from.and_then(start_of_day),
            // "To" includes the whole day.
            to: wanted.to.and_then(|d| d.succ_opt()).and_then(start_of_day),
            patient_name: wanted.patient.clone(),
            ..OrderFilter::default()
        };
        let paged = if !whole_org && team_ids.is_empty() {
            Paged {
                rows: Vec::new(),
                has_newer: false,
                has_older: false,
            }
        } else {
            page_of(conn, &filter, wanted.at.as_ref())?
        };
        let listed: Vec<OrderId> = paged.rows.iter().map(|o| o.id.clone()).collect();
        order_reads::record_list(conn, &actor, ListedFrom::Org { org_id: &org_id }, &listed)?;
        let base_url = urls::org_orders(&org_id);
        let filters = q.filters();
        let link = |older: bool, row: &OrderRow| {
            let mut next = filters.clone();
            let cursor = Some(Cursor::of(row).encode());
            if older {
                next.older = cursor
            } else {
                next.newer = cursor
            }
            next.url(&base_url)
        };
        let newest_url = wanted.at.is_some().then(|| filters.url(&base_url));
        let newer_url = match (paged.has_newer, paged.rows.first()) {
            (true, Some(first)) => Some(link(false, first)),
            (true, None) => newest_url.clone(),
            _ => None,
        };
        let older_url = match (paged.has_older, paged.rows.last()) {
            (true, Some(last)) => Some(link(true, last)),
            _ => None,
        };
        let table = OrdersTable {
            filter_error: (!wanted.problems.is_empty()).then(|| wanted.problems.join(" ")),
            rows: rows(conn, &org_id, &teams, paged.rows)?,
            filtered: q.is_filtered(),
            base_url: base_url.clone(),
            empty_message: if wanted.at.is_some() {
                "No more orders on this side. Go back to the newest orders.".to_string()
            } else {
                empty_message(&p, teams.len())
            },
            newer_url,
            older_url,
            newest_url,
        };
        let scope_note = if whole_org {
            format!(
                "Every Team of {}.",
                chrome.org_name.as_deref().unwrap_or("")
            )
        } else if teams.is_empty() {
            "Orders of your Teams.".to_string()
        } else {
            let names: Vec<&str> = teams.iter().map(|t| t.name.as_str()).collect();
            format!("Orders of your Teams: {}.", names.join(", "))
        };
        if htmx {
            return Ok(Output::Fragment(TableFragment { table }));
        }
        Ok(Output::Page(Box::new(ListPage {
            status_options: LowStatus::ALL
                .iter()
                .map(|s| {
                    SelectOption::new(s.as_str(), &s.label(), wanted.status.map(LowStatus::as_str))
                })
                .collect(),
            account_options: account_options(
                conn,
                &p,
                &org_id,
                &team_ids,
                wanted.lab_account_id.as_ref().map(LabAccountId::as_str),
            )?,
            from: filters.from.clone().unwrap_or_default(),
            to: filters.to.clone().unwrap_or_default(),
            patient: filters.patient.clone().unwrap_or_default(),
            chrome,
            base_url,
            scope_note,
            table,
        })))
    })
    .await?;
    let mut res = match output {
        Output::Page(page) => render(page.as_ref())?,
        Output::Fragment(fragment) => render(&fragment)?,
    };
    let headers = res.headers_mut();
    // The same URL answers a fragment or a whole page.
    headers.append(header::VARY, HeaderValue::from_static("HX-Request"));
    Ok(res)
}
