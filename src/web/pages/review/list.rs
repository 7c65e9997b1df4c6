//! The queue: filters (status, decision code, lab) in the query string, a plain GET form that
//! htmx upgrades (only the table is swapped, the URL pushed), newest first in keyset pages: the
//! "Older" link carries the (received time, id) of the last row, never an offset.
use actix_web::http::header::{self, HeaderValue};
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::{review_chrome, status_badge};
use crate::db::lab_accounts as accounts_db;
use crate::db::orgs;
use crate::db::unmatched::{self as unmatched_db, QueueFilter, UnmatchedRow};
use crate::domain::ids::{LabAccountId, ReviewItemId};
use crate::domain::lab::LabSlug;
use crate::domain::result_matching::DecisionCode;
use crate::domain::review::ReviewStatus;
use crate::error::AppError;
use crate::service::review::{self, ListedBy, Reviewer};
use crate::web::htmx::is_htmx;
use crate::web::pages::{fmt_time, non_empty, render, Chrome, Scope, ScopedPath, SelectOption};
use crate::web::session::SignedIn;
use crate::web::{run_db, urls, AppState};

pub const PAGE_SIZE: i64 = 20;

/// The query string as typed: kept for the form and the page links.
#[derive(Deserialize, Serialize, Default, Clone)]
pub struct QueueQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lab: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub older: Option<String>,
}

impl QueueQuery {
    /// The filters that were given, without the cursor.
    fn filters(&self) -> QueueQuery {
        let keep = |v: &Option<String>| non_empty(v).map(str::to_string);
        QueueQuery {
            status: keep(&self.status),
            decision_code: keep(&self.decision_code),
            lab: keep(&self.lab),
            older: None,
        }
    }

    fn url(&self, base: &str) -> String {
        match serde_urlencoded::to_string(self).unwrap_or_default() {
            qs if qs.is_empty() => base.to_string(),
            qs => format!("{base}?{qs}"),
        }
    }
}

/// Status filter values: (value, label, stored statuses). The first is the default.
const STATUSES: &[(&str, &str, &[ReviewStatus])] = &[
    (
        "open",
        "Open (needs a decision)",
        &[ReviewStatus::PendingCustomer, ReviewStatus::PendingOps],
    ),
    (
        "pending_customer_review",
        "Needs review",
        &[ReviewStatus::PendingCustomer],
    ),
    (
        "pending_ops_review",
        "Escalated to ops review",
        &[ReviewStatus::PendingOps],
    ),
    ("accepted", "Accepted", &[ReviewStatus::Accepted]),
    ("rejected", "Rejected", &[ReviewStatus::Rejected]),
    ("all", "Any status", &[]),
];

fn bad_filter(message: impl Into<String>) -> AppError {
    AppError::rule("bad_filter", message)
}

/// For a URL: the received time in microseconds and the item id, nothing about the patient.
fn encode_cursor(row: &UnmatchedRow) -> String {
    format!("{}.{}", row.created_at.and_utc().timestamp_micros(), row.id)
}

fn decode_cursor(text: &str) -> Option<(NaiveDateTime, ReviewItemId)> {
    let (micros, id) = text.trim().split_once('.')?;
    let at = chrono::DateTime::from_timestamp_micros(micros.parse().ok()?)?.naive_utc();
    Some((at, ReviewItemId::from(uuid::Uuid::parse_str(id).ok()?)))
}

/// The filters understood; anything else is a 400 saying which.
struct Wanted {
    status: &'static str,
    statuses: Vec<ReviewStatus>,
    decision_code: Option<DecisionCode>,
    lab: Option<LabSlug>,
    before: Option<(NaiveDateTime, ReviewItemId)>,
}

fn parse(q: &QueueQuery) -> Result<Wanted, AppError> {
    let (status, _, statuses) = match non_empty(&q.status) {
        None => STATUSES[0],
        Some(s) => *STATUSES.iter().find(|(v, _, _)| *v == s).ok_or_else(|| {
            bad_filter(format!(
                "Status '{s}' is not one of: {}.",
                STATUSES.iter().map(|x| x.0).collect::<Vec<_>>().join(", ")
            ))
        })?,
    };
    let decision_code = non_empty(&q.decision_code)
        .map(|c| c.parse::<DecisionCode>())
        .transpose()
        .map_err(|e| bad_filter(format!("Decision code {e}.")))?;
    let lab = non_empty(&q.lab)
        .map(|l| l.parse::<LabSlug>())
        .transpose()
        .map_err(|e| bad_filter(format!("Lab {e}.")))?;
    let before = non_empty(&q.older)
        .map(|c| {
            decode_cursor(c).ok_or_else(|| {
                bad_filter("This page link is not valid. Start again from the newest items.")
            })
        })
        .transpose()?;
    Ok(Wanted {
        status,
        statuses: statuses.to_vec(),
        decision_code,
        lab,
        before,
    })
}

pub struct QueueRow {
    pub id: ReviewItemId,
    pub url: String,
    pub received: String,
    pub code: DecisionCode,
    pub code_label: &'static str,
    pub patient: String,
    pub lab: &'static str,
    pub account: String,
    pub placer: String,
    pub status_label: &'static str,
    pub status_class: &'static str,
    pub org: Option<String>,
}

pub struct QueueTable {
    pub rows: Vec<QueueRow>,
    pub total: i64,
    pub show_org: bool,
    pub filtered: bool,
    pub base_url: String,
    pub empty_message: String,
    pub older_url: Option<String>,
    pub newest_url: Option<String>,
}

#[derive(Template)]
#[template(path = "results/review_list.html")]
struct ListPage {
    chrome: Chrome,
    title: &'static str,
    scope_note: String,
    base_url: String,
    status_options: Vec<SelectOption>,
    code_options: Vec<SelectOption>,
    lab_options: Vec<SelectOption>,
    table: QueueTable,
}

#[derive(Template)]
#[template(path = "results/review_table.html")]
struct TableFragment {
    table: QueueTable,
}

enum Output {
    Page(Box<ListPage>),
    Fragment(TableFragment),
}

/// "Doe, Jane" from what the lab sent.
pub fn sent_patient(parsed: &serde_json::Value) -> String {
    let p = &parsed["patient"];
    let name = |k: &str| p[k].as_str().unwrap_or("").trim().to_string();
    match (name("last_name"), name("first_name")) {
        (l, f) if l.is_empty() && f.is_empty() => "(no name sent)".to_string(),
        (l, f) if f.is_empty() => l,
        (l, f) => format!("{l}, {f}"),
    }
}

fn rows(
    conn: &mut crate::db::DbConnection,
    scope: &Scope,
    items: Vec<UnmatchedRow>,
    org_names: &[orgs::Org],
) -> Result<Vec<QueueRow>, AppError> {
    let mut account_ids: Vec<LabAccountId> = items
        .iter()
        .filter_map(|i| i.lab_account_id.clone())
        .collect();
    account_ids.sort();
    account_ids.dedup();
    let accounts = accounts_db::labels(conn, &account_ids)?;
    Ok(items
        .into_iter()
        .map(|i| {
            let parsed: serde_json::Value = serde_json::from_str(&i.parsed).unwrap_or_default();
            let account = i
                .lab_account_id
                .as_ref()
                .and_then(|a| accounts.iter().find(|x| &x.id == a));
            let (status_label, status_class) = status_badge(i.status);
            QueueRow {
                url: urls::review_item(scope, &i.id),
                received: fmt_time(&i.created_at),
                code_label: i.decision_code.label(),
                patient: sent_patient(&parsed),
                lab: i.lab_slug.display_name(),
                account: match account {
                    Some(a) => format!("{} ({})", a.name(), i.account_number),
                    None => format!("{} (unknown account)", i.account_number),
                },
                placer: i.placer_order_number.clone().unwrap_or_default(),
                status_label,
                status_class,
                org: match (scope, &i.org_id) {
                    (Scope::Org(_), _) => None,
                    (Scope::Platform, None) => Some("Quarantine (no organization)".to_string()),
                    (Scope::Platform, Some(org)) => Some(
                        org_names
                            .iter()
                            .find(|o| &o.id == org)
                            .map(|o| o.name.clone())
                            .unwrap_or_default(),
                    ),
                },
                code: i.decision_code,
                id: i.id,
            }
        })
        .collect())
}

fn options(scope: &Scope, w: &Wanted) -> (Vec<SelectOption>, Vec<SelectOption>, Vec<SelectOption>) {
    let status = STATUSES
        .iter()
        .map(|(v, l, _)| SelectOption::new(v, l, Some(w.status)))
        .collect();
    let code = DecisionCode::ALL
        .iter()
        // Quarantined items belong to no org: only the platform queue has them.
        .filter(|c| **c != DecisionCode::Quarantine || *scope == Scope::Platform)
        .map(|c| SelectOption::new(c.as_str(), c.label(), w.decision_code.map(|x| x.as_str())))
        .collect();
    let lab = LabSlug::ALL
        .iter()
        .map(|l| SelectOption::new(l.as_str(), l.display_name(), w.lab.map(|x| x.as_str())))
        .collect();
    (status, code, lab)
}

pub async fn page(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: SignedIn,
    path: web::Path<ScopedPath>,
    q: web::Query<QueueQuery>,
) -> Result<HttpResponse, AppError> {
    let p = user.principal.clone();
    let csrf = user.csrf.clone();
    let sandbox = state.settings.is_sandbox();
    let reviewer = Reviewer::of(&p, user.actor());
    let scope = path.scope();
    let q = q.into_inner();
    let htmx = is_htmx(&req);
    let output = run_db(&state, move |conn| {
        let chrome = review_chrome(conn, &p, &csrf, sandbox, &scope)?;
        let wanted = parse(&q)?;
        let platform = scope == Scope::Platform;
        let filter = QueueFilter {
            org_ids: Some(match &scope {
                Scope::Org(org) => vec![org.clone()],
                Scope::Platform => reviewer.org_ids.clone(),
            }),
            include_quarantine: platform && reviewer.sees_quarantine,
            team_id: None,
            statuses: wanted.statuses.clone(),
            decision_code: wanted.decision_code,
            lab: wanted.lab.map(|l| l.as_str().to_string()),
            before: wanted.before.clone(),
        };
        let mut items = unmatched_db::list(conn, &filter, PAGE_SIZE + 1)?;
        let more = items.len() as i64 > PAGE_SIZE;
        items.truncate(PAGE_SIZE as usize);
        review::record_list(conn, &reviewer.actor, ListedBy::Reviewer, &items)?;
        let total = unmatched_db::count(
            conn,
            &QueueFilter {
                before: None,
                ..filter
            },
        )?;
        let org_names = if platform {
            orgs::list_orgs(conn, &reviewer.org_ids)?
        } else {
            Vec::new()
        };
        let base = urls::review_queue(&scope);
        let filters = q.filters();
        let older_url = items.last().filter(|_| more).map(|last| {
            QueueQuery {
                older: Some(encode_cursor(last)),
                ..filters.clone()
            }
            .url(&base)
        });
        let newest_url = wanted.before.is_some().then(|| filters.url(&base));
        let empty_message = match (&scope, wanted.status) {
            _ if wanted.before.is_some() => "No older items. Go back to the newest ones.",
            (Scope::Org(_), "open") => "Nothing to review: every result the labs delivered fitted its order and account. Results that do not fit show up here.",
            (Scope::Platform, "open") => "Nothing to review: no delivery on an unknown account is waiting, and no open item of your organizations.",
            _ => "No items with this status.",
        };
        let table = QueueTable {
            rows: rows(conn, &scope, items, &org_names)?,
            total,
            show_org: platform,
            filtered: filters.decision_code.is_some() || filters.lab.is_some(),
            base_url: base.clone(),
            empty_message: empty_message.to_string(),
            older_url,
            newest_url,
        };
        if htmx {
            return Ok(Output::Fragment(TableFragment { table }));
        }
        let (status_options, code_options, lab_options) = options(&scope, &wanted);
        let (title, scope_note) = match &scope {
            Scope::Org(_) => ("Review queue", format!(
                "Results the labs delivered that did not fit an order of {}: accept each onto the right order, reject it, or escalate it to your customer success manager.",
                chrome.org_name.as_deref().unwrap_or("this organization")
            )),
            Scope::Platform => ("Quarantine and escalations", "Deliveries on account numbers labdesk does not know (quarantine: no organization sees them, only CSMs) and the items of the organizations you look after, including those their ops staff escalated to you.".to_string()),
        };
        Ok(Output::Page(Box::new(ListPage {
            chrome,
            title,
            scope_note,
            base_url: base,
            status_options,
            code_options,
            lab_options,
            table,
        })))
    })
    .await?;
    let mut res = match output {
        Output::Page(page) => render(page.as_ref())?,
        Output::Fragment(fragment) => render(&fragment)?,
    };
    // The same URL answers a fragment or a whole page.
    res.headers_mut()
        .append(header::VARY, HeaderValue::from_static("HX-Request"));
    Ok(res)
}
