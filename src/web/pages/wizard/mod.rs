//! The order wizard: patient -> tests -> lab account (shown only when there is a choice) ->
//! billing -> review -> submit. The draft lives on the server, so every step's GET shows what is
//! saved and every POST saves and redirects (POST/redirect/GET); starting one is a POST as well. One handler per route answers
//! the whole page, or for htmx only the wizard fragment. The rules are in `domain::wizard`,
//! `domain::eligibility` and `service::orders`, shared with the API.
pub mod account;
pub mod billing;
pub mod draft;
pub mod lab_tests;
pub mod patient;
pub mod review;
pub mod start;

use actix_web::http::header::{HeaderValue, VARY};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use self::draft::Ctx;
use super::{render_with_status, see_other, Chrome};
use crate::db::DbConnection;
use crate::domain::ids::{DraftId, OrgId};
use crate::domain::wizard::Step;
use crate::error::AppError;
use crate::web::htmx::is_htmx;
use crate::web::session::SignedIn;
use crate::web::{run_db, urls, AppState};

/// One entry of the progress bar; `url` is set for steps that can be opened now.
pub struct ProgressItem {
    pub label: &'static str,
    pub url: Option<String>,
    pub current: bool,
    pub done: bool,
}

pub enum StepView {
    Patient(Box<patient::PatientView>),
    Tests(lab_tests::TestsView),
    Account(account::AccountView),
    Billing(billing::BillingView),
    Review(review::ReviewView),
}

pub struct WizardView {
    pub csrf: String,
    pub team_name: String,
    pub team_url: String,
    pub progress: Vec<ProgressItem>,
    pub step: StepView,
}

#[derive(Template)]
#[template(path = "orders/wizard/page.html")]
struct WizardPage {
    chrome: Chrome,
    w: WizardView,
}

#[derive(Template)]
#[template(path = "orders/wizard/_wizard.html")]
struct WizardFragment {
    w: WizardView,
}

/// What a step's handler decided: show a step (with a status), or go somewhere.
pub enum Outcome {
    Show(Box<(Chrome, WizardView, StatusCode)>),
    Redirect(String),
}

impl Outcome {
    pub fn show(ctx: Ctx, shown: Step, step: StepView) -> Outcome {
        Outcome::show_with(ctx, shown, step, StatusCode::OK)
    }

    /// The step again, with what was typed and why it was not saved.
    pub fn invalid(ctx: Ctx, shown: Step, step: StepView) -> Outcome {
        Outcome::show_with(ctx, shown, step, StatusCode::UNPROCESSABLE_ENTITY)
    }

    fn show_with(ctx: Ctx, shown: Step, step: StepView, status: StatusCode) -> Outcome {
        let (chrome, view) = ctx.view(shown, step);
        Outcome::Show(Box::new((chrome, view, status)))
    }
}

/// Saves the draft and goes to the step after `from`; the account step is skipped when exactly
/// one account is eligible (the wizard chooses it).
pub fn advance(conn: &mut DbConnection, mut ctx: Ctx, from: Step) -> Result<Outcome, AppError> {
    let mut next = ctx.state.next_after(from);
    if next == Step::Account {
        if let Some(only) = account::only_eligible(conn, &ctx)? {
            ctx.state.choose_account(&only, true);
            next = ctx.state.next_after(Step::Account);
        }
    }
    ctx.save(conn)?;
    Ok(Outcome::Redirect(ctx.url(next)))
}

/// htmx swaps in the fragment; a plain request, or htmx restoring history (it replaces the whole
/// body), gets the page.
fn wants_fragment(req: &HttpRequest) -> bool {
    is_htmx(req) && !req.headers().contains_key("hx-history-restore-request")
}

fn respond(req: &HttpRequest, outcome: Outcome) -> Result<HttpResponse, AppError> {
    let (chrome, w, status) = match outcome {
        Outcome::Redirect(url) => return Ok(see_other(&url)),
        Outcome::Show(shown) => *shown,
    };
    let mut res = if wants_fragment(req) {
        // htmx swaps only 2xx answers: a step shown again with its errors is a 200 there.
        render_with_status(&WizardFragment { w }, StatusCode::OK)?
    } else {
        render_with_status(&WizardPage { chrome, w }, status)?
    };
    res.headers_mut()
        .append(VARY, HeaderValue::from_static("HX-Request"));
    Ok(res)
}

#[derive(Deserialize)]
pub struct StepPath {
    org: OrgId,
    draft: DraftId,
    step: String,
}

#[derive(Deserialize)]
pub struct DraftPath {
    org: OrgId,
    draft: DraftId,
}

fn parse_step(step: &str) -> Result<Step, AppError> {
    step.parse().map_err(|_| AppError::NotFound)
}

/// `GET /orgs/{org}/drafts/{draft}/{step}`: what is saved for the step.
pub async fn show(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: SignedIn,
    path: web::Path<StepPath>,
) -> Result<HttpResponse, AppError> {
    let step = parse_step(&path.step)?;
    let p = user.principal.clone();
    let csrf = user.csrf.clone();
    let sandbox = state.settings.is_sandbox();
    let StepPath { org, draft, .. } = path.into_inner();
    let outcome = run_db(&state, move |conn| {
        let ctx = draft::load(conn, &p, &csrf, sandbox, &org, &draft)?;
        if let Some(order_id) = &ctx.order_id {
            return Ok(Outcome::Redirect(urls::order(&org, order_id)));
        }
        let shown = ctx.state.reachable(step);
        if shown != step {
            return Ok(Outcome::Redirect(ctx.url(shown)));
        }
        match step {
            Step::Patient => patient::show(conn, ctx),
            Step::Tests => lab_tests::show(conn, ctx),
            Step::Account => account::show(conn, ctx),
            Step::Billing => billing::show(conn, ctx),
            Step::Review => review::show(conn, ctx),
        }
    })
    .await?;
    respond(&req, outcome)
}

/// `POST /orgs/{org}/drafts/{draft}/{step}`: saves the step and moves on, or shows it again.
pub async fn save(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: SignedIn,
    path: web::Path<StepPath>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let step = parse_step(&path.step)?;
    let p = user.principal.clone();
    let csrf = user.csrf.clone();
    let sandbox = state.settings.is_sandbox();
    let actor = user.actor();
    let StepPath { org, draft, .. } = path.into_inner();
    let form = form.into_inner();
    let outcome = run_db(&state, move |conn| {
        let ctx = draft::load(conn, &p, &csrf, sandbox, &org, &draft)?;
        if let Some(order_id) = &ctx.order_id {
            return Ok(Outcome::Redirect(urls::order(&org, order_id)));
        }
        let shown = ctx.state.reachable(step);
        if shown != step {
            return Ok(Outcome::Redirect(ctx.url(shown)));
        }
        match step {
            Step::Patient => patient::save(conn, ctx, &actor, &form),
            Step::Tests => lab_tests::save(conn, ctx, &form),
            Step::Account => account::save(conn, ctx, &form),
            Step::Billing => billing::save(conn, ctx, &form),
            Step::Review => review::save(conn, ctx, &form),
        }
    })
    .await?;
    respond(&req, outcome)
}

/// `POST /orgs/{org}/drafts/{draft}/submit`: places the order (once) and opens it.
pub async fn submit(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: SignedIn,
    path: web::Path<DraftPath>,
) -> Result<HttpResponse, AppError> {
    let p = user.principal.clone();
    let csrf = user.csrf.clone();
    let sandbox = state.settings.is_sandbox();
    let actor = user.actor();
    let DraftPath { org, draft } = path.into_inner();
    let outcome = run_db(&state, move |conn| {
        let ctx = draft::load(conn, &p, &csrf, sandbox, &org, &draft)?;
        if let Some(order_id) = &ctx.order_id {
            return Ok(Outcome::Redirect(urls::order(&org, order_id)));
        }
        review::submit(conn, ctx, &actor)
    })
    .await?;
    respond(&req, outcome)
}

/// The values of every field named `name`, in order (checkboxes send one pair each).
pub fn values<'a>(form: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    form.iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .collect()
}

/// The first value of the field `name`, or "".
pub fn value<'a>(form: &'a [(String, String)], name: &str) -> &'a str {
    values(form, name).first().copied().unwrap_or("")
}
