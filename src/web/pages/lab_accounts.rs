//! The lab accounts list and the lab account page.
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::account_links::{teams_panel, TeamsPanel};
use super::views::{account_row, AccountRow};
use super::{chrome, fmt_time, non_empty, render, Chrome, Scope, SelectOption};
use crate::db::audit::{self as audit_db, AuditFilter};
use crate::db::lab_accounts::{self as accounts_db, AccountFilter, TeamScope};
use crate::db::orgs::{self, Team};
use crate::db::DbConnection;
use crate::domain::access::{Action, Principal, Role};
use crate::domain::billing::BillingType;
use crate::domain::lab::LabSlug;
use crate::domain::lab_account::{AccountStatus, LabAccount};
use crate::error::AppError;
use crate::web::htmx::is_htmx;
use crate::web::policy;
use crate::web::session::SignedIn;
use crate::web::{run_db, AppState};

#[derive(Deserialize, Default, Clone)]
pub struct ListQuery {
    status: Option<String>,
    lab: Option<String>,
    team_id: Option<String>,
}

pub struct AccountsTable {
    pub rows: Vec<AccountRow>,
    pub filtered: bool,
    pub base_url: String,
    pub empty_message: String,
}

#[derive(Template)]
#[template(path = "lab_accounts/list.html")]
struct ListPage {
    chrome: Chrome,
    heading: String,
    base_url: String,
    new_url: Option<String>,
    status_options: Vec<SelectOption>,
    lab_options: Vec<SelectOption>,
    team_options: Vec<SelectOption>,
    table: AccountsTable,
}

#[derive(Template)]
#[template(path = "lab_accounts/_table.html")]
struct TableFragment {
    table: AccountsTable,
}

/// The Teams a person may pick from in this scope (a clinician: their own).
pub fn visible_teams(
    conn: &mut DbConnection,
    p: &Principal,
    scope: &Scope,
) -> Result<Vec<Team>, AppError> {
    let teams = match scope {
        Scope::Org(org) => orgs::list_teams(conn, org)?,
        Scope::Platform => orgs::teams_of_orgs(conn, &p.csm_org_ids)?,
    };
    Ok(match p.role {
        Role::Clinician => teams
            .into_iter()
            .filter(|t| p.team_ids.contains(&t.id))
            .collect(),
        _ => teams,
    })
}

fn parse_filter(q: &ListQuery) -> Result<AccountFilter, AppError> {
    let status = match non_empty(&q.status) {
        Some(s) => Some(
            s.parse::<AccountStatus>()
                .map_err(|e| AppError::rule("bad_filter", format!("Status {e}.")))?,
        ),
        None => None,
    };
    let lab = match non_empty(&q.lab) {
        Some(l) => Some(
            l.parse::<LabSlug>()
                .map_err(|e| AppError::rule("bad_filter", format!("Lab {e}.")))?
                .as_str()
                .to_string(),
        ),
        None => None,
    };
    Ok(AccountFilter {
        status,
        lab,
        team_id: non_empty(&q.team_id).map(str::to_string),
        account_id: None,
    })
}

async fn list(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: SignedIn,
    scope: Scope,
    q: ListQuery,
) -> Result<HttpResponse, AppError> {
    let p = user.principal.clone();
    let csrf = user.csrf.clone();
    let filter = parse_filter(&q)?;
    let (page, fragment) = run_db(&state, move |conn| {
        let chrome = chrome(conn, &p, &csrf, Some(&scope), if scope == Scope::Platform { "platform" } else { "lab_accounts" })?;
        let teams = visible_teams(conn, &p, &scope)?;
        let mut filter = filter;
        if let Some(team) = &filter.team_id {
            if !teams.iter().any(|t| &t.id == team) {
                return Err(AppError::NotFound);
            }
        }
        let accounts: Vec<LabAccount> = match &scope {
            Scope::Org(org) => {
                // A clinician sees only accounts linked to their Teams.
                if p.role == Role::Clinician && filter.team_id.is_none() {
                    let mut all = Vec::new();
                    for t in &teams {
                        filter.team_id = Some(t.id.clone());
                        for a in accounts_db::list_for_org(conn, org, &filter)? {
                            if !all.iter().any(|x: &LabAccount| x.id == a.id) {
                                all.push(a);
                            }
                        }
                    }
                    filter.team_id = None;
                    all.sort_by(|a, b| (a.lab, &a.provider_account_id).cmp(&(b.lab, &b.provider_account_id)));
                    all
                } else {
                    accounts_db::list_for_org(conn, org, &filter)?
                }
            }
            Scope::Platform => accounts_db::list_platform(conn)?
                .into_iter()
                .filter(|a| filter.status.is_none_or(|s| a.status == s))
                .filter(|a| filter.lab.as_deref().is_none_or(|l| a.lab.as_str() == l))
                .filter(|a| filter.team_id.as_ref().is_none_or(|t| a.team_ids.contains(t)))
                .collect(),
        };
        let base_url = scope.base();
        let can_create = policy::allowed(&p, Action::ManageAccounts { owner_org: scope.org_id() });
        let empty_message = match (&scope, p.role) {
            (Scope::Platform, _) => "No platform-managed lab accounts yet. Create one to link it to Teams of any organization.".to_string(),
            (_, Role::Csm) => "This organization has no lab accounts yet. Create the first one with “New lab account”.".to_string(),
            (_, Role::OrgAdmin) => "Your organization has no lab accounts yet. Your customer success manager sets them up; ask them to add one.".to_string(),
            (_, Role::Clinician) => "None of your Teams is linked to a lab account yet, so orders cannot be placed. Ask your ops admin to link one.".to_string(),
        };
        let table = AccountsTable {
            rows: accounts.iter().map(|a| account_row(a, &scope, &teams)).collect(),
            filtered: filter.status.is_some() || filter.lab.is_some() || filter.team_id.is_some(),
            base_url: base_url.clone(),
            empty_message,
        };
        let status_options = AccountStatus::ALL
            .iter()
            .map(|s| SelectOption::new(s.as_str(), s.label(), filter.status.map(|f| f.as_str())))
            .collect();
        let lab_options = LabSlug::ALL
            .iter()
            .map(|l| SelectOption::new(l.as_str(), l.display_name(), filter.lab.as_deref()))
            .collect();
        let team_options = teams
            .iter()
            .map(|t| SelectOption::new(&t.id, &t.name, filter.team_id.as_deref()))
            .collect();
        let heading = match &scope {
            Scope::Platform => "Platform-managed lab accounts".to_string(),
            Scope::Org(_) => "Lab accounts".to_string(),
        };
        Ok((
            ListPage {
                chrome,
                heading,
                new_url: can_create.then(|| format!("{base_url}/new")),
                base_url,
                status_options,
                lab_options,
                team_options,
                table: AccountsTable { rows: vec![], filtered: false, base_url: String::new(), empty_message: String::new() },
            },
            TableFragment { table },
        ))
    })
    .await?;
    let mut res = if is_htmx(&req) {
        render(&fragment)?
    } else {
        render(&ListPage {
            table: fragment.table,
            ..page
        })?
    };
    // The same URL answers a fragment or a whole page: without this, Back to a URL htmx pushed
    // can show the cached bare fragment.
    res.headers_mut().append(
        actix_web::http::header::VARY,
        actix_web::http::header::HeaderValue::from_static("HX-Request"),
    );
    Ok(res)
}

pub async fn org_list(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: SignedIn,
    path: web::Path<String>,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    list(
        state,
        req,
        user,
        Scope::Org(path.into_inner()),
        q.into_inner(),
    )
    .await
}

pub async fn platform_list(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: SignedIn,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    list(state, req, user, Scope::Platform, q.into_inner()).await
}

/// Loads an account the person may see in this scope, with linked Teams limited to what they may see.
pub fn load_visible(
    conn: &mut DbConnection,
    p: &Principal,
    scope: &Scope,
    account_id: &str,
) -> Result<LabAccount, AppError> {
    let team_scope = match scope {
        Scope::Org(org) => TeamScope::Org(org),
        Scope::Platform => TeamScope::All,
    };
    let mut account = accounts_db::find(conn, account_id, team_scope)?.ok_or(AppError::NotFound)?;
    match scope {
        Scope::Org(org) => policy::authorize(
            p,
            Action::ViewAccount {
                owner_org: account.owner.org_id(),
                viewing_org: org,
                linked_teams: &account.team_ids,
            },
        )?,
        Scope::Platform => {
            policy::authorize(p, Action::ViewPlatformAccounts)?;
            if !account.is_platform_managed() {
                return Err(AppError::NotFound);
            }
            // A CSM sees the links to Teams of the orgs they look after.
            let mine: Vec<String> = orgs::teams_of_orgs(conn, &p.csm_org_ids)?
                .into_iter()
                .map(|t| t.id)
                .collect();
            account.team_ids.retain(|t| mine.contains(t));
        }
    }
    if p.role == Role::Clinician {
        account.team_ids.retain(|t| p.team_ids.contains(t));
    }
    Ok(account)
}

pub struct AccountView {
    pub id: String,
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
    scope: &Scope,
    account_id: &str,
    status_form: Option<StatusForm>,
) -> Result<ShowPage, AppError> {
    let chrome = chrome(
        conn,
        p,
        csrf,
        Some(scope),
        if *scope == Scope::Platform {
            "platform"
        } else {
            "lab_accounts"
        },
    )?;
    let a = load_visible(conn, p, scope, account_id)?;
    let base = super::views::account_url(scope, &a.id);
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
    let history = accounts_db::status_history(conn, &a.id)?
        .into_iter()
        .map(|h| HistoryRow {
            at: fmt_time(&h.at),
            from: h.from_status.unwrap_or_else(|| "(new)".into()),
            to: h.to_status,
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
            org_id: scope
                .org_id()
                .filter(|_| !a.is_platform_managed())
                .map(str::to_string),
            entity_type: Some("lab_account".into()),
            entity_id: Some(a.id.clone()),
            ..AuditFilter::default()
        };
        Some(
            audit_db::list(conn, &filter, 100)?
                .into_iter()
                .filter(|e| {
                    scope.org_id().is_none()
                        || e.org_id.as_deref() == scope.org_id()
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
        back_url: scope.base(),
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
    id: String,
) -> Result<HttpResponse, AppError> {
    let p = user.principal.clone();
    let csrf = user.csrf.clone();
    let page = run_db(&state, move |conn| {
        show_page(conn, &p, &csrf, &scope, &id, None)
    })
    .await?;
    render(&page)
}

pub async fn org_show(
    state: web::Data<AppState>,
    user: SignedIn,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (org, id) = path.into_inner();
    show(state, user, Scope::Org(org), id).await
}

pub async fn platform_show(
    state: web::Data<AppState>,
    user: SignedIn,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    show(state, user, Scope::Platform, path.into_inner()).await
}
