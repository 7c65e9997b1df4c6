//! A Team's webhook endpoints, for the org's admins: the list with the form for a new one
//! (`list`, `create`), an endpoint's page with its settings, recent attempts, "send test event"
//! and "replay" (`endpoint`), and the confirmations before rotating a secret or deleting
//! (`confirm`). A new endpoint's signing secret, and a rotated one, show once on the endpoint's
//! page (kept in the encrypted session cookie until then): a reload shows it no more. Who may,
//! which Team and which endpoint: `service::webhooks::endpoints`.
pub mod confirm;
pub mod endpoint;
mod form;

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use self::form::{EndpointForm, FormView};
use crate::domain::ids::{OrgId, TeamId, WebhookEndpointId};
use crate::domain::scope::Scope;
use crate::error::AppError;
use crate::service::webhooks::endpoints::{self as service, EndpointError, Manager};
use crate::web::api::org_webhooks::endpoint_status;
use crate::web::page::{render, render_with_status, see_other, Chrome, Nav, PageContext};
use crate::web::{run_db, session, urls, AppState};

#[derive(Deserialize)]
pub struct TeamPath {
    org: OrgId,
    team: TeamId,
}

#[derive(Deserialize)]
pub struct EndpointPath {
    org: OrgId,
    team: TeamId,
    endpoint: WebhookEndpointId,
}

/// One endpoint in the list.
pub struct EndpointRowView {
    pub url: String,
    pub description: String,
    pub events: String,
    pub status: &'static str,
    pub pending: i64,
    pub page_url: String,
}

#[derive(Template)]
#[template(path = "webhooks/list.html")]
struct ListPage {
    chrome: Chrome,
    team_name: String,
    team_url: String,
    create_url: String,
    endpoints: Vec<EndpointRowView>,
    form: FormView,
}

#[derive(Deserialize)]
pub struct ListQuery {
    done: Option<String>,
}

fn list_page(
    conn: &mut crate::db::DbConnection,
    ctx: &PageContext,
    org: &OrgId,
    team: &TeamId,
    form: FormView,
) -> Result<ListPage, AppError> {
    let chrome = ctx.chrome(conn, Some(&Scope::Org(org.clone())), Nav::Teams)?;
    let (team, listed) = service::list(conn, Manager::Person(&ctx.principal), org, team)?;
    let endpoints = listed
        .iter()
        .map(|s| EndpointRowView {
            url: s.endpoint.url.clone(),
            description: s.endpoint.description.clone(),
            events: s
                .endpoint
                .types()
                .iter()
                .map(|t| t.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            status: endpoint_status(&s.endpoint),
            pending: s.pending,
            page_url: urls::webhook_endpoint(org, &team.id, &s.endpoint.id),
        })
        .collect();
    Ok(ListPage {
        chrome,
        team_url: urls::team(org, &team.id),
        create_url: urls::team_webhooks(org, &team.id),
        team_name: team.name,
        endpoints,
        form,
    })
}

pub async fn list(
    state: web::Data<AppState>,
    ctx: PageContext,
    path: web::Path<TeamPath>,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let TeamPath { org, team } = path.into_inner();
    let deleted = q.done.as_deref() == Some("deleted");
    let page = run_db(&state, move |conn| {
        let mut page = list_page(conn, &ctx, &org, &team, FormView::new_endpoint())?;
        page.chrome.notice = deleted.then(|| "Webhook endpoint deleted.".to_string());
        Ok(page)
    })
    .await?;
    render(&page)
}

enum Created {
    Endpoint {
        id: WebhookEndpointId,
        secret: String,
    },
    Refused(Box<ListPage>),
}

/// Adds the endpoint and redirects to its page, which shows the secret once.
pub async fn create(
    state: web::Data<AppState>,
    ctx: PageContext,
    session: Session,
    path: web::Path<TeamPath>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let TeamPath { org, team } = path.into_inner();
    let typed = EndpointForm::from_pairs(form.into_inner());
    let sandbox = ctx.sandbox;
    let (org_id, team_id) = (org.clone(), team.clone());
    let outcome = run_db(&state, move |conn| {
        let who = Manager::Person(&ctx.principal);
        let input = typed.input();
        match service::create(conn, &ctx.actor(), who, (&org, &team), &input, sandbox) {
            Ok(made) => Ok(Created::Endpoint {
                id: made.endpoint.id,
                secret: made.secret,
            }),
            Err(EndpointError::Invalid(problems)) => {
                let view = FormView::refused(&typed, problems);
                let page = list_page(conn, &ctx, &org, &team, view)?;
                Ok(Created::Refused(Box::new(page)))
            }
            Err(EndpointError::Failed(e)) => Err(e),
        }
    })
    .await?;
    match outcome {
        Created::Endpoint { id, secret } => {
            session::keep_new_key_secret(&session, &id, secret)?;
            let url = urls::webhook_endpoint(&org_id, &team_id, &id);
            Ok(see_other(&format!("{url}?done=created")))
        }
        Created::Refused(page) => render_with_status(&*page, StatusCode::UNPROCESSABLE_ENTITY),
    }
}
