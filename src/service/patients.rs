//! Patients (Junction "users"): created by `POST /v2/user` or by the order wizard.
use serde_json::json;

use crate::db::audit::{self, AuditEntry};
use crate::db::patients::{self, PatientRow};
use crate::db::{write_tx, DbConnection};
use crate::domain::actor::Actor;
use crate::domain::audit::{AuditAction, EntityType};
use crate::domain::ids::{OrgId, TeamId};
use crate::domain::validation::FieldErrors;
use crate::error::AppError;

/// Why a patient was not created.
#[derive(Debug, thiserror::Error)]
pub enum CreatePatientError {
    #[error("client_user_id must be 1 to 200 characters")]
    BadClientUserId,
    #[error("A user with client_user_id {client_user_id} already exists in this Team.")]
    Duplicate { client_user_id: String },
    #[error(transparent)]
    Failed(#[from] AppError),
}

impl From<diesel::result::Error> for CreatePatientError {
    fn from(e: diesel::result::Error) -> Self {
        CreatePatientError::Failed(e.into())
    }
}

impl From<CreatePatientError> for AppError {
    fn from(e: CreatePatientError) -> AppError {
        match e {
            CreatePatientError::BadClientUserId => {
                let mut errors = FieldErrors::default();
                errors.push_at(&["body", "client_user_id"], e.to_string(), "value_error");
                AppError::invalid(errors)
            }
            CreatePatientError::Duplicate { .. } => {
                AppError::rule("duplicate_client_user_id", e.to_string())
            }
            CreatePatientError::Failed(e) => e,
        }
    }
}

/// Creates a patient in a Team; a `client_user_id` already used in the Team is refused.
pub fn create(
    conn: &mut DbConnection,
    actor: &Actor,
    org_id: &OrgId,
    team_id: &TeamId,
    client_user_id: &str,
) -> Result<PatientRow, CreatePatientError> {
    let client_user_id = client_user_id.trim();
    if client_user_id.is_empty() || client_user_id.chars().count() > 200 {
        return Err(CreatePatientError::BadClientUserId);
    }
    write_tx(conn, |conn| {
        if patients::find_by_client_id(conn, team_id, client_user_id)?.is_some() {
            return Err(CreatePatientError::Duplicate {
                client_user_id: client_user_id.to_string(),
            });
        }
        let patient = patients::insert(conn, team_id, client_user_id)?;
        audit::record(
            conn,
            actor,
            AuditEntry {
                action: AuditAction::PatientCreated,
                entity_type: EntityType::Patient,
                entity_id: patient.id.as_str(),
                org_id: Some(org_id),
                team_id: Some(team_id),
                summary: "Patient created".into(),
                details: json!({"client_user_id": client_user_id}),
            },
        )?;
        Ok(patient)
    })
}
