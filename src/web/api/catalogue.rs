//! Team API test catalogue: `GET /v3/lab_tests`, `GET /v3/lab_tests/labs`.
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::keys::TeamKey;
use super::wire_orders;
use crate::db::lab_tests;
use crate::domain::lab::{CollectionMethod, LabSlug, LabTestStatus};
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::web::{run_db, AppState};

#[derive(Deserialize)]
pub struct TestsQuery {
    lab_slug: Option<String>,
    collection_method: Option<String>,
    status: Option<String>,
    name: Option<String>,
}

fn parse<T: std::str::FromStr<Err = String>>(
    field: &str,
    v: &Option<String>,
) -> Result<Option<T>, AppError> {
    v.as_deref()
        .map(|s| {
            s.parse::<T>().map_err(|msg| {
                let mut e = FieldErrors::default();
                e.push_at(&["query", field], msg, "enum");
                AppError::invalid(e)
            })
        })
        .transpose()
}

pub async fn tests(
    state: web::Data<AppState>,
    _key: TeamKey,
    q: web::Query<TestsQuery>,
) -> Result<HttpResponse, AppError> {
    let lab = parse::<LabSlug>("lab_slug", &q.lab_slug)?;
    let method = parse::<CollectionMethod>("collection_method", &q.collection_method)?;
    let status = parse::<LabTestStatus>("status", &q.status)?;
    let name = q.name.clone().map(|n| n.to_lowercase());
    let body = run_db(&state, move |conn| {
        let labs = lab_tests::list_labs(conn)?;
        let tests = lab_tests::list_tests(conn, lab)?;
        Ok(tests
            .iter()
            .filter(|t| method.is_none_or(|m| t.method == m))
            .filter(|t| status.is_none_or(|s| t.status == s))
            .filter(|t| {
                name.as_ref()
                    .is_none_or(|n| t.name.to_lowercase().contains(n))
            })
            .map(|t| wire_orders::lab_test(t, labs.iter().find(|l| l.slug == t.lab_slug)))
            .collect::<Vec<_>>())
    })
    .await?;
    Ok(HttpResponse::Ok().json(body))
}

pub async fn labs(state: web::Data<AppState>, _key: TeamKey) -> Result<HttpResponse, AppError> {
    let labs = run_db(&state, lab_tests::list_labs).await?;
    Ok(HttpResponse::Ok().json(labs.iter().map(wire_orders::lab).collect::<Vec<_>>()))
}
