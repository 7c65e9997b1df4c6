//! Linking and unlinking Teams on the account page (htmx inline, or plain forms without JavaScript).
use crate::web::pages::Nav;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::{chrome, render, see_other, Chrome, Scope, ScopedPath};
use crate::db::account_links;
use crate::db::orgs;
use crate::db::DbConnection;
use crate::domain::access::{Action, Principal};
use crate::domain::ids::{LabAccountId, OrgId, TeamId};
use crate::domain::lab_account::LabAccount;
use crate::error::AppError;
use crate::service::lab_accounts as accounts_service;
use crate::service::policy;
use crate::service::visibility::{visible_account, visible_teams};
use crate::web::htmx::is_htmx;
use crate::web::session::SignedIn;
use crate::web::urls;
use crate::web::{run_db, AppState};

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

fn unlink_consequence(team: &str, open_orders: i64) -> String {
    match open_orders {
        0 => format!("No open orders of Team {team} use this account. Its clinicians will no longer be able to order on it."),
        1 => format!("1 open order of Team {team} uses this account; it keeps the account and its results still arrive. New orders of the Team can no longer use it."),
        n => format!("{n} open orders of Team {team} use this account; they keep the account and their results still arrive. New orders of the Team can no longer use it."),
    }
}

pub fn teams_panel(
    conn: &mut DbConnection,
    p: &Principal,
    csrf: &str,
    scope: &Scope,
    a: &LabAccount,
    message: Option<String>,
) -> Result<TeamsPanel, AppError> {
    let candidates = visible_teams(conn, p, scope)?;
    let linked_teams = orgs::teams_by_ids(conn, &a.team_ids)?;
    let can_link_team = |team_org: &OrgId| {
        policy::allowed(
            p,
            Action::LinkTeam {
                owner_org: a.owner.org_id(),
                team_org,
            },
        )
    };
    let mut linked = Vec::new();
    for t in &linked_teams {
        let open = account_links::open_orders_count(conn, &a.id, &t.id)?;
        linked.push(LinkedTeam {
            url: urls::team(&t.org_id, &t.id),
            unlink_url: urls::unlink_team(scope, &a.id, &t.id),
            confirm: format!(
                "Unlink Team {}? {}",
                t.name,
                unlink_consequence(&t.name, open)
            ),
            id: t.id.clone(),
            name: t.name.clone(),
        });
    }
    let org_names: Vec<(OrgId, String)> = if *scope == Scope::Platform {
        orgs::list_orgs(conn, &p.csm_org_ids)?
            .into_iter()
            .map(|o| (o.id, o.name))
            .collect()
    } else {
        Vec::new()
    };
    let linkable = candidates
        .iter()
        .filter(|t| !a.team_ids.contains(&t.id) && can_link_team(&t.org_id))
        .filter(|t| a.owner.org_id().is_none_or(|o| *o == t.org_id))
        .map(|t| {
            let org = org_names
                .iter()
                .find(|(id, _)| *id == t.org_id)
                .map(|(_, n)| n.as_str());
            let label = match org {
                Some(org) => format!("{org} / {}", t.name),
                None => t.name.clone(),
            };
            (t.id.clone(), label)
        })
        .collect();
    let can_link = candidates.iter().any(|t| can_link_team(&t.org_id))
        && (a.owner.org_id().is_some() || p.role == crate::domain::access::Role::Csm);
    Ok(TeamsPanel {
        linked,
        linkable,
        can_link,
        link_url: urls::lab_account_teams(scope, &a.id),
        csrf: csrf.to_string(),
        message,
    })
}

#[derive(Deserialize)]
pub struct LinkForm {
    team_id: TeamId,
}

/// Authorizes a link change of `team_id` on an account visible in `scope`.
fn authorize_link(
    conn: &mut DbConnection,
    p: &Principal,
    scope: &Scope,
    account_id: &LabAccountId,
    team_id: &TeamId,
) -> Result<(LabAccount, orgs::Team), AppError> {
    let account = visible_account(conn, p, scope, account_id)?;
    let team = orgs::find_team(conn, team_id)?.ok_or(AppError::NotFound)?;
    policy::authorize(
        p,
        Action::ViewTeam {
            org_id: &team.org_id,
            team_id: &team.id,
        },
    )?;
    if let Scope::Org(org) = scope {
        if &team.org_id != org {
            return Err(AppError::NotFound);
        }
    }
    policy::authorize(
        p,
        Action::LinkTeam {
            owner_org: account.owner.org_id(),
            team_org: &team.org_id,
        },
    )?;
    Ok((account, team))
}

async fn change_link(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: SignedIn,
    scope: Scope,
    account_id: LabAccountId,
    team_id: TeamId,
    link: bool,
) -> Result<HttpResponse, AppError> {
    let p = user.principal.clone();
    let csrf = user.csrf.clone();
    let actor = user.actor();
    let redirect = urls::lab_account(&scope, &account_id);
    let panel = run_db(&state, move |conn| {
        let (_, team) = authorize_link(conn, &p, &scope, &account_id, &team_id)?;
        let changed = if link {
            accounts_service::link_team(conn, &actor, &account_id, &team.id)?
        } else {
            accounts_service::unlink_team(conn, &actor, &account_id, &team.id)?
        };
        let message = match (link, changed) {
            (true, true) => format!("Linked Team {}.", team.name),
            (true, false) => format!("Team {} was already linked.", team.name),
            (false, true) => format!("Unlinked Team {}.", team.name),
            (false, false) => format!("Team {} was not linked.", team.name),
        };
        let account = visible_account(conn, &p, &scope, &account_id)?;
        teams_panel(conn, &p, &csrf, &scope, &account, Some(message))
    })
    .await?;
    if is_htmx(&req) {
        return render(&TeamsFragment { teams: panel });
    }
    Ok(see_other(&redirect))
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

async fn confirm(
    state: web::Data<AppState>,
    user: SignedIn,
    scope: Scope,
    account_id: LabAccountId,
    team_id: TeamId,
) -> Result<HttpResponse, AppError> {
    let p = user.principal.clone();
    let csrf = user.csrf.clone();
    let sandbox = state.settings.is_sandbox();
    let page = run_db(&state, move |conn| {
        let chrome = chrome(conn, &p, &csrf, sandbox, Some(&scope), Nav::LabAccounts)?;
        let (account, team) = authorize_link(conn, &p, &scope, &account_id, &team_id)?;
        if !account.team_ids.contains(&team.id) {
            return Err(AppError::NotFound);
        }
        let open = account_links::open_orders_count(conn, &account.id, &team.id)?;
        let back_url = urls::lab_account(&scope, &account.id);
        Ok(ConfirmPage {
            chrome,
            consequence: unlink_consequence(&team.name, open),
            action: urls::unlink_team(&scope, &account.id, &team.id),
            team_name: team.name,
            account_name: account.display_name(),
            back_url,
        })
    })
    .await?;
    render(&page)
}

pub async fn link(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: SignedIn,
    path: web::Path<ScopedPath>,
    form: web::Form<LinkForm>,
) -> Result<HttpResponse, AppError> {
    change_link(
        state,
        req,
        user,
        path.scope(),
        path.id()?,
        form.into_inner().team_id,
        true,
    )
    .await
}

pub async fn unlink(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: SignedIn,
    path: web::Path<ScopedPath>,
) -> Result<HttpResponse, AppError> {
    change_link(
        state,
        req,
        user,
        path.scope(),
        path.id()?,
        path.team()?,
        false,
    )
    .await
}

pub async fn unlink_confirm(
    state: web::Data<AppState>,
    user: SignedIn,
    path: web::Path<ScopedPath>,
) -> Result<HttpResponse, AppError> {
    confirm(state, user, path.scope(), path.id()?, path.team()?).await
}
