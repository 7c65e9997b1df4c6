//! Pool -> migrations -> HTTP server with `routes::configure`.
use std::net::TcpListener;
use std::path::PathBuf;

use actix_session::config::{BrowserSession, CookieContentSecurity};
use actix_session::storage::CookieSessionStore;
use actix_session::SessionMiddleware;
use actix_web::cookie::SameSite;
use actix_web::dev::Server;
use actix_web::middleware::{from_fn, Compress};
use actix_web::{web, App, HttpServer};

use crate::config::Settings;
use crate::db::{self, DbPool};
use crate::error::AppError;
use crate::routes;
use crate::service::webhooks::delivery::{self, WorkerSettings};
use crate::web::{csrf, errors, request_id, security_headers, AppState};

pub const SESSION_COOKIE: &str = "labdesk_session";

/// Opens the pool and brings the schema up to date.
pub fn prepare_database(url: &str, pool_size: u32) -> Result<DbPool, AppError> {
    prepare_database_with(url, pool_size, db::DEFAULT_CHECKOUT_TIMEOUT)
}

/// The same, with requests waiting at most `checkout_timeout` for a connection.
pub fn prepare_database_with(
    url: &str,
    pool_size: u32,
    checkout_timeout: std::time::Duration,
) -> Result<DbPool, AppError> {
    let pool = db::connect_pool_with(url, pool_size, checkout_timeout)?;
    let mut conn = pool.get()?;
    db::run_migrations(&mut conn)?;
    Ok(pool)
}

/// `static/` next to the working directory, else the one in the source tree.
fn static_dir() -> PathBuf {
    let local = PathBuf::from("static");
    if local.join("app.css").exists() {
        local
    } else {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("static")
    }
}

/// Blocking threads per worker, per pooled connection. Database work runs on actix's blocking
/// threads, and by default each worker may start 256 of them: under 64 concurrent requests the
/// server grew to 170 threads, most waiting for one of the pool's connections, each with its own
/// allocator caches (800 MB resident). Capped so that all workers together have as many threads
/// as the pool has connections, work beyond it waits in the blocking queue, in the order it came,
/// and holds no thread (nothing waits in the pool's own wait, which is not first come first
/// served: with a thread per connection per worker, GET /v3/orders had a p99 twenty times its
/// p50).
pub const BLOCKING_THREADS_PER_CONNECTION: usize = 1;

/// actix's worker threads: one per core, as actix's own default.
fn workers() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// Each worker's share of the pool's connections, so all workers together never run more
/// database work at once than the pool has connections.
fn blocking_threads(pool_size: u32, workers: usize) -> usize {
    (pool_size as usize * BLOCKING_THREADS_PER_CONNECTION)
        .div_ceil(workers)
        .max(2)
}

/// Builds the server on an already-bound listener (tests bind port 0).
pub fn build(settings: Settings, pool: DbPool, listener: TcpListener) -> Result<Server, AppError> {
    let pool_size = pool.max_size();
    let ready_pool = db::connect_pool_with(&settings.database_url, 1, routes::READYZ_TIMEOUT)?;
    let mut state = AppState::new(pool.clone(), ready_pool, settings.clone());
    if settings.webhook_worker {
        let worker = WorkerSettings {
            first_retry: settings.webhook_first_retry,
            ..WorkerSettings::new(settings.is_sandbox())
        };
        state.webhooks = Some(delivery::spawn(pool.clone(), worker.clone())?);
        state.lab_messages = Some(crate::service::lab_delivery::spawn(pool, worker)?);
    }
    let state = web::Data::new(state);
    let static_dir = static_dir();
    let server = HttpServer::new(move || {
        let session =
            SessionMiddleware::builder(CookieSessionStore::default(), settings.session_key.clone())
                .cookie_name(SESSION_COOKIE.to_string())
                .cookie_secure(settings.cookie_secure())
                .cookie_http_only(true)
                .cookie_same_site(SameSite::Lax)
                .cookie_content_security(CookieContentSecurity::Private)
                .session_lifecycle(BrowserSession::default())
                .build();
        App::new()
            .app_data(state.clone())
            .app_data(web::PayloadConfig::new(settings.max_body_bytes))
            .configure(routes::configure)
            .service(actix_files::Files::new("/static", static_dir.clone()))
            .default_service(web::to(routes::not_found))
            // The first wrap is innermost: CSRF runs inside error rendering, which runs inside
            // sessions so cookie changes survive a re-rendered error.
            .wrap(from_fn(csrf::middleware))
            .wrap(from_fn(errors::middleware))
            .wrap(session)
            .wrap(Compress::default())
            // Outside everything that answers (handlers, errors, static files), so each answer
            // gets the headers.
            .wrap(from_fn(security_headers::middleware))
            .wrap(from_fn(request_id::middleware))
    })
    .workers(workers())
    .worker_max_blocking_threads(blocking_threads(pool_size, workers()))
    .listen(listener)
    .map_err(|e| AppError::Config(format!("cannot listen: {e}")))?
    .shutdown_timeout(20)
    .run();
    Ok(server)
}

/// Starts listening for lab results over MLLP on `addr` (port 0: a free one); the address bound.
pub fn listen_mllp(
    settings: &Settings,
    pool: DbPool,
    addr: std::net::SocketAddr,
) -> Result<std::net::SocketAddr, AppError> {
    let listener = TcpListener::bind(addr)
        .map_err(|e| AppError::Config(format!("cannot listen for MLLP on {addr}: {e}")))?;
    let bound = listener
        .local_addr()
        .map_err(|e| AppError::Config(e.to_string()))?;
    let mllp = crate::web::mllp::MllpSettings {
        allow: settings.mllp_allow.clone(),
        max_message_bytes: settings.max_body_bytes,
        idle: std::time::Duration::from_secs(300),
        max_connections: 256,
    };
    crate::web::mllp::spawn(pool, mllp, listener)?;
    Ok(bound)
}
