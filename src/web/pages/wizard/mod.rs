//! The order wizard: patient -> tests -> lab account (shown only when there is a choice) ->
//! billing -> review -> submit. The draft lives on the server, so every step's GET shows what is
//! saved and every POST saves and redirects (POST/redirect/GET); starting one is a POST as well.
//! Each handler reads the form, asks `service::drafts` once, and answers the whole page, or for
//! htmx only the wizard fragment, or a redirect. The step modules read their form and turn what
//! the service answers into the step's view.
pub mod account;
pub mod billing;
pub mod lab_tests;
pub mod patient;
pub mod review;
pub mod start;

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use crate::domain::ids::{DraftId, OrgId};
use crate::domain::scope::Scope;
use crate::domain::wizard::Step;
use crate::error::AppError;
use crate::service::drafts::{self, Draft, Next, Shown, StepData, StepPage};
use crate::web::page::{
    respond_with_status, see_other, Chrome, HxRequest, Nav, PageContext, Swappable,
};
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
    /// The step before this one, as (address, name): every step after the first has a way back.
    pub back: Option<(String, &'static str)>,
    /// The step was opened from the review step: its forms say so, to return there.
    pub from_review: bool,
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
struct WizardFragment<'a> {
    w: &'a WizardView,
}

impl Swappable for WizardPage {
    fn render_fragment(&self) -> askama::Result<String> {
        WizardFragment { w: &self.w }.render()
    }
}

/// The value of `from` on a step opened from the review step.
pub const FROM_REVIEW: &str = "review";

/// The address of a step of the draft.
pub fn step_url(draft: &Draft, step: Step) -> String {
    urls::draft_step(&draft.org_id, &draft.id, step)
}

/// The wizard around one step, with the progress bar.
fn wizard_view(csrf: &str, page: StepPage, from_review: bool) -> WizardView {
    let shown = page.step();
    let StepPage { draft, data } = page;
    let state = &draft.state;
    let first = state.first_incomplete();
    let steps: Vec<Step> = Step::ALL
        .iter()
        .copied()
        .filter(|s| *s != Step::Account || state.shows_account_step())
        .collect();
    // Counted in every step's order: the account step, when the wizard chose the account, is
    // left out of the progress bar but can still be shown (its account was refused).
    let back = Step::ALL
        .iter()
        .take_while(|s| **s != shown)
        .filter(|s| steps.contains(s))
        .last()
        .map(|s| (step_url(&draft, *s), s.label()));
    let progress = steps
        .into_iter()
        .map(|s| {
            let reachable = state.reachable(s) == s;
            ProgressItem {
                label: s.label(),
                url: reachable.then(|| step_url(&draft, s)),
                current: s == shown,
                done: reachable && s != first && s != Step::Review,
            }
        })
        .collect();
    let step = match data {
        StepData::Patient(d) => StepView::Patient(Box::new(patient::view(&draft, *d))),
        StepData::Tests(d) => StepView::Tests(lab_tests::view(&draft, d)),
        StepData::Account(d) => StepView::Account(account::view(&draft, d)),
        StepData::Billing(d) => StepView::Billing(billing::view(&draft, *d)),
        StepData::Review(d) => StepView::Review(review::view(&draft, *d)),
    };
    WizardView {
        csrf: csrf.to_string(),
        team_name: draft.team.name.clone(),
        team_url: urls::team(&draft.org_id, &draft.team.id),
        progress,
        back,
        from_review,
        step,
    }
}

/// Where a draft request leads: a page to show, or an address to go to.
enum Answer {
    Page(Box<WizardPage>),
    Go(String),
}

fn go(org: &OrgId, draft: &DraftId, next: &Next) -> String {
    match next {
        Next::Step(step) => urls::draft_step(org, draft, *step),
        Next::Order(order_id) => urls::order(org, order_id),
    }
}

impl Answer {
    fn of(ctx: &PageContext, chrome: Chrome, at: &Place, shown: Shown) -> Self {
        match shown {
            Shown::Go(next) => Answer::Go(go(&at.org, &at.draft, &next)),
            Shown::Step(page) => Answer::Page(Box::new(WizardPage {
                chrome,
                w: wizard_view(&ctx.csrf, *page, at.from_review),
            })),
        }
    }

    /// `status`: the whole page's (422 for a step shown again with its errors).
    fn respond(self, hx: HxRequest, status: StatusCode) -> Result<HttpResponse, AppError> {
        match self {
            Answer::Go(url) => Ok(see_other(&url)),
            Answer::Page(page) => {
                // htmx swaps only 2xx answers: a step shown again with its errors is a 200 there.
                let status = if hx.wants_fragment() {
                    StatusCode::OK
                } else {
                    status
                };
                respond_with_status(hx, page.as_ref(), status)
            }
        }
    }
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

/// Where a request is in the wizard: the draft, and whether the step came from review.
struct Place {
    org: OrgId,
    draft: DraftId,
    from_review: bool,
}

/// `?from=review` on a step opened from the review step's "Change" links.
#[derive(Deserialize)]
pub struct StepQuery {
    from: Option<String>,
}

fn parse_step(step: &str) -> Result<Step, AppError> {
    step.parse().map_err(|_| AppError::NotFound)
}

/// `GET /orgs/{org}/drafts/{draft}/{step}`: what is saved for the step.
pub async fn show(
    state: web::Data<AppState>,
    ctx: PageContext,
    path: web::Path<StepPath>,
    query: web::Query<StepQuery>,
) -> Result<HttpResponse, AppError> {
    let step = parse_step(&path.step)?;
    let StepPath { org, draft, .. } = path.into_inner();
    let at = Place {
        org,
        draft,
        from_review: query.from.as_deref() == Some(FROM_REVIEW),
    };
    let hx = ctx.hx;
    let answer = run_db(&state, move |conn| {
        let chrome = ctx.chrome(conn, Some(&Scope::Org(at.org.clone())), Nav::Orders)?;
        let shown = drafts::show(conn, &ctx.principal, &at.org, &at.draft, step)?;
        Ok(Answer::of(&ctx, chrome, &at, shown))
    })
    .await?;
    answer.respond(hx, StatusCode::OK)
}

/// `POST /orgs/{org}/drafts/{draft}/{step}`: saves the step and moves on, or shows it again.
pub async fn save(
    state: web::Data<AppState>,
    ctx: PageContext,
    path: web::Path<StepPath>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let step = parse_step(&path.step)?;
    let StepPath { org, draft, .. } = path.into_inner();
    let form = form.into_inner();
    let input = match step {
        Step::Patient => patient::read(&form),
        Step::Tests => lab_tests::read(&form),
        Step::Account => account::read(&form),
        Step::Billing => billing::read(&form),
        Step::Review => review::read(&form),
    };
    let at = Place {
        org,
        draft,
        from_review: value(&form, "from") == FROM_REVIEW,
    };
    let hx = ctx.hx;
    let answer = run_db(&state, move |conn| {
        let chrome = ctx.chrome(conn, Some(&Scope::Org(at.org.clone())), Nav::Orders)?;
        let (p, returning) = (&ctx.principal, at.from_review);
        let shown = drafts::save(conn, &ctx.actor(), p, &at.org, &at.draft, input, returning)?;
        Ok(Answer::of(&ctx, chrome, &at, shown))
    })
    .await?;
    answer.respond(hx, StatusCode::UNPROCESSABLE_ENTITY)
}

/// `POST /orgs/{org}/drafts/{draft}/submit`: places the order (once) and opens it, or goes back
/// to the step that needs fixing.
pub async fn submit(
    state: web::Data<AppState>,
    ctx: PageContext,
    path: web::Path<DraftPath>,
) -> Result<HttpResponse, AppError> {
    let DraftPath { org, draft } = path.into_inner();
    let url = run_db(&state, move |conn| {
        let next = drafts::submit(conn, &ctx.actor(), &ctx.principal, &org, &draft)?;
        Ok(go(&org, &draft, &next))
    })
    .await?;
    Ok(see_other(&url))
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
