//! The order page's sandbox buttons: "Advance (sandbox)" moves the order one step along its path
//! and "Send corrected result (sandbox)" sends a correction once it is completed, both through
//! `service::sandbox::advance` (results go through ingestion). Sandbox deployments only: in
//! production the route answers 404 to everyone. Without JavaScript the form posts and redirects
//! back to the order; htmx gets the results and status panels back (an audited read, since it
//! shows results).
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::results::{results_panel, ResultsPanel};
use super::show::{status_panel, StatusPanel};
use crate::domain::access::Action;
use crate::domain::ids::{OrderId, OrgId};
use crate::domain::order_status::LowStatus;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::service::policy;
use crate::service::visibility::visible_order;
use crate::service::{orders as orders_service, sandbox};
use crate::web::htmx::is_htmx;
use crate::web::pages::{render, see_other};
use crate::web::session::SignedIn;
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
    req: HttpRequest,
    user: SignedIn,
    path: web::Path<(OrgId, OrderId)>,
    form: web::Form<AdvanceForm>,
) -> Result<HttpResponse, AppError> {
    if !state.settings.is_sandbox() {
        return Err(AppError::NotFound);
    }
    let target = target(form.to.as_deref())?;
    let p = user.principal.clone();
    let csrf = user.csrf.clone();
    let actor = user.actor();
    let (org_id, order_id) = path.into_inner();
    let redirect = urls::order(&org_id, &order_id);
    let htmx = is_htmx(&req);
    let fragment = run_db(&state, move |conn| {
        let o = visible_order(conn, &p, &org_id, &order_id)?;
        policy::authorize(
            &p,
            Action::AdvanceSandboxOrder {
                org_id: &org_id,
                team_id: &o.row.team_id,
            },
        )?;
        // The button sends a correction only for a completed order; the sandbox itself would
        // first walk any other order all the way to completed.
        if target == Some(LowStatus::Corrected) && o.low() != LowStatus::Completed {
            return Err(AppError::rule(
                "order_not_completed",
                format!(
                    "A corrected result can be sent once the order is completed; it is {}.",
                    o.row.status_low
                ),
            ));
        }
        sandbox::advance(
            conn,
            &actor,
            &order_id,
            std::slice::from_ref(&o.row.team_id),
            target,
        )?;
        if !htmx {
            return Ok(None);
        }
        let o = visible_order(conn, &p, &org_id, &order_id)?;
        let message = match target {
            Some(_) => "Sandbox: a corrected result was sent.".to_string(),
            None => format!(
                "Sandbox: the order moved to {}.",
                o.low().label().to_lowercase()
            ),
        };
        let results = results_panel(conn, &p, &org_id, &o, true, &csrf, Some(message))?;
        orders_service::record_view(conn, &actor, &o, results.shown())?;
        Ok(Some(ProgressFragment {
            panel: status_panel(&p, &org_id, &o, None),
            results,
        }))
    })
    .await?;
    match fragment {
        Some(f) => Ok(render(&f)?),
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
