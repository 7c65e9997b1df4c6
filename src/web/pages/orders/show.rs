//! One order: patient, tests, lab account, billing, physician, its results, the event timeline
//! and, where allowed, a cancel button (and the sandbox's buttons). Showing it is a PHI read,
//! audited in the same request together with the result version it shows.
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::results::{results_panel, ResultsPanel};
use super::{done_notice, event_label, patient_name, OrderPath, StatusBadge};
use crate::domain::ids::{OrderId, OrgId};
use crate::domain::order_status::LowStatus;
use crate::domain::scope::Scope;
use crate::error::AppError;
use crate::service::order_page::{self, SeenOrder};
use crate::service::orders::OrderView;
use crate::web::page::{render, Chrome, Nav, PageContext};
use crate::web::pages::fmt_time;
use crate::web::urls;
use crate::web::{run_db, AppState};

pub struct EventRow {
    pub at: String,
    pub label: String,
    pub status: String,
}

/// The cancel control: an htmx post behind a confirm dialog, or the confirmation page without
/// JavaScript.
pub struct CancelControl {
    pub post_url: String,
    pub confirm_url: String,
    pub question: String,
}

/// Status, cancel and timeline: the part of the page a cancel re-renders.
pub struct StatusPanel {
    pub status: StatusBadge,
    pub events: Vec<EventRow>,
    pub cancel: Option<CancelControl>,
    /// Why there is no cancel button, when the reason is the order's status.
    pub cannot_cancel: Option<String>,
    pub message: Option<String>,
}

/// The question before cancelling names whose order it is, so the wrong patient's order is not
/// cancelled from a tab left open. A panel htmx swaps in names the tests only: fragments carry no
/// patient data (the page around it names the patient).
pub fn cancel_question(o: &OrderView, whole_page: bool) -> String {
    let d = &o.details;
    let tests = o
        .tests
        .iter()
        .map(|t| t.name.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let whose = if whole_page {
        format!(
            "the order for {} (born {}): {tests}",
            patient_name(d),
            d.dob.format("%Y-%m-%d")
        )
    } else {
        format!("this order ({tests})")
    };
    format!("Cancel {whose}? The lab will not process it, and this cannot be undone.")
}

pub fn status_panel(
    org_id: &OrgId,
    seen: &SeenOrder,
    message: Option<String>,
    whole_page: bool,
) -> StatusPanel {
    let o = &seen.order;
    let low = o.low();
    let may_cancel = seen.may_cancel;
    let cancel_url = urls::cancel_order(org_id, &o.row.id);
    let cancellable = low.cancellable();
    let cannot_cancel = match low {
        _ if cancellable || !may_cancel => None,
        LowStatus::Cancelled => None,
        l => Some(format!(
            "This order can no longer be cancelled: it is {}.",
            l.label().to_lowercase()
        )),
    };
    StatusPanel {
        status: StatusBadge::new(o.row.status_high, low),
        events: o
            .events
            .iter()
            .rev()
            .map(|e| EventRow {
                at: fmt_time(&e.created_at),
                label: event_label(&e.status),
                status: e.status.clone(),
            })
            .collect(),
        cancel: (cancellable && may_cancel).then(|| CancelControl {
            post_url: cancel_url.clone(),
            confirm_url: cancel_url,
            question: cancel_question(o, whole_page),
        }),
        cannot_cancel,
        message,
    }
}

pub struct TestView {
    pub name: String,
    pub markers: usize,
    pub sample_type: String,
}

pub struct AccountView {
    pub name: String,
    pub number: String,
    pub lab: String,
    pub url: Option<String>,
    pub platform: bool,
}

#[derive(Template)]
#[template(path = "orders/show.html")]
struct ShowPage {
    chrome: Chrome,
    back_url: String,
    id: OrderId,
    created_at: String,
    created_by: String,
    patient: String,
    dob: String,
    gender: String,
    phone: String,
    email: String,
    address: Vec<String>,
    tests: Vec<TestView>,
    method: String,
    account: AccountView,
    billing: String,
    physician: Option<String>,
    clinical_notes: Option<String>,
    priority: bool,
    panel: StatusPanel,
    results: ResultsPanel,
    lab_messages: Vec<super::lab_messages::LabMessageLine>,
    requisition_url: String,
}

#[derive(Deserialize)]
pub struct ShowQuery {
    done: Option<String>,
}

/// The order's account, with a link to its page in the org when the person may open it.
fn account_view(org_id: &OrgId, seen: &SeenOrder) -> AccountView {
    let a = &seen.order.account;
    let scope = Scope::Org(org_id.clone());
    AccountView {
        name: a.display_name(),
        number: a.provider_account_id.clone(),
        lab: a.lab.display_name().to_string(),
        url: seen
            .may_view_account
            .then(|| urls::lab_account(&scope, &a.id)),
        platform: a.is_platform_managed(),
    }
}

/// `walk_in_test` -> "Walk in test".
fn sentence(slug: &str) -> String {
    let text = slug.replace('_', " ");
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => text,
    }
}

fn address_lines(o: &OrderView) -> Vec<String> {
    let a = &o.address;
    let mut lines = vec![a.first_line.clone()];
    lines.extend(a.second_line.clone());
    lines.push(format!("{}, {} {}", a.city, a.state, a.zip));
    lines.push(a.country.clone());
    lines
}

fn test_views(o: &OrderView) -> Vec<TestView> {
    o.tests
        .iter()
        .map(|t| TestView {
            name: t.name.clone(),
            markers: serde_json::from_str::<Vec<serde_json::Value>>(&t.markers)
                .map(|m| m.len())
                .unwrap_or(0),
            sample_type: t.sample_type.as_str().replace('_', " "),
        })
        .collect()
}

pub async fn page(
    state: web::Data<AppState>,
    ctx: PageContext,
    path: web::Path<OrderPath>,
    q: web::Query<ShowQuery>,
) -> Result<HttpResponse, AppError> {
    let OrderPath { org, order_id } = path.into_inner();
    let notice = done_notice(q.done.as_deref());
    let page = run_db(&state, move |conn| {
        let mut chrome = ctx.chrome(conn, Some(&Scope::Org(org.clone())), Nav::Orders)?;
        chrome.notice = notice;
        let opened = order_page::open(
            conn,
            &ctx.actor(),
            &ctx.principal,
            &org,
            &order_id,
            ctx.sandbox,
        )?;
        let results = results_panel(&org, &opened, &ctx.csrf, None);
        let seen = &opened.seen;
        let o = &seen.order;
        let d = &o.details;
        Ok(ShowPage {
            back_url: urls::org_orders(&org),
            id: o.row.id.clone(),
            created_at: fmt_time(&o.row.created_at),
            created_by: o.row.created_by.clone(),
            patient: patient_name(d),
            dob: d.dob.format("%Y-%m-%d").to_string(),
            gender: d.gender.as_str().to_string(),
            phone: d.phone_number.clone(),
            email: d.email.clone(),
            address: address_lines(o),
            tests: test_views(o),
            method: sentence(o.row.collection_method.as_str()),
            account: account_view(&org, seen),
            billing: o.row.billing_type.label().to_string(),
            physician: o
                .physician
                .as_ref()
                .map(|ph| format!("{} {} (NPI {})", ph.first_name, ph.last_name, ph.npi)),
            clinical_notes: o.row.clinical_notes.clone(),
            priority: o.row.priority,
            panel: status_panel(&org, seen, None, true),
            lab_messages: super::lab_messages::lines(&opened.lab_messages),
            requisition_url: urls::order_requisition(&org, &o.row.id),
            results,
            chrome,
        })
    })
    .await?;
    render(&page)
}

/// The order's requisition PDF, for printing (an audited read).
pub async fn requisition(
    state: web::Data<AppState>,
    ctx: PageContext,
    path: web::Path<OrderPath>,
) -> Result<HttpResponse, AppError> {
    let OrderPath { org, order_id } = path.into_inner();
    let pdf = run_db(&state, move |conn| {
        order_page::requisition(conn, &ctx.actor(), &ctx.principal, &org, &order_id)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header(("Cache-Control", "private, no-store"))
        .insert_header((
            "Content-Disposition",
            "inline; filename=\"requisition.pdf\"",
        ))
        .body(pdf))
}
