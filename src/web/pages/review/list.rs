//! The queue: filters (status, decision code, lab) in the query string, a plain GET form that
//! htmx upgrades (only the table is swapped, the URL pushed), newest first in keyset pages: the
//! "Older" link carries the (received time, id) of the last row, never an offset.
use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::{review_chrome, status_badge};
use crate::db::unmatched::UnmatchedRow;
use crate::domain::ids::ReviewItemId;
use crate::domain::lab::LabSlug;
use crate::domain::result_matching::DecisionCode;
use crate::domain::review::ReviewStatus;
use crate::domain::scope::Scope;
use crate::domain::string_enum::string_enum;
use crate::error::AppError;
use crate::service::review::queue::{self, QueuePage, Wanted};
use crate::web::page::{respond, Chrome, PageContext, Swappable};
use crate::web::pages::{fmt_time, non_empty, SelectOption};
use crate::web::{run_list_db, urls, AppState};

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

string_enum!(
    /// The queue's status filter, as its select and the URL spell it.
    StatusFilter {
        /// The default: everything that still needs a decision.
        Open => "open",
        PendingCustomer => "pending_customer_review",
        PendingOps => "pending_ops_review",
        Accepted => "accepted",
        Rejected => "rejected",
        All => "all",
    }
);

impl StatusFilter {
    fn label(self) -> &'static str {
        match self {
            StatusFilter::Open => "Open (needs a decision)",
            StatusFilter::PendingCustomer => "Needs review",
            StatusFilter::PendingOps => "Escalated to ops review",
            StatusFilter::Accepted => "Accepted",
            StatusFilter::Rejected => "Rejected",
            StatusFilter::All => "Any status",
        }
    }

    /// The stored statuses it selects (none: any).
    fn statuses(self) -> Vec<ReviewStatus> {
        match self {
            StatusFilter::Open => vec![ReviewStatus::PendingCustomer, ReviewStatus::PendingOps],
            StatusFilter::PendingCustomer => vec![ReviewStatus::PendingCustomer],
            StatusFilter::PendingOps => vec![ReviewStatus::PendingOps],
            StatusFilter::Accepted => vec![ReviewStatus::Accepted],
            StatusFilter::Rejected => vec![ReviewStatus::Rejected],
            StatusFilter::All => vec![],
        }
    }
}

/// A filter in the query string the queue does not know: a 400 saying which.
#[derive(Debug, thiserror::Error)]
enum BadFilter {
    /// The parsers' own words follow: "'x' is not one of: ...".
    #[error("Status {0}.")]
    Status(String),
    #[error("Decision code {0}.")]
    DecisionCode(String),
    #[error("Lab {0}.")]
    Lab(String),
    #[error("This page link is not valid. Start again from the newest items.")]
    Cursor,
}

impl From<BadFilter> for AppError {
    fn from(e: BadFilter) -> AppError {
        AppError::rule("bad_filter", e.to_string())
    }
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
struct Parsed {
    status: StatusFilter,
    wanted: Wanted,
}

fn parse(q: &QueueQuery) -> Result<Parsed, BadFilter> {
    let status = non_empty(&q.status)
        .map(|s| s.parse::<StatusFilter>())
        .transpose()
        .map_err(BadFilter::Status)?
        .unwrap_or(StatusFilter::Open);
    let decision_code = non_empty(&q.decision_code)
        .map(|c| c.parse::<DecisionCode>())
        .transpose()
        .map_err(BadFilter::DecisionCode)?;
    let lab = non_empty(&q.lab)
        .map(|l| l.parse::<LabSlug>())
        .transpose()
        .map_err(BadFilter::Lab)?;
    let before = non_empty(&q.older)
        .map(|c| decode_cursor(c).ok_or(BadFilter::Cursor))
        .transpose()?;
    Ok(Parsed {
        status,
        wanted: Wanted {
            statuses: status.statuses(),
            decision_code,
            lab,
            before,
        },
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
struct TableFragment<'a> {
    table: &'a QueueTable,
}

/// htmx swaps only the table when the filters change or a page link is followed.
impl Swappable for ListPage {
    fn render_fragment(&self) -> askama::Result<String> {
        TableFragment { table: &self.table }.render()
    }
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

fn row(scope: &Scope, found: &QueuePage, i: &UnmatchedRow) -> QueueRow {
    let parsed: serde_json::Value = serde_json::from_str(&i.parsed).unwrap_or_default();
    let account = i
        .lab_account_id
        .as_ref()
        .and_then(|a| found.accounts.iter().find(|x| &x.id == a));
    let (status_label, status_class) = status_badge(i.status);
    QueueRow {
        id: i.id.clone(),
        url: urls::review_item(scope, &i.id),
        received: fmt_time(&i.created_at),
        code: i.decision_code,
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
                found
                    .orgs
                    .iter()
                    .find(|o| &o.id == org)
                    .map(|o| o.name.clone())
                    .unwrap_or_default(),
            ),
        },
    }
}

fn options(scope: &Scope, p: &Parsed) -> (Vec<SelectOption>, Vec<SelectOption>, Vec<SelectOption>) {
    let w = &p.wanted;
    let status = StatusFilter::ALL
        .iter()
        .map(|s| SelectOption::new(s.as_str(), s.label(), Some(p.status.as_str())))
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

fn empty_message(scope: &Scope, p: &Parsed) -> &'static str {
    match (scope, p.status) {
        _ if p.wanted.before.is_some() => "No older items. Go back to the newest ones.",
        (Scope::Org(_), StatusFilter::Open) => "Nothing to review: every result the labs delivered fitted its order and account. Results that do not fit show up here.",
        (Scope::Platform, StatusFilter::Open) => "Nothing to review: no delivery on an unknown account is waiting, and no open item of your organizations.",
        _ => "No items with this status.",
    }
}

fn table(scope: &Scope, q: &QueueQuery, p: &Parsed, found: &QueuePage) -> QueueTable {
    let base = urls::review_queue(scope);
    let filters = q.filters();
    let older_url = found
        .page
        .items
        .last()
        .filter(|_| found.page.more)
        .map(|last| {
            QueueQuery {
                older: Some(encode_cursor(last)),
                ..filters.clone()
            }
            .url(&base)
        });
    QueueTable {
        rows: found
            .page
            .items
            .iter()
            .map(|i| row(scope, found, i))
            .collect(),
        total: found.page.total,
        show_org: *scope == Scope::Platform,
        filtered: filters.decision_code.is_some() || filters.lab.is_some(),
        newest_url: p.wanted.before.is_some().then(|| filters.url(&base)),
        base_url: base,
        empty_message: empty_message(scope, p).to_string(),
        older_url,
    }
}

pub async fn page(
    state: web::Data<AppState>,
    ctx: PageContext,
    scope: Scope,
    q: web::Query<QueueQuery>,
) -> Result<HttpResponse, AppError> {
    let q = q.into_inner();
    let hx = ctx.hx;
    let page = run_list_db(&state, move |conn| {
        let chrome = review_chrome(&ctx, conn, &scope)?;
        let parsed = parse(&q)?;
        let found = queue::list(
            conn,
            &ctx.principal,
            ctx.actor(),
            &scope,
            parsed.wanted.clone(),
            PAGE_SIZE,
        )?;
        let (status_options, code_options, lab_options) = options(&scope, &parsed);
        let (title, scope_note) = match &scope {
            Scope::Org(_) => ("Review queue", format!(
                "Results the labs delivered that did not fit an order of {}: accept each onto the right order, reject it, or escalate it to your customer success manager.",
                chrome.org_name.as_deref().unwrap_or("this organization")
            )),
            Scope::Platform => ("Quarantine and escalations", "Deliveries on account numbers labdesk does not know (quarantine: no organization sees them, only CSMs) and the items of the organizations you look after, including those their ops staff escalated to you.".to_string()),
        };
        Ok(ListPage {
            table: table(&scope, &q, &parsed, &found),
            chrome,
            title,
            scope_note,
            base_url: urls::review_queue(&scope),
            status_options,
            code_options,
            lab_options,
        })
    })
    .await?;
    respond(hx, &page)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(q: QueueQuery) -> String {
        parse(&q).err().map(|e| e.to_string()).unwrap_or_default()
    }

    /// A bad filter is answered with the values the queue knows, in the words it always used.
    #[test]
    fn bad_filters_say_what_the_queue_knows() {
        let status = QueueQuery {
            status: Some(" done ".into()),
            ..QueueQuery::default()
        };
        assert_eq!(
            refusal(status),
            "Status 'done' is not one of: open, pending_customer_review, pending_ops_review, accepted, rejected, all."
        );
        let cursor = QueueQuery {
            older: Some("xyz".into()),
            ..QueueQuery::default()
        };
        assert_eq!(
            refusal(cursor),
            "This page link is not valid. Start again from the newest items."
        );
        let blank = QueueQuery {
            status: Some(" ".into()),
            ..QueueQuery::default()
        };
        let parsed = parse(&blank).map(|p| (p.status, p.wanted.statuses));
        assert!(matches!(parsed, Ok((StatusFilter::Open, s)) if s.len() == 2));
    }
}
