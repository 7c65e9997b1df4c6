//! Lab interface keys, for CSMs: one scope per lab (a key delivers that lab's results for every
//! org), listed by lab with prefix, label, who created it and when; creating one shows the secret
//! on that one response only; revoking asks first (htmx confirm dialog, or a confirmation page
//! without JavaScript) and the key gets 401 from its next delivery.
use crate::web::pages::Nav;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::{chrome, fmt_time, render, render_with_status, see_other, Chrome, Scope};
use super::{non_empty, SelectOption};
use crate::db::api_keys::{self as keys_db, ApiKeyRow};
use crate::db::DbConnection;
use crate::domain::access::{Action, Principal};
use crate::domain::api_key::{validate_label, KeyScope};
use crate::domain::ids::ApiKeyId;
use crate::domain::lab::LabSlug;
use crate::error::AppError;
use crate::service::api_keys::{self as keys_service, KeyOwner};
use crate::service::policy;
use crate::web::htmx::is_htmx;
use crate::web::session::SignedIn;
use crate::web::{run_db, AppState};

pub const BASE: &str = "/platform/lab_keys";

fn platform_chrome(
    conn: &mut DbConnection,
    p: &Principal,
    csrf: &str,
    sandbox: bool,
) -> Result<Chrome, AppError> {
    let chrome = chrome(conn, p, csrf, sandbox, Some(&Scope::Platform), Nav::LabKeys)?;
    policy::authorize(p, Action::ManageLabKeys)?;
    Ok(chrome)
}

fn lab_name(slug: Option<LabSlug>) -> &'static str {
    slug.map(LabSlug::display_name).unwrap_or("")
}

pub struct LabKeyRow {
    pub id: ApiKeyId,
    pub lab: &'static str,
    pub prefix: String,
    pub label: String,
    pub created_by: String,
    pub created_at: String,
    pub revoked_at: Option<String>,
    pub revoke_url: String,
}

pub struct LabKeysTable {
    pub rows: Vec<LabKeyRow>,
    pub message: Option<String>,
}

fn keys_table(conn: &mut DbConnection, message: Option<String>) -> Result<LabKeysTable, AppError> {
    let row = |k: ApiKeyRow| LabKeyRow {
        revoke_url: format!("{BASE}/{}/revoke", k.id),
        lab: lab_name(k.lab_slug),
        prefix: k.prefix,
        label: k.label,
        created_by: k.created_by,
        created_at: fmt_time(&k.created_at),
        revoked_at: k.revoked_at.as_ref().map(fmt_time),
        id: k.id,
    };
    Ok(LabKeysTable {
        rows: keys_db::list_lab_keys(conn)?.into_iter().map(row).collect(),
        message,
    })
}

#[derive(Template)]
#[template(path = "platform/lab_keys.html")]
struct KeysPage {
    chrome: Chrome,
    create_url: &'static str,
    lab_options: Vec<SelectOption>,
    label: String,
    lab_error: Option<String>,
    label_error: Option<String>,
    keys: LabKeysTable,
}

#[derive(Template)]
#[template(path = "platform/_lab_keys.html")]
struct KeysFragment {
    keys: LabKeysTable,
}

#[derive(Template)]
#[template(path = "platform/lab_key_created.html")]
struct CreatedPage {
    chrome: Chrome,
    lab: String,
    label: String,
    prefix: String,
    secret: String,
    keys_url: &'static str,
}

#[derive(Template)]
#[template(path = "platform/lab_key_revoke_confirm.html")]
struct RevokeConfirmPage {
    chrome: Chrome,
    lab: &'static str,
    prefix: String,
    label: String,
    action: String,
    back_url: &'static str,
}

#[derive(Deserialize)]
pub struct KeysQuery {
    done: Option<String>,
}

#[derive(Deserialize)]
pub struct CreateForm {
    #[serde(default)]
    lab: Option<String>,
    #[serde(default)]
    label: String,
}

fn keys_page(
    conn: &mut DbConnection,
    chrome: Chrome,
    lab: Option<&str>,
    label: String,
    lab_error: Option<String>,
    label_error: Option<String>,
) -> Result<KeysPage, AppError> {
    Ok(KeysPage {
        chrome,
        create_url: BASE,
        lab_options: LabSlug::ALL
            .iter()
            .map(|l| SelectOption::new(l.as_str(), l.display_name(), lab))
            .collect(),
        label,
        lab_error,
        label_error,
        keys: keys_table(conn, None)?,
    })
}

pub async fn list(
    state: web::Data<AppState>,
    user: SignedIn,
    q: web::Query<KeysQuery>,
) -> Result<HttpResponse, AppError> {
    let p = user.principal.clone();
    let csrf = user.csrf.clone();
    let sandbox = state.settings.is_sandbox();
    let revoked = q.done.as_deref() == Some("revoked");
    let page = run_db(&state, move |conn| {
        let mut chrome = platform_chrome(conn, &p, &csrf, sandbox)?;
        chrome.notice = revoked.then(|| "Key revoked.".to_string());
        keys_page(conn, chrome, None, String::new(), None, None)
    })
    .await?;
    render(&page)
}

pub async fn create(
    state: web::Data<AppState>,
    user: SignedIn,
    form: web::Form<CreateForm>,
) -> Result<HttpResponse, AppError> {
    let p = user.principal.clone();
    let csrf = user.csrf.clone();
    let sandbox = state.settings.is_sandbox();
    let actor = user.actor();
    let form = form.into_inner();
    let outcome = run_db(&state, move |conn| {
        let chrome = platform_chrome(conn, &p, &csrf, sandbox)?;
        let typed_lab = non_empty(&form.lab).map(str::to_string);
        let lab = typed_lab.as_deref().map(str::parse::<LabSlug>);
        let label = validate_label(&form.label);
        let (lab, label) = match (lab, label) {
            (Some(Ok(lab)), Ok(label)) => (lab, label),
            (lab, label) => {
                let lab_error = match lab {
                    Some(Ok(_)) => None,
                    _ => Some("Choose the lab that will deliver results with this key.".into()),
                };
                let page = keys_page(
                    conn,
                    chrome,
                    typed_lab.as_deref(),
                    form.label.clone(),
                    lab_error,
                    label.err(),
                )?;
                return Ok(Err(page));
            }
        };
        let owner = KeyOwner::Lab { slug: lab };
        let (id, secret) = keys_service::create(conn, &actor, &owner, &label)?;
        let prefix = keys_db::find(conn, &id)?
            .map(|k| k.prefix)
            .ok_or(AppError::NotFound)?;
        Ok(Ok(CreatedPage {
            chrome,
            lab: lab.display_name().to_string(),
            label,
            prefix,
            secret,
            keys_url: BASE,
        }))
    })
    .await?;
    match outcome {
        // The secret is on this response only: nothing stores or repeats it, no cache keeps it.
        Ok(created) => Ok(render(&created)?),
        Err(form) => render_with_status(&form, StatusCode::UNPROCESSABLE_ENTITY),
    }
}

/// A lab interface key; any other key (a Team's, an org's) is "not found" here.
fn find_key(conn: &mut DbConnection, key_id: &ApiKeyId) -> Result<ApiKeyRow, AppError> {
    keys_db::find(conn, key_id)?
        .filter(|k| k.scope == KeyScope::Lab)
        .ok_or(AppError::NotFound)
}

pub async fn revoke_confirm(
    state: web::Data<AppState>,
    user: SignedIn,
    path: web::Path<ApiKeyId>,
) -> Result<HttpResponse, AppError> {
    let p = user.principal.clone();
    let csrf = user.csrf.clone();
    let sandbox = state.settings.is_sandbox();
    let key_id = path.into_inner();
    let page = run_db(&state, move |conn| {
        let chrome = platform_chrome(conn, &p, &csrf, sandbox)?;
        let key = find_key(conn, &key_id)?;
        Ok(RevokeConfirmPage {
            chrome,
            lab: lab_name(key.lab_slug),
            action: format!("{BASE}/{}/revoke", key.id),
            back_url: BASE,
            prefix: key.prefix,
            label: key.label,
        })
    })
    .await?;
    render(&page)
}

pub async fn revoke(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: SignedIn,
    path: web::Path<ApiKeyId>,
) -> Result<HttpResponse, AppError> {
    let p = user.principal.clone();
    let csrf = user.csrf.clone();
    let sandbox = state.settings.is_sandbox();
    let actor = user.actor();
    let key_id = path.into_inner();
    let table = run_db(&state, move |conn| {
        platform_chrome(conn, &p, &csrf, sandbox)?;
        let key = find_key(conn, &key_id)?;
        let revoked = keys_service::revoke_lab_key(conn, &actor, &key.id)?;
        let message = if revoked {
            format!(
                "Revoked key {}…. Deliveries with it now get 401.",
                key.prefix
            )
        } else {
            format!("Key {}… was already revoked.", key.prefix)
        };
        keys_table(conn, Some(message))
    })
    .await?;
    if is_htmx(&req) {
        return render(&KeysFragment { keys: table });
    }
    Ok(see_other(&format!("{BASE}?done=revoked")))
}
