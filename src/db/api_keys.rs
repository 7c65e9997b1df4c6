//! API keys, stored as digests.
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::api_keys;
use super::DbConnection;
use crate::domain::api_key::KeyScope;
use crate::domain::ids::{ApiKeyId, OrgId, TeamId};
use crate::domain::lab::LabSlug;
use crate::error::AppError;

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = api_keys)]
pub struct ApiKeyRow {
    pub id: ApiKeyId,
    pub scope: KeyScope,
    pub team_id: Option<TeamId>,
    pub org_id: Option<OrgId>,
    pub lab_slug: Option<LabSlug>,
    pub prefix: String,
    pub digest: String,
    pub label: String,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
}

#[derive(Insertable, Debug)]
#[diesel(table_name = api_keys)]
pub struct NewApiKey<'a> {
    pub id: &'a ApiKeyId,
    pub scope: KeyScope,
    pub team_id: Option<&'a TeamId>,
    pub org_id: Option<&'a OrgId>,
    pub lab_slug: Option<LabSlug>,
    pub prefix: &'a str,
    pub digest: &'a str,
    pub label: &'a str,
    pub created_by: &'a str,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConnection, key: &NewApiKey<'_>) -> Result<(), AppError> {
    diesel::insert_into(api_keys::table)
        .values(key)
        .execute(conn)
        .map_err(|e| AppError::db("storing an API key", e))?;
    Ok(())
}

/// The unrevoked key with this digest, looked up on every API request so a revocation takes
/// effect on the next one.
pub fn find_active(conn: &mut DbConnection, digest: &str) -> Result<Option<ApiKeyRow>, AppError> {
    api_keys::table
        .filter(api_keys::digest.eq(digest))
        .filter(api_keys::revoked_at.is_null())
        .select(ApiKeyRow::as_select())
        .first(conn)
        .optional()
        .map_err(|e| AppError::db("looking up an API key", e))
}

pub fn find(conn: &mut DbConnection, id: &ApiKeyId) -> Result<Option<ApiKeyRow>, AppError> {
    api_keys::table
        .find(id)
        .select(ApiKeyRow::as_select())
        .first(conn)
        .optional()
        .map_err(|e| AppError::db("loading an API key", e))
}

pub fn list_for_team(
    conn: &mut DbConnection,
    team_id: &TeamId,
) -> Result<Vec<ApiKeyRow>, AppError> {
    api_keys::table
        .filter(api_keys::team_id.eq(team_id))
        .order(api_keys::created_at.desc())
        .select(ApiKeyRow::as_select())
        .load(conn)
        .map_err(|e| AppError::db("listing API keys", e))
}

pub fn revoke(conn: &mut DbConnection, id: &ApiKeyId) -> Result<bool, AppError> {
    let n = diesel::update(
        api_keys::table
            .find(id)
            .filter(api_keys::revoked_at.is_null()),
    )
    .set(api_keys::revoked_at.eq(super::now()))
    .execute(conn)
    .map_err(|e| AppError::db("revoking an API key", e))?;
    Ok(n == 1)
}

/// Every lab interface key, by lab, newest first within a lab.
pub fn list_lab_keys(conn: &mut DbConnection) -> Result<Vec<ApiKeyRow>, AppError> {
    api_keys::table
        .filter(api_keys::scope.eq(KeyScope::Lab))
        .order((api_keys::lab_slug.asc(), api_keys::created_at.desc()))
        .select(ApiKeyRow::as_select())
        .load(conn)
        .map_err(|e| AppError::db("listing lab interface keys", e))
}
