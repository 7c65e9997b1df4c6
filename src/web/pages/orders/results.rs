//! The order page's results: the latest values (abnormal and critical ones flagged in words, not
//! colour alone), every version with what changed from the one before, a small chart per marker
//! over the patient's orders, and in sandbox deployments the buttons that move the order forward.
//! Built only for an order the person may see (after `visible_order`), inside the audited read.
use crate::db::results::{self as results_db, BiomarkerRow, ResultRow};
use crate::db::DbConnection;
use crate::domain::access::{Action, Principal};
use crate::domain::ids::{OrgId, ResultId};
use crate::domain::order_status::{sandbox_next, HighStatus, LowStatus};
use crate::domain::result_diff::{diff, Reported};
use crate::domain::result_values::{flag_marker, Interpretation, ResultStatus};
use crate::domain::sparkline::{sparkline, Frame};
use crate::error::AppError;
use crate::service::orders::OrderView;
use crate::service::policy;
use crate::web::pages::fmt_time;
use crate::web::urls;

pub struct MarkerRow {
    pub name: String,
    pub value: String,
    pub unit: String,
    pub range: String,
    /// `normal`, `abnormal` or `critical`: the row's CSS class.
    pub level: &'static str,
    /// The words beside a value that is not normal ("H", "HH critical").
    pub flag: Option<String>,
    pub trend: Option<Trend>,
}

/// An inline SVG line of one marker over the patient's orders, oldest first.
pub struct Trend {
    pub width: f64,
    pub height: f64,
    /// For screen readers: the values in words.
    pub label: String,
    pub points: String,
    pub dots: Vec<Dot>,
    pub band: Option<Band>,
}

pub struct Dot {
    pub x: f64,
    pub y: f64,
    pub title: String,
    /// The point of the order on this page.
    pub current: bool,
}

/// The reference range as a shaded strip.
pub struct Band {
    pub y: f64,
    pub height: f64,
}

pub struct ChangeRow {
    pub kind: &'static str,
    pub text: String,
}

pub struct VersionRow {
    pub version: i32,
    pub status: &'static str,
    pub received_at: String,
    pub values: usize,
    /// What changed from the version before (empty for the first).
    pub changes: Vec<ChangeRow>,
    pub first: bool,
}

pub struct LatestResult {
    pub id: ResultId,
    pub version: i32,
    /// `partial`, `final` or `corrected`.
    pub status: &'static str,
    pub status_label: &'static str,
    pub interpretation: Interpretation,
    pub reported: Option<String>,
    pub collected: Option<String>,
    pub specimen: Option<String>,
    pub laboratory: Option<String>,
    pub markers: Vec<MarkerRow>,
    /// Whether any marker has a chart (the Trend column shows only then).
    pub has_trends: bool,
}

/// The sandbox buttons: one step forward, or a corrected result once completed.
pub struct SandboxControls {
    pub url: String,
    pub csrf: String,
    /// The status "Advance" moves to.
    pub next: Option<String>,
    pub corrected: bool,
}

pub struct ResultsPanel {
    pub latest: Option<LatestResult>,
    /// Newest first.
    pub versions: Vec<VersionRow>,
    pub sandbox: Option<SandboxControls>,
    pub message: Option<String>,
}

impl ResultsPanel {
    /// The result version the panel shows, for the audit row of the read.
    pub fn shown(&self) -> Option<(&ResultId, i32)> {
        self.latest.as_ref().map(|l| (&l.id, l.version))
    }
}

/// A chart shows at most this many orders, the latest ones.
pub const MAX_POINTS: usize = 12;

const FRAME: Frame = Frame {
    width: 104.0,
    height: 24.0,
    pad: 3.0,
};

fn status_word(status: ResultStatus) -> &'static str {
    match status {
        ResultStatus::Preliminary => "Partial",
        ResultStatus::Final => "Final",
        ResultStatus::Corrected => "Corrected",
    }
}

fn reported<'a>(rows: &'a [BiomarkerRow]) -> Vec<Reported<'a>> {
    rows.iter()
        .map(|b| Reported {
            slug: &b.slug,
            name: &b.name,
            value: &b.result,
            unit: b.unit.as_deref(),
            interpretation: b.interpretation.as_str(),
        })
        .collect()
}

fn version_rows(versions: &[(ResultRow, Vec<BiomarkerRow>)]) -> Vec<VersionRow> {
    let mut rows: Vec<VersionRow> = versions
        .iter()
        .enumerate()
        .map(|(i, (r, markers))| VersionRow {
            version: r.version,
            status: status_word(r.status),
            received_at: fmt_time(&r.created_at),
            values: markers.len(),
            changes: match i.checked_sub(1) {
                None => Vec::new(),
                Some(prev) => diff(&reported(&versions[prev].1), &reported(markers))
                    .iter()
                    .map(|c| ChangeRow {
                        kind: c.kind(),
                        text: c.text(),
                    })
                    .collect(),
            },
            first: i == 0,
        })
        .collect();
    rows.reverse();
    rows
}

/// "2026-11-29T08:00:00Z" -> "2026-11-29 08:00".
fn meta_time(meta: &serde_json::Value, key: &str) -> Option<String> {
    let text = meta.get(key)?.as_str()?;
    chrono::DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| fmt_time(&t.naive_utc()))
}

fn meta_text(meta: &serde_json::Value, key: &str) -> Option<String> {
    meta.get(key)
        .and_then(|v| v.as_str())
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// One chart per numeric marker of the shown result, over the latest results of this patient's
/// orders in the Team up to this one (the last `MAX_POINTS`); None where there are fewer than two
/// values in the same unit.
fn trends(
    conn: &mut DbConnection,
    o: &OrderView,
    markers: &[BiomarkerRow],
) -> Result<Vec<Option<Trend>>, AppError> {
    let mut charts: Vec<Option<Trend>> = markers.iter().map(|_| None).collect();
    let mut slugs: Vec<String> = markers
        .iter()
        .filter(|m| m.numeric_value.is_some())
        .map(|m| m.slug.clone())
        .collect();
    slugs.sort();
    slugs.dedup();
    if slugs.is_empty() {
        return Ok(charts);
    }
    let mut history = results_db::latest_for_patient(
        conn,
        &o.row.team_id,
        &o.row.user_id,
        o.row.created_at,
        MAX_POINTS + 1,
    )?;
    // Orders created in the same instant as this one count only up to it.
    let here = (o.row.created_at, &o.row.id);
    history.retain(|h| (h.order_created_at, &h.order_id) <= here);
    if history.len() > MAX_POINTS {
        history.drain(..history.len() - MAX_POINTS);
    }
    if history.len() < 2 {
        return Ok(charts);
    }
    let ids: Vec<ResultId> = history.iter().map(|h| h.result_id.clone()).collect();
    let values = results_db::marker_values(conn, &ids, &slugs)?;
    for (slot, m) in charts.iter_mut().zip(markers) {
        if m.numeric_value.is_none() {
            continue;
        }
        let unit = m.unit.as_deref().unwrap_or("");
        let series: Vec<(&results_db::PatientResult, &results_db::MarkerValue, f64)> = history
            .iter()
            .filter_map(|h| {
                let v = values
                    .iter()
                    .find(|v| v.result_id == h.result_id && v.slug == m.slug)
                    .filter(|v| v.unit.as_deref().unwrap_or("").eq_ignore_ascii_case(unit))?;
                v.numeric_value.map(|n| (h, v, n))
            })
            .collect();
        let numbers: Vec<f64> = series.iter().map(|(_, _, n)| *n).collect();
        let Some(chart) = sparkline(&numbers, (m.min_range, m.max_range), FRAME) else {
            continue;
        };
        let with_unit = |text: String| format!("{text} {unit}").trim_end().to_string();
        let written: Vec<&str> = series.iter().map(|(_, v, _)| v.result.trim()).collect();
        *slot = Some(Trend {
            width: FRAME.width,
            height: FRAME.height,
            label: with_unit(format!(
                "{} on {} orders, oldest first: {}",
                m.name,
                numbers.len(),
                written.join(", ")
            )),
            points: chart.polyline(),
            dots: chart
                .points
                .iter()
                .zip(&series)
                .map(|((x, y), (h, v, _))| Dot {
                    x: *x,
                    y: *y,
                    title: with_unit(format!(
                        "{} UTC: {}",
                        fmt_time(&h.order_created_at),
                        v.result.trim()
                    )),
                    current: h.order_id == o.row.id,
                })
                .collect(),
            band: chart.band.map(|(top, bottom)| Band {
                y: top,
                height: ((bottom - top) * 10.0).round() / 10.0,
            }),
        });
    }
    Ok(charts)
}

fn marker_rows(rows: &[BiomarkerRow], trends: Vec<Option<Trend>>) -> Vec<MarkerRow> {
    rows.iter()
        .zip(trends)
        .map(|(b, trend)| {
            let level = b.interpretation;
            let flags: Vec<String> = serde_json::from_str(&b.flags).unwrap_or_default();
            MarkerRow {
                name: b.name.clone(),
                value: b.result.clone(),
                unit: b.unit.clone().unwrap_or_default(),
                range: b.reference_range.clone().unwrap_or_default(),
                level: level.as_str(),
                flag: flag_marker(&flags, level, b.numeric_value, b.min_range, b.max_range),
                trend,
            }
        })
        .collect()
}

fn sandbox_controls(
    p: &Principal,
    org_id: &OrgId,
    o: &OrderView,
    csrf: &str,
) -> Option<SandboxControls> {
    let allowed = policy::allowed(
        p,
        Action::AdvanceSandboxOrder {
            org_id,
            team_id: &o.row.team_id,
        },
    );
    let (low, method) = (o.low(), o.method());
    if !allowed || matches!(low.high(), HighStatus::Cancelled | HighStatus::Failed) {
        return None;
    }
    let next = sandbox_next(method, low).map(LowStatus::label);
    let corrected = low == LowStatus::Completed;
    (next.is_some() || corrected).then(|| SandboxControls {
        url: urls::advance_order(org_id, &o.row.id),
        csrf: csrf.to_string(),
        next,
        corrected,
    })
}

/// Everything the results part of the order page shows. `sandbox` is whether this deployment is
/// one (the buttons then appear for the people allowed to press them).
pub fn results_panel(
    conn: &mut DbConnection,
    p: &Principal,
    org_id: &OrgId,
    o: &OrderView,
    sandbox: bool,
    csrf: &str,
    message: Option<String>,
) -> Result<ResultsPanel, AppError> {
    let mut versions = Vec::new();
    for r in results_db::versions(conn, &o.row.id)? {
        let markers = results_db::biomarkers(conn, &r.id)?;
        versions.push((r, markers));
    }
    let latest = match versions.last() {
        None => None,
        Some((r, markers)) => {
            let meta: serde_json::Value =
                serde_json::from_str(&r.metadata).unwrap_or(serde_json::Value::Null);
            let charts = trends(conn, o, markers)?;
            Some(LatestResult {
                id: r.id.clone(),
                version: r.version,
                status: r.status.as_str(),
                status_label: status_word(r.status),
                interpretation: r.interpretation,
                reported: meta_time(&meta, "date_reported"),
                collected: meta_time(&meta, "date_collected"),
                specimen: meta_text(&meta, "specimen_number"),
                laboratory: meta_text(&meta, "laboratory"),
                has_trends: charts.iter().any(Option::is_some),
                markers: marker_rows(markers, charts),
            })
        }
    };
    Ok(ResultsPanel {
        latest,
        versions: version_rows(&versions),
        sandbox: if sandbox {
            sandbox_controls(p, org_id, o, csrf)
        } else {
            None
        },
        message,
    })
}
