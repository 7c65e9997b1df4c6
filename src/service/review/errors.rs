//! Why a decision on a review item was refused. The pages answer each refusal in its own way
//! (409 with the item as it stands now, 422 next to the form, 404 for the order); everywhere else
//! it becomes the `AppError` it has always been, with the same code and words.
use crate::domain::review::ReviewStatus;
use crate::error::AppError;

use super::decisions::NOTE_MAX_CHARS;

/// How an item stands after someone else decided it (or moved it on since the form was read).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecidedState {
    pub status: ReviewStatus,
    pub decided_by: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum DecideError {
    /// Another reviewer decided first, or the form's version is no longer the item's.
    #[error(
        "This result was already decided by {} ({}). Nothing was changed.",
        current.decided_by.as_deref().unwrap_or("another reviewer"),
        current.status
    )]
    AlreadyDecided { current: DecidedState },
    /// An accept without an order id (or with text that is not one).
    #[error("Enter the id of the order this result belongs to (a labdesk order id, as on the order's page).")]
    OrderIdRequired,
    /// A result delivered on another lab account than the order's goes on it only when the
    /// reviewer says it belongs there.
    #[error("This result was delivered on another lab account than the order used: confirm that it belongs to this order.")]
    ConfirmationRequired,
    /// `what` the note is required for, e.g. "reject a result".
    #[error("A note is required to {what}.")]
    NoteRequired { what: &'static str },
    #[error("The note may be at most {NOTE_MAX_CHARS} characters.")]
    NoteTooLong,
    /// The item is not one the reviewer may act on.
    #[error("Not Found")]
    ItemNotFound,
    /// The order is missing or belongs to another org: the same answer for both.
    #[error("Not Found")]
    OrderNotFound,
    /// The person may not work this queue, or the database failed.
    #[error(transparent)]
    Other(#[from] AppError),
}

impl From<diesel::result::Error> for DecideError {
    fn from(e: diesel::result::Error) -> DecideError {
        DecideError::Other(e.into())
    }
}

impl From<DecideError> for AppError {
    fn from(e: DecideError) -> AppError {
        let code = match e {
            DecideError::Other(inner) => return inner,
            DecideError::ItemNotFound | DecideError::OrderNotFound => return AppError::NotFound,
            DecideError::AlreadyDecided { .. } => "already_decided",
            DecideError::OrderIdRequired => "order_id_required",
            DecideError::ConfirmationRequired => "confirmation_required",
            DecideError::NoteRequired { .. } => "note_required",
            DecideError::NoteTooLong => "note_too_long",
        };
        AppError::rule(code, e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each refusal keeps the code and the words it had as an `AppError::Rule`.
    #[test]
    fn refusals_become_the_rules_they_always_were() {
        let decided = DecidedState {
            status: ReviewStatus::Accepted,
            decided_by: Some("ops@northwind.test".into()),
        };
        let table: [(DecideError, &str, &str); 6] = [
            (
                DecideError::AlreadyDecided { current: decided },
                "already_decided",
                "This result was already decided by ops@northwind.test (accepted). Nothing was changed.",
            ),
            (
                DecideError::AlreadyDecided {
                    current: DecidedState {
                        status: ReviewStatus::PendingOps,
                        decided_by: None,
                    },
                },
                "already_decided",
                "This result was already decided by another reviewer (pending_ops_review). Nothing was changed.",
            ),
            (
                DecideError::OrderIdRequired,
                "order_id_required",
                "Enter the id of the order this result belongs to (a labdesk order id, as on the order's page).",
            ),
            (
                DecideError::ConfirmationRequired,
                "confirmation_required",
                "This result was delivered on another lab account than the order used: confirm that it belongs to this order.",
            ),
            (
                DecideError::NoteRequired {
                    what: "reject a result",
                },
                "note_required",
                "A note is required to reject a result.",
            ),
            (
                DecideError::NoteTooLong,
                "note_too_long",
                "The note may be at most 1000 characters.",
            ),
        ];
        for (refusal, want_code, want_message) in table {
            match AppError::from(refusal) {
                AppError::Rule { code, message } => {
                    assert_eq!((code, message.as_str()), (want_code, want_message))
                }
                other => panic!("{want_code}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_missing_item_or_order_is_not_found_and_other_errors_pass_through() {
        for refusal in [DecideError::ItemNotFound, DecideError::OrderNotFound] {
            assert!(matches!(AppError::from(refusal), AppError::NotFound));
        }
        let forbidden = DecideError::Other(AppError::Forbidden("no".into()));
        assert!(matches!(AppError::from(forbidden), AppError::Forbidden(m) if m == "no"));
    }
}
