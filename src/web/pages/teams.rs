//! The org's Teams with their linked accounts, and a Team's page. The worked example of a page:
//! the handler parses its path into typed ids, builds the layout, asks one service function,
//! turns the answer into a view and renders it.
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::views::{account_row, AccountRow};
use super::{fmt_time, non_empty};
use crate::domain::access::Role;
use crate::domain::ids::{OrgId, TeamId};
use crate::domain::scope::Scope;
use crate::error::AppError;
use crate::service::teams::{self, TeamListing};
use crate::web::page::{render, Chrome, Nav, PageContext};
use crate::web::{run_db, urls, AppState};

#[derive(Deserialize)]
pub struct OrgPath {
    org: OrgId,
}

#[derive(Deserialize)]
pub struct TeamPath {
    org: OrgId,
    team: TeamId,
}

pub struct TeamAccount {
    name: String,
    url: String,
    status: &'static str,
    status_label: &'static str,
}

/// How many of a Team's linked accounts its row in the list names; its page has them all.
const ACCOUNTS_PER_ROW: usize = 8;

pub struct TeamRow {
    id: TeamId,
    name: String,
    url: String,
    accounts: Vec<TeamAccount>,
    /// Linked accounts beyond `ACCOUNTS_PER_ROW`, named on the Team's page.
    more_accounts: usize,
    /// For clinicians of the Team.
    new_order_url: Option<String>,
}

impl TeamRow {
    fn of(t: &TeamListing, scope: &Scope) -> TeamRow {
        TeamRow {
            id: t.team.id.clone(),
            name: t.team.name.clone(),
            url: urls::team(&t.team.org_id, &t.team.id),
            new_order_url: t
                .may_order
                .then(|| urls::new_order(&t.team.org_id, &t.team.id)),
            more_accounts: t.accounts.len().saturating_sub(ACCOUNTS_PER_ROW),
            accounts: t
                .accounts
                .iter()
                .take(ACCOUNTS_PER_ROW)
                .map(|a| TeamAccount {
                    name: a.account.name(),
                    url: urls::lab_account(scope, &a.account.id),
                    status: a.status.as_str(),
                    status_label: a.status.label(),
                })
                .collect(),
        }
    }
}

#[derive(Template)]
#[template(path = "teams/list.html")]
struct ListPage {
    chrome: Chrome,
    teams: Vec<TeamRow>,
    empty_message: &'static str,
    next_url: Option<String>,
    first_url: Option<String>,
}

#[derive(Deserialize)]
pub struct ListQuery {
    /// The last Team of the page before (keyset paging by name).
    after: Option<String>,
}

pub async fn list(
    state: web::Data<AppState>,
    ctx: PageContext,
    path: web::Path<OrgPath>,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let OrgPath { org } = path.into_inner();
    let after = non_empty(&q.after).map(TeamId::from_text);
    let page = run_db(&state, move |conn| {
        let scope = Scope::Org(org.clone());
        let chrome = ctx.chrome(conn, Some(&scope), Nav::Teams)?;
        let listed = teams::page(conn, &ctx.principal, &org, after.as_ref())?;
        let base_url = urls::teams(&org);
        Ok(ListPage {
            chrome,
            teams: listed
                .teams
                .iter()
                .map(|t| TeamRow::of(t, &scope))
                .collect(),
            empty_message: if ctx.principal.role == Role::Clinician {
                "You are not a member of any Team yet. Ask your ops admin to add you."
            } else {
                "This organization has no Teams yet."
            },
            next_url: listed.next.map(|id| format!("{base_url}?after={id}")),
            first_url: after.is_some().then_some(base_url),
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
    webhooks_url: Option<String>,
    accounts: Vec<AccountRow>,
    new_order_url: Option<String>,
}

pub async fn show(
    state: web::Data<AppState>,
    ctx: PageContext,
    path: web::Path<TeamPath>,
) -> Result<HttpResponse, AppError> {
    let TeamPath { org, team } = path.into_inner();
    let page = run_db(&state, move |conn| {
        let scope = Scope::Org(org.clone());
        let chrome = ctx.chrome(conn, Some(&scope), Nav::Teams)?;
        let t = teams::show(conn, &ctx.principal, &org, &team)?;
        let linked = [t.team.clone()];
        Ok(ShowPage {
            chrome,
            back_url: urls::teams(&org),
            keys_url: t.may_manage_keys.then(|| urls::team_keys(&org, &t.team.id)),
            // Webhooks carry what a Team key reads: the same people manage both.
            webhooks_url: t
                .may_manage_keys
                .then(|| urls::team_webhooks(&org, &t.team.id)),
            created_at: fmt_time(&t.team.created_at),
            accounts: t
                .accounts
                .iter()
                .map(|a| account_row(a, &scope, &linked))
                .collect(),
            new_order_url: t
                .may_order
                .then(|| urls::new_order(&t.team.org_id, &t.team.id)),
            team_id: t.team.id,
            team_name: t.team.name,
        })
    })
    .await?;
    render(&page)
}
