//! An order's results as its page shows them: every version with its values, and for each value
//! of the latest version the patient's values of that marker over their orders in the Team up to
//! this one (what the trend charts draw). Read only for an order the person may see, inside the
//! audited read (`service::order_page`).
use chrono::NaiveDateTime;

use crate::db::results::{self as results_db, BiomarkerRow, ResultRow};
use crate::db::DbConnection;
use crate::domain::ids::{OrderId, ResultId};
use crate::error::AppError;
use crate::service::orders::OrderView;

/// A trend covers at most this many orders, the latest ones.
pub const MAX_POINTS: usize = 12;

/// One value of a marker on one of the patient's orders.
pub struct PastValue {
    pub order_id: OrderId,
    pub order_created_at: NaiveDateTime,
    /// As the lab wrote it.
    pub written: String,
    pub number: f64,
}

pub struct ResultHistory {
    /// Every result version of the order with its values, oldest first.
    pub versions: Vec<(ResultRow, Vec<BiomarkerRow>)>,
    /// For each value of the latest version, in its order: the marker's values in the same unit
    /// over the patient's orders, oldest first (empty for a value that is not a number, or when
    /// the patient has fewer than two orders with results).
    pub series: Vec<Vec<PastValue>>,
}

impl ResultHistory {
    pub fn latest(&self) -> Option<&(ResultRow, Vec<BiomarkerRow>)> {
        self.versions.last()
    }

    /// The result version shown, for the audit row of the read.
    pub fn shown(&self) -> Option<(&ResultId, i32)> {
        self.latest().map(|(r, _)| (&r.id, r.version))
    }
}

pub fn load(conn: &mut DbConnection, o: &OrderView) -> Result<ResultHistory, AppError> {
    let mut versions = Vec::new();
    for r in results_db::versions(conn, &o.row.id)? {
        let markers = results_db::biomarkers(conn, &r.id)?;
        versions.push((r, markers));
    }
    let series = match versions.last() {
        Some((_, markers)) => series(conn, o, markers)?,
        None => Vec::new(),
    };
    Ok(ResultHistory { versions, series })
}

/// The last `MAX_POINTS` latest results of this patient's orders in the Team up to this one,
/// and each numeric marker's values in them.
fn series(
    conn: &mut DbConnection,
    o: &OrderView,
    markers: &[BiomarkerRow],
) -> Result<Vec<Vec<PastValue>>, AppError> {
    let mut out: Vec<Vec<PastValue>> = markers.iter().map(|_| Vec::new()).collect();
    let mut slugs: Vec<String> = markers
        .iter()
        .filter(|m| m.numeric_value.is_some())
        .map(|m| m.slug.clone())
        .collect();
    slugs.sort();
    slugs.dedup();
    if slugs.is_empty() {
        return Ok(out);
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
        return Ok(out);
    }
    let ids: Vec<ResultId> = history.iter().map(|h| h.result_id.clone()).collect();
    let values = results_db::marker_values(conn, &ids, &slugs)?;
    for (slot, m) in out.iter_mut().zip(markers) {
        if m.numeric_value.is_none() {
            continue;
        }
        let unit = m.unit.as_deref().unwrap_or("");
        *slot = history
            .iter()
            .filter_map(|h| {
                let v = values
                    .iter()
                    .find(|v| v.result_id == h.result_id && v.slug == m.slug)
                    .filter(|v| v.unit.as_deref().unwrap_or("").eq_ignore_ascii_case(unit))?;
                v.numeric_value.map(|number| PastValue {
                    order_id: h.order_id.clone(),
                    order_created_at: h.order_created_at,
                    written: v.result.trim().to_string(),
                    number,
                })
            })
            .collect();
    }
    Ok(out)
}
