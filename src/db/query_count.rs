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
