//! Starting an order: the GET shows a button and writes nothing (links, prefetching and crawlers
//! follow GETs); the POST, CSRF-checked like every form, creates the draft.
use crate::web::pages::Nav;
use actix_web::{web, HttpResponse};
use askama::Template;

use super::draft;
use crate::domain::ids::{OrgId, TeamId};
use crate::domain::wizard::Step;
use crate::error::AppError;
use crate::service::drafts as drafts_service;
use crate::web::pages::{chrome, render, see_other, Chrome, Scope};
use crate::web::session::SignedIn;
use crate::web::{run_db, urls, AppState};

#[derive(Template)]
#[template(path = "orders/wizard/start.html")]
struct StartPage {
    chrome: Chrome,
    team_name: String,
    team_url: String,
    action: String,
}

/// `GET /orgs/{org}/teams/{team}/orders/new`: the "Start a new order" button.
pub async fn page(
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
        let chrome = chrome(conn, &p, &csrf, sandbox, Some(&scope), Nav::Orders)?;
        let team = draft::authorize_team(conn, &p, &org_id, &team_id)?;
        Ok(StartPage {
            chrome,
            team_url: urls::team(&org_id, &team.id),
            action: urls::new_order(&org_id, &team.id),
            team_name: team.name,
        })
    })
    .await?;
    render(&page)
}

/// `POST /orgs/{org}/teams/{team}/orders/new`: starts a draft and opens its first step.
pub async fn start(
    state: web::Data<AppState>,
    user: SignedIn,
    path: web::Path<(OrgId, TeamId)>,
) -> Result<HttpResponse, AppError> {
    let p = user.principal.clone();
    let (org_id, team_id) = path.into_inner();
    let url = run_db(&state, move |conn| {
        let team = draft::authorize_team(conn, &p, &org_id, &team_id)?;
        let id = drafts_service::start(conn, &team.id, &p.user_id)?;
        Ok(urls::draft_step(&org_id, &id, Step::Patient))
    })
    .await?;
    Ok(see_other(&url))
}
