//! How many statements ran: every pooled connection counts the statements it starts on the
//! thread that runs them, so a request can tell how many it ran (`web::run_db` adds them up).
//! A list that runs more statements as it shows more rows is a bug the tests catch this way.
use std::cell::Cell;

use diesel::connection::{Instrumentation, InstrumentationEvent};

thread_local! {
    static STARTED_ON_THIS_THREAD: Cell<u64> = const { Cell::new(0) };
}

/// Installed on every pooled connection.
pub struct CountStatements;

impl Instrumentation for CountStatements {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        if let InstrumentationEvent::StartQuery { .. } = event {
            STARTED_ON_THIS_THREAD.with(|n| n.set(n.get() + 1));
        }
    }
}

/// Statements started on this thread so far (compare two readings).
pub fn on_this_thread() -> u64 {
    STARTED_ON_THIS_THREAD.with(Cell::get)
}

/// Runs `f` and returns its result with the statements it started on this thread, which are
/// taken off this thread's count: they belong to another request (a write run for it by
/// `group_commit`) or to none (a checkpoint).
pub fn set_aside<T>(f: impl FnOnce() -> T) -> (T, u64) {
    let before = on_this_thread();
    let out = f();
    let ran = on_this_thread().saturating_sub(before);
    STARTED_ON_THIS_THREAD.with(|n| n.set(n.get() - ran));
    (out, ran)
}

/// Adds statements run for this thread's request on another thread (see `set_aside`).
pub fn add(ran: u64) {
    STARTED_ON_THIS_THREAD.with(|n| n.set(n.get() + ran));
}
