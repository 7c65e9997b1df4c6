//! SQLite's single writer, as this process uses it.
//!
//! SQLite takes one writer at a time. This process's writers queue on `WRITER` and each is woken
//! the moment the one before it ends, instead of in SQLite's busy handler, which sleeps in growing
//! steps of up to 100 ms (64 concurrent orders waited 800 ms at the 99th percentile that way).
//! Another process on the same file still meets the busy timeout.
//!
//! Checkpoints (copying the write-ahead log back into the database file) mostly run after a
//! commit, outside `WRITER`: SQLite's automatic checkpoint runs inside the commit that crosses
//! its threshold, so every writer queued behind that one waited for it (a tenth of the time
//! order creation held the lock). One committer in `CHECKPOINT_EVERY` runs a passive checkpoint
//! after letting `WRITER` go, which copies what no reader still needs while the next writers go
//! on. The automatic one stays on: only a checkpoint that finishes while no writer appends lets
//! the next writer start the log from its beginning, and without it the log grew by the whole
//! of every order written (1.6 GB in 10 s of orders). It now finds little left to copy.
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use diesel::connection::SimpleConnection;
use diesel::SqliteConnection;

static WRITER: Mutex<()> = Mutex::new(());

/// Commits between two passive checkpoints: an order writes about 40 pages, so each copies
/// about as much as SQLite's own (every 1,000 pages) would.
const CHECKPOINT_EVERY: u32 = 32;

static COMMITS: AtomicU32 = AtomicU32::new(0);
static CHECKPOINTING: AtomicBool = AtomicBool::new(false);

/// The pragmas every pooled SQLite connection runs once. The busy timeout comes first: switching
/// to WAL takes a lock, and without the timeout a connection opened while another holds it fails
/// at once instead of waiting its turn.
pub const CONNECTION_PRAGMAS: &str = "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; \
     PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; \
     PRAGMA cache_size = -2048; PRAGMA mmap_size = 0; \
     PRAGMA temp_store = MEMORY;";

/// Waits for this process's turn to write. A writer that panicked leaves nothing behind to
/// protect (its transaction rolled back), so a poisoned lock is taken as it is.
pub fn lock() -> MutexGuard<'static, ()> {
    WRITER.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Called after a top-level commit, with the writer lock released: every `CHECKPOINT_EVERY`
/// commits, one caller checkpoints (never two at once). A checkpoint that fails is retried by a
/// later commit; the data is safe in the log meanwhile.
pub fn after_commit(conn: &mut SqliteConnection) {
    if COMMITS.fetch_add(1, Ordering::Relaxed) % CHECKPOINT_EVERY != CHECKPOINT_EVERY - 1 {
        return;
    }
    if CHECKPOINTING.swap(true, Ordering::Acquire) {
        return;
    }
    // Not the request's statement: kept out of its count.
    let (done, _) =
        super::query_count::set_aside(|| conn.batch_execute("PRAGMA wal_checkpoint(PASSIVE)"));
    if let Err(e) = done {
        tracing::warn!(error = %e, "SQLite checkpoint failed; a later commit retries it");
    }
    CHECKPOINTING.store(false, Ordering::Release);
}
