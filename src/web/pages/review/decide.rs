//! The decisions: plain forms that post and redirect (POST/redirect/GET). Every rule is
//! `service::review`'s; here a refusal becomes the item page again with the message next to the
//! form and what was typed kept: 422 for a missing confirmation or note, 404 for an order that
//! is not one of the item's org, 409 when another reviewer decided first (the form carries the
//! item's version), shown with the item's current state.
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::item::{item_page, Typed};
use super::{load_item, review_chrome};
use crate::db::unmatched as unmatched_db;
use crate::domain::ids::{OrderId, ReviewItemId};
use crate::error::AppError;
use crate::service::review::{self, Reviewer, ALREADY_DECIDED};
use crate::web::pages::{render_with_status, see_other, ScopedPath};
use crate::web::session::SignedIn;
use crate::web::{run_db, urls, AppState};

#[derive(Deserialize)]
pub struct DecisionForm {
    version: i32,
    #[serde(default)]
    order_id: String,
    #[serde(default)]
    confirm_mismatch: Option<String>,
    #[serde(default)]
    note: String,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Which {
    Accept,
    Reject,
    Escalate,
}

impl Which {
    fn parse(action: &str) -> Result<Which, AppError> {
        match action {
            "accept" => Ok(Which::Accept),
            "reject" => Ok(Which::Reject),
            "escalate" => Ok(Which::Escalate),
            _ => Err(AppError::NotFound),
        }
    }

    fn form(self) -> &'static str {
        match self {
            Which::Accept => "accept",
            Which::Reject => "reject",
            Which::Escalate => "escalate",
        }
    }

    fn done(self) -> &'static str {
        match self {
            Which::Accept => "accepted",
            Which::Reject => "rejected",
            Which::Escalate => "escalated",
        }
    }
}

enum Outcome {
    Done(String),
    Refused(Box<super::item::ItemPage>, StatusCode),
}

async fn act(
    state: web::Data<AppState>,
    user: SignedIn,
    path: ScopedPath,
    which: Which,
    form: DecisionForm,
) -> Result<HttpResponse, AppError> {
    let p = user.principal.clone();
    let csrf = user.csrf.clone();
    let sandbox = state.settings.is_sandbox();
    let reviewer = Reviewer::of(&p, user.actor());
    let scope = path.scope();
    let id: ReviewItemId = path.id()?;
    let outcome = run_db(&state, move |conn| {
        let chrome = review_chrome(conn, &p, &csrf, sandbox, &scope)?;
        let item = load_item(conn, &p, &scope, &id)?;
        let order_id = form.order_id.trim().to_string();
        let result = match which {
            Which::Accept => match uuid::Uuid::parse_str(&order_id) {
                Err(_) => Err(AppError::rule(
                    "order_id_required",
                    "Enter the id of the order this result belongs to (a labdesk order id, as on the order's page).",
                )),
                Ok(order) => review::accept(
                    conn,
                    &reviewer,
                    &item.id,
                    form.version,
                    &OrderId::from(order),
                    form.confirm_mismatch.is_some(),
                    &form.note,
                )
                .map(drop),
            },
            Which::Reject => review::reject(conn, &reviewer, &item.id, form.version, &form.note),
            Which::Escalate => {
                review::escalate(conn, &reviewer, &item.id, form.version, &form.note)
            }
        };
        let (status, message) = match result {
            Ok(()) => {
                return Ok(Outcome::Done(format!(
                    "{}?done={}",
                    urls::review_item(&scope, &item.id),
                    which.done()
                )))
            }
            Err(AppError::Rule { code, message }) if code == ALREADY_DECIDED => {
                (StatusCode::CONFLICT, message)
            }
            Err(AppError::Rule { message, .. }) => (StatusCode::UNPROCESSABLE_ENTITY, message),
            // The item was found above: "not found" is about the order (missing, or of
            // another org: the same answer for both).
            Err(AppError::NotFound) if which == Which::Accept => (
                StatusCode::NOT_FOUND,
                format!("There is no order {order_id} this result could go on: it must be an order of the same organization."),
            ),
            Err(other) => return Err(other),
        };
        let typed = Typed {
            form: which.form(),
            order_id,
            confirm_mismatch: form.confirm_mismatch.is_some(),
            note: form.note.clone(),
        };
        // The state as it is now, which is what a reviewer who lost the race needs to see.
        let current = unmatched_db::find(conn, &item.id)?.ok_or(AppError::NotFound)?;
        // Shown again, patient and all: another audited read.
        review::record_view(conn, &reviewer.actor, &current)?;
        let conflict = status == StatusCode::CONFLICT;
        let mut page = item_page(
            conn,
            chrome,
            &scope,
            &reviewer,
            &current,
            Some(&typed),
            (!conflict).then(|| (which.form(), message.clone())),
        )?;
        if conflict {
            let unsaved = typed.note.trim();
            page.problem = Some(if unsaved.is_empty() || page.forms.is_some() {
                message
            } else {
                format!("{message} Your note was not saved: \u{201c}{unsaved}\u{201d}")
            });
        }
        Ok(Outcome::Refused(Box::new(page), status))
    })
    .await?;
    match outcome {
        Outcome::Done(url) => Ok(see_other(&url)),
        Outcome::Refused(page, status) => render_with_status(page.as_ref(), status),
    }
}

/// One handler for the three decisions; the route's last segment says which.
pub async fn decide(
    state: web::Data<AppState>,
    user: SignedIn,
    path: web::Path<ScopedPath>,
    form: web::Form<DecisionForm>,
) -> Result<HttpResponse, AppError> {
    let path = path.into_inner();
    let which = Which::parse(path.action()?)?;
    act(state, user, path, which, form.into_inner()).await
}
