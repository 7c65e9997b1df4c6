//! The lab accounts list and the lab account page.
use crate::web::pages::Nav;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::views::{account_row, AccountRow};
use super::{chrome, non_empty, render, Chrome, Scope, ScopedPath, SelectOption};
use crate::db::lab_accounts::{self as accounts_db, AccountFilter};
use crate::domain::access::{Action, Role};
use crate::domain::ids::TeamId;
use crate::domain::lab::LabSlug;
use crate::domain::lab_account::{AccountStatus, LabAccount};
use crate::error::AppError;
use crate::service::policy;
use crate::service::visibility::visible_teams;
use crate::web::htmx::is_htmx;
use crate::web::session::SignedIn;
use crate::web::urls;
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
                .map_err(|e| AppError::rule("bad_filter", format!("Lab {e}.")))?,
        ),
        None => None,
    };
    Ok(AccountFilter {
        status,
        lab,
        team_id: non_empty(&q.team_id).map(TeamId::from_text),
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
    let sandbox = state.settings.is_sandbox();
    let filter = parse_filter(&q)?;
    let (page, fragment) = run_db(&state, move |conn| {
        let chrome = chrome(conn, &p, &csrf, sandbox, Some(&scope), if scope == Scope::Platform { Nav::PlatformAccounts } else { Nav::LabAccounts })?;
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
                .filter(|a| filter.lab.is_none_or(|l| a.lab == l))
                .filter(|a| filter.team_id.as_ref().is_none_or(|t| a.team_ids.contains(t)))
                .collect(),
        };
        let base_url = urls::lab_accounts(&scope);
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
            .map(|l| SelectOption::new(l.as_str(), l.display_name(), filter.lab.map(LabSlug::as_str)))
            .collect();
        let team_options = teams
            .iter()
            .map(|t| SelectOption::new(t.id.as_str(), &t.name, filter.team_id.as_ref().map(TeamId::as_str)))
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

pub async fn list_page(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: SignedIn,
    path: web::Path<ScopedPath>,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    list(state, req, user, path.scope(), q.into_inner()).await
}
