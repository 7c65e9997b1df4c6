//! Starting an order: the GET shows a button and writes nothing (links, prefetching and crawlers
//! follow GETs); the POST, CSRF-checked like every form, creates the draft.
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use crate::domain::ids::{OrgId, TeamId};
use crate::domain::scope::Scope;
use crate::domain::wizard::Step;
use crate::error::AppError;
use crate::service::drafts;
use crate::web::page::{render, see_other, Chrome, Nav, PageContext};
use crate::web::{run_db, urls, AppState};

#[derive(Deserialize)]
pub struct TeamPath {
    org: OrgId,
    team: TeamId,
}

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
    ctx: PageContext,
    path: web::Path<TeamPath>,
) -> Result<HttpResponse, AppError> {
    let TeamPath { org, team } = path.into_inner();
    let page = run_db(&state, move |conn| {
        let chrome = ctx.chrome(conn, Some(&Scope::Org(org.clone())), Nav::Orders)?;
        let team = drafts::team_to_order_for(conn, &ctx.principal, &org, &team)?;
        Ok(StartPage {
            chrome,
            team_url: urls::team(&org, &team.id),
            action: urls::new_order(&org, &team.id),
            team_name: team.name,
        })
    })
    .await?;
    render(&page)
}

/// `POST /orgs/{org}/teams/{team}/orders/new`: starts a draft and opens its first step.
pub async fn start(
    state: web::Data<AppState>,
    ctx: PageContext,
    path: web::Path<TeamPath>,
) -> Result<HttpResponse, AppError> {
    let TeamPath { org, team } = path.into_inner();
    let url = run_db(&state, move |conn| {
        let draft = drafts::start_for(conn, &ctx.principal, &org, &team)?;
        Ok(urls::draft_step(&org, &draft, Step::Patient))
    })
    .await?;
    Ok(see_other(&url))
}
