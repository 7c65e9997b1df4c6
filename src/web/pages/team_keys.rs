//! A Team's API keys, for the org's admins: the list (prefix, label, who and when, revoked),
//! creating one (it redirects to the key's page, which shows the secret once: a reload shows it
//! no more and makes no key) and revoking one
//! (htmx confirm dialog, or a confirmation page without JavaScript). Who may, which Team and
//! which key: `service::team_keys`.
use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::fmt_time;
use crate::db::api_keys::ApiKeyRow;
use crate::domain::ids::{ApiKeyId, OrgId, TeamId};
use crate::domain::scope::Scope;
use crate::error::AppError;
use crate::service::api_keys::KeyError;
use crate::service::team_keys::{self, KeyOfTeam, TeamKeys};
use crate::web::page::{render, render_with_status, see_other, Chrome, Nav, PageContext};
use crate::web::{run_db, session, urls, AppState};

#[derive(Deserialize)]
pub struct TeamPath {
    org: OrgId,
    team: TeamId,
}

#[derive(Deserialize)]
pub struct KeyPath {
    org: OrgId,
    team: TeamId,
    key: ApiKeyId,
}

pub struct KeyRow {
    pub id: ApiKeyId,
    pub prefix: String,
    pub label: String,
    pub created_by: String,
    pub created_at: String,
    pub revoked_at: Option<String>,
    pub revoke_url: String,
}

pub struct KeysTable {
    pub rows: Vec<KeyRow>,
    pub message: Option<String>,
}

fn keys_table(org_id: &OrgId, keys: &TeamKeys, message: Option<String>) -> KeysTable {
    let team_id = &keys.team.id;
    let row = |k: &ApiKeyRow| KeyRow {
        revoke_url: urls::revoke_team_key(org_id, team_id, &k.id),
        prefix: k.prefix.clone(),
        label: k.label.clone(),
        created_by: k.created_by.clone(),
        created_at: fmt_time(&k.created_at),
        revoked_at: k.revoked_at.as_ref().map(fmt_time),
        id: k.id.clone(),
    };
    KeysTable {
        rows: keys.keys.iter().map(row).collect(),
        message,
    }
}

#[derive(Template)]
#[template(path = "teams/keys.html")]
struct KeysPage {
    chrome: Chrome,
    team_name: String,
    team_url: String,
    create_url: String,
    label: String,
    label_error: Option<String>,
    keys: KeysTable,
}

/// What htmx gets back from a revoke: the keys, swapped in place.
#[derive(Template)]
#[template(path = "teams/_keys.html")]
struct KeysFragment {
    keys: KeysTable,
}

/// A new key's page: its secret the first time it is opened, after that how to get a new one.
#[derive(Template)]
#[template(path = "teams/key_created.html")]
struct CreatedPage {
    chrome: Chrome,
    team_name: String,
    keys_url: String,
    revoke_url: Option<String>,
    label: String,
    prefix: String,
    secret: Option<String>,
}

#[derive(Template)]
#[template(path = "teams/key_revoke_confirm.html")]
struct RevokeConfirmPage {
    chrome: Chrome,
    team_name: String,
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
    label: String,
}

/// The list with the form for a new key (refilled with what was typed after a refusal).
fn keys_page(
    chrome: Chrome,
    org_id: &OrgId,
    keys: TeamKeys,
    label: String,
    label_error: Option<String>,
) -> KeysPage {
    KeysPage {
        chrome,
        team_url: urls::team(org_id, &keys.team.id),
        create_url: urls::team_keys(org_id, &keys.team.id),
        keys: keys_table(org_id, &keys, None),
        team_name: keys.team.name,
        label,
        label_error,
    }
}

pub async fn list(
    state: web::Data<AppState>,
    ctx: PageContext,
    path: web::Path<TeamPath>,
    q: web::Query<KeysQuery>,
) -> Result<HttpResponse, AppError> {
    let TeamPath { org, team } = path.into_inner();
    let revoked = q.done.as_deref() == Some("revoked");
    let page = run_db(&state, move |conn| {
        let mut chrome = ctx.chrome(conn, Some(&Scope::Org(org.clone())), Nav::Teams)?;
        chrome.notice = revoked.then(|| "Key revoked.".to_string());
        let keys = team_keys::list(conn, &ctx.principal, &org, &team)?;
        Ok(keys_page(chrome, &org, keys, String::new(), None))
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
    path: web::Path<TeamPath>,
    form: web::Form<CreateForm>,
) -> Result<HttpResponse, AppError> {
    let TeamPath { org, team } = path.into_inner();
    let typed = form.into_inner().label;
    let (org_id, team_id) = (org.clone(), team.clone());
    let outcome = run_db(&state, move |conn| {
        let chrome = ctx.chrome(conn, Some(&Scope::Org(org.clone())), Nav::Teams)?;
        let p = &ctx.principal;
        match team_keys::create(conn, &ctx.actor(), p, &org, &team, &typed) {
            Ok(created) => Ok(Created::Key {
                id: created.key.id,
                secret: created.key.secret,
            }),
            Err(KeyError::Invalid(problems)) => {
                let keys = team_keys::list(conn, p, &org, &team)?;
                let page = keys_page(chrome, &org, keys, typed, problems.label);
                Ok(Created::Refused(Box::new(page)))
            }
            Err(e) => Err(e.into()),
        }
    })
    .await?;
    match outcome {
        Created::Key { id, secret } => {
            session::keep_new_key_secret(&session, &id, secret)?;
            Ok(see_other(&urls::team_key_created(&org_id, &team_id, &id)))
        }
        Created::Refused(page) => render_with_status(&*page, StatusCode::UNPROCESSABLE_ENTITY),
    }
}

/// A new key's page, the secret on its first showing only (as for lab keys, see
/// `lab_keys::created`).
pub async fn created(
    state: web::Data<AppState>,
    ctx: PageContext,
    session: Session,
    path: web::Path<KeyPath>,
) -> Result<HttpResponse, AppError> {
    let KeyPath { org, team, key } = path.into_inner();
    let id = key.clone();
    let page = run_db(&state, move |conn| {
        let chrome = ctx.chrome(conn, Some(&Scope::Org(org.clone())), Nav::Teams)?;
        let p = &ctx.principal;
        let KeyOfTeam { team, key } = team_keys::to_revoke(conn, p, &org, &team, &id)?;
        let revoke_url = urls::revoke_team_key(&org, &team.id, &key.id);
        Ok(CreatedPage {
            chrome,
            secret: None,
            keys_url: urls::team_keys(&org, &team.id),
            revoke_url: key.revoked_at.is_none().then_some(revoke_url),
            team_name: team.name,
            label: key.label,
            prefix: key.prefix,
        })
    })
    .await?;
    // Only once the key is found and the person may manage it does the session give it up.
    render(&CreatedPage {
        secret: session::take_new_key_secret(&session, &key),
        ..page
    })
}

pub async fn revoke_confirm(
    state: web::Data<AppState>,
    ctx: PageContext,
    path: web::Path<KeyPath>,
) -> Result<HttpResponse, AppError> {
    let KeyPath { org, team, key } = path.into_inner();
    let page = run_db(&state, move |conn| {
        let chrome = ctx.chrome(conn, Some(&Scope::Org(org.clone())), Nav::Teams)?;
        let found = team_keys::to_revoke(conn, &ctx.principal, &org, &team, &key)?;
        Ok(RevokeConfirmPage {
            chrome,
            action: urls::revoke_team_key(&org, &found.team.id, &found.key.id),
            back_url: urls::team_keys(&org, &found.team.id),
            team_name: found.team.name,
            prefix: found.key.prefix,
            label: found.key.label,
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
    let KeyPath { org, team, key } = path.into_inner();
    let back = urls::team_keys(&org, &team);
    let hx = ctx.hx;
    let table = run_db(&state, move |conn| {
        let done = team_keys::revoke(conn, &ctx.actor(), &ctx.principal, &org, &team, &key)?;
        let prefix = &done.revocation.key.prefix;
        let message = if done.revocation.changed {
            format!("Revoked key {prefix}…. Programs using it now get 401.")
        } else {
            format!("Key {prefix}… was already revoked.")
        };
        Ok(keys_table(&org, &done.keys, Some(message)))
    })
    .await?;
    // A POST has no whole page to answer: htmx swaps the keys, a plain form redirects.
    if hx.wants_fragment() {
        return render(&KeysFragment { keys: table });
    }
    Ok(see_other(&format!("{back}?done=revoked")))
}
