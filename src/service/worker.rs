//! Background workers (webhook deliveries, messages to labs): a thread of their own that repeats
//! a step, waits when there was nothing to do, backs off while the database is away, and stops
//! when its handle is dropped.
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::error::AppError;

/// Stops the worker when dropped or told to.
pub struct Worker {
    stop: Arc<AtomicBool>,
}

impl Worker {
    pub fn stop(&self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Runs `step` on a thread named `name` until stopped. `step` answers how much it did: 0 means
/// nothing was due, and the worker waits `poll` before asking again.
pub fn spawn(
    name: &str,
    poll: Duration,
    step: impl Fn() -> Result<usize, AppError> + Send + 'static,
) -> Result<Worker, AppError> {
    let stop = Arc::new(AtomicBool::new(false));
    let stopped = stop.clone();
    let label = name.to_string();
    std::thread::Builder::new()
        .name(name.to_string())
        .spawn(move || {
            let mut errors_in_a_row = 0u32;
            while !stopped.load(Ordering::Relaxed) {
                match step() {
                    Ok(0) => {
                        errors_in_a_row = 0;
                        std::thread::sleep(poll);
                    }
                    Ok(_) => errors_in_a_row = 0,
                    Err(e) => {
                        // The database is away: wait longer each time, up to half a minute.
                        errors_in_a_row += 1;
                        tracing::warn!(worker = %label, error = %e, "background work failed");
                        let wait = poll * 2u32.pow(errors_in_a_row.min(6));
                        std::thread::sleep(wait.min(Duration::from_secs(30)));
                    }
                }
            }
        })
        .map_err(|e| AppError::Internal(format!("starting the {name} worker: {e}")))?;
    Ok(Worker { stop })
}
