//! The order page's sandbox buttons: "Advance (sandbox)" moves the order one step along its path
//! and "Send corrected result (sandbox)" sends a correction once it is completed, both through
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
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::service::order_page;
use crate::web::page::{render, see_other, PageContext};
use crate::web::urls;
use crate::web::{run_db, AppState};

#[derive(Deserialize)]
pub struct AdvanceForm {
    /// Empty: one step forward; `corrected`: a corrected result for a completed order.
    #[serde(default)]
    to: Option<String>,
}

#[derive(Template)]
#[template(path = "orders/_progress.html")]
struct ProgressFragment {
    panel: StatusPanel,
    results: ResultsPanel,
}

fn target(to: Option<&str>) -> Result<Option<LowStatus>, AppError> {
    match to.map(str::trim) {
        None | Some("") => Ok(None),
        Some("corrected") => Ok(Some(LowStatus::Corrected)),
        Some(other) => {
            let mut e = FieldErrors::default();
            e.push_at(
                &["body", "to"],
                format!("{other:?} is not something the sandbox can do; leave it empty or send \"corrected\"."),
                "enum",
            );
            Err(AppError::invalid(e))
        }
    }
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
    let target = target(form.to.as_deref())?;
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
            target,
            fragment,
        )?;
        Ok(moved.map(|page| {
            let message = match target {
                Some(_) => "Sandbox: a corrected result was sent.".to_string(),
                None => format!(
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
            let done = if target.is_some() {
                "corrected"
            } else {
                "advanced"
            };
            Ok(see_other(&format!("{redirect}?done={done}")))
        }
    }
}
