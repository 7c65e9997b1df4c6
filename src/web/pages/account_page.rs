//! The lab account page: configuration, billing grid, linked Teams, status and audit trail.
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::account_links::{teams_panel, TeamsPanel};
use super::{fmt_time, SelectOption};
use crate::domain::billing::BillingType;
use crate::domain::ids::LabAccountId;
use crate::domain::lab_account::LabAccount;
use crate::domain::scope::Scope;
use crate::error::AppError;
use crate::service::lab_accounts::reads::{self as account_reads, AccountDetails};
use crate::web::page::{render, Chrome, Nav, PageContext};
use crate::web::{run_db, urls, AppState};

pub struct AccountView {
    pub id: LabAccountId,
    pub name: String,
    pub lab: &'static str,
    pub provider_account_id: String,
    pub account_name: Option<String>,
    pub owner: String,
    pub status: &'static str,
    pub status_label: &'static str,
    pub delegation: &'static str,
    pub needs_physician: bool,
    pub business_units: String,
    pub default_clinical_notes: Option<String>,
    pub version: i32,
    pub updated_at: String,
    pub platform: bool,
}

pub struct BillingGrid {
    pub columns: Vec<&'static str>,
    pub rows: Vec<BillingGridRow>,
}

pub struct BillingGridRow {
    pub label: &'static str,
    pub cells: Vec<bool>,
}

pub struct StatusForm {
    pub action: String,
    pub options: Vec<SelectOption>,
    pub reason: String,
    pub error: Option<String>,
    pub reason_error: Option<String>,
}

pub struct HistoryRow {
    pub at: String,
    pub from: String,
    pub to: String,
    pub reason: String,
    pub by: String,
}

pub struct TrailRow {
    pub at: String,
    pub actor: String,
    pub summary: String,
}

#[derive(Template)]
#[template(path = "lab_accounts/show.html")]
pub struct ShowPage {
    pub chrome: Chrome,
    pub back_url: String,
    pub back_label: &'static str,
    pub a: AccountView,
    pub edit_url: Option<String>,
    /// The org's orders on this account (on an org's page).
    pub orders_url: Option<String>,
    pub billing: BillingGrid,
    pub teams: TeamsPanel,
    pub status_form: Option<StatusForm>,
    pub history: Vec<HistoryRow>,
    pub audit: Option<Vec<TrailRow>>,
}

fn billing_grid(a: &LabAccount) -> BillingGrid {
    let mut columns: Vec<&'static str> = a
        .allowed_billing
        .types()
        .flat_map(|t| {
            a.allowed_billing
                .states(t)
                .unwrap_or_default()
                .iter()
                .map(|s| s.as_str())
        })
        .collect();
    columns.sort();
    columns.dedup();
    let rows = BillingType::ALL
        .iter()
        .filter_map(|b| {
            let states = a.allowed_billing.states(*b)?;
            Some(BillingGridRow {
                label: b.label(),
                cells: columns
                    .iter()
                    .map(|c| states.iter().any(|s| s.as_str() == *c))
                    .collect(),
            })
        })
        .collect();
    BillingGrid { columns, rows }
}

/// The status form as it first shows: the moves the account's status allows.
fn fresh_status_form(scope: &Scope, a: &LabAccount) -> StatusForm {
    StatusForm {
        action: urls::lab_account_status(scope, &a.id),
        options: a
            .status
            .next_statuses()
            .iter()
            .map(|s| SelectOption::new(s.as_str(), s.label(), None))
            .collect(),
        reason: String::new(),
        error: None,
        reason_error: None,
    }
}

/// The account page from what the service found; `status_form` lets a refused status change
/// keep what was typed.
pub fn show_page(
    chrome: Chrome,
    scope: &Scope,
    d: AccountDetails,
    status_form: Option<StatusForm>,
) -> ShowPage {
    let a = &d.account;
    let status_form = (d.may_manage && !a.status.next_statuses().is_empty())
        .then(|| status_form.unwrap_or_else(|| fresh_status_form(scope, a)));
    let history = d
        .history
        .into_iter()
        .map(|h| HistoryRow {
            at: fmt_time(&h.at),
            from: h
                .from_status
                .map_or_else(|| "(new)".to_string(), |s| s.label().to_string()),
            to: h.to_status.label().to_string(),
            reason: h.reason,
            by: h.actor_label,
        })
        .collect();
    let audit = d.trail.map(|trail| {
        trail
            .into_iter()
            .map(|e| TrailRow {
                at: fmt_time(&e.at),
                actor: e.actor_label,
                summary: e.summary,
            })
            .collect()
    });
    let teams = teams_panel(&chrome.csrf, scope, a, d.links, None);
    ShowPage {
        back_url: urls::lab_accounts(scope),
        back_label: "Lab accounts",
        edit_url: d.may_manage.then(|| urls::edit_lab_account(scope, &a.id)),
        orders_url: scope
            .org_id()
            .map(|org| urls::org_orders_on_account(org, &a.id)),
        billing: billing_grid(a),
        teams,
        status_form,
        history,
        audit,
        a: AccountView {
            id: a.id.clone(),
            name: a.display_name(),
            lab: a.lab.display_name(),
            provider_account_id: a.provider_account_id.clone(),
            account_name: a.account_name.clone(),
            owner: d.owner_name.unwrap_or_else(|| {
                "Platform (linked to Teams of any organization by CSMs)".to_string()
            }),
            status: a.status.as_str(),
            status_label: a.status.label(),
            delegation: a.delegated_flow.label(),
            needs_physician: a.delegated_flow.requires_physician(),
            business_units: a.business_units.clone().unwrap_or_default().join(", "),
            default_clinical_notes: a.default_clinical_notes.clone(),
            version: a.version,
            updated_at: fmt_time(&a.updated_at),
            platform: a.is_platform_managed(),
        },
        chrome,
    }
}

/// The navigation item of account pages in this scope.
pub fn accounts_nav(scope: &Scope) -> Nav {
    match scope {
        Scope::Platform => Nav::PlatformAccounts,
        Scope::Org(_) => Nav::LabAccounts,
    }
}

#[derive(Deserialize)]
pub struct AccountPath {
    pub id: LabAccountId,
}

/// What a form that led back to the account page did (post/redirect/get loses its message).
#[derive(Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

/// The message for `?done=`; `None` for anything else (a link edited by hand says nothing).
pub fn account_done_notice(done: Option<&str>) -> Option<String> {
    let said = match done? {
        "created" => "Lab account created.",
        "saved" => "Changes saved.",
        "linked" => "Team linked to this account.",
        "unlinked" => "Team unlinked from this account.",
        "status" => "Status changed.",
        _ => return None,
    };
    Some(said.to_string())
}

pub async fn page(
    state: web::Data<AppState>,
    ctx: PageContext,
    scope: Scope,
    path: web::Path<AccountPath>,
    q: web::Query<DoneQuery>,
) -> Result<HttpResponse, AppError> {
    let AccountPath { id } = path.into_inner();
    let notice = account_done_notice(q.done.as_deref());
    let page = run_db(&state, move |conn| {
        let mut chrome = ctx.chrome(conn, Some(&scope), accounts_nav(&scope))?;
        chrome.notice = notice;
        let details = account_reads::details(conn, &ctx.principal, &scope, &id)?;
        Ok(show_page(chrome, &scope, details, None))
    })
    .await?;
    render(&page)
}
