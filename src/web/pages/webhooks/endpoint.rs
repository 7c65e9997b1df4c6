//! An endpoint's page: its settings (a form to change them), its signing secret once after it
//! was made or rotated, its latest attempts (status, time taken, the start of the answer) with
//! "Replay" on each, and "Send test event". Every button is a plain form that redirects back
//! with a notice (post/redirect/get), with or without JavaScript.
use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::form::{EndpointForm, FormView};
use super::EndpointPath;
use crate::domain::ids::WebhookDeliveryId;
use crate::domain::scope::Scope;
use crate::error::AppError;
use crate::service::webhooks::endpoints::{self as service, EndpointError, Manager};
use crate::web::api::org_webhooks::endpoint_status;
use crate::web::page::{render, render_with_status, see_other, Chrome, Nav, PageContext};
use crate::web::pages::fmt_time;
use crate::web::{run_db, session, urls, AppState};

/// One attempt in the table.
pub struct AttemptRowView {
    pub at: String,
    pub event_type: &'static str,
    pub event_id: String,
    /// `200`, or what went wrong when nothing answered.
    pub outcome: String,
    pub ok: bool,
    pub latency_ms: i32,
    pub response: String,
    pub state: &'static str,
    pub replay_url: String,
}

#[derive(Template)]
#[template(path = "webhooks/endpoint.html")]
struct EndpointPage {
    chrome: Chrome,
    team_name: String,
    list_url: String,
    action: String,
    test_url: String,
    rotate_url: String,
    delete_url: String,
    url: String,
    status: &'static str,
    failures: i32,
    pending: i64,
    created: String,
    secret: Option<String>,
    form: FormView,
    attempts: Vec<AttemptRowView>,
}

#[derive(Deserialize)]
pub struct PageQuery {
    done: Option<String>,
}

/// A fixed notice per `?done=` value: never text from the URL itself.
fn notice(done: Option<&str>) -> Option<String> {
    let text = match done? {
        "created" => "Webhook endpoint added.",
        "saved" => "Changes saved.",
        "test_sent" => "Test event queued: it shows below once the endpoint answered.",
        "replayed" => "Delivery queued again: the new attempt shows below.",
        "rotated" => "New signing secret made: the old one no longer signs anything.",
        _ => return None,
    };
    Some(text.to_string())
}

fn endpoint_page(
    conn: &mut crate::db::DbConnection,
    ctx: &PageContext,
    path: &EndpointPath,
    form: Option<FormView>,
) -> Result<EndpointPage, AppError> {
    let EndpointPath {
        org,
        team,
        endpoint,
    } = path;
    let chrome = ctx.chrome(conn, Some(&Scope::Org(org.clone())), Nav::Teams)?;
    let who = Manager::Person(&ctx.principal);
    let d = service::detail(conn, who, (org, team), endpoint)?;
    let e = &d.endpoint;
    let attempts = d
        .attempts
        .iter()
        .map(|a| AttemptRowView {
            at: fmt_time(&a.attempt.attempted_at),
            event_type: a.event_type.as_str(),
            event_id: a.event_id.to_string(),
            outcome: match (a.attempt.status_code, &a.attempt.error) {
                (Some(code), _) => code.to_string(),
                (None, Some(error)) => error.clone(),
                (None, None) => "no answer".to_string(),
            },
            ok: a
                .attempt
                .status_code
                .is_some_and(|c| (200..300).contains(&c)),
            latency_ms: a.attempt.latency_ms,
            response: a.attempt.response_snippet.clone(),
            state: a.delivery_state.as_str(),
            replay_url: urls::webhook_replay(org, team, endpoint, &a.attempt.delivery_id),
        })
        .collect();
    Ok(EndpointPage {
        chrome,
        list_url: urls::team_webhooks(org, team),
        action: urls::webhook_endpoint(org, team, endpoint),
        test_url: urls::webhook_test(org, team, endpoint),
        rotate_url: urls::webhook_rotate(org, team, endpoint),
        delete_url: urls::webhook_delete(org, team, endpoint),
        url: e.url.clone(),
        status: endpoint_status(e),
        failures: e.consecutive_failures,
        pending: d.pending,
        created: fmt_time(&e.created_at),
        secret: None,
        form: form.unwrap_or_else(|| FormView::of(e)),
        attempts,
        team_name: d.team.name,
    })
}

pub async fn page(
    state: web::Data<AppState>,
    ctx: PageContext,
    session: Session,
    path: web::Path<EndpointPath>,
    q: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let path = path.into_inner();
    let id = path.endpoint.clone();
    let done = notice(q.done.as_deref());
    let page = run_db(&state, move |conn| {
        let mut page = endpoint_page(conn, &ctx, &path, None)?;
        page.chrome.notice = done;
        Ok(page)
    })
    .await?;
    // Only once the endpoint is found and the person may manage it does the session give up the
    // secret.
    render(&EndpointPage {
        secret: session::take_new_key_secret(&session, &id),
        ..page
    })
}

enum Saved {
    Done,
    Refused(Box<EndpointPage>),
}

pub async fn update(
    state: web::Data<AppState>,
    ctx: PageContext,
    path: web::Path<EndpointPath>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let path = path.into_inner();
    let typed = EndpointForm::from_pairs(form.into_inner());
    let back = urls::webhook_endpoint(&path.org, &path.team, &path.endpoint);
    let sandbox = ctx.sandbox;
    let saved = run_db(&state, move |conn| {
        let who = Manager::Person(&ctx.principal);
        let EndpointPath {
            org,
            team,
            endpoint,
        } = &path;
        let input = typed.input();
        let actor = ctx.actor();
        match service::update(conn, &actor, who, (org, team), endpoint, &input, sandbox) {
            Ok(_) => Ok(Saved::Done),
            Err(EndpointError::Invalid(problems)) => {
                let view = FormView::refused(&typed, problems);
                let page = endpoint_page(conn, &ctx, &path, Some(view))?;
                Ok(Saved::Refused(Box::new(page)))
            }
            Err(EndpointError::Failed(e)) => Err(e),
        }
    })
    .await?;
    match saved {
        Saved::Done => Ok(see_other(&format!("{back}?done=saved"))),
        Saved::Refused(page) => render_with_status(&*page, StatusCode::UNPROCESSABLE_ENTITY),
    }
}

pub async fn send_test(
    state: web::Data<AppState>,
    ctx: PageContext,
    path: web::Path<EndpointPath>,
) -> Result<HttpResponse, AppError> {
    let EndpointPath {
        org,
        team,
        endpoint,
    } = path.into_inner();
    let back = urls::webhook_endpoint(&org, &team, &endpoint);
    run_db(&state, move |conn| {
        let who = Manager::Person(&ctx.principal);
        service::send_test(conn, &ctx.actor(), who, (&org, &team), &endpoint).map(drop)
    })
    .await?;
    Ok(see_other(&format!("{back}?done=test_sent")))
}

#[derive(Deserialize)]
pub struct DeliveryPath {
    org: crate::domain::ids::OrgId,
    team: crate::domain::ids::TeamId,
    endpoint: crate::domain::ids::WebhookEndpointId,
    delivery: WebhookDeliveryId,
}

pub async fn replay(
    state: web::Data<AppState>,
    ctx: PageContext,
    path: web::Path<DeliveryPath>,
) -> Result<HttpResponse, AppError> {
    let DeliveryPath {
        org,
        team,
        endpoint,
        delivery,
    } = path.into_inner();
    let back = urls::webhook_endpoint(&org, &team, &endpoint);
    run_db(&state, move |conn| {
        let who = Manager::Person(&ctx.principal);
        let actor = ctx.actor();
        service::replay(conn, &actor, who, (&org, &team), &endpoint, &delivery)
    })
    .await?;
    Ok(see_other(&format!("{back}?done=replayed")))
}
