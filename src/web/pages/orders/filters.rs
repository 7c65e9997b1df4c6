//! The orders list's query string: the filters as typed (kept for the form and the page links)
//! and what they mean. A bad status, account or page link is a 400; a date that cannot be read
//! is reported on the page and ignored.
use serde::{Deserialize, Serialize};

use crate::db::orders::Cursor;
use crate::domain::date_range;
use crate::domain::ids::LabAccountId;
use crate::domain::order_status::LowStatus;
use crate::error::AppError;
use crate::service::org_orders::{Filters, Position};
use crate::web::pages::non_empty;

const NAME_MAX_CHARS: usize = 100;

/// The query string: the filters as typed, and at most one cursor.
#[derive(Deserialize, Serialize, Default, Clone)]
pub struct ListQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lab_account_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patient: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub older: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub newer: Option<String>,
}

impl ListQuery {
    /// Only the filters that were given, without a cursor: what page links carry on.
    pub fn filters(&self) -> ListQuery {
        let keep = |v: &Option<String>| non_empty(v).map(str::to_string);
        ListQuery {
            status: keep(&self.status),
            lab_account_id: keep(&self.lab_account_id),
            from: keep(&self.from),
            to: keep(&self.to),
            patient: keep(&self.patient),
            older: None,
            newer: None,
        }
    }

    pub fn is_filtered(&self) -> bool {
        let f = self.filters();
        f.status.is_some()
            || f.lab_account_id.is_some()
            || f.from.is_some()
            || f.to.is_some()
            || f.patient.is_some()
    }

    pub fn url(&self, base: &str) -> String {
        match serde_urlencoded::to_string(self).unwrap_or_default() {
            qs if qs.is_empty() => base.to_string(),
            qs => format!("{base}?{qs}"),
        }
    }
}

/// The filters understood, and where the page starts; a date that could not be read is
/// reported and ignored.
pub struct Wanted {
    pub filters: Filters,
    pub at: Position,
    pub problems: Vec<String>,
}

impl Wanted {
    /// On a later page than the newest.
    pub fn paged(&self) -> bool {
        !matches!(self.at, Position::Newest)
    }
}

/// A filter or page link that cannot mean anything: a 400 naming it.
#[derive(Debug, thiserror::Error)]
pub enum BadFilter {
    #[error("Status {0}.")]
    Status(String),
    #[error("That lab account filter is not an account id.")]
    Account,
    #[error("This page link is not valid. Start again from the newest orders.")]
    PageLink,
}

impl From<BadFilter> for AppError {
    fn from(e: BadFilter) -> AppError {
        AppError::rule("bad_filter", e.to_string())
    }
}

pub fn parse(q: &ListQuery) -> Result<Wanted, BadFilter> {
    let status = match non_empty(&q.status) {
        Some(s) => Some(s.parse::<LowStatus>().map_err(BadFilter::Status)?),
        None => None,
    };
    let lab_account_id = match non_empty(&q.lab_account_id) {
        Some(id) => Some(LabAccountId::from(
            uuid::Uuid::parse_str(id).map_err(|_| BadFilter::Account)?,
        )),
        None => None,
    };
    let cursor = |text: &str| Cursor::decode(text).ok_or(BadFilter::PageLink);
    let at = match (non_empty(&q.older), non_empty(&q.newer)) {
        (Some(c), _) => Position::Older(cursor(c)?),
        (None, Some(c)) => Position::Newer(cursor(c)?),
        (None, None) => Position::Newest,
    };
    let dates = date_range::parse(non_empty(&q.from), non_empty(&q.to));
    let patient = non_empty(&q.patient).map(|name| name.chars().take(NAME_MAX_CHARS).collect());
    Ok(Wanted {
        filters: Filters {
            status,
            lab_account_id,
            from: dates.from,
            before: dates.before,
            patient,
        },
        at,
        problems: dates.problems,
    })
}
