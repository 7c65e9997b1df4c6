//! Moving an account through its lifecycle (CSMs), with a required reason. A refused move shows
//! the account page again with what was typed and why.
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::account_page::{accounts_nav, show_page, AccountPath, StatusForm};
use super::SelectOption;
use crate::domain::lab_account::AccountStatus;
use crate::domain::scope::Scope;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::service::lab_accounts::managed;
use crate::service::lab_accounts::reads as account_reads;
use crate::service::lab_accounts::AccountError;
use crate::web::page::{render_with_status, see_other, PageContext};
use crate::web::{run_db, urls, AppState};

#[derive(Deserialize)]
pub struct StatusChangeForm {
    #[serde(default)]
    status: String,
    #[serde(default)]
    reason: String,
}

pub async fn change_status(
    state: web::Data<AppState>,
    ctx: PageContext,
    scope: Scope,
    path: web::Path<AccountPath>,
    form: web::Form<StatusChangeForm>,
) -> Result<HttpResponse, AppError> {
    let AccountPath { id } = path.into_inner();
    let form = form.into_inner();
    let to = form.status.parse::<AccountStatus>().map_err(|e| {
        let mut errors = FieldErrors::default();
        errors.push("status", format!("Status {e}."), "type_error.enum");
        errors
    });
    let done = format!("{}?done=status", urls::lab_account(&scope, &id));
    let refused = run_db(&state, move |conn| {
        let p = &ctx.principal;
        let outcome = match to {
            Ok(to) => managed::change_status(conn, p, &ctx.actor(), &scope, &id, to, &form.reason),
            Err(errors) => {
                // Only someone who may move the status hears what was wrong with the form.
                managed::editable(conn, p, &scope, &id)?;
                Err(AccountError::Invalid(errors))
            }
        };
        let errors = match outcome {
            Ok(()) => return Ok(None),
            Err(AccountError::Invalid(errors)) => errors,
            Err(other) => return Err(AppError::from(other)),
        };
        let chrome = ctx.chrome(conn, Some(&scope), accounts_nav(&scope))?;
        let details = account_reads::details(conn, p, &scope, &id)?;
        let typed = StatusForm {
            action: urls::lab_account_status(&scope, &id),
            options: details
                .account
                .status
                .next_statuses()
                .iter()
                .map(|s| SelectOption::new(s.as_str(), s.label(), Some(form.status.as_str())))
                .collect(),
            reason: form.reason,
            error: errors.for_field("status").map(str::to_string),
            reason_error: errors.for_field("reason").map(str::to_string),
        };
        Ok(Some(show_page(chrome, &scope, details, Some(typed))))
    })
    .await?;
    match refused {
        Some(page) => render_with_status(&page, StatusCode::UNPROCESSABLE_ENTITY),
        None => Ok(see_other(&done)),
    }
}
