//! Group commit for SQLite: concurrent write transactions of one database share one commit.
//!
//! SQLite has one writer at a time, and each write transaction pays a fixed price: `BEGIN`
//! (checking the log and dropping a page cache another connection made stale), the commit
//! (writing every changed page to the log, among them the same last pages of each index that the
//! next order changes again) and handing the writer lock to the next thread, which on a busy
//! machine waits for a core. Under 64 concurrent orders that fixed price was about half of what
//! an order cost.
//!
//! Here a write is queued; whoever holds the writer lock next runs every queued write of its
//! database in one transaction, each in a savepoint of its own (one that fails is undone alone
//! and answers its own error), commits once, and hands each request its answer. Nobody waits
//! for a batch to fill: a batch is whatever queued while the previous one ran, so a lone request
//! commits alone, as before. An answer is handed over only after the commit, so nobody answers
//! for an order that is not durable; if the commit fails, every write of the batch gets that
//! error.
//!
//! The write runs on another request's thread and connection, so it must own what it uses
//! (`'static`); on PostgreSQL, or inside a transaction, it is a plain `write_tx`.
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::{Mutex, PoisonError};

use diesel::connection::{AnsiTransactionManager, TransactionManager};
use diesel::result::{DatabaseErrorKind, Error as DbError};
use diesel::sql_types::Text;
use diesel::{Connection, QueryableByName, RunQueryDsl};

use super::{in_transaction, query_count, sqlite_writer, write_tx, DbConnection};

/// At most this many writes share a commit, so one batch never holds the writer for long.
const MAX_BATCH: usize = 32;

/// A queued write, its types erased.
trait Job: Send {
    /// Runs the write as a savepoint of the batch's transaction and keeps its answer.
    fn run(&mut self, conn: &mut DbConnection);
    /// Hands the kept answer to the waiting request, or `failed` if the batch did not commit.
    fn finish(self: Box<Self>, failed: Option<&str>);
}

struct Queued<T, E, F> {
    write: Option<F>,
    answer: Option<Result<T, E>>,
    /// Statements the write ran, counted for the request that queued it.
    ran: u64,
    reply: SyncSender<(Result<T, E>, u64)>,
}

fn batch_error(why: &str) -> DbError {
    DbError::DatabaseError(
        DatabaseErrorKind::Unknown,
        Box::new(format!("the write was not committed: {why}")),
    )
}

impl<T, E, F> Job for Queued<T, E, F>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E> + Send,
    T: Send,
    E: From<DbError> + Send,
{
    fn run(&mut self, conn: &mut DbConnection) {
        if let Some(write) = self.write.take() {
            let (answer, ran) = query_count::set_aside(|| write_tx(conn, write));
            self.answer = Some(answer);
            self.ran = ran;
        }
    }

    fn finish(self: Box<Self>, failed: Option<&str>) {
        let answer = match (failed, self.answer) {
            (None, Some(answer)) => answer,
            (Some(why), _) => Err(batch_error(why).into()),
            (None, None) => Err(batch_error("it never ran").into()),
        };
        // The request may have gone (its thread ended): nobody is left to tell.
        let _ = self.reply.send((answer, self.ran));
    }
}

/// Queued writes with the database file each belongs to (one process may open several: tests do).
static QUEUE: Mutex<Vec<(String, Box<dyn Job>)>> = Mutex::new(Vec::new());

#[derive(QueryableByName)]
struct MainFile {
    #[diesel(sql_type = Text)]
    file: String,
}

fn database_file(conn: &mut DbConnection) -> Result<String, DbError> {
    let found: MainFile =
        diesel::sql_query("SELECT file FROM pragma_database_list WHERE name = 'main'")
            .get_result(conn)?;
    Ok(found.file)
}

/// A write transaction that may share its commit with concurrent ones (see the module's notes).
pub fn write_batched<T, E, F>(conn: &mut DbConnection, write: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
    T: Send + 'static,
    E: From<DbError> + Send + 'static,
{
    if !matches!(conn, DbConnection::Sqlite(_)) || in_transaction(conn)? {
        return write_tx(conn, write);
    }
    let file = database_file(conn)?;
    let (reply, answer) = sync_channel(1);
    let job = Queued {
        write: Some(write),
        answer: None,
        ran: 0,
        reply,
    };
    QUEUE
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push((file.clone(), Box::new(job)));
    let (done, ran) = lead_or_wait(conn, &file, &answer);
    query_count::add(ran);
    done
}

/// Takes the writer lock; if this request's write has not been run by then (a leader answers
/// before it lets the lock go), runs the queued writes of `file`, this one among them (or, with
/// more than `MAX_BATCH` queued, the ones before it, and then again).
fn lead_or_wait<T>(conn: &mut DbConnection, file: &str, answer: &Receiver<T>) -> T {
    loop {
        let writer = sqlite_writer::lock();
        if let Ok(done) = answer.try_recv() {
            return done;
        }
        run_batch(conn, take_batch(file));
        drop(writer);
        if let DbConnection::Sqlite(c) = conn {
            sqlite_writer::after_commit(c);
        }
        if let Ok(done) = answer.try_recv() {
            return done;
        }
    }
}

/// The oldest queued writes of `file`, at most `MAX_BATCH`.
fn take_batch(file: &str) -> Vec<Box<dyn Job>> {
    let mut queue = QUEUE.lock().unwrap_or_else(PoisonError::into_inner);
    let mut batch = Vec::new();
    let mut i = 0;
    while i < queue.len() && batch.len() < MAX_BATCH {
        if queue[i].0 == file {
            batch.push(queue.remove(i).1);
        } else {
            i += 1;
        }
    }
    batch
}

fn run_batch(conn: &mut DbConnection, mut batch: Vec<Box<dyn Job>>) {
    type Manager = <DbConnection as Connection>::TransactionManager;
    let begun = match conn {
        DbConnection::Sqlite(c) => {
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")
        }
        DbConnection::Postgresql(_) => Manager::begin_transaction(conn),
    };
    if let Err(e) = begun {
        let why = e.to_string();
        batch.into_iter().for_each(|job| job.finish(Some(&why)));
        return;
    }
    let mut panicked = false;
    for job in batch.iter_mut() {
        // A write that panics leaves its savepoint open: the whole batch is undone below.
        if catch_unwind(AssertUnwindSafe(|| job.run(conn))).is_err() {
            panicked = true;
            break;
        }
    }
    let failed = if panicked {
        Some("another write in the same commit failed unexpectedly".to_string())
    } else {
        Manager::commit_transaction(conn)
            .err()
            .map(|e| e.to_string())
    };
    if failed.is_some() {
        undo_all(conn);
    }
    batch
        .into_iter()
        .for_each(|job| job.finish(failed.as_deref()));
}

/// Rolls back every open savepoint and the transaction.
fn undo_all(conn: &mut DbConnection) {
    type Manager = <DbConnection as Connection>::TransactionManager;
    while in_transaction(conn).unwrap_or(false) {
        if let Err(e) = Manager::rollback_transaction(conn) {
            tracing::warn!(error = %e, "rolling back a failed batch of writes");
            break;
        }
    }
}
