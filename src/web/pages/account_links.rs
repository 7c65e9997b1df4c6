//! Linking and unlinking Teams on the account page (htmx inline, or plain forms without JavaScript).
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::account_page::accounts_nav;
use crate::domain::ids::{LabAccountId, TeamId};
use crate::domain::lab_account::LabAccount;
use crate::domain::scope::Scope;
use crate::error::AppError;
use crate::service::lab_accounts::managed::{self, LinkChange};
use crate::service::lab_accounts::reads::{self as account_reads, Links};
use crate::service::visibility::visible_account;
use crate::web::page::{render, see_other, Chrome, PageContext};
use crate::web::{run_db, urls, AppState};

pub struct LinkedTeam {
    pub id: TeamId,
    pub name: String,
    pub url: String,
    pub unlink_url: String,
    pub confirm: String,
}

pub struct TeamsPanel {
    pub linked: Vec<LinkedTeam>,
    /// (team id, label) of Teams that could be linked.
    pub linkable: Vec<(TeamId, String)>,
    pub can_link: bool,
    pub link_url: String,
    pub csrf: String,
    pub message: Option<String>,
}

#[derive(Template)]
#[template(path = "lab_accounts/_teams.html")]
struct TeamsFragment {
    teams: TeamsPanel,
}

/// What unlinking a Team means for its open orders on the account, in words.
pub fn unlink_consequence(team: &str, open_orders: i64) -> String {
    match open_orders {
        0 => format!("No open orders of Team {team} use this account. Its clinicians will no longer be able to order on it."),
        1 => format!("1 open order of Team {team} uses this account; it keeps the account and its results still arrive. New orders of the Team can no longer use it."),
        n => format!("{n} open orders of Team {team} use this account; they keep the account and their results still arrive. New orders of the Team can no longer use it."),
    }
}

/// The linked Teams panel of the account page.
pub fn teams_panel(
    csrf: &str,
    scope: &Scope,
    a: &LabAccount,
    links: Links,
    message: Option<String>,
) -> TeamsPanel {
    TeamsPanel {
        linked: links
            .linked
            .into_iter()
            .map(|l| LinkedTeam {
                url: urls::team(&l.team.org_id, &l.team.id),
                unlink_url: urls::unlink_team(scope, &a.id, &l.team.id),
                confirm: format!(
                    "Unlink Team {}? {}",
                    l.team.name,
                    unlink_consequence(&l.team.name, l.open_orders)
                ),
                id: l.team.id,
                name: l.team.name,
            })
            .collect(),
        linkable: links
            .linkable
            .into_iter()
            .map(|t| {
                let label = match t.org_name {
                    Some(org) => format!("{org} / {}", t.team.name),
                    None => t.team.name,
                };
                (t.team.id, label)
            })
            .collect(),
        can_link: links.may_link,
        link_url: urls::lab_account_teams(scope, &a.id),
        csrf: csrf.to_string(),
        message,
    }
}

fn said(change: &LinkChange) -> String {
    let name = &change.team.name;
    match (change.link, change.changed) {
        (true, true) => format!("Linked Team {name}."),
        (true, false) => format!("Team {name} was already linked."),
        (false, true) => format!("Unlinked Team {name}."),
        (false, false) => format!("Team {name} was not linked."),
    }
}

async fn change_link(
    state: web::Data<AppState>,
    ctx: PageContext,
    scope: Scope,
    account_id: LabAccountId,
    team_id: TeamId,
    link: bool,
) -> Result<HttpResponse, AppError> {
    let hx = ctx.hx;
    let redirect = format!(
        "{}?done={}",
        urls::lab_account(&scope, &account_id),
        if link { "linked" } else { "unlinked" }
    );
    let panel = run_db(&state, move |conn| {
        let p = &ctx.principal;
        let change =
            managed::change_link(conn, p, &ctx.actor(), &scope, &account_id, &team_id, link)?;
        let account = visible_account(conn, p, &scope, &account_id)?;
        let links = account_reads::links(conn, p, &scope, &account)?;
        Ok(teams_panel(
            &ctx.csrf,
            &scope,
            &account,
            links,
            Some(said(&change)),
        ))
    })
    .await?;
    if hx.wants_fragment() {
        // htmx swaps the panel; without JavaScript, POST/redirect/GET back to the account.
        return render(&TeamsFragment { teams: panel });
    }
    Ok(see_other(&redirect))
}

#[derive(Deserialize)]
pub struct AccountPath {
    id: LabAccountId,
}

#[derive(Deserialize)]
pub struct LinkPath {
    id: LabAccountId,
    team: TeamId,
}

#[derive(Deserialize)]
pub struct LinkForm {
    team_id: TeamId,
}

pub async fn link(
    state: web::Data<AppState>,
    ctx: PageContext,
    scope: Scope,
    path: web::Path<AccountPath>,
    form: web::Form<LinkForm>,
) -> Result<HttpResponse, AppError> {
    let team = form.into_inner().team_id;
    change_link(state, ctx, scope, path.into_inner().id, team, true).await
}

pub async fn unlink(
    state: web::Data<AppState>,
    ctx: PageContext,
    scope: Scope,
    path: web::Path<LinkPath>,
) -> Result<HttpResponse, AppError> {
    let LinkPath { id, team } = path.into_inner();
    change_link(state, ctx, scope, id, team, false).await
}

#[derive(Template)]
#[template(path = "lab_accounts/unlink_confirm.html")]
struct ConfirmPage {
    chrome: Chrome,
    team_name: String,
    account_name: String,
    consequence: String,
    action: String,
    back_url: String,
}

pub async fn unlink_confirm(
    state: web::Data<AppState>,
    ctx: PageContext,
    scope: Scope,
    path: web::Path<LinkPath>,
) -> Result<HttpResponse, AppError> {
    let LinkPath { id, team } = path.into_inner();
    let page = run_db(&state, move |conn| {
        let chrome = ctx.chrome(conn, Some(&scope), accounts_nav(&scope))?;
        let preview = managed::unlink_preview(conn, &ctx.principal, &scope, &id, &team)?;
        let (account, team) = (preview.account, preview.team);
        Ok(ConfirmPage {
            chrome,
            consequence: unlink_consequence(&team.name, preview.open_orders),
            action: urls::unlink_team(&scope, &account.id, &team.id),
            back_url: urls::lab_account(&scope, &account.id),
            team_name: team.name,
            account_name: account.display_name(),
        })
    })
    .await?;
    render(&page)
}
