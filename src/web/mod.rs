//! HTTP: the dashboard pages, the JSON APIs and what they share.
pub mod api;
pub mod csrf;
pub mod errors;
pub mod mllp;
pub mod page;
pub mod pages;
pub mod request_id;
pub mod router;
pub mod security_headers;
pub mod session;
pub mod urls;

use std::sync::atomic::Ordering;

use actix_web::web;
use tokio::sync::Semaphore;

use crate::config::Settings;
use crate::db::{query_count, DbConnection, DbPool};
use crate::error::AppError;

/// Shared by every handler.
pub struct AppState {
    pub pool: DbPool,
    pub settings: Settings,
    /// One connection of its own for `/readyz`, so readiness answers while lists hold the pool.
    pub ready_pool: DbPool,
    /// How many list reads (order lists, the audit log, the review queue) may hold a pooled
    /// connection at once: at most half the pool, so however hard lists are hammered, order
    /// creation, pages and result deliveries always find a connection.
    pub list_slots: Semaphore,
    /// The webhook delivery worker of this instance, if it runs one; it stops with the state.
    pub webhooks: Option<crate::service::worker::Worker>,
    /// The worker that sends this instance's share of messages to labs, if it runs one.
    pub lab_messages: Option<crate::service::worker::Worker>,
}

impl AppState {
    pub fn new(pool: DbPool, ready_pool: DbPool, settings: Settings) -> AppState {
        let list_slots = Semaphore::new((settings.pool_size as usize / 2).max(1));
        AppState {
            pool,
            settings,
            ready_pool,
            list_slots,
            webhooks: None,
            lab_messages: None,
        }
    }
}

/// Runs blocking database work off the actix worker threads, with one pooled connection.
pub async fn run_db<T, F>(state: &web::Data<AppState>, f: F) -> Result<T, AppError>
where
    F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
    T: Send + 'static,
{
    on_pool(state.pool.clone(), f).await
}

/// `run_db` for a list read: it waits for one of `AppState::list_slots` first.
pub async fn run_list_db<T, F>(state: &web::Data<AppState>, f: F) -> Result<T, AppError>
where
    F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
    T: Send + 'static,
{
    let _slot = state
        .list_slots
        .acquire()
        .await
        .map_err(|e| AppError::Internal(format!("list slots closed: {e}")))?;
    on_pool(state.pool.clone(), f).await
}

/// Runs `f` on a blocking thread with a connection of `pool`, adding the statements it ran to the
/// request's count.
pub async fn on_pool<T, F>(pool: DbPool, f: F) -> Result<T, AppError>
where
    F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
    T: Send + 'static,
{
    let statements = request_id::statement_counter();
    web::block(move || {
        let before = query_count::on_this_thread();
        let result = pool
            .get()
            .map_err(AppError::from)
            .and_then(|mut conn| f(&mut conn));
        if let Some(counter) = statements {
            counter.fetch_add(query_count::on_this_thread() - before, Ordering::Relaxed);
        }
        result
    })
    .await?
}
