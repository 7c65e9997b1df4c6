//! Creating and editing a lab account's configuration (CSMs). On any error the form comes back
//! with what was typed; a stale edit comes back with the current values and the unsaved changes.
use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;

use super::lab_accounts::load_visible;
use super::views::account_url;
use super::{chrome, render, render_with_status, see_other, Chrome, Scope, SelectOption};
use crate::db::DbConnection;
use crate::domain::access::{Action, Principal};
use crate::domain::billing::{BillingType, US_STATES};
use crate::domain::lab::LabSlug;
use crate::domain::lab_account::{AccountConfigInput, DelegatedFlow, Owner};
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::service::lab_accounts::{self as accounts_service, STALE_EDIT};
use crate::web::policy;
use crate::web::session::SignedIn;
use crate::web::{run_db, AppState};

const BILLING_PREFIX: &str = "billing:";

#[derive(Default)]
pub struct FormErrors {
    lab: Option<String>,
    provider_account_id: Option<String>,
    account_name: Option<String>,
    delegated_flow: Option<String>,
    allowed_billing: Option<String>,
    business_units: Option<String>,
    default_clinical_notes: Option<String>,
}

impl From<&FieldErrors> for FormErrors {
    fn from(e: &FieldErrors) -> Self {
        let get = |f: &str| e.for_field(f).map(str::to_string);
        FormErrors {
            lab: get("lab"),
            provider_account_id: get("provider_account_id"),
            account_name: get("account_name"),
            delegated_flow: get("delegated_flow"),
            allowed_billing: get("allowed_billing"),
            business_units: get("business_units"),
            default_clinical_notes: get("default_clinical_notes"),
        }
    }
}

pub struct BillingCell {
    name: String,
    label: String,
    checked: bool,
}

pub struct BillingRow {
    state: &'static str,
    cells: Vec<BillingCell>,
}

#[derive(Template)]
#[template(path = "lab_accounts/form.html")]
struct FormPage {
    chrome: Chrome,
    heading: String,
    action: String,
    back_url: String,
    submit_label: &'static str,
    version: Option<i32>,
    input: AccountConfigInput,
    errors: FormErrors,
    form_error: Option<String>,
    unsaved: Vec<(&'static str, String)>,
    lab_options: Vec<SelectOption>,
    delegation_options: Vec<SelectOption>,
    billing_columns: Vec<&'static str>,
    billing_rows: Vec<BillingRow>,
}

/// The form's fields; billing checkboxes arrive as repeated `billing:<type>=<state>` pairs.
fn parse_form(pairs: &[(String, String)]) -> (AccountConfigInput, Option<i32>) {
    let mut input = AccountConfigInput::default();
    let mut billing: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut version = None;
    for (k, v) in pairs {
        match k.as_str() {
            "lab" => input.lab = v.clone(),
            "provider_account_id" => input.provider_account_id = v.clone(),
            "account_name" => input.account_name = v.clone(),
            "delegated_flow" => input.delegated_flow = v.clone(),
            "business_units" => input.business_units = v.clone(),
            "default_clinical_notes" => input.default_clinical_notes = v.clone(),
            "version" => version = v.trim().parse().ok(),
            other => {
                if let Some(billing_type) = other.strip_prefix(BILLING_PREFIX) {
                    billing
                        .entry(billing_type.to_string())
                        .or_default()
                        .push(v.clone());
                }
            }
        }
    }
    input.allowed_billing = billing;
    (input, version)
}

struct FormState {
    input: AccountConfigInput,
    version: Option<i32>,
    errors: FormErrors,
    form_error: Option<String>,
    unsaved: Vec<(&'static str, String)>,
}

fn form_page(chrome: Chrome, scope: &Scope, editing: Option<&str>, s: FormState) -> FormPage {
    let (heading, action, back_url, submit_label) = match editing {
        Some(id) => {
            let url = account_url(scope, id);
            (
                "Edit lab account".to_string(),
                format!("{url}/edit"),
                url,
                "Save changes",
            )
        }
        None => {
            let heading = if *scope == Scope::Platform {
                "New platform-managed lab account"
            } else {
                "New lab account"
            };
            (
                heading.to_string(),
                scope.base(),
                scope.base(),
                "Create lab account",
            )
        }
    };
    let lab_options = LabSlug::ALL
        .iter()
        .map(|l| SelectOption::new(l.as_str(), l.display_name(), Some(s.input.lab.as_str())))
        .collect();
    let delegation_current = if s.input.delegated_flow.is_empty() {
        "not_delegated"
    } else {
        s.input.delegated_flow.as_str()
    };
    let delegation_options = DelegatedFlow::ALL
        .iter()
        .map(|d| SelectOption::new(d.as_str(), d.label(), Some(delegation_current)))
        .collect();
    let billing_rows = US_STATES
        .iter()
        .map(|state| BillingRow {
            state,
            cells: BillingType::ALL
                .iter()
                .map(|b| BillingCell {
                    name: format!("{BILLING_PREFIX}{}", b.as_str()),
                    label: format!("{} in {state}", b.label()),
                    checked: s
                        .input
                        .allowed_billing
                        .get(b.as_str())
                        .is_some_and(|v| v.iter().any(|x| x.eq_ignore_ascii_case(state))),
                })
                .collect(),
        })
        .collect();
    FormPage {
        chrome,
        heading,
        action,
        back_url,
        submit_label,
        version: s.version,
        input: s.input,
        errors: s.errors,
        form_error: s.form_error,
        unsaved: s.unsaved,
        lab_options,
        delegation_options,
        billing_columns: BillingType::ALL.iter().map(|b| b.label()).collect(),
        billing_rows,
    }
}

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
    id: &str,
) -> Result<crate::domain::lab_account::LabAccount, AppError> {
    let account = load_visible(conn, p, scope, id)?;
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
    let page = run_db(&state, move |conn| {
        let chrome = chrome(conn, &p, &csrf, Some(&scope), "lab_accounts")?;
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
    let actor = user.actor();
    let (input, _) = parse_form(&pairs);
    let outcome = run_db(&state, move |conn| {
        let chrome = chrome(conn, &p, &csrf, Some(&scope), "lab_accounts")?;
        let owner = authorize_create(&p, &scope)?;
        match accounts_service::create(conn, &actor, &owner, &input) {
            Ok(id) => Ok(Err(account_url(&scope, &id))),
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
    id: String,
) -> Result<HttpResponse, AppError> {
    let p = user.principal.clone();
    let csrf = user.csrf.clone();
    let page = run_db(&state, move |conn| {
        let chrome = chrome(conn, &p, &csrf, Some(&scope), "lab_accounts")?;
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

/// The typed values that differ from the current ones, to show next to a refused stale edit.
fn unsaved_changes(
    typed: &AccountConfigInput,
    current: &AccountConfigInput,
) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let mut diff = |label: &'static str, a: &str, b: &str| {
        if a.trim() != b.trim() {
            out.push((
                label,
                if a.trim().is_empty() {
                    "(empty)".to_string()
                } else {
                    a.trim().to_string()
                },
            ));
        }
    };
    diff("Lab", &typed.lab, &current.lab);
    diff(
        "Account number",
        &typed.provider_account_id,
        &current.provider_account_id,
    );
    diff("Account name", &typed.account_name, &current.account_name);
    diff("Delegation", &typed.delegated_flow, &current.delegated_flow);
    diff(
        "Business units",
        &typed.business_units,
        &current.business_units,
    );
    diff(
        "Default clinical notes",
        &typed.default_clinical_notes,
        &current.default_clinical_notes,
    );
    let fmt_billing = |b: &BTreeMap<String, Vec<String>>| {
        b.iter()
            .map(|(k, v)| format!("{k}: {}", v.join(" ")))
            .collect::<Vec<_>>()
            .join("; ")
    };
    let (tb, cb) = (
        fmt_billing(&typed.allowed_billing),
        fmt_billing(&current.allowed_billing),
    );
    diff("Allowed billing", &tb, &cb);
    out
}

async fn update(
    state: web::Data<AppState>,
    user: SignedIn,
    scope: Scope,
    id: String,
    pairs: Vec<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let p = user.principal.clone();
    let csrf = user.csrf.clone();
    let actor = user.actor();
    let (input, version) = parse_form(&pairs);
    let outcome = run_db(&state, move |conn| {
        let chrome = chrome(conn, &p, &csrf, Some(&scope), "lab_accounts")?;
        authorize_edit(conn, &p, &scope, &id)?;
        let expected = version.ok_or_else(|| {
            AppError::rule(
                "missing_version",
                "The form is missing its version; reload the page.",
            )
        })?;
        match accounts_service::update(conn, &actor, &id, expected, &input) {
            Ok(()) => Ok(Err(account_url(&scope, &id))),
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

pub async fn org_new(
    state: web::Data<AppState>,
    user: SignedIn,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    new_form(state, user, Scope::Org(path.into_inner())).await
}

pub async fn platform_new(
    state: web::Data<AppState>,
    user: SignedIn,
) -> Result<HttpResponse, AppError> {
    new_form(state, user, Scope::Platform).await
}

pub async fn org_create(
    state: web::Data<AppState>,
    user: SignedIn,
    path: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    create(
        state,
        user,
        Scope::Org(path.into_inner()),
        form.into_inner(),
    )
    .await
}

pub async fn platform_create(
    state: web::Data<AppState>,
    user: SignedIn,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    create(state, user, Scope::Platform, form.into_inner()).await
}

pub async fn org_edit(
    state: web::Data<AppState>,
    user: SignedIn,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (org, id) = path.into_inner();
    edit_form(state, user, Scope::Org(org), id).await
}

pub async fn platform_edit(
    state: web::Data<AppState>,
    user: SignedIn,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    edit_form(state, user, Scope::Platform, path.into_inner()).await
}

pub async fn org_update(
    state: web::Data<AppState>,
    user: SignedIn,
    path: web::Path<(String, String)>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let (org, id) = path.into_inner();
    update(state, user, Scope::Org(org), id, form.into_inner()).await
}

pub async fn platform_update(
    state: web::Data<AppState>,
    user: SignedIn,
    path: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    update(
        state,
        user,
        Scope::Platform,
        path.into_inner(),
        form.into_inner(),
    )
    .await
}
