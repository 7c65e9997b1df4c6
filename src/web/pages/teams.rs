//! The org's Teams with their linked accounts, and a Team's page.
use actix_web::{web, HttpResponse};
use askama::Template;

use super::views::{account_row, AccountRow};
use super::visible::visible_teams;
use super::{chrome, fmt_time, render, Chrome, Scope};
use crate::db::lab_accounts::{self as accounts_db, AccountFilter};
use crate::db::orgs;
use crate::domain::access::{Action, Principal, Role};
use crate::domain::ids::{OrgId, TeamId};
use crate::error::AppError;
use crate::web::session::SignedIn;
use crate::web::{policy, urls};
use crate::web::{run_db, AppState};

pub struct TeamAccount {
    name: String,
    url: String,
    status: &'static str,
    status_label: &'static str,
}

pub struct TeamRow {
    id: TeamId,
    name: String,
    url: String,
    accounts: Vec<TeamAccount>,
    /// For clinicians of the Team.
    new_order_url: Option<String>,
}

/// Where a person who may order for the Team starts a new order.
fn new_order_url(p: &Principal, org_id: &OrgId, team_id: &TeamId) -> Option<String> {
    policy::allowed(
        p,
        Action::PlaceOrder {
            org_id,
            team_id,
            draft_creator: None,
        },
    )
    .then(|| urls::new_order(org_id, team_id))
}

#[derive(Template)]
#[template(path = "teams/list.html")]
struct ListPage {
    chrome: Chrome,
    teams: Vec<TeamRow>,
    empty_message: &'static str,
}

pub async fn list(
    state: web::Data<AppState>,
    user: SignedIn,
    path: web::Path<OrgId>,
) -> Result<HttpResponse, AppError> {
    let p = user.principal.clone();
    let csrf = user.csrf.clone();
    let sandbox = state.settings.is_sandbox();
    let org_id = path.into_inner();
    let page = run_db(&state, move |conn| {
        let scope = Scope::Org(org_id.clone());
        let chrome = chrome(conn, &p, &csrf, sandbox, Some(&scope), "teams")?;
        let teams = visible_teams(conn, &p, &scope)?;
        let accounts = accounts_db::list_for_org(conn, &org_id, &AccountFilter::default())?;
        let rows = teams
            .iter()
            .map(|t| TeamRow {
                new_order_url: new_order_url(&p, &org_id, &t.id),
                id: t.id.clone(),
                name: t.name.clone(),
                url: urls::team(&org_id, &t.id),
                accounts: accounts
                    .iter()
                    .filter(|a| a.team_ids.contains(&t.id))
                    .map(|a| TeamAccount {
                        name: a.display_name(),
                        url: urls::lab_account(&scope, &a.id),
                        status: a.status.as_str(),
                        status_label: a.status.label(),
                    })
                    .collect(),
            })
            .collect();
        let empty_message = if p.role == Role::Clinician {
            "You are not a member of any Team yet. Ask your ops admin to add you."
        } else {
            "This organization has no Teams yet."
        };
        Ok(ListPage {
            chrome,
            teams: rows,
            empty_message,
        })
    })
    .await?;
    render(&page)
}

#[derive(Template)]
#[template(path = "teams/show.html")]
struct ShowPage {
    chrome: Chrome,
    back_url: String,
    team_id: TeamId,
    team_name: String,
    created_at: String,
    keys_url: Option<String>,
    accounts: Vec<AccountRow>,
    new_order_url: Option<String>,
}

pub async fn show(
    state: web::Data<AppState>,
    user: SignedIn,
    path: web::Path<(OrgId, TeamId)>,
) -> Result<HttpResponse, AppError> {
    let p = user.principal.clone();
    let csrf = user.csrf.clone();
    let sandbox = state.settings.is_sandbox();
    let (org_id, team_id) = path.into_inner();
    let page = run_db(&state, move |conn| {
        let scope = Scope::Org(org_id.clone());
        let chrome = chrome(conn, &p, &csrf, sandbox, Some(&scope), "teams")?;
        let team = orgs::find_team(conn, &team_id)?.ok_or(AppError::NotFound)?;
        if team.org_id != org_id {
            return Err(AppError::NotFound);
        }
        policy::authorize(
            &p,
            Action::ViewTeam {
                org_id: &org_id,
                team_id: &team.id,
            },
        )?;
        let filter = AccountFilter {
            team_id: Some(team.id.clone()),
            ..AccountFilter::default()
        };
        let accounts = accounts_db::list_for_org(conn, &org_id, &filter)?;
        let teams = vec![team.clone()];
        let may_manage_keys = policy::allowed(
            &p,
            Action::ManageTeamKeys {
                org_id: &org_id,
                team_id: &team.id,
            },
        );
        Ok(ShowPage {
            new_order_url: new_order_url(&p, &org_id, &team.id),
            chrome,
            keys_url: may_manage_keys.then(|| urls::team_keys(&org_id, &team.id)),
            back_url: urls::teams(&org_id),
            team_id: team.id.clone(),
            team_name: team.name.clone(),
            created_at: fmt_time(&team.created_at),
            accounts: accounts
                .iter()
                .map(|a| account_row(a, &scope, &teams))
                .collect(),
        })
    })
    .await?;
    render(&page)
}
