//! Creating and editing a lab account's configuration (CSMs). On any error the form comes back
//! with what was typed; a stale edit comes back with the current values and the unsaved changes.

use crate::web::pages::Nav;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};

use super::account_form_view::{form_page, parse_form, unsaved_changes, FormErrors, FormState};
use super::{chrome, render, render_with_status, see_other, Scope, ScopedPath};
use crate::db::DbConnection;
use crate::domain::access::{Action, Principal};
use crate::domain::account_config::AccountConfigInput;
use crate::domain::ids::LabAccountId;
use crate::domain::lab_account::Owner;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::service::lab_accounts::{self as accounts_service, STALE_EDIT};
use crate::service::policy;
use crate::service::visibility::visible_account;
use crate::web::session::SignedIn;
use crate::web::urls;
use crate::web::{run_db, AppState};

fn authorize_create(p: &Principal, scope: &Scope) -> Result<Owner, AppError> {
    policy::authorize(
        p,
        Action::ManageAccounts {
            owner_org: scope.org_id(),
        },
    )?;
    Ok(match scope {
        Scope::Org(org) => Owner::Org(org.clone()),
        Scope::Platform => Owner::Platform,
    })
}

fn authorize_edit(
    conn: &mut DbConnection,
    p: &Principal,
    scope: &Scope,
    id: &LabAccountId,
) -> Result<crate::domain::lab_account::LabAccount, AppError> {
    let account = visible_account(conn, p, scope, id)?;
    policy::authorize(
        p,
        Action::ManageAccounts {
            owner_org: account.owner.org_id(),
        },
    )?;
    Ok(account)
}

async fn new_form(
    state: web::Data<AppState>,
    user: SignedIn,
    scope: Scope,
) -> Result<HttpResponse, AppError> {
    let p = user.principal.clone();
    let csrf = user.csrf.clone();
    let sandbox = state.settings.is_sandbox();
    let page = run_db(&state, move |conn| {
        let chrome = chrome(conn, &p, &csrf, sandbox, Some(&scope), Nav::LabAccounts)?;
        authorize_create(&p, &scope)?;
        Ok(form_page(
            chrome,
            &scope,
            None,
            FormState {
                input: AccountConfigInput::default(),
                version: None,
                errors: FormErrors::default(),
                form_error: None,
                unsaved: vec![],
            },
        ))
    })
    .await?;
    render(&page)
}

async fn create(
    state: web::Data<AppState>,
    user: SignedIn,
    scope: Scope,
    pairs: Vec<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let p = user.principal.clone();
    let csrf = user.csrf.clone();
    let sandbox = state.settings.is_sandbox();
    let actor = user.actor();
    let (input, _) = parse_form(&pairs);
    let outcome = run_db(&state, move |conn| {
        let chrome = chrome(conn, &p, &csrf, sandbox, Some(&scope), Nav::LabAccounts)?;
        let owner = authorize_create(&p, &scope)?;
        match accounts_service::create(conn, &actor, &owner, &input) {
            Ok(id) => Ok(Err(urls::lab_account(&scope, &id))),
            Err(AppError::Invalid(errors)) => {
                let errors = FieldErrors(errors);
                Ok(Ok(form_page(
                    chrome,
                    &scope,
                    None,
                    FormState {
                        input,
                        version: None,
                        errors: FormErrors::from(&errors),
                        form_error: Some(
                            "The account was not created: please correct the fields marked below."
                                .into(),
                        ),
                        unsaved: vec![],
                    },
                )))
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

async fn edit_form(
    state: web::Data<AppState>,
    user: SignedIn,
    scope: Scope,
    id: LabAccountId,
) -> Result<HttpResponse, AppError> {
    let p = user.principal.clone();
    let csrf = user.csrf.clone();
    let sandbox = state.settings.is_sandbox();
    let page = run_db(&state, move |conn| {
        let chrome = chrome(conn, &p, &csrf, sandbox, Some(&scope), Nav::LabAccounts)?;
        let account = authorize_edit(conn, &p, &scope, &id)?;
        Ok(form_page(
            chrome,
            &scope,
            Some(&id),
            FormState {
                input: account.config_input(),
                version: Some(account.version),
                errors: FormErrors::default(),
                form_error: None,
                unsaved: vec![],
            },
        ))
    })
    .await?;
    render(&page)
}

async fn update(
    state: web::Data<AppState>,
    user: SignedIn,
    scope: Scope,
    id: LabAccountId,
    pairs: Vec<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let p = user.principal.clone();
    let csrf = user.csrf.clone();
    let sandbox = state.settings.is_sandbox();
    let actor = user.actor();
    let (input, version) = parse_form(&pairs);
    let outcome = run_db(&state, move |conn| {
        let chrome = chrome(conn, &p, &csrf, sandbox, Some(&scope), Nav::LabAccounts)?;
        authorize_edit(conn, &p, &scope, &id)?;
        let expected = version.ok_or_else(|| {
            AppError::rule(
                "missing_version",
                "The form is missing its version; reload the page.",
            )
        })?;
        match accounts_service::update(conn, &actor, &id, expected, &input) {
            Ok(()) => Ok(Err(urls::lab_account(&scope, &id))),
            Err(AppError::Invalid(errors)) => {
                let errors = FieldErrors(errors);
                Ok(Ok((
                    StatusCode::UNPROCESSABLE_ENTITY,
                    form_page(
                        chrome,
                        &scope,
                        Some(&id),
                        FormState {
                            input,
                            version: Some(expected),
                            errors: FormErrors::from(&errors),
                            form_error: Some(
                                "Nothing was saved: please correct the fields marked below.".into(),
                            ),
                            unsaved: vec![],
                        },
                    ),
                )))
            }
            Err(AppError::Rule { code, message }) if code == STALE_EDIT => {
                let current = authorize_edit(conn, &p, &scope, &id)?;
                let current_input = current.config_input();
                Ok(Ok((
                    StatusCode::CONFLICT,
                    form_page(
                        chrome,
                        &scope,
                        Some(&id),
                        FormState {
                            unsaved: unsaved_changes(&input, &current_input),
                            input: current_input,
                            version: Some(current.version),
                            errors: FormErrors::default(),
                            form_error: Some(message),
                        },
                    ),
                )))
            }
            Err(e) => Err(e),
        }
    })
    .await?;
    match outcome {
        Ok((status, page)) => render_with_status(&page, status),
        Err(url) => Ok(see_other(&url)),
    }
}

pub async fn new_page(
    state: web::Data<AppState>,
    user: SignedIn,
    path: web::Path<ScopedPath>,
) -> Result<HttpResponse, AppError> {
    new_form(state, user, path.scope()).await
}

pub async fn create_account(
    state: web::Data<AppState>,
    user: SignedIn,
    path: web::Path<ScopedPath>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    create(state, user, path.scope(), form.into_inner()).await
}

pub async fn edit_page(
    state: web::Data<AppState>,
    user: SignedIn,
    path: web::Path<ScopedPath>,
) -> Result<HttpResponse, AppError> {
    edit_form(state, user, path.scope(), path.id()?).await
}

pub async fn update_account(
    state: web::Data<AppState>,
    user: SignedIn,
    path: web::Path<ScopedPath>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    update(state, user, path.scope(), path.id()?, form.into_inner()).await
}
