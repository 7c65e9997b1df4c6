//! A Team's webhook endpoints as its org's admins manage them, from the dashboard or with the
//! org's management key: the list, adding one (its signing secret is returned once), changing,
//! rotating the secret, deleting, the recent attempts, a test event and sending a delivery again.
//! Every function first finds the Team in the org and checks who asks may manage it; each change
//! is written in one transaction with its audit row.
use serde_json::json;

use crate::db::audit::{self, AuditEntry};
use crate::db::orgs::{self, Team};
use crate::db::webhooks::{self as db, AttemptView, EndpointChange, EndpointRow, NewEndpoint};
use crate::db::{write_tx, DbConnection};
use crate::domain::access::{Action, Principal};
use crate::domain::actor::Actor;
use crate::domain::audit::{AuditAction, EntityType};
use crate::domain::ids::{OrgId, TeamId, WebhookDeliveryId, WebhookEndpointId, WebhookEventId};
use crate::domain::webhooks::{check_url, event_types, new_secret, WebhookEventType};
use crate::error::AppError;
use crate::service::policy;

use super::outbox;

/// Who manages: a person signed in to the dashboard, or a program with the org's management key.
#[derive(Clone, Copy)]
pub enum Manager<'a> {
    Person(&'a Principal),
    OrgKey(&'a OrgId),
}

/// The Team, if it is this org's and `who` may manage its webhooks; otherwise "not found" (or
/// refused, for a signed-in role that may see the Team but not this).
fn team_to_manage(
    conn: &mut DbConnection,
    who: Manager,
    org_id: &OrgId,
    team_id: &TeamId,
) -> Result<Team, AppError> {
    let team = orgs::find_team_of_org(conn, org_id, team_id)?.ok_or(AppError::NotFound)?;
    match who {
        Manager::Person(p) => policy::authorize(
            p,
            Action::ManageWebhooks {
                org_id,
                team_id: &team.id,
            },
        )?,
        Manager::OrgKey(key_org) if key_org == org_id => {}
        Manager::OrgKey(_) => return Err(AppError::NotFound),
    }
    Ok(team)
}

fn endpoint_of(
    conn: &mut DbConnection,
    team: &Team,
    id: &WebhookEndpointId,
) -> Result<EndpointRow, AppError> {
    db::find_endpoint(conn, id)?
        .filter(|e| e.team_id == team.id)
        .ok_or(AppError::NotFound)
}

/// An endpoint with its deliveries still waiting.
pub struct EndpointSummary {
    pub endpoint: EndpointRow,
    pub pending: i64,
}

/// The Team's endpoints.
pub fn list(
    conn: &mut DbConnection,
    who: Manager,
    org_id: &OrgId,
    team_id: &TeamId,
) -> Result<(Team, Vec<EndpointSummary>), AppError> {
    let team = team_to_manage(conn, who, org_id, team_id)?;
    let mut listed = Vec::new();
    for endpoint in db::list_endpoints(conn, &team.id)? {
        let pending = db::pending_count(conn, &endpoint.id)?;
        listed.push(EndpointSummary { endpoint, pending });
    }
    Ok((team, listed))
}

/// An endpoint as typed (form or JSON).
#[derive(Debug, Clone, Default)]
pub struct EndpointInput {
    pub url: String,
    pub description: String,
    pub event_types: Vec<String>,
    pub enabled: bool,
}

/// What is wrong with an `EndpointInput`, field by field.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EndpointProblems {
    pub url: Option<String>,
    pub description: Option<String>,
    pub event_types: Option<String>,
}

/// Why a change to an endpoint did not happen.
#[derive(Debug, thiserror::Error)]
pub enum EndpointError {
    #[error("The endpoint has problems; nothing was saved.")]
    Invalid(EndpointProblems),
    #[error(transparent)]
    Failed(#[from] AppError),
}

impl From<diesel::result::Error> for EndpointError {
    fn from(e: diesel::result::Error) -> Self {
        EndpointError::Failed(e.into())
    }
}

/// The input, checked: (url, description, event types as stored JSON).
fn validated(
    input: &EndpointInput,
    sandbox: bool,
) -> Result<(String, String, String), EndpointProblems> {
    let mut problems = EndpointProblems::default();
    let url = check_url(&input.url, sandbox)
        .map_err(|e| problems.url = Some(e.to_string()))
        .ok();
    let description = input.description.trim().to_string();
    if description.chars().count() > 200 {
        problems.description = Some("At most 200 characters.".into());
    }
    let chosen: Vec<&str> = input.event_types.iter().map(String::as_str).collect();
    let types = event_types(&chosen)
        .map_err(|e| problems.event_types = Some(e))
        .ok();
    match (url, types) {
        (Some(url), Some(types)) if problems == EndpointProblems::default() => {
            let names: Vec<&str> = types.iter().map(|t| t.as_str()).collect();
            Ok((url, description, json!(names).to_string()))
        }
        _ => Err(problems),
    }
}

fn audit_endpoint(
    conn: &mut DbConnection,
    actor: &Actor,
    action: AuditAction,
    endpoint: &EndpointRow,
    summary: String,
    details: serde_json::Value,
) -> Result<(), AppError> {
    audit::record(
        conn,
        actor,
        AuditEntry {
            action,
            entity_type: EntityType::WebhookEndpoint,
            entity_id: endpoint.id.as_str(),
            org_id: Some(&endpoint.org_id),
            team_id: Some(&endpoint.team_id),
            summary,
            details,
        },
    )
}

/// An endpoint just added or given a new secret: the secret, this once.
pub struct WithSecret {
    pub endpoint: EndpointRow,
    pub secret: String,
}

/// Adds an endpoint with a new signing secret. `sandbox` allows http and local addresses.
pub fn create(
    conn: &mut DbConnection,
    actor: &Actor,
    who: Manager,
    (org_id, team_id): (&OrgId, &TeamId),
    input: &EndpointInput,
    sandbox: bool,
) -> Result<WithSecret, EndpointError> {
    let team = team_to_manage(conn, who, org_id, team_id)?;
    let (url, description, types) = validated(input, sandbox).map_err(EndpointError::Invalid)?;
    let id = WebhookEndpointId::new();
    let secret = new_secret();
    let now = crate::db::now();
    write_tx(conn, |conn| {
        db::insert_endpoint(
            conn,
            &NewEndpoint {
                id: &id,
                org_id,
                team_id: &team.id,
                url: &url,
                description: &description,
                event_types: &types,
                enabled: input.enabled,
                secret: &secret,
                consecutive_failures: 0,
                created_by: &actor.label,
                created_at: now,
                updated_at: now,
            },
        )?;
        let endpoint = db::find_endpoint(conn, &id)?.ok_or(AppError::NotFound)?;
        audit_endpoint(
            conn,
            actor,
            AuditAction::WebhookEndpointCreated,
            &endpoint,
            format!("Webhook endpoint {url} added for {}", team.name),
            json!({"url": url, "event_types": endpoint.types(), "enabled": input.enabled}),
        )?;
        Ok(WithSecret { endpoint, secret })
    })
}

/// Changes an endpoint's address, description, event types and whether it is enabled.
pub fn update(
    conn: &mut DbConnection,
    actor: &Actor,
    who: Manager,
    (org_id, team_id): (&OrgId, &TeamId),
    id: &WebhookEndpointId,
    input: &EndpointInput,
    sandbox: bool,
) -> Result<EndpointRow, EndpointError> {
    let team = team_to_manage(conn, who, org_id, team_id)?;
    let before = endpoint_of(conn, &team, id)?;
    let (url, description, types) = validated(input, sandbox).map_err(EndpointError::Invalid)?;
    write_tx(conn, |conn| {
        let change = EndpointChange {
            url: &url,
            description: &description,
            event_types: &types,
            enabled: input.enabled,
        };
        db::update_endpoint(conn, id, &change)?;
        let after = endpoint_of(conn, &team, id)?;
        audit_endpoint(
            conn,
            actor,
            AuditAction::WebhookEndpointUpdated,
            &after,
            format!("Webhook endpoint {url} changed"),
            json!({
                "before": {"url": before.url, "event_types": before.types(), "enabled": before.enabled},
                "after": {"url": after.url, "event_types": after.types(), "enabled": after.enabled},
            }),
        )?;
        Ok(after)
    })
}

/// Gives the endpoint a new signing secret; the old one stops working at once.
pub fn rotate_secret(
    conn: &mut DbConnection,
    actor: &Actor,
    who: Manager,
    (org_id, team_id): (&OrgId, &TeamId),
    id: &WebhookEndpointId,
) -> Result<WithSecret, AppError> {
    let team = team_to_manage(conn, who, org_id, team_id)?;
    let endpoint = endpoint_of(conn, &team, id)?;
    let secret = new_secret();
    write_tx(conn, |conn| {
        db::set_secret(conn, id, &secret)?;
        audit_endpoint(
            conn,
            actor,
            AuditAction::WebhookSecretRotated,
            &endpoint,
            format!("Signing secret of {} rotated", endpoint.url),
            json!({}),
        )?;
        Ok(WithSecret { endpoint, secret })
    })
}

/// Deletes the endpoint: nothing more is sent to it, waiting deliveries are given up.
pub fn delete(
    conn: &mut DbConnection,
    actor: &Actor,
    who: Manager,
    (org_id, team_id): (&OrgId, &TeamId),
    id: &WebhookEndpointId,
) -> Result<EndpointRow, AppError> {
    let team = team_to_manage(conn, who, org_id, team_id)?;
    let endpoint = endpoint_of(conn, &team, id)?;
    write_tx(conn, |conn| {
        db::delete_endpoint(conn, id)?;
        audit_endpoint(
            conn,
            actor,
            AuditAction::WebhookEndpointDeleted,
            &endpoint,
            format!("Webhook endpoint {} deleted", endpoint.url),
            json!({"url": endpoint.url}),
        )?;
        Ok(endpoint)
    })
}

/// An endpoint with its latest attempts, for its page.
pub struct EndpointDetail {
    pub team: Team,
    pub endpoint: EndpointRow,
    pub pending: i64,
    pub attempts: Vec<AttemptView>,
}

/// How many attempts an endpoint's page lists.
pub const RECENT_ATTEMPTS: i64 = 50;

pub fn detail(
    conn: &mut DbConnection,
    who: Manager,
    (org_id, team_id): (&OrgId, &TeamId),
    id: &WebhookEndpointId,
) -> Result<EndpointDetail, AppError> {
    let team = team_to_manage(conn, who, org_id, team_id)?;
    let endpoint = endpoint_of(conn, &team, id)?;
    let pending = db::pending_count(conn, id)?;
    let attempts = db::recent_attempts(conn, id, RECENT_ATTEMPTS)?;
    Ok(EndpointDetail {
        team,
        endpoint,
        pending,
        attempts,
    })
}

/// Sends a test event (`labdesk.test`) to this endpoint alone, through the outbox like any other.
pub fn send_test(
    conn: &mut DbConnection,
    actor: &Actor,
    who: Manager,
    (org_id, team_id): (&OrgId, &TeamId),
    id: &WebhookEndpointId,
) -> Result<WebhookEventId, AppError> {
    let team = team_to_manage(conn, who, org_id, team_id)?;
    let endpoint = endpoint_of(conn, &team, id)?;
    write_tx(conn, |conn| {
        let event_type = WebhookEventType::Test;
        let body = json!({
            "event_type": event_type,
            "team_id": team.id,
            "data": {"message": "A test event from labdesk.", "endpoint_id": endpoint.id},
        });
        let event = outbox::write(
            conn,
            org_id,
            &team.id,
            event_type,
            &body,
            std::slice::from_ref(&endpoint),
        )?
        .ok_or(AppError::NotFound)?;
        audit_endpoint(
            conn,
            actor,
            AuditAction::WebhookTestSent,
            &endpoint,
            format!("Test event sent to {}", endpoint.url),
            json!({"event_id": event}),
        )?;
        Ok(event)
    })
}

/// Sends one of the endpoint's deliveries again, now, whatever became of it before.
pub fn replay(
    conn: &mut DbConnection,
    actor: &Actor,
    who: Manager,
    (org_id, team_id): (&OrgId, &TeamId),
    id: &WebhookEndpointId,
    delivery_id: &WebhookDeliveryId,
) -> Result<(), AppError> {
    let team = team_to_manage(conn, who, org_id, team_id)?;
    let endpoint = endpoint_of(conn, &team, id)?;
    write_tx(conn, |conn| {
        let delivery = db::find_delivery(conn, id, delivery_id)?.ok_or(AppError::NotFound)?;
        db::requeue(conn, &delivery.id)?;
        audit_endpoint(
            conn,
            actor,
            AuditAction::WebhookDeliveryReplayed,
            &endpoint,
            format!("Delivery of event {} sent again", delivery.event_id),
            json!({"delivery_id": delivery.id, "event_id": delivery.event_id}),
        )
    })
}
