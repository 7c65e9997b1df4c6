//! Moving an account through its lifecycle (CSMs), with a required reason.
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::account_page::{show_page, StatusForm};
use super::{render_with_status, see_other, Scope, ScopedPath, SelectOption};
use crate::domain::access::Action;
use crate::domain::ids::LabAccountId;
use crate::domain::lab_account::AccountStatus;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::service::lab_accounts as accounts_service;
use crate::service::policy;
use crate::service::visibility::visible_account;
use crate::web::session::SignedIn;
use crate::web::urls;
use crate::web::{run_db, AppState};

#[derive(Deserialize)]
pub struct StatusChangeForm {
    #[serde(default)]
    status: String,
    #[serde(default)]
    reason: String,
}

async fn change(
    state: web::Data<AppState>,
    user: SignedIn,
    scope: Scope,
    id: LabAccountId,
    form: StatusChangeForm,
) -> Result<HttpResponse, AppError> {
    let p = user.principal.clone();
    let csrf = user.csrf.clone();
    let sandbox = state.settings.is_sandbox();
    let actor = user.actor();
    let outcome = run_db(&state, move |conn| {
        let account = visible_account(conn, &p, &scope, &id)?;
        policy::authorize(
            &p,
            Action::ManageAccounts {
                owner_org: account.owner.org_id(),
            },
        )?;
        let result = match form.status.parse::<AccountStatus>() {
            Ok(to) => accounts_service::change_status(conn, &actor, &id, to, &form.reason),
            Err(e) => {
                let mut errors = FieldErrors::default();
                errors.push("status", format!("Status {e}."), "type_error.enum");
                Err(AppError::invalid(errors))
            }
        };
        match result {
            Ok(()) => Ok(Err(urls::lab_account(&scope, &id))),
            Err(AppError::Invalid(errors)) => {
                let errors = FieldErrors(errors);
                let form = StatusForm {
                    action: urls::lab_account_status(&scope, &id),
                    options: account
                        .status
                        .next_statuses()
                        .iter()
                        .map(|s| {
                            SelectOption::new(s.as_str(), s.label(), Some(form.status.as_str()))
                        })
                        .collect(),
                    reason: form.reason,
                    error: errors.for_field("status").map(str::to_string),
                    reason_error: errors.for_field("reason").map(str::to_string),
                };
                Ok(Ok(show_page(
                    conn,
                    &p,
                    &csrf,
                    sandbox,
                    &scope,
                    &id,
                    Some(form),
                )?))
            }
            Err(e) => Err(e),
        }
    })
    .await?;
    match outcome {
        Ok(page) => render_with_status(&page, StatusCode::UNPROCESSABLE_ENTITY),
        Err(url) => Ok(see_other(&url)),
    }
}

pub async fn change_status(
    state: web::Data<AppState>,
    user: SignedIn,
    path: web::Path<ScopedPath>,
    form: web::Form<StatusChangeForm>,
) -> Result<HttpResponse, AppError> {
    change(state, user, path.scope(), path.id()?, form.into_inner()).await
}
