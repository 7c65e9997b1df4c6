//! Org Management API (`X-Management-Key`): the org's lab accounts, allowlist replace, Teams.
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::keys::OrgKey;
use super::query;
use super::wire::{
    rfc3339, ClientFacingLabAccount, LabAccountResponse, LabAccountsResponse, TeamItem,
    TeamListResponse,
};
use crate::db::lab_accounts::{self as accounts_db, AccountFilter, TeamScope};
use crate::domain::ids::{LabAccountId, OrgId, TeamId};
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::service::lab_accounts as accounts_service;
use crate::service::teams::{self as teams_service, OrgTeamsError};
use crate::web::{run_db, AppState};

/// Parses the path's `{org_id}` segment: it must be the key's org and `{env}/{region}` this
/// deployment's; otherwise 404.
fn check_target(
    state: &AppState,
    key: &OrgKey,
    org_segment: &str,
    env: Option<(&str, &str)>,
) -> Result<OrgId, AppError> {
    let org_id: OrgId = query::uuid("path", "org_id", org_segment)?;
    if org_id != key.org_id {
        return Err(AppError::NotFound);
    }
    if let Some((env, region)) = env {
        if env != state.settings.deployment_env || region != state.settings.region {
            return Err(AppError::NotFound);
        }
    }
    Ok(org_id)
}

#[derive(Deserialize)]
pub struct OrgLabAccountQuery {
    lab_account_id: Option<String>,
    team_id: Option<String>,
    status: Option<String>,
}

/// `GET /v1/org/{org_id}/lab_account/{env}/{region}`
pub async fn lab_accounts(
    state: web::Data<AppState>,
    key: OrgKey,
    path: web::Path<(String, String, String)>,
    q: web::Query<OrgLabAccountQuery>,
) -> Result<HttpResponse, AppError> {
    let (org_id, env, region) = path.into_inner();
    let org_id = check_target(&state, &key, &org_id, Some((&env, &region)))?;
    let filter = AccountFilter {
        status: query::optional_status(&q.status)?,
        account_id: query::optional_uuid("lab_account_id", &q.lab_account_id)?,
        team_id: query::optional_uuid("team_id", &q.team_id)?,
        ..AccountFilter::default()
    };
    let accounts = run_db(&state, move |conn| {
        accounts_db::list_for_org(conn, &org_id, &filter)
    })
    .await?;
    Ok(HttpResponse::Ok().json(LabAccountsResponse {
        data: accounts.iter().map(ClientFacingLabAccount::from).collect(),
    }))
}

/// Reads `{"team_id_allowlist": [uuid, ...]}`, reporting every bad part with its location.
fn parse_allowlist(body: &[u8]) -> Result<Vec<TeamId>, AppError> {
    let mut errors = FieldErrors::default();
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|e| {
        let mut errors = FieldErrors::default();
        errors.push("body", format!("JSON decode error: {e}"), "json_invalid");
        if let Some(err) = errors.0.first_mut() {
            err.loc = vec!["body".into()];
        }
        AppError::invalid(errors)
    })?;
    let Some(list) = value.get("team_id_allowlist") else {
        errors.push("team_id_allowlist", "Field required", "missing");
        return Err(AppError::invalid(errors));
    };
    let Some(items) = list.as_array() else {
        errors.push(
            "team_id_allowlist",
            "Input should be a valid list",
            "list_type",
        );
        return Err(AppError::invalid(errors));
    };
    let mut ids = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match item.as_str().and_then(|s| uuid::Uuid::parse_str(s).ok()) {
            Some(u) => ids.push(TeamId::from(u)),
            None => {
                errors.push(
                    "team_id_allowlist",
                    "Input should be a valid UUID",
                    "uuid_parsing",
                );
                if let Some(last) = errors.0.last_mut() {
                    last.loc.push(i.to_string());
                }
            }
        }
    }
    errors.into_result(ids).map_err(AppError::invalid)
}

/// `PATCH /v1/org/{org_id}/lab_account/{env}/{region}/{account_id}`: atomic full replace.
pub async fn replace_allowlist(
    state: web::Data<AppState>,
    key: OrgKey,
    path: web::Path<(String, String, String, String)>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let (org_id, env, region, account_id) = path.into_inner();
    let org_id = check_target(&state, &key, &org_id, Some((&env, &region)))?;
    let account_id: LabAccountId = query::uuid("path", "account_id", &account_id)?;
    let team_ids = parse_allowlist(&body)?;
    let actor = key.actor.clone();
    let account = run_db(&state, move |conn| {
        accounts_service::replace_allowlist(conn, &actor, &org_id, &account_id, &team_ids)?;
        accounts_db::find(conn, &account_id, TeamScope::Org(&org_id))?.ok_or(AppError::NotFound)
    })
    .await?;
    Ok(HttpResponse::Ok().json(LabAccountResponse {
        lab_account: ClientFacingLabAccount::from(&account),
    }))
}

/// `GET /v1/org/{org_id}/team`
#[derive(Deserialize)]
pub struct TeamListQuery {
    next_cursor: Option<String>,
}

/// `GET /v1/org/{org_id}/team`: the org's Teams by name, `API_TEAMS_PER_PAGE` at a time; the
/// answer's `next_cursor` asks for the next page.
pub async fn teams(
    state: web::Data<AppState>,
    key: OrgKey,
    path: web::Path<String>,
    q: web::Query<TeamListQuery>,
) -> Result<HttpResponse, AppError> {
    let org_id = check_target(&state, &key, &path.into_inner(), None)?;
    let cursor: Option<TeamId> = query::optional_uuid("next_cursor", &q.next_cursor)?;
    let page = run_db(&state, move |conn| {
        match teams_service::org_teams(conn, &org_id, cursor.as_ref()) {
            Ok(page) => Ok(page),
            Err(OrgTeamsError::UnknownCursor) => Err(query::invalid_value(
                "next_cursor",
                "next_cursor does not name a Team of this org: start again without it",
            )),
            Err(OrgTeamsError::Failed(e)) => Err(e),
        }
    })
    .await?;
    Ok(HttpResponse::Ok().json(TeamListResponse {
        teams: page
            .teams
            .iter()
            .map(|t| TeamItem {
                id: t.id.clone(),
                name: t.name.clone(),
                created_on: rfc3339(&t.created_at),
            })
            .collect(),
        next_cursor: page.next.map(|id| id.to_string()),
    }))
}
