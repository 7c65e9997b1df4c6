//! One queued result: its decision code and reasons, what the lab sent next to what the
//! candidate order holds (rows that differ are marked with a class and in words), the values,
//! the raw message, the current state and, while it is open, the decision forms.
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::compare::{compare, text, values, CompareRow, ValueRow};
use super::{load_item, review_chrome, status_badge};
use crate::db::order_list::{self, OrderFilter, PageAt};
use crate::db::orders as orders_db;
use crate::db::unmatched::UnmatchedRow;
use crate::db::DbConnection;
use crate::domain::ids::{OrderId, OrgId, ReviewItemId};
use crate::domain::result_matching::{reason_label, DecisionCode};
use crate::domain::review::ReviewStatus;
use crate::error::AppError;
use crate::service::orders as orders_service;
use crate::service::review::{self, Reviewer};
use crate::web::pages::orders::{patient_name, StatusBadge};
use crate::web::pages::{fmt_time, render, Chrome, Scope, ScopedPath};
use crate::web::session::SignedIn;
use crate::web::{run_db, urls, AppState};

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
#[derive(Default, Clone)]
pub struct Typed {
    pub form: &'static str,
    pub order_id: String,
    pub confirm_mismatch: bool,
    pub note: String,
}

pub struct DecisionForms {
    pub version: i32,
    pub accept_url: String,
    pub reject_url: String,
    pub escalate_url: Option<String>,
    pub order_id: String,
    pub mismatch: bool,
    pub confirm_checked: bool,
    pub accept_note: String,
    pub reject_note: String,
    pub escalate_note: String,
    /// (order id, label) of orders that may be meant: the patient's orders in the org.
    pub suggestions: Vec<(OrderId, String)>,
    /// (form, message) of a refused decision.
    pub error: Option<(&'static str, String)>,
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

fn state_view(conn: &mut DbConnection, item: &UnmatchedRow) -> Result<StateView, AppError> {
    let (status_label, status_class) = status_badge(item.status);
    Ok(StateView {
        status_label,
        status_class,
        open: review::is_open(item),
        escalated: item.status == ReviewStatus::PendingOps,
        decided_by: item.decided_by.clone(),
        decided_at: item.decided_at.as_ref().map(fmt_time),
        note: item.resolution_note.clone(),
        resolved_order: match &item.resolved_order_id {
            // A quarantined item has no org: the order's own org names its page.
            Some(id) => {
                orders_db::find(conn, id)?.map(|o| (o.id.clone(), urls::order(&o.org_id, &o.id)))
            }
            None => None,
        },
    })
}

/// Orders of the item's org for a patient with the delivered last name, newest first.
fn suggestions(
    conn: &mut DbConnection,
    org_id: Option<&OrgId>,
    last_name: &str,
) -> Result<Vec<(OrderId, String)>, AppError> {
    let (Some(org), false) = (org_id, last_name.trim().is_empty()) else {
        return Ok(Vec::new());
    };
    let filter = OrderFilter {
        org_id: Some(org.clone()),
        patient_name: Some(last_name.to_string()),
        ..OrderFilter::default()
    };
    let rows = order_list::list_page_at(conn, &filter, PageAt::Newest, 10)?;
    let ids: Vec<OrderId> = rows.iter().map(|r| r.id.clone()).collect();
    let tests = order_list::test_names(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let patient = serde_json::from_str::<crate::domain::order_input::PatientDetails>(
                &r.patient_details,
            )
            .map(|d| format!("{} (born {})", patient_name(&d), d.dob))
            .unwrap_or_default();
            let names: Vec<&str> = tests
                .iter()
                .filter(|(o, _)| *o == r.id)
                .map(|(_, n)| n.as_str())
                .collect();
            let label = format!(
                "{patient} · {} · {} · {}",
                names.join(", "),
                StatusBadge::new(r.status_high, r.status_low).label,
                fmt_time(&r.created_at)
            );
            (r.id, label)
        })
        .collect())
}

/// Builds the page for an item; `typed` and `error` come back from a refused decision.
pub fn item_page(
    conn: &mut DbConnection,
    chrome: Chrome,
    scope: &Scope,
    r: &Reviewer,
    item: &UnmatchedRow,
    typed: Option<&Typed>,
    error: Option<(&'static str, String)>,
) -> Result<ItemPage, AppError> {
    let parsed: serde_json::Value = serde_json::from_str(&item.parsed).unwrap_or_default();
    // A decided item is compared with the order it went on; an open one with the likely order.
    let suggested = match &item.resolved_order_id {
        Some(id) => Some(id.clone()),
        None => review::suggested_order(conn, r, item)?,
    };
    let order = match &suggested {
        Some(id) => orders_service::load(conn, id)?,
        None => None,
    };
    let reasons: Vec<String> = serde_json::from_str(&item.reasons).unwrap_or_default();
    let url = urls::review_item(scope, &item.id);
    let state = state_view(conn, item)?;
    let forms = if state.open {
        let t = typed.cloned().unwrap_or_default();
        let kept = |form: &str| {
            if t.form == form {
                t.note.clone()
            } else {
                String::new()
            }
        };
        let org_for_suggestions = item
            .org_id
            .clone()
            .or_else(|| order.as_ref().map(|o| o.row.org_id.clone()));
        Some(DecisionForms {
            version: item.version,
            accept_url: format!("{url}/accept"),
            reject_url: format!("{url}/reject"),
            escalate_url: (item.status == ReviewStatus::PendingCustomer)
                .then(|| format!("{url}/escalate")),
            order_id: if t.form == "accept" {
                t.order_id.clone()
            } else {
                suggested
                    .as_ref()
                    .map(|o| o.to_string())
                    .unwrap_or_default()
            },
            mismatch: item.decision_code == DecisionCode::LabAccountMismatch,
            confirm_checked: t.form == "accept" && t.confirm_mismatch,
            accept_note: kept("accept"),
            reject_note: kept("reject"),
            escalate_note: kept("escalate"),
            suggestions: suggestions(
                conn,
                org_for_suggestions.as_ref(),
                parsed["patient"]["last_name"].as_str().unwrap_or(""),
            )?,
            error,
        })
    } else {
        None
    };
    Ok(ItemPage {
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
        compare: compare(conn, item, &parsed, order.as_ref())?,
        candidate: order.as_ref().map(|o| CandidateView {
            id: o.row.id.clone(),
            url: urls::order(&o.row.org_id, &o.row.id),
            status: StatusBadge::new(o.row.status_high, o.row.status_low),
        }),
        values: values(&parsed),
        // HL7 separates segments with CR, which a <pre> does not break on.
        raw: item.raw_message.replace("\r\n", "\n").replace('\r', "\n"),
        state,
        forms,
        problem: None,
    })
}

#[derive(Deserialize)]
pub struct ItemQuery {
    done: Option<String>,
}

/// A fixed notice after a decision's redirect: never text from the URL itself.
fn done_notice(done: Option<&str>) -> Option<String> {
    match done {
        Some("accepted") => Some("Accepted: the result is now on the order.".into()),
        Some("rejected") => Some("Rejected: the result stays out of every order.".into()),
        Some("escalated") => Some(
            "Escalated to ops review: your customer success manager takes it from here.".into(),
        ),
        _ => None,
    }
}

pub async fn page(
    state: web::Data<AppState>,
    user: SignedIn,
    path: web::Path<ScopedPath>,
    q: web::Query<ItemQuery>,
) -> Result<HttpResponse, AppError> {
    let p = user.principal.clone();
    let csrf = user.csrf.clone();
    let sandbox = state.settings.is_sandbox();
    let reviewer = Reviewer::of(&p, user.actor());
    let scope = path.scope();
    let id: ReviewItemId = path.id()?;
    let notice = done_notice(q.done.as_deref());
    let page = run_db(&state, move |conn| {
        let mut chrome = review_chrome(conn, &p, &csrf, sandbox, &scope)?;
        chrome.notice = notice;
        let item = load_item(conn, &p, &scope, &id)?;
        review::record_view(conn, &reviewer.actor, &item)?;
        item_page(conn, chrome, &scope, &reviewer, &item, None, None)
    })
    .await?;
    render(&page)
}
