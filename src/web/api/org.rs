//! Org Management API (`X-Management-Key`): the org's lab accounts, allowlist replace, Teams,
//! and labdesk's extension: bulk link or unlink.
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

use super::keys::OrgKey;
use super::query;
use super::wire::{
    rfc3339, ClientFacingLabAccount, LabAccountResponse, LabAccountsResponse, TeamItem,
    TeamListResponse,
};
use crate::db::lab_accounts::{self as accounts_db, AccountFilter, TeamScope};
use crate::domain::bulk_links::{preview_summary, summary, BulkAction, Outcome, Refusal};
use crate::domain::ids::{BulkLinkId, LabAccountId, OrgId, TeamId};
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::service::bulk_links::{self as bulk, BulkRequest, Preview, Requester};
use crate::service::lab_accounts as accounts_service;
use crate::service::teams::{self as teams_service, OrgTeamsError};
use crate::web::{run_db, AppState};

/// Parses the path's `{org_id}` segment: it must be the key's org and `{env}/{region}` this
/// deployment's; otherwise 404.
pub(super) fn check_target(
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

/// The body as JSON, or a 422 at `["body"]`.
pub(super) fn json_body(body: &[u8]) -> Result<serde_json::Value, AppError> {
    serde_json::from_slice(body).map_err(|e| {
        let mut errors = FieldErrors::default();
        errors.push_at(&["body"], format!("JSON decode error: {e}"), "json_invalid");
        AppError::invalid(errors)
    })
}

/// The required list of UUIDs `field` of `value`; each bad part is reported at its location.
fn uuid_list<T: From<uuid::Uuid>>(
    value: &serde_json::Value,
    field: &str,
    errors: &mut FieldErrors,
) -> Vec<T> {
    let Some(list) = value.get(field) else {
        errors.push(field, "Field required", "missing");
        return Vec::new();
    };
    let Some(items) = list.as_array() else {
        errors.push(field, "Input should be a valid list", "list_type");
        return Vec::new();
    };
    let mut ids = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match item.as_str().and_then(|s| uuid::Uuid::parse_str(s).ok()) {
            Some(u) => ids.push(T::from(u)),
            None => errors.push_at(
                &["body", field, &i.to_string()],
                "Input should be a valid UUID",
                "uuid_parsing",
            ),
        }
    }
    ids
}

/// Reads `{"team_id_allowlist": [uuid, ...]}`, reporting every bad part with its location.
fn parse_allowlist(body: &[u8]) -> Result<Vec<TeamId>, AppError> {
    let value = json_body(body)?;
    let mut errors = FieldErrors::default();
    let ids = uuid_list(&value, "team_id_allowlist", &mut errors);
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

/// A checked bulk link request: what to do, and whether only to say what it would do.
struct BulkLinkInput {
    request: BulkRequest,
    dry_run: bool,
}

/// Reads `{"lab_account_ids": [uuid], "team_ids": [uuid], "action": "link"|"unlink",
/// "dry_run": bool}` (`dry_run` may be left out: false), reporting every bad part.
fn parse_bulk_link(body: &[u8]) -> Result<BulkLinkInput, AppError> {
    let value = json_body(body)?;
    let mut errors = FieldErrors::default();
    let accounts: Vec<LabAccountId> = uuid_list(&value, "lab_account_ids", &mut errors);
    let teams: Vec<TeamId> = uuid_list(&value, "team_ids", &mut errors);
    let action = match value
        .get("action")
        .map(|a| a.as_str().map(str::parse::<BulkAction>))
    {
        None => {
            errors.push("action", "Field required", "missing");
            None
        }
        Some(Some(Ok(a))) => Some(a),
        Some(_) => {
            errors.push("action", "Input should be 'link' or 'unlink'", "enum");
            None
        }
    };
    let dry_run = match value.get("dry_run") {
        None | Some(serde_json::Value::Null) => false,
        Some(serde_json::Value::Bool(b)) => *b,
        Some(_) => {
            errors.push("dry_run", "Input should be a valid boolean", "bool_type");
            false
        }
    };
    let (Some(action), true) = (action, errors.is_empty()) else {
        return Err(AppError::invalid(errors));
    };
    let request = BulkRequest::new(action, &accounts, &teams).map_err(AppError::invalid)?;
    Ok(BulkLinkInput { request, dry_run })
}

/// One (account, Team) pair of a bulk link answer.
#[derive(Serialize)]
struct BulkLinkPair {
    lab_account_id: LabAccountId,
    team_id: TeamId,
    /// `added`, `already_linked`, `removed`, `not_linked` or `refused`.
    outcome: &'static str,
    /// For a removed link: the Team's open orders on the account (they keep it).
    open_orders: Option<i64>,
    /// For a refused pair: why, in words, and as a code.
    reason: Option<&'static str>,
    code: Option<&'static str>,
}

#[derive(Serialize)]
struct BulkLinkResponse {
    /// The applied action's id (None for a dry run).
    bulk_id: Option<BulkLinkId>,
    action: BulkAction,
    dry_run: bool,
    summary: String,
    pairs: Vec<BulkLinkPair>,
}

fn bulk_answer(
    preview: &Preview,
    bulk_id: Option<BulkLinkId>,
    req: &BulkRequest,
) -> BulkLinkResponse {
    let plan = &preview.plan;
    BulkLinkResponse {
        dry_run: bulk_id.is_none(),
        summary: match bulk_id {
            None => preview_summary(plan),
            Some(_) => summary(
                plan.action,
                req.account_ids.len(),
                req.team_ids.len(),
                plan.changed_count(),
                plan.unchanged_count(),
            ),
        },
        bulk_id,
        action: plan.action,
        pairs: plan
            .pairs
            .iter()
            .map(|p| {
                let refusal = match &p.outcome {
                    Outcome::Refused(r) => Some(r),
                    _ => None,
                };
                BulkLinkPair {
                    lab_account_id: p.account_id.clone(),
                    team_id: p.team_id.clone(),
                    outcome: p.outcome.code(),
                    open_orders: (p.outcome == Outcome::Removed)
                        .then(|| preview.open_orders(&p.account_id, &p.team_id)),
                    reason: refusal.map(Refusal::message),
                    code: refusal.map(Refusal::code),
                }
            })
            .collect(),
    }
}

/// `POST /v1/org/{org_id}/lab_account/bulk_link` (labdesk extension): links or unlinks every
/// account to every Team in one transaction with an audit row per change, or with `dry_run`
/// only says what would change. Any refused pair refuses the whole request (400).
pub async fn bulk_link(
    state: web::Data<AppState>,
    key: OrgKey,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let org_id = check_target(&state, &key, &path.into_inner(), None)?;
    let input = parse_bulk_link(&body)?;
    let actor = key.actor.clone();
    let answer = run_db(&state, move |conn| {
        let req = &input.request;
        if input.dry_run {
            let preview = bulk::preview(conn, Requester::OrgKey, &org_id, req)?;
            return Ok(bulk_answer(&preview, None, req));
        }
        let applied = bulk::apply(conn, Requester::OrgKey, &actor, &org_id, req)?;
        Ok(bulk_answer(&applied.preview, Some(applied.id), req))
    })
    .await?;
    Ok(HttpResponse::Ok().json(answer))
}
