//! Minting and revoking API keys.
use serde_json::json;

use crate::db::api_keys::{self, NewApiKey};
use crate::db::audit::{self, AuditEntry};
use crate::db::{write_tx, DbConnection};
use crate::domain::actor::Actor;
use crate::domain::api_key::{mint, KeyScope};
use crate::domain::audit::{AuditAction, EntityType};
use crate::domain::ids::{ApiKeyId, OrgId, TeamId};
use crate::domain::lab::LabSlug;
use crate::error::AppError;

/// What a key is for: one Team, one org's management, or one lab's result delivery.
#[derive(Debug, Clone)]
pub enum KeyOwner {
    Team { team_id: TeamId, org_id: OrgId },
    Org { org_id: OrgId },
    Lab { slug: LabSlug },
}

/// Stores the digest and returns the secret, which is never stored or shown again.
pub fn create(
    conn: &mut DbConnection,
    actor: &Actor,
    owner: &KeyOwner,
    label: &str,
) -> Result<(ApiKeyId, String), AppError> {
    let (scope, team_id, org_id, lab) = match owner {
        KeyOwner::Team { team_id, org_id } => (KeyScope::Team, Some(team_id), Some(org_id), None),
        KeyOwner::Org { org_id } => (KeyScope::Org, None, Some(org_id), None),
        KeyOwner::Lab { slug } => (KeyScope::Lab, None, None, Some(*slug)),
    };
    let key = mint(scope);
    let id = ApiKeyId::new();
    write_tx(conn, |conn| {
        api_keys::insert(
            conn,
            &NewApiKey {
                id: &id,
                scope,
                team_id,
                org_id,
                lab_slug: lab,
                prefix: &key.prefix,
                digest: &key.digest,
                label,
                created_by: &actor.label,
                created_at: crate::db::now(),
            },
        )?;
        audit::record(
            conn,
            actor,
            AuditEntry {
                action: AuditAction::ApiKeyCreated,
                entity_type: EntityType::ApiKey,
                entity_id: id.as_str(),
                org_id,
                team_id,
                summary: format!("Created {} API key {}… ({label})", scope, key.prefix),
                details: json!({"scope": scope.as_str(), "prefix": key.prefix, "label": label}),
            },
        )
    })?;
    Ok((id, key.secret))
}

pub fn revoke(conn: &mut DbConnection, actor: &Actor, key_id: &ApiKeyId) -> Result<(), AppError> {
    write_tx(conn, |conn| {
        let key = api_keys::find(conn, key_id)?.ok_or(AppError::NotFound)?;
        revoke_found(conn, actor, &key).map(drop)
    })
}

/// Revokes a key of this Team; another Team's key is "not found". Returns false when the key
/// was already revoked (nothing changes, no audit row).
pub fn revoke_team_key(
    conn: &mut DbConnection,
    actor: &Actor,
    team_id: &TeamId,
    key_id: &ApiKeyId,
) -> Result<bool, AppError> {
    write_tx(conn, |conn| {
        let key = api_keys::find(conn, key_id)?
            .filter(|k| k.scope == KeyScope::Team && k.team_id.as_ref() == Some(team_id))
            .ok_or(AppError::NotFound)?;
        revoke_found(conn, actor, &key)
    })
}

/// Revokes a lab interface key; any other key is "not found". Returns false when the key was
/// already revoked (nothing changes, no audit row).
pub fn revoke_lab_key(
    conn: &mut DbConnection,
    actor: &Actor,
    key_id: &ApiKeyId,
) -> Result<bool, AppError> {
    write_tx(conn, |conn| {
        let key = api_keys::find(conn, key_id)?
            .filter(|k| k.scope == KeyScope::Lab)
            .ok_or(AppError::NotFound)?;
        revoke_found(conn, actor, &key)
    })
}

fn revoke_found(
    conn: &mut DbConnection,
    actor: &Actor,
    key: &api_keys::ApiKeyRow,
) -> Result<bool, AppError> {
    if !api_keys::revoke(conn, &key.id)? {
        return Ok(false);
    }
    audit::record(
        conn,
        actor,
        AuditEntry {
            action: AuditAction::ApiKeyRevoked,
            entity_type: EntityType::ApiKey,
            entity_id: key.id.as_str(),
            org_id: key.org_id.as_ref(),
            team_id: key.team_id.as_ref(),
            summary: format!("Revoked {} API key {}…", key.scope, key.prefix),
            details: json!({"prefix": key.prefix}),
        },
    )?;
    Ok(true)
}
