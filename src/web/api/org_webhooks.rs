//! Org Management API, labdesk's extension: a Team's webhook endpoints
//! (`/v1/org/{org_id}/team/{team_id}/webhook_endpoint`). The signing secret is in the answer to
//! creating an endpoint and to rotating its secret, never elsewhere.
use actix_web::{web, HttpResponse};
use serde_json::{json, Value};

use super::keys::OrgKey;
use super::org::{check_target, json_body};
use super::query;
use super::wire::rfc3339;
use crate::db::webhooks::{AttemptView, EndpointRow};
use crate::domain::ids::{OrgId, TeamId, WebhookDeliveryId, WebhookEndpointId};
use crate::domain::validation::FieldErrors;
use crate::domain::webhooks::FAILING_AFTER;
use crate::error::AppError;
use crate::service::webhooks::endpoints::{
    self as service, EndpointError, EndpointInput, EndpointProblems, Manager,
};
use crate::web::{run_db, AppState};

/// `active`, `failing` (the last attempts in a row failed) or `disabled`.
pub fn endpoint_status(e: &EndpointRow) -> &'static str {
    if !e.enabled {
        "disabled"
    } else if e.consecutive_failures >= FAILING_AFTER {
        "failing"
    } else {
        "active"
    }
}

fn endpoint_json(e: &EndpointRow, pending: Option<i64>) -> Value {
    json!({
        "id": e.id,
        "team_id": e.team_id,
        "url": e.url,
        "description": e.description,
        "event_types": e.types(),
        "enabled": e.enabled,
        "status": endpoint_status(e),
        "consecutive_failures": e.consecutive_failures,
        "pending_deliveries": pending,
        "created_at": rfc3339(&e.created_at),
        "updated_at": rfc3339(&e.updated_at),
    })
}

fn attempt_json(a: &AttemptView) -> Value {
    json!({
        "id": a.attempt.id,
        "delivery_id": a.attempt.delivery_id,
        "event_id": a.event_id,
        "event_type": a.event_type,
        "attempted_at": rfc3339(&a.attempt.attempted_at),
        "status_code": a.attempt.status_code,
        "latency_ms": a.attempt.latency_ms,
        "error": a.attempt.error,
        "response": a.attempt.response_snippet,
        "delivery_state": a.delivery_state,
    })
}

/// The path's org (the key's) and Team.
fn target(
    state: &AppState,
    key: &OrgKey,
    org: &str,
    team: &str,
) -> Result<(OrgId, TeamId), AppError> {
    let org_id = check_target(state, key, org, None)?;
    let team_id: TeamId = query::uuid("path", "team_id", team)?;
    Ok((org_id, team_id))
}

fn invalid(problems: EndpointProblems) -> AppError {
    let mut errors = FieldErrors::default();
    for (field, problem) in [
        ("url", problems.url),
        ("description", problems.description),
        ("event_types", problems.event_types),
    ] {
        if let Some(msg) = problem {
            errors.push_at(&["body", field], msg, "value_error");
        }
    }
    AppError::invalid(errors)
}

fn endpoint_error(e: EndpointError) -> AppError {
    match e {
        EndpointError::Invalid(problems) => invalid(problems),
        EndpointError::Failed(e) => e,
    }
}

/// The body's fields over `base` (a PATCH changes only what it names).
fn input(body: &[u8], mut base: EndpointInput) -> Result<EndpointInput, AppError> {
    let value = json_body(body)?;
    let Some(object) = value.as_object() else {
        let mut errors = FieldErrors::default();
        errors.push_at(
            &["body"],
            "Input should be a valid dictionary or object",
            "dict_type",
        );
        return Err(AppError::invalid(errors));
    };
    let mut errors = FieldErrors::default();
    let mut text = |field: &str, into: &mut String| match object.get(field) {
        None | Some(Value::Null) => {}
        Some(Value::String(s)) => *into = s.clone(),
        Some(_) => errors.push_at(
            &["body", field],
            "Input should be a valid string",
            "string_type",
        ),
    };
    text("url", &mut base.url);
    text("description", &mut base.description);
    match object.get("event_types") {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) if items.iter().all(Value::is_string) => {
            base.event_types = items
                .iter()
                .filter_map(|i| i.as_str().map(str::to_string))
                .collect();
        }
        Some(_) => errors.push_at(
            &["body", "event_types"],
            "Input should be a list of event type names",
            "list_type",
        ),
    }
    match object.get("enabled") {
        None | Some(Value::Null) => {}
        Some(Value::Bool(b)) => base.enabled = *b,
        Some(_) => errors.push_at(
            &["body", "enabled"],
            "Input should be a valid boolean",
            "bool_type",
        ),
    }
    if !errors.is_empty() {
        return Err(AppError::invalid(errors));
    }
    Ok(base)
}

/// `GET .../webhook_endpoint`
pub async fn list(
    state: web::Data<AppState>,
    key: OrgKey,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (org, team) = path.into_inner();
    let (org_id, team_id) = target(&state, &key, &org, &team)?;
    let body = run_db(&state, move |conn| {
        let (_, listed) = service::list(conn, Manager::OrgKey(&key.org_id), &org_id, &team_id)?;
        let data: Vec<Value> = listed
            .iter()
            .map(|s| endpoint_json(&s.endpoint, Some(s.pending)))
            .collect();
        Ok(json!({ "data": data }))
    })
    .await?;
    Ok(HttpResponse::Ok().json(body))
}

/// `POST .../webhook_endpoint`: 201 with the signing secret, shown this once.
pub async fn create(
    state: web::Data<AppState>,
    key: OrgKey,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let (org, team) = path.into_inner();
    let (org_id, team_id) = target(&state, &key, &org, &team)?;
    let typed = input(
        &body,
        EndpointInput {
            enabled: true,
            ..EndpointInput::default()
        },
    )?;
    let sandbox = state.settings.is_sandbox();
    let body = run_db(&state, move |conn| {
        let who = Manager::OrgKey(&key.org_id);
        let made = service::create(conn, &key.actor, who, (&org_id, &team_id), &typed, sandbox)
            .map_err(endpoint_error)?;
        let mut body = endpoint_json(&made.endpoint, Some(0));
        body["secret"] = json!(made.secret);
        Ok(body)
    })
    .await?;
    Ok(HttpResponse::Created().json(body))
}

fn ids(
    state: &AppState,
    key: &OrgKey,
    (org, team, endpoint): (String, String, String),
) -> Result<(OrgId, TeamId, WebhookEndpointId), AppError> {
    let (org_id, team_id) = target(state, key, &org, &team)?;
    let endpoint_id: WebhookEndpointId = query::uuid("path", "endpoint_id", &endpoint)?;
    Ok((org_id, team_id, endpoint_id))
}

/// `GET .../webhook_endpoint/{endpoint_id}`: the endpoint and its latest attempts.
pub async fn get(
    state: web::Data<AppState>,
    key: OrgKey,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, AppError> {
    let (org_id, team_id, id) = ids(&state, &key, path.into_inner())?;
    let body = run_db(&state, move |conn| {
        let who = Manager::OrgKey(&key.org_id);
        let d = service::detail(conn, who, (&org_id, &team_id), &id)?;
        let mut body = endpoint_json(&d.endpoint, Some(d.pending));
        body["attempts"] = d.attempts.iter().map(attempt_json).collect();
        Ok(body)
    })
    .await?;
    Ok(HttpResponse::Ok().json(body))
}

/// `PATCH .../webhook_endpoint/{endpoint_id}`: changes what the body names.
pub async fn update(
    state: web::Data<AppState>,
    key: OrgKey,
    path: web::Path<(String, String, String)>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let (org_id, team_id, id) = ids(&state, &key, path.into_inner())?;
    let sandbox = state.settings.is_sandbox();
    let body = run_db(&state, move |conn| {
        let who = Manager::OrgKey(&key.org_id);
        let now = service::detail(conn, who, (&org_id, &team_id), &id)?.endpoint;
        let base = EndpointInput {
            url: now.url.clone(),
            description: now.description.clone(),
            event_types: now.types().iter().map(|t| t.as_str().to_string()).collect(),
            enabled: now.enabled,
        };
        let typed = input(&body, base)?;
        let after = service::update(
            conn,
            &key.actor,
            who,
            (&org_id, &team_id),
            &id,
            &typed,
            sandbox,
        )
        .map_err(endpoint_error)?;
        Ok(endpoint_json(&after, None))
    })
    .await?;
    Ok(HttpResponse::Ok().json(body))
}

/// `DELETE .../webhook_endpoint/{endpoint_id}`: 204.
pub async fn delete(
    state: web::Data<AppState>,
    key: OrgKey,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, AppError> {
    let (org_id, team_id, id) = ids(&state, &key, path.into_inner())?;
    run_db(&state, move |conn| {
        let who = Manager::OrgKey(&key.org_id);
        service::delete(conn, &key.actor, who, (&org_id, &team_id), &id).map(drop)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `POST .../webhook_endpoint/{endpoint_id}/rotate_secret`: the new secret, this once.
pub async fn rotate_secret(
    state: web::Data<AppState>,
    key: OrgKey,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, AppError> {
    let (org_id, team_id, id) = ids(&state, &key, path.into_inner())?;
    let body = run_db(&state, move |conn| {
        let who = Manager::OrgKey(&key.org_id);
        let rotated = service::rotate_secret(conn, &key.actor, who, (&org_id, &team_id), &id)?;
        Ok(json!({"id": rotated.endpoint.id, "secret": rotated.secret}))
    })
    .await?;
    Ok(HttpResponse::Ok().json(body))
}

/// `POST .../webhook_endpoint/{endpoint_id}/test`: 202 with the test event's id.
pub async fn send_test(
    state: web::Data<AppState>,
    key: OrgKey,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, AppError> {
    let (org_id, team_id, id) = ids(&state, &key, path.into_inner())?;
    let body = run_db(&state, move |conn| {
        let who = Manager::OrgKey(&key.org_id);
        let event = service::send_test(conn, &key.actor, who, (&org_id, &team_id), &id)?;
        Ok(json!({"event_id": event}))
    })
    .await?;
    Ok(HttpResponse::Accepted().json(body))
}

/// `POST .../webhook_endpoint/{endpoint_id}/delivery/{delivery_id}/replay`: 202.
pub async fn replay(
    state: web::Data<AppState>,
    key: OrgKey,
    path: web::Path<(String, String, String, String)>,
) -> Result<HttpResponse, AppError> {
    let (org, team, endpoint, delivery) = path.into_inner();
    let (org_id, team_id, id) = ids(&state, &key, (org, team, endpoint))?;
    let delivery_id: WebhookDeliveryId = query::uuid("path", "delivery_id", &delivery)?;
    run_db(&state, move |conn| {
        let who = Manager::OrgKey(&key.org_id);
        service::replay(
            conn,
            &key.actor,
            who,
            (&org_id, &team_id),
            &id,
            &delivery_id,
        )
    })
    .await?;
    Ok(HttpResponse::Accepted().json(json!({"delivery_id": delivery})))
}
