//! What the lab interface hands over, read or not: a delivery it could read is ingested, one it
//! could not is recorded as refused. The lab is answered differently for each outcome, and for a
//! delivery that was read but could not be stored (worth sending again).
use super::{ingest, record_rejection, Delivery, Outcome};
use crate::db::DbConnection;
use crate::domain::actor::Actor;
use crate::domain::lab::LabSlug;
use crate::error::AppError;
use crate::hl7::refusal::Refusal;

/// A lab's request as the lab interface read it.
pub enum Received<'a> {
    Readable(Delivery<'a>),
    /// Not a delivery labdesk can read (too large, not HL7 or JSON it understands, several
    /// messages at once): why.
    Unreadable {
        lab: LabSlug,
        refusal: Refusal,
    },
}

/// What became of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Receipt {
    /// Attached, queued for review, or a duplicate.
    Taken(Outcome),
    /// Refused: the whole reason, as the lab reads it (the audit row keeps only its field and
    /// kind, since a refused field may be patient data).
    Refused(String),
}

#[derive(Debug, thiserror::Error)]
pub enum ReceiveError {
    /// The delivery was read but could not be stored: nothing was kept, the lab may send it again.
    #[error("storing a lab delivery failed: {0}")]
    NotStored(AppError),
    /// A refused delivery's audit row could not be written.
    #[error("recording a refused delivery failed: {0}")]
    RefusalNotRecorded(AppError),
}

impl From<ReceiveError> for AppError {
    fn from(e: ReceiveError) -> AppError {
        match e {
            ReceiveError::NotStored(e) | ReceiveError::RefusalNotRecorded(e) => e,
        }
    }
}

/// Ingests a delivery that was read, or records why one was refused, in one transaction.
pub fn receive(
    conn: &mut DbConnection,
    actor: &Actor,
    received: Received<'_>,
) -> Result<Receipt, ReceiveError> {
    match received {
        Received::Readable(delivery) => ingest(conn, actor, &delivery)
            .map(Receipt::Taken)
            .map_err(ReceiveError::NotStored),
        Received::Unreadable { lab, refusal } => {
            record_rejection(conn, actor, lab, &refusal)
                .map_err(ReceiveError::RefusalNotRecorded)?;
            Ok(Receipt::Refused(refusal.message().to_string()))
        }
    }
}
