//! The orders list's query string: the filters as typed (kept for the form and the page links)
//! and what they mean. A bad status, account or page link is a 400; a date that cannot be read
//! is reported on the page and ignored.
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::db::orders::Cursor;
use crate::domain::ids::LabAccountId;
use crate::domain::order_status::LowStatus;
use crate::error::AppError;
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

/// The filters understood; a date that could not be read is reported and ignored.
pub struct Wanted {
    pub status: Option<LowStatus>,
    pub lab_account_id: Option<LabAccountId>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub patient: Option<String>,
    pub at: Option<(bool, Cursor)>,
    pub problems: Vec<String>,
}

fn bad_filter(message: impl Into<String>) -> AppError {
    AppError::rule("bad_filter", message)
}

fn parse_date(text: Option<&str>, field: &str, problems: &mut Vec<String>) -> Option<NaiveDate> {
    let text = text?;
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| {
            problems.push(format!(
                "{field} date '{text}' is not a date like 2026-11-30; it was ignored."
            ))
        })
        .ok()
}

pub fn parse(q: &ListQuery) -> Result<Wanted, AppError> {
    let status = match non_empty(&q.status) {
        Some(s) => Some(
            s.parse::<LowStatus>()
                .map_err(|e| bad_filter(format!("Status {e}.")))?,
        ),
        None => None,
    };
    let lab_account_id = match non_empty(&q.lab_account_id) {
        Some(id) => Some(LabAccountId::from(uuid::Uuid::parse_str(id).map_err(
            |_| bad_filter("That lab account filter is not an account id."),
        )?)),
        None => None,
    };
    let cursor = |text: &str| {
        Cursor::decode(text).ok_or_else(|| {
            bad_filter("This page link is not valid. Start again from the newest orders.")
        })
    };
    let at = match (non_empty(&q.older), non_empty(&q.newer)) {
        (Some(c), _) => Some((true, cursor(c)?)),
        (None, Some(c)) => Some((false, cursor(c)?)),
        (None, None) => None,
    };
    let mut problems = Vec::new();
    let from = parse_date(non_empty(&q.from), "From", &mut problems);
    let to = parse_date(non_empty(&q.to), "To", &mut problems);
    let patient = non_empty(&q.patient).map(|name| name.chars().take(NAME_MAX_CHARS).collect());
    Ok(Wanted {
        status,
        lab_account_id,
        from,
        to,
        patient,
        at,
        problems,
    })
}

pub fn start_of_day(d: NaiveDate) -> Option<NaiveDateTime> {
    d.and_hms_opt(0, 0, 0)
}
