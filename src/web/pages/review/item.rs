//! One queued result: its decision code and reasons, what the lab sent next to what the
//! candidate order holds (rows that differ are marked with a class and in words), the values,
//! the raw message, the current state and, while it is open, the decision forms.
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::compare::{compare, text, values, CompareRow, ValueRow};
use super::{review_chrome, status_badge};
use crate::domain::ids::{OrderId, ReviewItemId};
use crate::domain::order_input::PatientDetails;
use crate::domain::result_matching::{reason_label, DecisionCode};
use crate::domain::review::{ReviewAction, ReviewStatus};
use crate::domain::scope::Scope;
use crate::error::AppError;
use crate::service::review::candidates::Candidate;
use crate::service::review::item::{self as review_item, ItemDetails};
use crate::web::page::{render, Chrome, PageContext, Swappable};
use crate::web::pages::fmt_time;
use crate::web::pages::orders::{patient_name, StatusBadge};
use crate::web::{run_db, urls, AppState};

#[derive(Deserialize)]
pub struct ItemPath {
    pub id: ReviewItemId,
}

pub struct CandidateView {
    pub id: OrderId,
    pub url: String,
    pub status: StatusBadge,
}

/// Who decided what, when; or who escalated it.
pub struct StateView {
    pub status_label: &'static str,
    pub status_class: &'static str,
    pub open: bool,
    pub escalated: bool,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    pub note: Option<String>,
    /// (order id, order page url)
    pub resolved_order: Option<(OrderId, String)>,
}

/// What the reviewer typed, kept when a decision is refused.
#[derive(Clone)]
pub struct Typed {
    pub form: ReviewAction,
    pub order_id: String,
    pub confirm_mismatch: bool,
    pub note: String,
}

pub struct DecisionForms {
    pub version: i32,
    pub accept_url: String,
    pub reject_url: String,
    pub escalate_url: Option<String>,
    /// The search form of the candidate orders (a POST: a name or date of birth is patient data,
    /// which never goes into a URL).
    pub search_url: String,
    pub searched: String,
    pub candidates: CandidateList,
    pub mismatch: bool,
    pub confirm_checked: bool,
    pub accept_note: String,
    pub reject_note: String,
    pub escalate_note: String,
    /// Why a decision was refused, next to its form.
    pub accept_error: Option<String>,
    pub reject_error: Option<String>,
    pub escalate_error: Option<String>,
}

#[derive(Template)]
#[template(path = "results/review_item.html")]
pub struct ItemPage {
    pub chrome: Chrome,
    pub back_url: String,
    pub id: ReviewItemId,
    pub code: DecisionCode,
    pub code_label: &'static str,
    pub reasons: Vec<&'static str>,
    pub received: String,
    pub lab: &'static str,
    pub control_id: String,
    pub result_status: String,
    pub compare: Vec<CompareRow>,
    pub candidate: Option<CandidateView>,
    pub values: Vec<ValueRow>,
    pub raw: String,
    pub state: StateView,
    pub forms: Option<DecisionForms>,
    /// Shown on top when a decision could not be made (e.g. someone decided first).
    pub problem: Option<String>,
}

/// A search swaps only the candidate list; an item decided meanwhile has none to swap.
impl Swappable for ItemPage {
    fn render_fragment(&self) -> askama::Result<String> {
        match &self.forms {
            Some(f) => f.candidates.render(),
            None => Ok("<div id=\"candidates\"><p role=\"alert\">This result was decided meanwhile: reload the page to see how.</p></div>".to_string()),
        }
    }
}

fn state_view(d: &ItemDetails) -> StateView {
    let item = &d.item;
    let (status_label, status_class) = status_badge(item.status);
    StateView {
        status_label,
        status_class,
        open: item.status.is_open(),
        escalated: item.status == ReviewStatus::PendingOps,
        decided_by: item.decided_by.clone(),
        decided_at: item.decided_at.as_ref().map(fmt_time),
        note: item.resolution_note.clone(),
        // A quarantined item has no org: the order's own org names its page.
        resolved_order: item
            .resolved_order_id
            .as_ref()
            .and(d.order.as_ref())
            .map(|o| (o.row.id.clone(), urls::order(&o.row.org_id, &o.row.id))),
    }
}

/// One order of the accept form's list, as the reviewer tells it apart.
pub struct CandidateRow {
    pub id: OrderId,
    pub patient: String,
    pub dob: String,
    pub tests: String,
    pub placed: String,
    pub account: String,
    pub status: StatusBadge,
    pub checked: bool,
}

/// The list of orders to pick from; swapped alone after a search with htmx.
#[derive(Template)]
#[template(path = "results/_candidates.html")]
pub struct CandidateList {
    pub rows: Vec<CandidateRow>,
    pub searched: bool,
    /// The last accept was refused: the list is described by the message.
    pub invalid: bool,
}

fn candidate_row(c: &Candidate, chosen: &str) -> CandidateRow {
    let o = &c.order;
    let details = serde_json::from_str::<PatientDetails>(&o.patient_details).ok();
    CandidateRow {
        patient: details.as_ref().map(patient_name).unwrap_or_default(),
        dob: details.map(|d| d.dob.to_string()).unwrap_or_default(),
        tests: c.tests.join(", "),
        placed: fmt_time(&o.created_at),
        account: c
            .account
            .as_ref()
            .map(|a| format!("{} ({})", a.name(), a.provider_account_id))
            .unwrap_or_default(),
        status: StatusBadge::new(o.status_high, o.status_low),
        checked: o.id.as_str() == chosen,
        id: o.id.clone(),
    }
}

/// The candidate list of an item: the order typed last (or the likely one) checked.
pub fn candidate_list(d: &ItemDetails, chosen: &str, invalid: bool) -> CandidateList {
    CandidateList {
        rows: d
            .candidates
            .iter()
            .map(|c| candidate_row(c, chosen))
            .collect(),
        searched: d.searched.is_some(),
        invalid,
    }
}

fn forms(
    scope: &Scope,
    d: &ItemDetails,
    typed: Option<&Typed>,
    error: Option<(ReviewAction, String)>,
) -> DecisionForms {
    let item = &d.item;
    let decision_url = |action| urls::decide_review_item(scope, &item.id, action);
    let typed_in = |form: ReviewAction| typed.filter(|t| t.form == form);
    let note = |form| typed_in(form).map(|t| t.note.clone()).unwrap_or_default();
    let accept = typed_in(ReviewAction::Accept);
    let error_of = |form| {
        error
            .as_ref()
            .filter(|(which, _)| *which == form)
            .map(|(_, message)| message.clone())
    };
    DecisionForms {
        version: item.version,
        accept_url: decision_url(ReviewAction::Accept),
        reject_url: decision_url(ReviewAction::Reject),
        escalate_url: (item.status == ReviewStatus::PendingCustomer)
            .then(|| decision_url(ReviewAction::Escalate)),
        search_url: urls::review_candidates(scope, &item.id),
        searched: d.searched.clone().unwrap_or_default(),
        candidates: candidate_list(
            d,
            &match accept {
                Some(t) => t.order_id.clone(),
                None => d
                    .suggested
                    .as_ref()
                    .map(|o| o.to_string())
                    .unwrap_or_default(),
            },
            error_of(ReviewAction::Accept).is_some(),
        ),
        mismatch: item.decision_code == DecisionCode::LabAccountMismatch,
        confirm_checked: accept.is_some_and(|t| t.confirm_mismatch),
        accept_note: note(ReviewAction::Accept),
        reject_note: note(ReviewAction::Reject),
        escalate_note: note(ReviewAction::Escalate),
        accept_error: error_of(ReviewAction::Accept),
        reject_error: error_of(ReviewAction::Reject),
        escalate_error: error_of(ReviewAction::Escalate),
    }
}

/// Builds the page for an item; `typed` and `error` come back from a refused decision.
pub fn item_page(
    chrome: Chrome,
    scope: &Scope,
    d: &ItemDetails,
    typed: Option<&Typed>,
    error: Option<(ReviewAction, String)>,
) -> ItemPage {
    let item = &d.item;
    let parsed: serde_json::Value = serde_json::from_str(&item.parsed).unwrap_or_default();
    let reasons: Vec<String> = serde_json::from_str(&item.reasons).unwrap_or_default();
    let state = state_view(d);
    ItemPage {
        chrome,
        back_url: urls::review_queue(scope),
        id: item.id.clone(),
        code: item.decision_code,
        code_label: item.decision_code.label(),
        reasons: reasons.iter().map(|c| reason_label(c)).collect(),
        received: fmt_time(&item.created_at),
        lab: item.lab_slug.display_name(),
        control_id: item.control_id.clone(),
        result_status: text(&parsed["status"]),
        compare: compare(d, &parsed),
        candidate: d.order.as_ref().map(|o| CandidateView {
            id: o.row.id.clone(),
            url: urls::order(&o.row.org_id, &o.row.id),
            status: StatusBadge::new(o.row.status_high, o.row.status_low),
        }),
        values: values(&parsed),
        // HL7 separates segments with CR, which a <pre> does not break on.
        raw: item.raw_message.replace("\r\n", "\n").replace('\r', "\n"),
        forms: state.open.then(|| forms(scope, d, typed, error)),
        state,
        problem: None,
    }
}

#[derive(Deserialize)]
pub struct ItemQuery {
    done: Option<String>,
}

/// A fixed notice after a decision's redirect: never text from the URL itself.
fn done_notice(done: Option<&str>) -> Option<String> {
    let action = ReviewAction::ALL.iter().find(|a| Some(a.done()) == done)?;
    Some(
        match action {
            ReviewAction::Accept => "Accepted: the result is now on the order.",
            ReviewAction::Reject => "Rejected: the result stays out of every order.",
            ReviewAction::Escalate => {
                "Escalated to ops review: your customer success manager takes it from here."
            }
        }
        .to_string(),
    )
}

pub async fn page(
    state: web::Data<AppState>,
    ctx: PageContext,
    scope: Scope,
    path: web::Path<ItemPath>,
    q: web::Query<ItemQuery>,
) -> Result<HttpResponse, AppError> {
    let ItemPath { id } = path.into_inner();
    let notice = done_notice(q.done.as_deref());
    let page = run_db(&state, move |conn| {
        let mut chrome = review_chrome(&ctx, conn, &scope)?;
        chrome.notice = notice;
        let details = review_item::show(conn, &ctx.principal, ctx.actor(), &scope, &id)?;
        Ok(item_page(chrome, &scope, &details, None, None))
    })
    .await?;
    render(&page)
}
