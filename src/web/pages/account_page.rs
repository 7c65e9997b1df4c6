//! The lab account page: configuration, billing grid, linked Teams, status and audit trail.
use crate::web::pages::Nav;
use actix_web::{web, HttpResponse};
use askama::Template;

use super::account_links::{teams_panel, TeamsPanel};
use super::{chrome, fmt_time, render, Chrome, Scope, ScopedPath, SelectOption};
use crate::db::audit::{self as audit_db, AuditFilter};
use crate::db::{account_status_changes, orgs, DbConnection};
use crate::domain::access::{Action, Principal, Role};
use crate::domain::audit::EntityType;
use crate::domain::billing::BillingType;
use crate::domain::ids::LabAccountId;
use crate::domain::lab_account::LabAccount;
use crate::error::AppError;
use crate::service::policy;
use crate::service::visibility::visible_account;
use crate::web::session::SignedIn;
use crate::web::urls;
use crate::web::{run_db, AppState};

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

/// Everything the account page shows; `status_form` lets a failed status change keep its input.
pub fn show_page(
    conn: &mut DbConnection,
    p: &Principal,
    csrf: &str,
    sandbox: bool,
    scope: &Scope,
    account_id: &LabAccountId,
    status_form: Option<StatusForm>,
) -> Result<ShowPage, AppError> {
    let chrome = chrome(
        conn,
        p,
        csrf,
        sandbox,
        Some(scope),
        if *scope == Scope::Platform {
            Nav::PlatformAccounts
        } else {
            Nav::LabAccounts
        },
    )?;
    let a = visible_account(conn, p, scope, account_id)?;
    let base = urls::lab_account(scope, &a.id);
    let can_manage = policy::allowed(
        p,
        Action::ManageAccounts {
            owner_org: a.owner.org_id(),
        },
    );
    let owner = match a.owner.org_id() {
        Some(org) => orgs::find_org(conn, org)?
            .map(|o| o.name)
            .unwrap_or_default(),
        None => "Platform (linked to Teams of any organization by CSMs)".to_string(),
    };
    let status_form = if can_manage && !a.status.next_statuses().is_empty() {
        Some(status_form.unwrap_or_else(|| {
            StatusForm {
                action: format!("{base}/status"),
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
        }))
    } else {
        None
    };
    let history = account_status_changes::status_history(conn, &a.id)?
        .into_iter()
        .map(|h| HistoryRow {
            at: fmt_time(&h.at),
            from: h
                .from_status
                .map_or_else(|| "(new)".to_string(), |s| s.to_string()),
            to: h.to_status.to_string(),
            reason: h.reason,
            by: h.actor_label,
        })
        .collect();
    let can_audit = match scope {
        Scope::Org(org) => policy::allowed(p, Action::ViewAudit { org_id: org }),
        Scope::Platform => p.role == Role::Csm,
    };
    let audit = if can_audit {
        let filter = AuditFilter {
            org_id: scope.org_id().filter(|_| !a.is_platform_managed()).cloned(),
            entity_type: Some(EntityType::LabAccount.as_str().to_string()),
            entity_id: Some(a.id.as_str().to_string()),
            ..AuditFilter::default()
        };
        Some(
            audit_db::list(conn, &filter, 100)?
                .into_iter()
                .filter(|e| {
                    scope.org_id().is_none()
                        || e.org_id.as_ref() == scope.org_id()
                        || e.org_id.is_none()
                })
                .map(|e| TrailRow {
                    at: fmt_time(&e.at),
                    actor: e.actor_label,
                    summary: e.summary,
                })
                .collect(),
        )
    } else {
        None
    };
    let teams = teams_panel(conn, p, csrf, scope, &a, None)?;
    Ok(ShowPage {
        chrome,
        back_url: urls::lab_accounts(scope),
        back_label: "Lab accounts",
        edit_url: can_manage.then(|| format!("{base}/edit")),
        billing: billing_grid(&a),
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
            owner,
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
    })
}

async fn show(
    state: web::Data<AppState>,
    user: SignedIn,
    scope: Scope,
    id: LabAccountId,
) -> Result<HttpResponse, AppError> {
    let p = user.principal.clone();
    let csrf = user.csrf.clone();
    let sandbox = state.settings.is_sandbox();
    let page = run_db(&state, move |conn| {
        show_page(conn, &p, &csrf, sandbox, &scope, &id, None)
    })
    .await?;
    render(&page)
}

pub async fn page(
    state: web::Data<AppState>,
    user: SignedIn,
    path: web::Path<ScopedPath>,
) -> Result<HttpResponse, AppError> {
    show(state, user, path.scope(), path.id()?).await
}
