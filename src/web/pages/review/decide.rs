//! The decisions: plain forms that post and redirect (POST/redirect/GET). Every rule is
//! `service::review`'s; here a refusal becomes the item page again with the message next to the
//! form and what was typed kept: 422 for no order chosen, confirmation or note, 404 for an
//! order that is not one of the item's org, 409 when another reviewer decided first (the form
//! carries the item's version), shown with the item's current state.
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::item::{item_page, ItemPage, Typed};
use super::{review_chrome, status_badge};
use crate::domain::ids::{OrderId, ReviewItemId};
use crate::domain::review::ReviewAction;
use crate::domain::scope::Scope;
use crate::error::AppError;
use crate::service::review::{self, item as review_item, DecideError, DecisionRequest};
use crate::web::page::{render_with_status, see_other, PageContext};
use crate::web::{run_db, urls, AppState};

#[derive(Deserialize)]
pub struct DecisionPath {
    id: ReviewItemId,
    action: ReviewAction,
}

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

impl DecisionForm {
    fn request(&self, action: ReviewAction) -> DecisionRequest {
        DecisionRequest {
            action,
            version: self.version,
            // Anything that is not a uuid is no order id: the service says one is needed.
            order_id: uuid::Uuid::parse_str(self.order_id.trim())
                .ok()
                .map(OrderId::from),
            confirmed_mismatch: self.confirm_mismatch.is_some(),
            note: self.note.clone(),
        }
    }

    fn typed(&self, action: ReviewAction) -> Typed {
        Typed {
            form: action,
            order_id: self.order_id.trim().to_string(),
            confirm_mismatch: self.confirm_mismatch.is_some(),
            note: self.note.clone(),
        }
    }
}

/// How the page answers a refusal; None: not a refusal the page shows (the error page does).
fn answer(refusal: &DecideError) -> Option<(StatusCode, String)> {
    match refusal {
        // The status in words; the API's message keeps the stored value.
        DecideError::AlreadyDecided { current } => Some((
            StatusCode::CONFLICT,
            format!(
                "This result was already decided by {} ({}). Nothing was changed.",
                current.decided_by.as_deref().unwrap_or("another reviewer"),
                status_badge(current.status).0
            ),
        )),
        DecideError::OrderIdRequired => Some((
            StatusCode::UNPROCESSABLE_ENTITY,
            "Choose the order this result belongs to from the list (search by the patient's name or date of birth if it is not there).".to_string(),
        )),
        DecideError::ConfirmationRequired
        | DecideError::NoteRequired { .. }
        | DecideError::NoteTooLong => Some((StatusCode::UNPROCESSABLE_ENTITY, refusal.to_string())),
        DecideError::OrderNotFound => Some((
            StatusCode::NOT_FOUND,
            "That order cannot take this result: it must be an order of the same organization and of a Team the result may go to. Choose one of the orders listed.".to_string(),
        )),
        DecideError::ItemNotFound | DecideError::Other(_) => None,
    }
}

enum Outcome {
    Done(String),
    Refused(Box<ItemPage>, StatusCode),
}

/// One handler for the three decisions; the route's last segment says which.
pub async fn decide(
    state: web::Data<AppState>,
    ctx: PageContext,
    scope: Scope,
    path: web::Path<DecisionPath>,
    form: web::Form<DecisionForm>,
) -> Result<HttpResponse, AppError> {
    let DecisionPath { id, action } = path.into_inner();
    let form = form.into_inner();
    let request = form.request(action);
    let outcome = run_db(&state, move |conn| {
        let chrome = review_chrome(&ctx, conn, &scope)?;
        let refusal = match review::decide(conn, &ctx.principal, ctx.actor(), &scope, &id, &request)
        {
            Ok(()) => {
                let url = urls::review_item(&scope, &id);
                return Ok(Outcome::Done(format!("{url}?done={}", action.done())));
            }
            Err(refusal) => refusal,
        };
        let typed = form.typed(action);
        let Some((status, message)) = answer(&refusal) else {
            return Err(refusal.into());
        };
        // The item as it is now, which is what a reviewer who lost the race needs to see; shown
        // again, patient and all, it is another audited read.
        let current = review_item::show(conn, &ctx.principal, ctx.actor(), &scope, &id)?;
        let conflict = matches!(refusal, DecideError::AlreadyDecided { .. });
        let error = (!conflict).then(|| (action, message.clone()));
        let mut page = item_page(chrome, &scope, &current, Some(&typed), error);
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
