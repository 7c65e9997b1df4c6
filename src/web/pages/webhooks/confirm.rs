//! The questions before the two changes that cannot be taken back: rotating an endpoint's
//! signing secret (receivers checking the old one refuse what comes next) and deleting it.
use actix_session::Session;
use actix_web::{web, HttpResponse};
use askama::Template;

use super::EndpointPath;
use crate::domain::scope::Scope;
use crate::error::AppError;
use crate::service::webhooks::endpoints::{self as service, Manager};
use crate::web::page::{render, see_other, Chrome, Nav, PageContext};
use crate::web::{run_db, session, urls, AppState};

#[derive(Template)]
#[template(path = "webhooks/confirm.html")]
struct ConfirmPage {
    chrome: Chrome,
    heading: String,
    explanation: &'static str,
    action: String,
    button: &'static str,
    back_url: String,
}

async fn confirm_page(
    state: web::Data<AppState>,
    ctx: PageContext,
    path: EndpointPath,
    rotate: bool,
) -> Result<HttpResponse, AppError> {
    let page = run_db(&state, move |conn| {
        let EndpointPath { org, team, endpoint } = &path;
        let chrome = ctx.chrome(conn, Some(&Scope::Org(org.clone())), Nav::Teams)?;
        let who = Manager::Person(&ctx.principal);
        let d = service::detail(conn, who, (org, team), endpoint)?;
        let url = &d.endpoint.url;
        Ok(if rotate {
            ConfirmPage {
                chrome,
                heading: format!("Rotate the signing secret of {url}?"),
                explanation: "labdesk signs every delivery from now on with a new secret, shown once on the next page. The receiver must be given the new secret: until then it refuses what labdesk sends, and labdesk keeps trying.",
                action: urls::webhook_rotate(org, team, endpoint),
                button: "Rotate secret",
                back_url: urls::webhook_endpoint(org, team, endpoint),
            }
        } else {
            ConfirmPage {
                chrome,
                heading: format!("Delete the webhook endpoint {url}?"),
                explanation: "Nothing more is sent to it, and deliveries still waiting are given up. Its past attempts stay in the audit log. This cannot be undone; to pause it instead, untick \"Enabled\".",
                action: urls::webhook_delete(org, team, endpoint),
                button: "Delete endpoint",
                back_url: urls::webhook_endpoint(org, team, endpoint),
            }
        })
    })
    .await?;
    render(&page)
}

pub async fn rotate_page(
    state: web::Data<AppState>,
    ctx: PageContext,
    path: web::Path<EndpointPath>,
) -> Result<HttpResponse, AppError> {
    confirm_page(state, ctx, path.into_inner(), true).await
}

pub async fn delete_page(
    state: web::Data<AppState>,
    ctx: PageContext,
    path: web::Path<EndpointPath>,
) -> Result<HttpResponse, AppError> {
    confirm_page(state, ctx, path.into_inner(), false).await
}

/// Rotates the secret and shows the new one once on the endpoint's page.
pub async fn rotate(
    state: web::Data<AppState>,
    ctx: PageContext,
    session: Session,
    path: web::Path<EndpointPath>,
) -> Result<HttpResponse, AppError> {
    let EndpointPath {
        org,
        team,
        endpoint,
    } = path.into_inner();
    let back = urls::webhook_endpoint(&org, &team, &endpoint);
    let id = endpoint.clone();
    let rotated = run_db(&state, move |conn| {
        let who = Manager::Person(&ctx.principal);
        service::rotate_secret(conn, &ctx.actor(), who, (&org, &team), &endpoint)
    })
    .await?;
    session::keep_new_key_secret(&session, &id, rotated.secret)?;
    Ok(see_other(&format!("{back}?done=rotated")))
}

pub async fn delete(
    state: web::Data<AppState>,
    ctx: PageContext,
    path: web::Path<EndpointPath>,
) -> Result<HttpResponse, AppError> {
    let EndpointPath {
        org,
        team,
        endpoint,
    } = path.into_inner();
    let back = urls::team_webhooks(&org, &team);
    run_db(&state, move |conn| {
        let who = Manager::Person(&ctx.principal);
        service::delete(conn, &ctx.actor(), who, (&org, &team), &endpoint).map(drop)
    })
    .await?;
    Ok(see_other(&format!("{back}?done=deleted")))
}
