//! The orders list: filters in the query string (a plain GET form; htmx swaps only the table and
//! pushes the URL), newest first in keyset pages ("Newer" / "Older" links carry a cursor of
//! created time and order id, never an offset). Which orders, and the audit row of the read:
//! `service::org_orders`.
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::filters::{parse, ListQuery, Wanted};
use super::{patient_name, StatusBadge};
use crate::db::orders::{Cursor, OrderRow};
use crate::domain::access::{Principal, Role};
use crate::domain::ids::{LabAccountId, OrderId, OrgId};
use crate::domain::order_input::PatientDetails;
use crate::domain::order_status::LowStatus;
use crate::domain::scope::Scope;
use crate::error::AppError;
use crate::service::org_orders::{self, ListedOrder, OrdersPage};
use crate::web::page::{respond, Chrome, Nav, PageContext, Swappable};
use crate::web::pages::{fmt_time, SelectOption};
use crate::web::urls;
use crate::web::{run_list_db, AppState};

#[derive(Deserialize)]
pub struct OrgPath {
    org: OrgId,
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
    /// Not every account is offered (`ACCOUNT_CHOICES`).
    more_accounts: bool,
    from: String,
    to: String,
    patient: String,
    table: OrdersTable,
}

#[derive(Template)]
#[template(path = "orders/_table.html")]
struct TableFragment<'a> {
    table: &'a OrdersTable,
}

impl Swappable for ListPage {
    fn render_fragment(&self) -> askama::Result<String> {
        TableFragment { table: &self.table }.render()
    }
}

fn row(org_id: &OrgId, o: ListedOrder) -> OrderListRow {
    let ListedOrder {
        row,
        team_name,
        test_names,
        account,
    } = o;
    OrderListRow {
        url: urls::order(org_id, &row.id),
        patient: serde_json::from_str::<PatientDetails>(&row.patient_details)
            .map(|d| patient_name(&d))
            .unwrap_or_else(|_| "(unreadable)".to_string()),
        team: team_name,
        tests: test_names.join(", "),
        account_name: account.as_ref().map(|a| a.name()).unwrap_or_default(),
        account_number: account.map(|a| a.provider_account_id).unwrap_or_default(),
        status: StatusBadge::new(row.status_high, row.status_low),
        created_at: fmt_time(&row.created_at),
        id: row.id,
    }
}

fn empty_message(p: &Principal, team_count: usize) -> String {
    match p.role {
        Role::Clinician if team_count == 0 => "You are not a member of any Team yet, so there are no orders to show. Ask your ops admin to add you to a Team.".to_string(),
        Role::Clinician => "Your Teams have no orders yet. Orders placed for your Teams, in labdesk or through the API, appear here.".to_string(),
        _ => "This organization has no orders yet. Orders its Teams place, in labdesk or through the API, appear here.".to_string(),
    }
}

fn scope_note(page: &OrdersPage, org_name: &str) -> String {
    if page.whole_org {
        format!("Every Team of {org_name}.")
    } else if page.teams.is_empty() {
        "Orders of your Teams.".to_string()
    } else {
        let names: Vec<&str> = page.teams.iter().map(|t| t.name.as_str()).collect();
        format!("Orders of your Teams: {}.", names.join(", "))
    }
}

/// The table: the page's orders and the links to the pages either side (carrying the filters).
fn table(
    org: &OrgId,
    p: &Principal,
    q: &ListQuery,
    wanted: &Wanted,
    listed: OrdersPage,
) -> OrdersTable {
    let base_url = urls::org_orders(org);
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
    let paged = wanted.paged();
    let newest_url = paged.then(|| filters.url(&base_url));
    let newer_url = match (listed.has_newer, listed.orders.first()) {
        (true, Some(first)) => Some(link(false, &first.row)),
        (true, None) => newest_url.clone(),
        _ => None,
    };
    let older_url = match (listed.has_older, listed.orders.last()) {
        (true, Some(last)) => Some(link(true, &last.row)),
        _ => None,
    };
    OrdersTable {
        filter_error: (!wanted.problems.is_empty()).then(|| wanted.problems.join(" ")),
        empty_message: if paged {
            "No more orders on this side. Go back to the newest orders.".to_string()
        } else {
            empty_message(p, listed.teams.len())
        },
        rows: listed.orders.into_iter().map(|o| row(org, o)).collect(),
        filtered: q.is_filtered(),
        base_url,
        newer_url,
        older_url,
        newest_url,
    }
}

fn list_page(
    chrome: Chrome,
    org: &OrgId,
    p: &Principal,
    q: &ListQuery,
    wanted: &Wanted,
    listed: OrdersPage,
) -> ListPage {
    let chosen_account = wanted.filters.lab_account_id.as_ref();
    let account_options = listed
        .accounts
        .iter()
        .map(|a| {
            let label = format!("{} ({})", a.name(), a.provider_account_id);
            SelectOption::new(
                a.id.as_str(),
                &label,
                chosen_account.map(LabAccountId::as_str),
            )
        })
        .collect();
    let status = wanted.filters.status.map(LowStatus::as_str);
    let filters = q.filters();
    ListPage {
        status_options: LowStatus::ALL
            .iter()
            .map(|s| SelectOption::new(s.as_str(), &s.label(), status))
            .collect(),
        account_options,
        more_accounts: listed.more_accounts,
        from: filters.from.unwrap_or_default(),
        to: filters.to.unwrap_or_default(),
        patient: filters.patient.unwrap_or_default(),
        scope_note: scope_note(&listed, chrome.org_name.as_deref().unwrap_or("")),
        base_url: urls::org_orders(org),
        table: table(org, p, q, wanted, listed),
        chrome,
    }
}

pub async fn page(
    state: web::Data<AppState>,
    ctx: PageContext,
    path: web::Path<OrgPath>,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let OrgPath { org } = path.into_inner();
    let q = q.into_inner();
    let hx = ctx.hx;
    let page = run_list_db(&state, move |conn| {
        let chrome = ctx.chrome(conn, Some(&Scope::Org(org.clone())), Nav::Orders)?;
        let wanted = parse(&q)?;
        let filters = wanted.filters.clone();
        let p = &ctx.principal;
        let listed = org_orders::page(conn, &ctx.actor(), p, &org, filters, &wanted.at)?;
        Ok(list_page(chrome, &org, p, &q, &wanted, listed))
    })
    .await?;
    respond(hx, &page)
}
