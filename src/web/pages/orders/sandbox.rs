//! The order page's sandbox controls: "Simulate to completion" walks the order along its path to
//! completed, "Move to this status" stops at the status picked (the next step by default, or a
//! failure or cancellation), both with results read as normal, abnormal or critical; "Send
//! corrected result (sandbox)" sends a correction once it is completed. All go through
//! `service::order_page::advance` (results go through ingestion). Sandbox deployments only: in
//! production the route answers 404 to everyone. Without JavaScript the form posts and redirects
//! back to the order; htmx gets the results and status panels back (an audited read, since it
//! shows results).
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::results::{results_panel, ResultsPanel};
use super::show::{status_panel, StatusPanel};
use super::OrderPath;
use crate::domain::order_status::LowStatus;
use crate::domain::simulation::{
    FinalStatus, SimulatedInterpretation, Simulation, SimulationFlags,
};
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::service::order_page;
use crate::web::page::{render, see_other, PageContext};
use crate::web::urls;
use crate::web::{run_db, AppState};

#[derive(Deserialize)]
pub struct AdvanceForm {
    /// Which button: `completion` (or empty) walks the whole way to completed, `step` moves to
    /// the status picked in `step`, `corrected` sends a corrected result for a completed order.
    #[serde(default)]
    to: Option<String>,
    #[serde(default)]
    step: Option<String>,
    #[serde(default)]
    interpretation: Option<String>,
}

#[derive(Template)]
#[template(path = "orders/_progress.html")]
struct ProgressFragment {
    panel: StatusPanel,
    results: ResultsPanel,
}

fn refused(field: &str, msg: String) -> AppError {
    let mut e = FieldErrors::default();
    e.push_at(&["body", field], msg, "enum");
    AppError::invalid(e)
}

/// What the form asks the sandbox to do.
fn simulation(form: &AdvanceForm) -> Result<Simulation, AppError> {
    let short = |low| Some(FinalStatus { method: None, low });
    let target = match form.to.as_deref().map(str::trim) {
        None | Some("") | Some("completion") => None,
        Some("corrected") => short(LowStatus::Corrected),
        Some("step") => {
            let step = form.step.as_deref().unwrap_or_default();
            match step.parse::<LowStatus>() {
                Ok(low) => short(low),
                Err(_) => return Err(refused("step", format!("{step:?} is not an order status."))),
            }
        }
        Some(other) => {
            return Err(refused(
                "to",
                format!("{other:?} is not something the sandbox can do."),
            ))
        }
    };
    let interpretation = match form.interpretation.as_deref().map(str::trim) {
        None | Some("") => SimulatedInterpretation::Normal,
        Some(text) => text.parse().map_err(|_| {
            refused(
                "interpretation",
                format!("{text:?} is not normal, abnormal or critical."),
            )
        })?,
    };
    let flags = SimulationFlags {
        interpretation,
        ..SimulationFlags::default()
    };
    Ok(Simulation { target, flags })
}

pub async fn advance(
    state: web::Data<AppState>,
    ctx: PageContext,
    path: web::Path<OrderPath>,
    form: web::Form<AdvanceForm>,
) -> Result<HttpResponse, AppError> {
    if !ctx.sandbox {
        return Err(AppError::NotFound);
    }
    let asked = simulation(&form)?;
    let target = asked.target;
    let OrderPath { org, order_id } = path.into_inner();
    let redirect = urls::order(&org, &order_id);
    // A POST has no whole page to answer: htmx swaps the panels, a plain form redirects.
    let fragment = ctx.hx.wants_fragment();
    let shown = run_db(&state, move |conn| {
        let actor = ctx.actor();
        let moved = order_page::advance(
            conn,
            &actor,
            &ctx.principal,
            &org,
            &order_id,
            &asked,
            fragment,
        )?;
        Ok(moved.map(|page| {
            let message = match target.map(|t| t.low) {
                Some(LowStatus::Corrected) => "Sandbox: a corrected result was sent.".to_string(),
                _ => format!(
                    "Sandbox: the order moved to {}.",
                    page.seen.order.low().label().to_lowercase()
                ),
            };
            ProgressFragment {
                results: results_panel(&org, &page, &ctx.csrf, Some(message)),
                panel: status_panel(&org, &page.seen, None, false),
            }
        }))
    })
    .await?;
    match shown {
        Some(f) => render(&f),
        None => {
            let done = match target.map(|t| t.low) {
                Some(LowStatus::Corrected) => "corrected",
                _ => "simulated",
            };
            Ok(see_other(&format!("{redirect}?done={done}")))
        }
    }
}
