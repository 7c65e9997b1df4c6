//! Team API (`x-vital-api-key`): the calling Team's lab accounts.
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::keys::TeamKey;
use super::query;
use super::wire::{ClientFacingLabAccount, LabAccountsResponse};
use crate::db::lab_accounts::{self as accounts_db, AccountFilter};
use crate::error::AppError;
use crate::web::{run_db, AppState};

#[derive(Deserialize)]
pub struct LabAccountQuery {
    lab_account_id: Option<String>,
    status: Option<String>,
}

/// `GET /v3/lab_test/lab_account`: only accounts linked to the calling Team.
pub async fn lab_accounts(
    state: web::Data<AppState>,
    key: TeamKey,
    q: web::Query<LabAccountQuery>,
) -> Result<HttpResponse, AppError> {
    let filter = AccountFilter {
        status: query::optional_status(&q.status)?,
        account_id: query::optional_uuid("lab_account_id", &q.lab_account_id)?,
        ..AccountFilter::default()
    };
    let accounts = run_db(&state, move |conn| {
        accounts_db::list_for_team(conn, &key.team_id, &key.org_id, &filter)
    })
    .await?;
    Ok(HttpResponse::Ok().json(LabAccountsResponse {
        data: accounts.iter().map(ClientFacingLabAccount::from).collect(),
    }))
}
