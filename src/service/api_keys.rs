//! Minting and revoking API keys, and how either can be refused (`KeyError`). The dashboard's
//! pages for a Team's keys and the labs' keys add who may: `service::team_keys`,
//! `service::lab_keys`.
use std::fmt;

use serde_json::json;

use crate::db::api_keys::{self, ApiKeyRow, NewApiKey};
use crate::db::audit::{self, AuditEntry};
use crate::db::{write_tx, DbConnection};
use crate::domain::actor::Actor;
use crate::domain::api_key::{mint, KeyScope};
use crate::domain::audit::{AuditAction, EntityType};
use crate::domain::ids::{ApiKeyId, OrgId, TeamId};
use crate::domain::lab::LabSlug;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;

/// What was wrong with a form for a new key, field by field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyProblems {
    /// A lab key without a lab (or with one labdesk does not know).
    pub lab: Option<String>,
    pub label: Option<String>,
}

impl fmt::Display for KeyProblems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let messages: Vec<&str> = [&self.lab, &self.label]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect();
        f.write_str(&messages.join(" "))
    }
}

/// Why a key was not created or revoked.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The form was refused; the page shows each message next to its field.
    #[error("{0}")]
    Invalid(KeyProblems),
    /// No such Team or key here: another org's Team and another Team's key are the same answer.
    #[error("Not Found")]
    NotFound,
    /// The person may not, or the database failed.
    #[error(transparent)]
    Other(#[from] AppError),
}

impl From<diesel::result::Error> for KeyError {
    fn from(e: diesel::result::Error) -> KeyError {
        KeyError::Other(e.into())
    }
}

impl From<KeyError> for AppError {
    fn from(e: KeyError) -> AppError {
        match e {
            KeyError::Invalid(problems) => {
                let mut errors = FieldErrors::default();
                for (field, message) in [("lab", problems.lab), ("label", problems.label)] {
                    if let Some(message) = message {
                        errors.push(field, message, "value_error");
                    }
                }
                AppError::invalid(errors)
            }
            KeyError::NotFound => AppError::NotFound,
            KeyError::Other(e) => e,
        }
    }
}

/// A key just made. `secret` goes to the person on this one response; labdesk keeps its digest.
#[derive(Debug, Clone)]
pub struct CreatedKey {
    pub id: ApiKeyId,
    pub prefix: String,
    pub label: String,
    pub secret: String,
}

/// A revoke that went through: the key, and whether it was still active (false: it had been
/// revoked already; nothing changed and no audit row was written).
#[derive(Debug, Clone)]
pub struct Revocation {
    pub key: ApiKeyRow,
    pub changed: bool,
}

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
    create_key(conn, actor, owner, label).map(|k| (k.id, k.secret))
}

/// Stores the new key with its audit row, in one transaction; `label` is stored as given.
pub fn create_key(
    conn: &mut DbConnection,
    actor: &Actor,
    owner: &KeyOwner,
    label: &str,
) -> Result<CreatedKey, AppError> {
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
    Ok(CreatedKey {
        id,
        prefix: key.prefix,
        label: label.to_string(),
        secret: key.secret,
    })
}

pub fn revoke(conn: &mut DbConnection, actor: &Actor, key_id: &ApiKeyId) -> Result<(), AppError> {
    write_tx(conn, |conn| {
        let key = api_keys::find(conn, key_id)?.ok_or(AppError::NotFound)?;
        revoke_found(conn, actor, &key).map(drop)
    })
}

/// Revokes a key of this Team; another Team's key is "not found".
pub fn revoke_team_key(
    conn: &mut DbConnection,
    actor: &Actor,
    team_id: &TeamId,
    key_id: &ApiKeyId,
) -> Result<Revocation, KeyError> {
    revoke_if(conn, actor, key_id, |k| {
        k.scope == KeyScope::Team && k.team_id.as_ref() == Some(team_id)
    })
}

/// Revokes a lab interface key; any other key is "not found".
pub fn revoke_lab_key(
    conn: &mut DbConnection,
    actor: &Actor,
    key_id: &ApiKeyId,
) -> Result<Revocation, KeyError> {
    revoke_if(conn, actor, key_id, |k| k.scope == KeyScope::Lab)
}

/// Revokes the key if it is one `mine` accepts, with its audit row, in one transaction.
fn revoke_if(
    conn: &mut DbConnection,
    actor: &Actor,
    key_id: &ApiKeyId,
    mine: impl Fn(&ApiKeyRow) -> bool,
) -> Result<Revocation, KeyError> {
    write_tx(conn, |conn| {
        let key = api_keys::find(conn, key_id)?
            .filter(|k| mine(k))
            .ok_or(KeyError::NotFound)?;
        let changed = revoke_found(conn, actor, &key)?;
        Ok(Revocation { key, changed })
    })
}

fn revoke_found(conn: &mut DbConnection, actor: &Actor, key: &ApiKeyRow) -> Result<bool, AppError> {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A refused form is a 422 with each problem on its field; the rest keep their answers.
    #[test]
    fn key_errors_become_app_errors() {
        let both = KeyProblems {
            lab: Some("Choose the lab.".into()),
            label: Some("Give the key a label.".into()),
        };
        assert_eq!(both.to_string(), "Choose the lab. Give the key a label.");
        match AppError::from(KeyError::Invalid(both)) {
            AppError::Invalid(errors) => {
                let fields: Vec<(&str, &str)> =
                    errors.iter().map(|e| (e.field(), e.msg.as_str())).collect();
                assert_eq!(
                    fields,
                    [
                        ("lab", "Choose the lab."),
                        ("label", "Give the key a label.")
                    ]
                );
            }
            other => panic!("{other:?}"),
        }
        let label_only = KeyProblems {
            label: Some("Too long.".into()),
            ..KeyProblems::default()
        };
        assert!(matches!(
            AppError::from(KeyError::Invalid(label_only)),
            AppError::Invalid(errors) if errors.len() == 1 && errors[0].field() == "label"
        ));
        assert!(matches!(
            AppError::from(KeyError::NotFound),
            AppError::NotFound
        ));
        assert!(matches!(
            AppError::from(KeyError::Other(AppError::Forbidden("no".into()))),
            AppError::Forbidden(m) if m == "no"
        ));
    }
}
