//! A Team's API keys, for the org's admins: the list (prefix, label, who and when, revoked),
//! creating one (the secret is on that one response and nowhere else, ever) and revoking one
//! (htmx confirm dialog, or a confirmation page without JavaScript).
use crate::web::pages::Nav;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::{chrome, fmt_time, render, render_with_status, see_other, Chrome, Scope};
use crate::db::api_keys::{self as keys_db, ApiKeyRow};
use crate::db::orgs::{self, Team};
use crate::db::DbConnection;
use crate::domain::access::{Action, Principal};
use crate::domain::api_key::validate_label;
use crate::domain::ids::{ApiKeyId, OrgId, TeamId};
use crate::error::AppError;
use crate::service::api_keys::{self as keys_service, KeyOwner};
use crate::service::policy;
use crate::web::htmx::is_htmx;
use crate::web::session::SignedIn;
use crate::web::urls;
use crate::web::{run_db, AppState};

/// The Team, if it is this org's and the person may manage its keys.
fn authorize_team(
    conn: &mut DbConnection,
    p: &Principal,
    org_id: &OrgId,
    team_id: &TeamId,
) -> Result<Team, AppError> {
    let team = orgs::find_team(conn, team_id)?.ok_or(AppError::NotFound)?;
    if team.org_id != *org_id {
        return Err(AppError::NotFound);
    }
    policy::authorize(
        p,
        Action::ManageTeamKeys {
            org_id,
            team_id: &team.id,
        },
    )?;
    Ok(team)
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

fn keys_table(
    conn: &mut DbConnection,
    org_id: &OrgId,
    team_id: &TeamId,
    message: Option<String>,
) -> Result<KeysTable, AppError> {
    let row = |k: ApiKeyRow| KeyRow {
        revoke_url: urls::revoke_team_key(org_id, team_id, &k.id),
        prefix: k.prefix,
        label: k.label,
        created_by: k.created_by,
        created_at: fmt_time(&k.created_at),
        revoked_at: k.revoked_at.as_ref().map(fmt_time),
        id: k.id,
    };
    Ok(KeysTable {
        rows: keys_db::list_for_team(conn, team_id)?
            .into_iter()
            .map(row)
            .collect(),
        message,
    })
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

#[derive(Template)]
#[template(path = "teams/_keys.html")]
struct KeysFragment {
    keys: KeysTable,
}

#[derive(Template)]
#[template(path = "teams/key_created.html")]
struct CreatedPage {
    chrome: Chrome,
    team_name: String,
    keys_url: String,
    label: String,
    prefix: String,
    secret: String,
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

fn keys_page(
    conn: &mut DbConnection,
    p: &Principal,
    chrome: Chrome,
    org_id: &OrgId,
    team_id: &TeamId,
    label: String,
    label_error: Option<String>,
) -> Result<KeysPage, AppError> {
    let team = authorize_team(conn, p, org_id, team_id)?;
    Ok(KeysPage {
        chrome,
        team_url: urls::team(org_id, &team.id),
        create_url: urls::team_keys(org_id, &team.id),
        keys: keys_table(conn, org_id, &team.id, None)?,
        team_name: team.name,
        label,
        label_error,
    })
}

pub async fn list(
    state: web::Data<AppState>,
    user: SignedIn,
    path: web::Path<(OrgId, TeamId)>,
    q: web::Query<KeysQuery>,
) -> Result<HttpResponse, AppError> {
    let p = user.principal.clone();
    let csrf = user.csrf.clone();
    let sandbox = state.settings.is_sandbox();
    let (org_id, team_id) = path.into_inner();
    let revoked = q.done.as_deref() == Some("revoked");
    let page = run_db(&state, move |conn| {
        let scope = Scope::Org(org_id.clone());
        let chrome = chrome(conn, &p, &csrf, sandbox, Some(&scope), Nav::Teams)?;
        let mut page = keys_page(conn, &p, chrome, &org_id, &team_id, String::new(), None)?;
        page.chrome.notice = revoked.then(|| "Key revoked.".to_string());
        Ok(page)
    })
    .await?;
    render(&page)
}

pub async fn create(
    state: web::Data<AppState>,
    user: SignedIn,
    path: web::Path<(OrgId, TeamId)>,
    form: web::Form<CreateForm>,
) -> Result<HttpResponse, AppError> {
    let p = user.principal.clone();
    let csrf = user.csrf.clone();
    let sandbox = state.settings.is_sandbox();
    let actor = user.actor();
    let (org_id, team_id) = path.into_inner();
    let typed = form.into_inner().label;
    let outcome = run_db(&state, move |conn| {
        let scope = Scope::Org(org_id.clone());
        let chrome = chrome(conn, &p, &csrf, sandbox, Some(&scope), Nav::Teams)?;
        let label = match validate_label(&typed) {
            Ok(label) => label,
            Err(message) => {
                let page = keys_page(conn, &p, chrome, &org_id, &team_id, typed, Some(message))?;
                return Ok(Err(page));
            }
        };
        let team = authorize_team(conn, &p, &org_id, &team_id)?;
        let owner = KeyOwner::Team {
            team_id: team.id.clone(),
            org_id: org_id.clone(),
        };
        let (id, secret) = keys_service::create(conn, &actor, &owner, &label)?;
        let prefix = keys_db::find(conn, &id)?
            .map(|k| k.prefix)
            .ok_or(AppError::NotFound)?;
        Ok(Ok(CreatedPage {
            chrome,
            keys_url: urls::team_keys(&org_id, &team.id),
            team_name: team.name,
            label,
            prefix,
            secret,
        }))
    })
    .await?;
    match outcome {
        // Rendered on this response only: nothing stores or repeats the secret, and no cache
        // may keep it.
        Ok(created) => Ok(render(&created)?),
        Err(form) => render_with_status(&form, StatusCode::UNPROCESSABLE_ENTITY),
    }
}

/// The Team and its key, for a revoke; another Team's key is "not found".
fn find_key(
    conn: &mut DbConnection,
    p: &Principal,
    org_id: &OrgId,
    team_id: &TeamId,
    key_id: &ApiKeyId,
) -> Result<(Team, ApiKeyRow), AppError> {
    let team = authorize_team(conn, p, org_id, team_id)?;
    let key = keys_db::find(conn, key_id)?
        .filter(|k| k.team_id.as_ref() == Some(&team.id))
        .ok_or(AppError::NotFound)?;
    Ok((team, key))
}

pub async fn revoke_confirm(
    state: web::Data<AppState>,
    user: SignedIn,
    path: web::Path<(OrgId, TeamId, ApiKeyId)>,
) -> Result<HttpResponse, AppError> {
    let p = user.principal.clone();
    let csrf = user.csrf.clone();
    let sandbox = state.settings.is_sandbox();
    let (org_id, team_id, key_id) = path.into_inner();
    let page = run_db(&state, move |conn| {
        let chrome = chrome(
            conn,
            &p,
            &csrf,
            sandbox,
            Some(&Scope::Org(org_id.clone())),
            Nav::Teams,
        )?;
        let (team, key) = find_key(conn, &p, &org_id, &team_id, &key_id)?;
        let back_url = urls::team_keys(&org_id, &team.id);
        Ok(RevokeConfirmPage {
            chrome,
            team_name: team.name,
            action: urls::revoke_team_key(&org_id, &team.id, &key.id),
            back_url,
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
    path: web::Path<(OrgId, TeamId, ApiKeyId)>,
) -> Result<HttpResponse, AppError> {
    let p = user.principal.clone();
    let actor = user.actor();
    let (org_id, team_id, key_id) = path.into_inner();
    let back = urls::team_keys(&org_id, &team_id);
    let table = run_db(&state, move |conn| {
        let (team, key) = find_key(conn, &p, &org_id, &team_id, &key_id)?;
        let revoked = keys_service::revoke_team_key(conn, &actor, &team.id, &key.id)?;
        let message = if revoked {
            format!(
                "Revoked key {}…. Programs using it now get 401.",
                key.prefix
            )
        } else {
            format!("Key {}… was already revoked.", key.prefix)
        };
        keys_table(conn, &org_id, &team.id, Some(message))
    })
    .await?;
    if is_htmx(&req) {
        return render(&KeysFragment { keys: table });
    }
    Ok(see_other(&format!("{back}?done=revoked")))
}
