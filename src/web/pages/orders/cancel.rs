//! Cancelling an order: htmx posts behind a confirm dialog and gets the status panel back;
//! without JavaScript the button leads to a confirmation page whose form posts and redirects.
//! Who may, and whether the status allows it: `service::order_page`.
use actix_web::{web, HttpResponse};
use askama::Template;

use super::show::{cancel_question, status_panel, StatusPanel};
use super::OrderPath;
use crate::domain::scope::Scope;
use crate::error::AppError;
use crate::service::order_page;
use crate::web::page::{render, see_other, Chrome, Nav, PageContext};
use crate::web::pages::fmt_time;
use crate::web::urls;
use crate::web::{run_db, AppState};

/// What htmx gets back from a cancel: the status panel, swapped in place.
#[derive(Template)]
#[template(path = "orders/_status.html")]
struct StatusFragment {
    panel: StatusPanel,
}

#[derive(Template)]
#[template(path = "orders/cancel_confirm.html")]
struct ConfirmPage {
    chrome: Chrome,
    question: String,
    tests: String,
    account: String,
    created_at: String,
    status: String,
    action: String,
    back_url: String,
}

pub async fn confirm(
    state: web::Data<AppState>,
    ctx: PageContext,
    path: web::Path<OrderPath>,
) -> Result<HttpResponse, AppError> {
    let OrderPath { org, order_id } = path.into_inner();
    let page = run_db(&state, move |conn| {
        let chrome = ctx.chrome(conn, Some(&Scope::Org(org.clone())), Nav::Orders)?;
        let o = order_page::to_cancel(conn, &ctx.principal, &org, &order_id)?;
        Ok(ConfirmPage {
            chrome,
            question: cancel_question(&o, true),
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
            status: o.low().label(),
            action: urls::cancel_order(&org, &o.row.id),
            back_url: urls::order(&org, &o.row.id),
        })
    })
    .await?;
    render(&page)
}

pub async fn cancel(
    state: web::Data<AppState>,
    ctx: PageContext,
    path: web::Path<OrderPath>,
) -> Result<HttpResponse, AppError> {
    let OrderPath { org, order_id } = path.into_inner();
    let redirect = urls::order(&org, &order_id);
    let hx = ctx.hx;
    let panel = run_db(&state, move |conn| {
        let seen = order_page::cancel(conn, &ctx.actor(), &ctx.principal, &org, &order_id)?;
        Ok(status_panel(
            &org,
            &seen,
            Some("Order cancelled.".to_string()),
            false,
        ))
    })
    .await?;
    // A POST has no whole page to answer: htmx swaps the panel, a plain form redirects.
    if hx.wants_fragment() {
        return render(&StatusFragment { panel });
    }
    Ok(see_other(&format!("{redirect}?done=cancelled")))
}
