//! Creating and editing a lab account's configuration (CSMs). On any error the form comes back
//! with what was typed; a stale edit comes back with the current values and the unsaved changes.
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};

use super::account_form_view::{form_page, parse_form, unsaved_changes, FormErrors, FormState};
use super::account_page::{accounts_nav, AccountPath};
use crate::domain::account_config::AccountConfigInput;
use crate::domain::scope::Scope;
use crate::error::AppError;
use crate::service::lab_accounts::{managed, AccountError};
use crate::web::page::{render, render_with_status, see_other, PageContext};
use crate::web::{run_db, urls, AppState};

fn blank() -> FormState {
    FormState {
        input: AccountConfigInput::default(),
        version: None,
        errors: FormErrors::default(),
        form_error: None,
        unsaved: vec![],
    }
}

pub async fn new_page(
    state: web::Data<AppState>,
    ctx: PageContext,
    scope: Scope,
) -> Result<HttpResponse, AppError> {
    let page = run_db(&state, move |conn| {
        let chrome = ctx.chrome(conn, Some(&scope), accounts_nav(&scope))?;
        managed::owner_for_new(&ctx.principal, &scope)?;
        Ok(form_page(chrome, &scope, None, blank()))
    })
    .await?;
    render(&page)
}

pub async fn create_account(
    state: web::Data<AppState>,
    ctx: PageContext,
    scope: Scope,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let (input, _) = parse_form(&form);
    let outcome = run_db(&state, move |conn| {
        let chrome = ctx.chrome(conn, Some(&scope), accounts_nav(&scope))?;
        let errors = match managed::create(conn, &ctx.principal, &ctx.actor(), &scope, &input) {
            Ok(id) => {
                return Ok(Err(format!(
                    "{}?done=created",
                    urls::lab_account(&scope, &id)
                )))
            }
            Err(AccountError::Invalid(errors)) => errors,
            Err(other) => return Err(AppError::from(other)),
        };
        Ok(Ok(form_page(
            chrome,
            &scope,
            None,
            FormState {
                input,
                errors: FormErrors::from(&errors),
                form_error: Some(
                    "The account was not created: please correct the fields marked below.".into(),
                ),
                ..blank()
            },
        )))
    })
    .await?;
    match outcome {
        Ok(page) => render_with_status(&page, StatusCode::UNPROCESSABLE_ENTITY),
        Err(url) => Ok(see_other(&url)),
    }
}

pub async fn edit_page(
    state: web::Data<AppState>,
    ctx: PageContext,
    scope: Scope,
    path: web::Path<AccountPath>,
) -> Result<HttpResponse, AppError> {
    let AccountPath { id } = path.into_inner();
    let page = run_db(&state, move |conn| {
        let chrome = ctx.chrome(conn, Some(&scope), accounts_nav(&scope))?;
        let account = managed::editable(conn, &ctx.principal, &scope, &id)?;
        Ok(form_page(
            chrome,
            &scope,
            Some(&id),
            FormState {
                input: account.config_input(),
                version: Some(account.version),
                ..blank()
            },
        ))
    })
    .await?;
    render(&page)
}

pub async fn update_account(
    state: web::Data<AppState>,
    ctx: PageContext,
    scope: Scope,
    path: web::Path<AccountPath>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let AccountPath { id } = path.into_inner();
    let (input, version) = parse_form(&form);
    let outcome = run_db(&state, move |conn| {
        let p = &ctx.principal;
        let chrome = ctx.chrome(conn, Some(&scope), accounts_nav(&scope))?;
        managed::editable(conn, p, &scope, &id)?;
        let expected = version.ok_or_else(|| {
            AppError::rule(
                "missing_version",
                "The form is missing its version; reload the page.",
            )
        })?;
        let (status, state) =
            match managed::update(conn, p, &ctx.actor(), &scope, &id, expected, &input) {
                Ok(()) => {
                    return Ok(Err(format!(
                        "{}?done=saved",
                        urls::lab_account(&scope, &id)
                    )))
                }
                Err(AccountError::Invalid(errors)) => (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    FormState {
                        version: Some(expected),
                        errors: FormErrors::from(&errors),
                        form_error: Some(
                            "Nothing was saved: please correct the fields marked below.".into(),
                        ),
                        input,
                        ..blank()
                    },
                ),
                Err(AccountError::Stale { message }) => {
                    let current = managed::editable(conn, p, &scope, &id)?;
                    let current_input = current.config_input();
                    (
                        StatusCode::CONFLICT,
                        FormState {
                            unsaved: unsaved_changes(&input, &current_input),
                            input: current_input,
                            version: Some(current.version),
                            errors: FormErrors::default(),
                            form_error: Some(message.to_string()),
                        },
                    )
                }
                Err(other) => return Err(AppError::from(other)),
            };
        Ok(Ok((status, form_page(chrome, &scope, Some(&id), state))))
    })
    .await?;
    match outcome {
        Ok((status, page)) => render_with_status(&page, status),
        Err(url) => Ok(see_other(&url)),
    }
}
