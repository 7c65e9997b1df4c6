//! Sends the outbox's messages to labs, on a worker thread: over MLLP (the lab's ACK decides:
//! `AA` sent, `AE`/`AR` refused with its reason, shown on the order), or as a file in the lab's
//! folder (written is sent). A lab that cannot be reached is tried again with the same backoff
//! as webhooks, for more than a day. Claims and leases as for webhooks: once per message across
//! instances.
use std::path::Path;
use std::time::{Duration, Instant};

use crate::db::lab_messages::{self as db, LabAttemptRow, LabMessageRow, LabOutcome};
use crate::db::DbPool;
use crate::domain::lab_link::{Connection, ConnectionKind, LabMessageState};
use crate::domain::webhooks::next_try;
use crate::error::AppError;
use crate::hl7::ack::{self, AckCode};
use crate::hl7::mllp;
use crate::service::webhooks::delivery::WorkerSettings;
use crate::service::worker::{self, Worker};

/// Largest ACK read back.
const MAX_ACK: usize = 64 * 1024;
const BATCH: i64 = 20;

pub fn spawn(pool: DbPool, settings: WorkerSettings) -> Result<Worker, AppError> {
    let poll = settings.poll;
    worker::spawn("lab-delivery", poll, move || send_due(&pool, &settings))
}

/// Claims and sends what is due; how many messages it handled.
pub fn send_due(pool: &DbPool, settings: &WorkerSettings) -> Result<usize, AppError> {
    let mut conn = pool.get()?;
    let now = crate::db::now();
    let claimed = db::claim_due(&mut conn, now, now + settings.lease(BATCH), BATCH)?;
    let count = claimed.len();
    for message in claimed {
        let connection = db::connection_of(&mut conn, message.lab_slug)?;
        let (attempt, outcome) = attempt(settings, &connection, &message);
        db::record_attempt(&mut conn, &attempt, &outcome)?;
    }
    Ok(count)
}

/// What one try came to.
enum Tried {
    Acked {
        code: AckCode,
        text: String,
    },
    Written,
    /// Nothing reached the lab, or its answer was not an ACK: try again later.
    Retry {
        outcome: &'static str,
        detail: String,
    },
    /// The lab takes no orders from labdesk any more: give up now.
    Stop(String),
}

fn write_file(folder: &str, message: &LabMessageRow) -> Result<(), std::io::Error> {
    let dir = Path::new(folder);
    let name = format!("{}.hl7", message.control_id);
    // Written under another name, then renamed: the lab never picks up half a file.
    let partial = dir.join(format!(".{name}.partial"));
    std::fs::write(&partial, message.body.as_bytes())?;
    std::fs::rename(&partial, dir.join(name))
}

fn try_once(timeout: Duration, connection: &Connection, message: &LabMessageRow) -> Tried {
    match connection.kind {
        ConnectionKind::None => {
            Tried::Stop("The lab's connection is now \"none\": not sent.".into())
        }
        ConnectionKind::FileDrop => match connection.folder.as_deref() {
            Some(folder) => match write_file(folder, message) {
                Ok(()) => Tried::Written,
                Err(e) => Tried::Retry {
                    outcome: "file_error",
                    detail: format!("Cannot write to {folder}: {e}"),
                },
            },
            None => Tried::Stop("The lab's file drop has no folder.".into()),
        },
        ConnectionKind::Mllp => {
            let Some(address) = connection.address() else {
                return Tried::Stop("The lab's MLLP connection has no address.".into());
            };
            match mllp::exchange(&address, &message.body, timeout, MAX_ACK) {
                Ok(reply) => match ack::read(&String::from_utf8_lossy(&reply)) {
                    Some(a) => Tried::Acked {
                        code: a.code,
                        text: a.text,
                    },
                    None => Tried::Retry {
                        outcome: "no_ack",
                        detail: "The lab answered something other than an ACK.".into(),
                    },
                },
                Err(e) => Tried::Retry {
                    outcome: "unreachable",
                    detail: e.to_string(),
                },
            }
        }
    }
}

fn attempt(
    settings: &WorkerSettings,
    connection: &Connection,
    message: &LabMessageRow,
) -> (LabAttemptRow, LabOutcome) {
    let at = crate::db::now();
    let started = Instant::now();
    let tried = try_once(settings.timeout, connection, message);
    let latency_ms = started.elapsed().as_millis().min(i32::MAX as u128) as i32;
    let done = |state, code: Option<&str>, text: Option<String>| LabOutcome {
        state,
        next_attempt_at: at,
        ack_code: code.map(str::to_string),
        ack_text: text,
    };
    let (outcome, detail, result) = match tried {
        Tried::Acked { code, text } => {
            let state = match code {
                AckCode::Accept => LabMessageState::Sent,
                AckCode::Error | AckCode::Reject => LabMessageState::Refused,
            };
            (
                "ack",
                format!("{} {text}", code.as_str()),
                done(state, Some(code.as_str()), Some(text)),
            )
        }
        Tried::Written => (
            "written",
            "Written to the lab's folder.".to_string(),
            done(LabMessageState::Sent, None, None),
        ),
        Tried::Stop(why) => ("not_sent", why, done(LabMessageState::Failed, None, None)),
        Tried::Retry { outcome, detail } => {
            let failures = (message.attempts + 1) as u32;
            let jitter = rand::random::<f64>();
            let result = match next_try(
                message.created_at,
                at,
                failures,
                settings.first_retry,
                jitter,
            ) {
                Some(next) => LabOutcome {
                    state: LabMessageState::Pending,
                    next_attempt_at: next,
                    ack_code: None,
                    ack_text: None,
                },
                None => done(LabMessageState::Failed, None, None),
            };
            (outcome, detail, result)
        }
    };
    let attempt = LabAttemptRow {
        id: uuid::Uuid::now_v7().to_string(),
        message_id: message.id.clone(),
        attempted_at: at,
        outcome: outcome.to_string(),
        detail,
        latency_ms,
    };
    (attempt, result)
}
