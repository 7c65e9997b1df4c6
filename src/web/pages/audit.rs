//! The audit page: filters by entity, actor and date range, keyset pages, CSV export. The
//! filter is parsed here; who may read the log, and reading it: `service::audit_log`.
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::{Deserialize, Serialize};

use super::{fmt_time, non_empty, SelectOption};
use crate::db::audit::AuditFilter;
use crate::domain::audit::{AuditAction, EntityType};
use crate::domain::date_range;
use crate::domain::ids::{OrgId, TeamId};
use crate::domain::scope::Scope;
use crate::error::AppError;
use crate::service::audit_log;
use crate::web::page::{render, Chrome, Nav, PageContext};
use crate::web::urls;
use crate::web::{run_list_db, AppState};

#[derive(Deserialize)]
pub struct OrgPath {
    org: OrgId,
}
/// The kinds of entity an org's log names (the platform's own rows are not on an org's page).
const ENTITY_TYPES: [EntityType; 7] = [
    EntityType::Order,
    EntityType::Patient,
    EntityType::UnmatchedResult,
    EntityType::LabAccount,
    EntityType::ApiKey,
    EntityType::User,
    EntityType::Team,
];

#[derive(Deserialize, Serialize, Default, Clone)]
pub struct AuditQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    entity_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    entity_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    actor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    to: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    before: Option<i64>,
    /// "1" shows the records of someone looking, hidden by default (every order view adds one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reads: Option<String>,
}

impl AuditQuery {
    fn show_reads(&self) -> bool {
        non_empty(&self.reads) == Some("1")
    }
}

/// The query as typed, for refilling the form.
pub struct Typed {
    show_reads: bool,
    entity_id: String,
    from: String,
    to: String,
}

/// The filter, and a message for a part of it that could not be understood.
fn to_filter(org_id: &OrgId, q: &AuditQuery) -> (AuditFilter, Option<String>) {
    let dates = date_range::parse(non_empty(&q.from), non_empty(&q.to));
    let filter = AuditFilter {
        org_id: Some(org_id.clone()),
        entity_type: non_empty(&q.entity_type).map(str::to_string),
        entity_id: non_empty(&q.entity_id).map(str::to_string),
        actor: non_empty(&q.actor).map(str::to_string),
        from: dates.from,
        to: dates.before,
        before_id: q.before,
        hide_reads: !q.show_reads(),
    };
    (
        filter,
        (!dates.problems.is_empty()).then(|| dates.problems.join(" ")),
    )
}

pub struct Row {
    at: String,
    actor: String,
    action: AuditAction,
    entity_type: EntityType,
    entity_id: String,
    summary: String,
}

#[derive(Template)]
#[template(path = "audit/list.html")]
struct AuditPage {
    chrome: Chrome,
    base_url: String,
    csv_url: String,
    older_url: Option<String>,
    filter_error: Option<String>,
    q: Typed,
    entity_options: Vec<SelectOption>,
    actor_options: Vec<SelectOption>,
    rows: Vec<Row>,
}

fn query_string(q: &AuditQuery) -> String {
    serde_urlencoded::to_string(q).unwrap_or_default()
}

pub async fn page(
    state: web::Data<AppState>,
    ctx: PageContext,
    path: web::Path<OrgPath>,
    q: web::Query<AuditQuery>,
) -> Result<HttpResponse, AppError> {
    let OrgPath { org: org_id } = path.into_inner();
    let q = q.into_inner();
    let page = run_list_db(&state, move |conn| {
        let chrome = ctx.chrome(conn, Some(&Scope::Org(org_id.clone())), Nav::Audit)?;
        let (filter, filter_error) = to_filter(&org_id, &q);
        let audit_log::AuditPage {
            events,
            has_more,
            actors,
        } = audit_log::page(conn, &ctx.principal, &org_id, &filter)?;
        let base_url = urls::audit(&org_id);
        let mut without_cursor = q.clone();
        without_cursor.before = None;
        let older_url = match (has_more, events.last()) {
            (true, Some(last)) => {
                let mut next = without_cursor.clone();
                next.before = Some(last.id);
                Some(format!("{base_url}?{}", query_string(&next)))
            }
            _ => None,
        };
        Ok(AuditPage {
            chrome,
            csv_url: format!("{base_url}.csv?{}", query_string(&without_cursor)),
            base_url,
            older_url,
            filter_error,
            entity_options: ENTITY_TYPES
                .iter()
                .map(|e| SelectOption::new(e.as_str(), e.label(), non_empty(&q.entity_type)))
                .collect(),
            actor_options: actors
                .iter()
                .map(|a| SelectOption::new(a, a, non_empty(&q.actor)))
                .collect(),
            q: Typed {
                show_reads: q.show_reads(),
                entity_id: q.entity_id.clone().unwrap_or_default(),
                from: q.from.clone().unwrap_or_default(),
                to: q.to.clone().unwrap_or_default(),
            },
            rows: events
                .into_iter()
                .map(|e| Row {
                    at: fmt_time(&e.at),
                    actor: e.actor_label,
                    action: e.action,
                    entity_type: e.entity_type,
                    entity_id: e.entity_id,
                    summary: e.summary,
                })
                .collect(),
        })
    })
    .await?;
    render(&page)
}

/// A CSV cell a spreadsheet will show as text, never run as a formula: audit summaries quote
/// names people typed (an account named `=HYPERLINK(...)`), so a cell that starts like a formula
/// gets a leading `'`.
pub fn spreadsheet_safe(cell: String) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell
    }
}

pub async fn csv(
    state: web::Data<AppState>,
    ctx: PageContext,
    path: web::Path<OrgPath>,
    q: web::Query<AuditQuery>,
) -> Result<HttpResponse, AppError> {
    let OrgPath { org: org_id } = path.into_inner();
    let q = q.into_inner();
    let body = run_list_db(&state, move |conn| {
        let (filter, _) = to_filter(&org_id, &q);
        let events = audit_log::export(conn, &ctx.principal, &org_id, &filter)?;
        let mut w = csv::Writer::from_writer(Vec::new());
        let fail = |e: csv::Error| AppError::Internal(format!("writing CSV: {e}"));
        w.write_record([
            "id",
            "at_utc",
            "actor_type",
            "actor",
            "action",
            "entity_type",
            "entity_id",
            "org_id",
            "team_id",
            "summary",
            "details",
            "request_id",
        ])
        .map_err(fail)?;
        for e in events {
            let record = [
                e.id.to_string(),
                e.at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(),
                e.actor_type.to_string(),
                e.actor_label,
                e.action.to_string(),
                e.entity_type.to_string(),
                e.entity_id,
                e.org_id.map(OrgId::into_string).unwrap_or_default(),
                e.team_id.map(TeamId::into_string).unwrap_or_default(),
                e.summary,
                e.details,
                e.request_id.unwrap_or_default(),
            ];
            w.write_record(record.map(spreadsheet_safe)).map_err(fail)?;
        }
        w.into_inner()
            .map_err(|e| AppError::Internal(format!("writing CSV: {e}")))
    })
    .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            "attachment; filename=\"labdesk-audit.csv\"",
        ))
        .body(body))
}

#[cfg(test)]
mod tests {
    use super::spreadsheet_safe;

    #[test]
    fn cells_that_start_like_a_formula_are_quoted_as_text() {
        let table = [
            (
                "=HYPERLINK(\"http://x\",\"y\")",
                "'=HYPERLINK(\"http://x\",\"y\")",
            ),
            ("=1+2", "'=1+2"),
            ("+1 415 555 0100", "'+1 415 555 0100"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("Account Quest West created", "Account Quest West created"),
            ("a=1", "a=1"),
            ("2026-12-01T10:00:00Z", "2026-12-01T10:00:00Z"),
            ("{\"team\":\"x\"}", "{\"team\":\"x\"}"),
            ("", ""),
        ];
        for (cell, expected) in table {
            assert_eq!(spreadsheet_safe(cell.to_string()), expected, "{cell:?}");
        }
    }
}
