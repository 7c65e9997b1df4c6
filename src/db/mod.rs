//! Database access: one diesel schema over SQLite (embedded default) and PostgreSQL (scale-out).
pub mod account_links;
pub mod account_status_changes;
pub mod api_keys;
pub mod audit;
pub mod bulk_links;
pub mod drafts;
pub mod group_commit;
pub mod home;
pub mod idempotency;
pub mod lab_account_lists;
pub mod lab_accounts;
pub mod lab_messages;
pub mod lab_tests;
pub mod locks;
pub mod login_attempts;
pub mod order_list;
pub mod order_name_search;
pub mod orders;
pub mod orgs;
pub mod patients;
pub mod query_count;
pub mod results;
pub mod schema;
pub mod sessions;
pub mod sqlite_writer;
pub mod text_types;
pub mod unmatched;
pub mod users;
pub mod webhooks;

use std::time::Duration;

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::prelude::*;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool, PooledConnection};
use diesel::{PgConnection, SqliteConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::error::AppError;

pub const PG_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");
pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");

/// Any lock key works as long as every instance uses the same one.
const MIGRATION_LOCK_KEY: i64 = 0x006c_6162_6465_736b;

#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

pub type DbPool = Pool<ConnectionManager<DbConnection>>;
pub type PooledConn = PooledConnection<ConnectionManager<DbConnection>>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

/// Which backend a `DATABASE_URL` names; an empty URL is an error, never a silent temporary database.
pub fn backend_of(url: &str) -> Result<Backend, AppError> {
    let url = url.trim();
    if url.is_empty() {
        return Err(AppError::Config(
            "DATABASE_URL is empty: give a SQLite file path (labdesk.sqlite) or a postgres:// URL"
                .into(),
        ));
    }
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Backend::Postgres)
    } else {
        Ok(Backend::Sqlite)
    }
}

/// The path the SQLite driver should open (it does not understand the `sqlite://` prefix).
fn sqlite_path(url: &str) -> &str {
    url.trim()
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:")
}

/// Sets up each new pooled connection: statement counting; on SQLite, WAL and its pragmas.
#[derive(Debug)]
struct PrepareConnection;

/// How long one statement may run on PostgreSQL before the server cancels it (the request then
/// answers 503): a slow report cannot hold a pooled connection for long. SQLite has no
/// equivalent; there every list is an index range (see `order_list`).
pub const STATEMENT_TIMEOUT: Duration = Duration::from_secs(5);

impl CustomizeConnection<DbConnection, diesel::r2d2::Error> for PrepareConnection {
    fn on_acquire(&self, conn: &mut DbConnection) -> Result<(), diesel::r2d2::Error> {
        conn.set_instrumentation(query_count::CountStatements);
        if let DbConnection::Postgresql(c) = conn {
            c.batch_execute(&format!(
                "SET statement_timeout = {}",
                STATEMENT_TIMEOUT.as_millis()
            ))
            .map_err(diesel::r2d2::Error::QueryError)?;
        }
        if let DbConnection::Sqlite(c) = conn {
            // One batch: sql_query would run only the first statement and leave WAL off.
            c.batch_execute(sqlite_writer::CONNECTION_PRAGMAS)
                .map_err(diesel::r2d2::Error::QueryError)?;
        }
        Ok(())
    }
}

/// Opens the concrete connection first so a bad URL fails fast with the driver's own reason.
fn probe(url: &str) -> Result<(), AppError> {
    match backend_of(url)? {
        Backend::Postgres => PgConnection::establish(url)
            .map(drop)
            .map_err(|e| AppError::Config(format!("cannot connect to PostgreSQL: {e}"))),
        Backend::Sqlite => SqliteConnection::establish(sqlite_path(url))
            .map(drop)
            .map_err(|e| AppError::Config(format!("cannot open SQLite database {url}: {e}"))),
    }
}

/// How long a request waits for a database connection before it is answered 503 ("database
/// unavailable"): long enough to ride out a busy moment, short enough that a stopped database
/// never leaves requests hanging. `serve --db-timeout-secs` changes it.
pub const DEFAULT_CHECKOUT_TIMEOUT: Duration = Duration::from_secs(5);

pub fn connect_pool(url: &str, max_size: u32) -> Result<DbPool, AppError> {
    connect_pool_with(url, max_size, DEFAULT_CHECKOUT_TIMEOUT)
}

/// A pool whose checkouts give up after `checkout_timeout`; a connection found dead on checkout
/// is replaced, so service resumes by itself once the database is back.
pub fn connect_pool_with(
    url: &str,
    max_size: u32,
    checkout_timeout: Duration,
) -> Result<DbPool, AppError> {
    probe(url)?;
    let target = match backend_of(url)? {
        Backend::Postgres => url.trim().to_string(),
        Backend::Sqlite => sqlite_path(url).to_string(),
    };
    Pool::builder()
        .max_size(max_size)
        // Connections open when first needed, not all before start-up goes on: on a loaded
        // machine the pool's own wait for a full set could give up although the database is
        // fine (the probe above and the first checkout report a real failure with its reason).
        .min_idle(Some(0))
        .connection_timeout(checkout_timeout)
        .test_on_check_out(true)
        .connection_customizer(Box::new(PrepareConnection))
        .build(ConnectionManager::<DbConnection>::new(target))
        .map_err(|e| AppError::Config(format!("cannot build the connection pool: {e}")))
}

/// Runs pending migrations; on PostgreSQL under an advisory lock so several instances may start at once.
pub fn run_migrations(conn: &mut DbConnection) -> Result<(), AppError> {
    let failed = |e: Box<dyn std::error::Error + Send + Sync>| {
        AppError::Config(format!("database migration failed: {e}"))
    };
    match conn {
        DbConnection::Postgresql(c) => {
            // A migration may rewrite a large table: no statement timeout while it runs.
            c.batch_execute(&format!(
                "SET statement_timeout = 0; SELECT pg_advisory_lock({MIGRATION_LOCK_KEY})"
            ))
            .map_err(|e| AppError::db("taking the migration lock", e))?;
            let result = c
                .run_pending_migrations(PG_MIGRATIONS)
                .map(drop)
                .map_err(failed);
            c.batch_execute(&format!(
                "SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY}); SET statement_timeout = {}",
                STATEMENT_TIMEOUT.as_millis()
            ))
            .map_err(|e| AppError::db("releasing the migration lock", e))?;
            result
        }
        DbConnection::Sqlite(c) => c
            .run_pending_migrations(SQLITE_MIGRATIONS)
            .map(drop)
            .map_err(failed),
    }
}

/// A write transaction. On SQLite it starts with `BEGIN IMMEDIATE`, after `sqlite_writer::lock`, so
/// concurrent writers queue instead of failing with "database is locked" when a read upgrades to
/// a write.
/// Inside another write transaction it is a savepoint of it, on both backends, so use cases
/// compose (the wizard places an order and marks its draft submitted in one transaction).
pub fn write_tx<T, E, F>(conn: &mut DbConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    type Manager = <DbConnection as Connection>::TransactionManager;
    let top_level_sqlite = matches!(conn, DbConnection::Sqlite(_)) && !in_transaction(conn)?;
    let writer = top_level_sqlite.then(sqlite_writer::lock);
    match conn {
        DbConnection::Sqlite(c) if top_level_sqlite => {
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?
        }
        _ => Manager::begin_transaction(conn)?,
    }
    match f(conn) {
        Ok(value) => {
            Manager::commit_transaction(conn)?;
            drop(writer);
            if let (true, DbConnection::Sqlite(c)) = (top_level_sqlite, conn) {
                sqlite_writer::after_commit(c);
            }
            Ok(value)
        }
        Err(e) => {
            // SQLite ends the whole transaction by itself on some errors (a full disk, for one),
            // so the rollback can fail; the error that caused it is the one to report.
            if let Err(rollback) = Manager::rollback_transaction(conn) {
                tracing::warn!(error = %rollback, "rolling back after an error failed");
            }
            Err(e)
        }
    }
}

/// Several reads on one snapshot. On SQLite every statement outside a transaction is a read
/// transaction of its own, and each one that starts after another connection committed throws
/// away this connection's page cache and reads the hot pages again (from the write-ahead log, by
/// system call): under a steady stream of orders that was most of a read's cost. One transaction
/// around a request's reads pays that once. Elsewhere (PostgreSQL, or inside a transaction) it
/// just runs `f`. `f` must only read: a write would need `write_tx`.
pub fn read_tx<T, E, F>(conn: &mut DbConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    type Manager = <DbConnection as Connection>::TransactionManager;
    if !matches!(conn, DbConnection::Sqlite(_)) || in_transaction(conn)? {
        return f(conn);
    }
    if let DbConnection::Sqlite(c) = conn {
        AnsiTransactionManager::begin_transaction_sql(c, "BEGIN")?;
    }
    let result = f(conn);
    // A read-only transaction has nothing to keep or undo: ending it only releases the snapshot.
    match &result {
        Ok(_) => Manager::commit_transaction(conn)?,
        Err(_) => {
            if let Err(e) = Manager::rollback_transaction(conn) {
                tracing::warn!(error = %e, "ending a read transaction failed");
            }
        }
    }
    result
}

fn in_transaction(conn: &mut DbConnection) -> Result<bool, diesel::result::Error> {
    let DbConnection::Sqlite(c) = conn else {
        return Ok(false);
    };
    let status =
        <AnsiTransactionManager as TransactionManager<SqliteConnection>>::transaction_manager_status_mut(c);
    Ok(status.transaction_depth()?.is_some())
}

/// The current time as stored (UTC, microseconds, so both backends keep the same value).
pub fn now() -> chrono::NaiveDateTime {
    let t = chrono::Utc::now().naive_utc();
    t.with_nanosecond_floor()
}

trait FloorMicros {
    fn with_nanosecond_floor(self) -> Self;
}

impl FloorMicros for chrono::NaiveDateTime {
    fn with_nanosecond_floor(self) -> Self {
        use chrono::Timelike;
        let micros = self.nanosecond() / 1_000 * 1_000;
        self.with_nanosecond(micros).unwrap_or(self)
    }
}

/// A fresh id for a new row: a UUID v7, like `domain::ids` (time-ordered, so it appends to its index).
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}
