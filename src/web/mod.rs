//! HTTP: the dashboard pages, the JSON APIs and what they share.
pub mod api;
pub mod csrf;
pub mod errors;
pub mod page;
pub mod pages;
pub mod request_id;
pub mod router;
pub mod security_headers;
pub mod session;
pub mod urls;

use actix_web::web;

use crate::config::Settings;
use crate::db::{DbConnection, DbPool};
use crate::error::AppError;

/// Shared by every handler.
pub struct AppState {
    pub pool: DbPool,
    pub settings: Settings,
}

/// Runs blocking database work off the actix worker threads, with one pooled connection.
pub async fn run_db<T, F>(state: &web::Data<AppState>, f: F) -> Result<T, AppError>
where
    F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
    T: Send + 'static,
{
    let pool = state.pool.clone();
    web::block(move || {
        let mut conn = pool.get()?;
        f(&mut conn)
    })
    .await?
}
