//! Lab interface keys, for CSMs: one scope per lab (a key delivers that lab's results for every
//! org), listed by lab with prefix, label, who created it and when; creating one redirects to the
//! key's page, which shows the secret once (a reload shows it no more and makes no key); revoking
//! asks first (htmx confirm dialog, or a confirmation page
//! without JavaScript) and the key gets 401 from its next delivery. Who may, and which keys:
//! `service::lab_keys`.
use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::{fmt_time, non_empty, SelectOption};
use crate::db::api_keys::ApiKeyRow;
use crate::db::DbConnection;
use crate::domain::ids::ApiKeyId;
use crate::domain::lab::LabSlug;
use crate::domain::scope::Scope;
use crate::error::AppError;
use crate::service::api_keys::{KeyError, KeyProblems};
use crate::service::lab_keys;
use crate::web::page::{render, render_with_status, see_other, Chrome, Nav, PageContext};
use crate::web::{run_db, session, urls, AppState};

#[derive(Deserialize)]
pub struct KeyPath {
    key: ApiKeyId,
}

fn platform_chrome(ctx: &PageContext, conn: &mut DbConnection) -> Result<Chrome, AppError> {
    ctx.chrome(conn, Some(&Scope::Platform), Nav::LabKeys)
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

fn keys_table(keys: Vec<ApiKeyRow>, message: Option<String>) -> LabKeysTable {
    let row = |k: ApiKeyRow| LabKeyRow {
        revoke_url: urls::revoke_lab_key(&k.id),
        lab: lab_name(k.lab_slug),
        prefix: k.prefix,
        label: k.label,
        created_by: k.created_by,
        created_at: fmt_time(&k.created_at),
        revoked_at: k.revoked_at.as_ref().map(fmt_time),
        id: k.id,
    };
    LabKeysTable {
        rows: keys.into_iter().map(row).collect(),
        message,
    }
}

#[derive(Template)]
#[template(path = "platform/lab_keys.html")]
struct KeysPage {
    chrome: Chrome,
    create_url: String,
    lab_options: Vec<SelectOption>,
    label: String,
    lab_error: Option<String>,
    label_error: Option<String>,
    keys: LabKeysTable,
}

/// What htmx gets back from a revoke: the keys, swapped in place.
#[derive(Template)]
#[template(path = "platform/_lab_keys.html")]
struct KeysFragment {
    keys: LabKeysTable,
}

/// A new key's page: its secret the first time it is opened, after that how to get a new one.
#[derive(Template)]
#[template(path = "platform/lab_key_created.html")]
struct CreatedPage {
    chrome: Chrome,
    lab: &'static str,
    label: String,
    prefix: String,
    secret: Option<String>,
    revoke_url: Option<String>,
    keys_url: String,
}

#[derive(Template)]
#[template(path = "platform/lab_key_revoke_confirm.html")]
struct RevokeConfirmPage {
    chrome: Chrome,
    lab: &'static str,
    prefix: String,
    label: String,
    action: String,
    back_url: String,
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

/// The list with the form for a new key; after a refusal, refilled with what was typed (`lab`)
/// and each field's problem.
fn keys_page(
    chrome: Chrome,
    keys: Vec<ApiKeyRow>,
    lab: Option<&str>,
    label: String,
    problems: KeyProblems,
) -> KeysPage {
    KeysPage {
        chrome,
        create_url: urls::lab_keys(),
        lab_options: LabSlug::ALL
            .iter()
            .map(|l| SelectOption::new(l.as_str(), l.display_name(), lab))
            .collect(),
        label,
        lab_error: problems.lab,
        label_error: problems.label,
        keys: keys_table(keys, None),
    }
}

pub async fn list(
    state: web::Data<AppState>,
    ctx: PageContext,
    q: web::Query<KeysQuery>,
) -> Result<HttpResponse, AppError> {
    let revoked = q.done.as_deref() == Some("revoked");
    let page = run_db(&state, move |conn| {
        let mut chrome = platform_chrome(&ctx, conn)?;
        chrome.notice = revoked.then(|| "Key revoked.".to_string());
        let keys = lab_keys::list(conn, &ctx.principal)?;
        Ok(keys_page(
            chrome,
            keys,
            None,
            String::new(),
            KeyProblems::default(),
        ))
    })
    .await?;
    render(&page)
}

enum Created {
    Key { id: ApiKeyId, secret: String },
    Refused(Box<KeysPage>),
}

/// Makes the key and redirects to its page, keeping the secret in the session for that page
/// only: reloading the page after it makes no second key (post/redirect/get).
pub async fn create(
    state: web::Data<AppState>,
    ctx: PageContext,
    session: Session,
    form: web::Form<CreateForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let typed_lab = non_empty(&form.lab).map(str::to_string);
    // A lab labdesk does not know is no lab: the service asks for one.
    let lab = typed_lab.as_deref().and_then(|l| l.parse::<LabSlug>().ok());
    let outcome = run_db(&state, move |conn| {
        let chrome = platform_chrome(&ctx, conn)?;
        let p = &ctx.principal;
        match lab_keys::create(conn, &ctx.actor(), p, lab, &form.label) {
            Ok(created) => Ok(Created::Key {
                id: created.key.id,
                secret: created.key.secret,
            }),
            Err(KeyError::Invalid(problems)) => {
                let keys = lab_keys::list(conn, p)?;
                let typed_lab = typed_lab.as_deref();
                let page = keys_page(chrome, keys, typed_lab, form.label, problems);
                Ok(Created::Refused(Box::new(page)))
            }
            Err(e) => Err(e.into()),
        }
    })
    .await?;
    match outcome {
        Created::Key { id, secret } => {
            session::keep_new_key_secret(&session, &id, secret)?;
            Ok(see_other(&urls::lab_key_created(&id)))
        }
        Created::Refused(page) => render_with_status(&*page, StatusCode::UNPROCESSABLE_ENTITY),
    }
}

/// A new key's page. The secret comes out of the session here, once: no store or cache keeps
/// this page (`no-store`), so Back and reload ask again and get the page without it.
pub async fn created(
    state: web::Data<AppState>,
    ctx: PageContext,
    session: Session,
    path: web::Path<KeyPath>,
) -> Result<HttpResponse, AppError> {
    let KeyPath { key } = path.into_inner();
    let id = key.clone();
    let mut page = run_db(&state, move |conn| {
        let chrome = platform_chrome(&ctx, conn)?;
        let key = lab_keys::to_revoke(conn, &ctx.principal, &id)?;
        let active = key.revoked_at.is_none();
        Ok(CreatedPage {
            chrome,
            lab: lab_name(key.lab_slug),
            keys_url: urls::lab_keys(),
            revoke_url: active.then(|| urls::revoke_lab_key(&key.id)),
            label: key.label,
            prefix: key.prefix,
            secret: None,
        })
    })
    .await?;
    // Taken only once the key is found and the person may manage it.
    page.secret = session::take_new_key_secret(&session, &key);
    render(&page)
}

pub async fn revoke_confirm(
    state: web::Data<AppState>,
    ctx: PageContext,
    path: web::Path<KeyPath>,
) -> Result<HttpResponse, AppError> {
    let KeyPath { key } = path.into_inner();
    let page = run_db(&state, move |conn| {
        let chrome = platform_chrome(&ctx, conn)?;
        let key = lab_keys::to_revoke(conn, &ctx.principal, &key)?;
        Ok(RevokeConfirmPage {
            chrome,
            lab: lab_name(key.lab_slug),
            action: urls::revoke_lab_key(&key.id),
            back_url: urls::lab_keys(),
            prefix: key.prefix,
            label: key.label,
        })
    })
    .await?;
    render(&page)
}

pub async fn revoke(
    state: web::Data<AppState>,
    ctx: PageContext,
    path: web::Path<KeyPath>,
) -> Result<HttpResponse, AppError> {
    let KeyPath { key } = path.into_inner();
    let hx = ctx.hx;
    let table = run_db(&state, move |conn| {
        let done = lab_keys::revoke(conn, &ctx.actor(), &ctx.principal, &key)?;
        let prefix = &done.revocation.key.prefix;
        let message = if done.revocation.changed {
            format!("Revoked key {prefix}…. Deliveries with it now get 401.")
        } else {
            format!("Key {prefix}… was already revoked.")
        };
        Ok(keys_table(done.keys, Some(message)))
    })
    .await?;
    // A POST has no whole page to answer: htmx swaps the keys, a plain form redirects.
    if hx.wants_fragment() {
        return render(&KeysFragment { keys: table });
    }
    Ok(see_other(&format!("{}?done=revoked", urls::lab_keys())))
}
