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

/// Creates a patient in a Team; a `client_user_id` already used in the Team is refused.
pub fn create(
    conn: &mut DbConnection,
    actor: &Actor,
    org_id: &OrgId,
    team_id: &TeamId,
    client_user_id: &str,
) -> Result<PatientRow, AppError> {
    let client_user_id = client_user_id.trim();
    if client_user_id.is_empty() || client_user_id.chars().count() > 200 {
        let mut e = FieldErrors::default();
        e.push_at(
            &["body", "client_user_id"],
            "client_user_id must be 1 to 200 characters",
            "value_error",
        );
        return Err(AppError::invalid(e));
    }
    write_tx(conn, |conn| {
        if patients::find_by_client_id(conn, team_id, client_user_id)?.is_some() {
            return Err(AppError::rule(
                "duplicate_client_user_id",
                format!("A user with client_user_id {client_user_id} already exists in this Team."),
            ));
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
