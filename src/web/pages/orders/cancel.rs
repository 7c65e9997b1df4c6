//! Cancelling an order: htmx posts behind a confirm dialog and gets the status panel back;
//! without JavaScript the button leads to a confirmation page whose form posts and redirects.
//! Whether the status allows it is `LowStatus::cancellable`, checked by `service::orders::cancel`.
use crate::web::pages::Nav;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use super::show::{status_panel, StatusPanel, CANCEL_QUESTION};
use crate::db::DbConnection;
use crate::domain::access::{Action, Principal};
use crate::domain::ids::{OrderId, OrgId};
use crate::error::AppError;
use crate::service::orders::{self as orders_service, OrderView};
use crate::service::policy;
use crate::service::visibility::{visible_order, visible_team_ids};
use crate::web::htmx::is_htmx;
use crate::web::pages::{chrome, fmt_time, render, see_other, Chrome, Scope};
use crate::web::session::SignedIn;
use crate::web::urls;
use crate::web::{run_db, AppState};

#[derive(Template)]
#[template(path = "orders/_status.html")]
struct StatusFragment {
    panel: StatusPanel,
}

#[derive(Template)]
#[template(path = "orders/cancel_confirm.html")]
struct ConfirmPage {
    chrome: Chrome,
    question: &'static str,
    tests: String,
    account: String,
    created_at: String,
    status: String,
    action: String,
    back_url: String,
}

/// The order, if this person may cancel orders of its Team (its status is checked on cancel).
fn authorize_cancel(
    conn: &mut DbConnection,
    p: &Principal,
    org_id: &OrgId,
    order_id: &OrderId,
) -> Result<OrderView, AppError> {
    let order = visible_order(conn, p, org_id, order_id)?;
    policy::authorize(
        p,
        Action::CancelOrder {
            org_id,
            team_id: &order.row.team_id,
        },
    )?;
    Ok(order)
}

pub async fn confirm(
    state: web::Data<AppState>,
    user: SignedIn,
    path: web::Path<(OrgId, OrderId)>,
) -> Result<HttpResponse, AppError> {
    let p = user.principal.clone();
    let csrf = user.csrf.clone();
    let sandbox = state.settings.is_sandbox();
    let (org_id, order_id) = path.into_inner();
    let page = run_db(&state, move |conn| {
        let chrome = chrome(
            conn,
            &p,
            &csrf,
            sandbox,
            Some(&Scope::Org(org_id.clone())),
            Nav::Orders,
        )?;
        let o = authorize_cancel(conn, &p, &org_id, &order_id)?;
        let low = o.low();
        if !low.cancellable() {
            return Err(AppError::rule(
                "order_not_cancellable",
                format!(
                    "An order in status {} cannot be cancelled.",
                    o.row.status_low
                ),
            ));
        }
        let url = urls::order(&org_id, &o.row.id);
        Ok(ConfirmPage {
            chrome,
            question: CANCEL_QUESTION,
            tests: o
                .tests
                .iter()
                .map(|t| t.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            account: format!(
                "{} ({})",
                o.account.display_name(),
                o.account.provider_account_id
            ),
            created_at: fmt_time(&o.row.created_at),
            status: low.label(),
            action: urls::cancel_order(&org_id, &o.row.id),
            back_url: url,
        })
    })
    .await?;
    render(&page)
}

pub async fn cancel(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: SignedIn,
    path: web::Path<(OrgId, OrderId)>,
) -> Result<HttpResponse, AppError> {
    let p = user.principal.clone();
    let actor = user.actor();
    let (org_id, order_id) = path.into_inner();
    let redirect = urls::order(&org_id, &order_id);
    let panel = run_db(&state, move |conn| {
        authorize_cancel(conn, &p, &org_id, &order_id)?;
        let teams = visible_team_ids(conn, &p, &org_id)?;
        orders_service::cancel(conn, &actor, &order_id, &teams)?;
        let o = visible_order(conn, &p, &org_id, &order_id)?;
        Ok(status_panel(
            &p,
            &org_id,
            &o,
            Some("Order cancelled.".to_string()),
        ))
    })
    .await?;
    if is_htmx(&req) {
        return render(&StatusFragment { panel });
    }
    Ok(see_other(&format!("{redirect}?done=cancelled")))
}
