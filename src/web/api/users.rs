//! Team API patients: `POST /v2/user`, `GET /v2/user/{user_id}`.
use actix_web::{web, HttpResponse};

use super::keys::TeamKey;
use super::{query, wire_orders};
use crate::db::patients;
use crate::domain::ids::PatientId;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::service::patients as patients_service;
use crate::web::{run_db, AppState};

pub async fn create(
    state: web::Data<AppState>,
    key: TeamKey,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let value: serde_json::Value = serde_json::from_slice(&body).map_err(|e| {
        let mut errors = FieldErrors::default();
        errors.push_at(&["body"], format!("JSON decode error: {e}"), "json_invalid");
        AppError::invalid(errors)
    })?;
    let client_user_id = match value.get("client_user_id") {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(_) => {
            let mut e = FieldErrors::default();
            e.push_at(
                &["body", "client_user_id"],
                "Input should be a valid string",
                "string_type",
            );
            return Err(AppError::invalid(e));
        }
        None => {
            let mut e = FieldErrors::default();
            e.push_at(&["body", "client_user_id"], "Field required", "missing");
            return Err(AppError::invalid(e));
        }
    };
    let patient = run_db(&state, move |conn| {
        Ok(patients_service::create(
            conn,
            &key.actor,
            &key.org_id,
            &key.team_id,
            &client_user_id,
        )?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(wire_orders::user(&patient)))
}

pub async fn get(
    state: web::Data<AppState>,
    key: TeamKey,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id: PatientId = query::uuid("path", "user_id", &path.into_inner())?;
    let patient = run_db(&state, move |conn| {
        patients::find_in_team(conn, &key.team_id, &id)
    })
    .await?
    .ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok().json(wire_orders::user(&patient)))
}
