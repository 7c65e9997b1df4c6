//! The order page's results: the latest values (abnormal and critical ones flagged in words, not
//! colour alone), every version with what changed from the one before, a small chart per marker
//! over the patient's orders, and in sandbox deployments the buttons that move the order forward.
//! Built from what `service::order_page` read (and recorded as read); no queries here.
use crate::db::results::{BiomarkerRow, ResultRow};
use crate::domain::ids::{OrderId, OrgId};
use crate::domain::order_status::{HighStatus, LowStatus};
use crate::domain::result_diff::{diff, Reported};
use crate::domain::result_values::{flag_marker, Interpretation, ResultStatus};
use crate::domain::simulation::{next_step, plan, statuses, FinalStatus, SimulatedInterpretation};
use crate::domain::sparkline::{sparkline, Frame};
use crate::service::order_history::PastValue;
use crate::service::order_page::{OrderPage, SeenOrder};
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
    /// Markers the lab reported it could not obtain.
    pub missing: Vec<String>,
}

/// The sandbox buttons: one step forward, or a corrected result once completed.
pub struct SandboxControls {
    pub url: String,
    pub csrf: String,
    /// "Simulate to completion" is offered (the order is not completed yet).
    pub to_completion: bool,
    /// The statuses the order can be moved to, the next step first.
    pub steps: Vec<SandboxStep>,
    pub interpretations: &'static [SimulatedInterpretation],
    pub corrected: bool,
}

/// One status of the sandbox's picker.
pub struct SandboxStep {
    pub value: &'static str,
    pub label: String,
}

pub struct ResultsPanel {
    pub latest: Option<LatestResult>,
    /// Newest first.
    pub versions: Vec<VersionRow>,
    pub sandbox: Option<SandboxControls>,
    pub message: Option<String>,
}

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

/// A chart of one marker's values over the patient's orders; None for fewer than two values.
fn trend(m: &BiomarkerRow, series: &[PastValue], order_id: &OrderId) -> Option<Trend> {
    let numbers: Vec<f64> = series.iter().map(|v| v.number).collect();
    let chart = sparkline(&numbers, (m.min_range, m.max_range), FRAME)?;
    let unit = m.unit.as_deref().unwrap_or("");
    let with_unit = |text: String| format!("{text} {unit}").trim_end().to_string();
    let written: Vec<&str> = series.iter().map(|v| v.written.as_str()).collect();
    Some(Trend {
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
            .zip(series)
            .map(|((x, y), v)| Dot {
                x: *x,
                y: *y,
                title: with_unit(format!(
                    "{} UTC: {}",
                    fmt_time(&v.order_created_at),
                    v.written
                )),
                current: v.order_id == *order_id,
            })
            .collect(),
        band: chart.band.map(|(top, bottom)| Band {
            y: top,
            height: ((bottom - top) * 10.0).round() / 10.0,
        }),
    })
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

fn sandbox_controls(org_id: &OrgId, seen: &SeenOrder, csrf: &str) -> Option<SandboxControls> {
    let o = &seen.order;
    let (low, method) = (o.low(), o.method());
    if !seen.may_advance || matches!(low.high(), HighStatus::Cancelled | HighStatus::Failed) {
        return None;
    }
    let reachable = |s: &LowStatus| {
        let target = Some(FinalStatus {
            method: None,
            low: *s,
        });
        *s != LowStatus::Corrected && plan(method, low, target).is_ok_and(|p| !p.is_empty())
    };
    let mut steps: Vec<SandboxStep> = statuses(method)
        .into_iter()
        .filter(reachable)
        .map(|s| SandboxStep {
            value: s.as_str(),
            label: match s.high() {
                HighStatus::Failed => format!("{} (the order fails)", s.label()),
                HighStatus::Cancelled => format!("{} (the order stops)", s.label()),
                _ => s.label(),
            },
        })
        .collect();
    // The next step first, so the picker's default moves one step.
    if let Some(next) = next_step(method, low) {
        if let Some(at) = steps.iter().position(|s| s.value == next.as_str()) {
            let first = steps.remove(at);
            steps.insert(0, first);
        }
    }
    let corrected = low == LowStatus::Completed;
    (!steps.is_empty() || corrected).then(|| SandboxControls {
        url: urls::advance_order(org_id, &o.row.id),
        csrf: csrf.to_string(),
        to_completion: !corrected,
        steps,
        interpretations: &[
            SimulatedInterpretation::Normal,
            SimulatedInterpretation::Abnormal,
            SimulatedInterpretation::Critical,
        ],
        corrected,
    })
}

/// Everything the results part of the order page shows. The sandbox buttons appear in sandbox
/// deployments for the people allowed to press them (`SeenOrder::may_advance`).
pub fn results_panel(
    org_id: &OrgId,
    page: &OrderPage,
    csrf: &str,
    message: Option<String>,
) -> ResultsPanel {
    let o = &page.seen.order;
    let latest = page.results.latest().map(|(r, markers)| {
        let meta: serde_json::Value =
            serde_json::from_str(&r.metadata).unwrap_or(serde_json::Value::Null);
        let series = |i: usize| page.results.series.get(i).map_or(&[][..], Vec::as_slice);
        let charts: Vec<Option<Trend>> = markers
            .iter()
            .enumerate()
            .map(|(i, m)| trend(m, series(i), &o.row.id))
            .collect();
        LatestResult {
            version: r.version,
            status: r.status.as_str(),
            status_label: status_word(r.status),
            interpretation: r.interpretation,
            reported: meta_time(&meta, "date_reported"),
            collected: meta_time(&meta, "date_collected"),
            specimen: meta_text(&meta, "specimen_number"),
            laboratory: meta_text(&meta, "laboratory"),
            has_trends: charts.iter().any(Option::is_some),
            missing: meta["missing_results"]
                .as_array()
                .map(|list| {
                    list.iter()
                        .filter_map(|m| m["name"].as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default(),
            markers: marker_rows(markers, charts),
        }
    });
    ResultsPanel {
        latest,
        versions: version_rows(&page.results.versions),
        sandbox: sandbox_controls(org_id, &page.seen, csrf),
        message,
    }
}
