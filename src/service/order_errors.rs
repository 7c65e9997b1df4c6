//! How placing and cancelling an order can be refused. The wizard picks where to send the person
//! by the variant; `From<...> for AppError` gives the API its answer, whose `code` strings and
//! messages are part of the wire format (the codes of account refusals are the domain's own,
//! `Refusal::code`).
use crate::domain::eligibility::Refusal;
use crate::domain::ids::LabTestId;
use crate::domain::lab::CollectionMethod;
use crate::domain::order_status::LowStatus;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;

/// Why these tests cannot make one order.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TestsRefused {
    #[error("Give lab_test_id or order_set.lab_test_ids")]
    NoneGiven,
    #[error("Lab test {0} does not exist.")]
    NotFound(LabTestId),
    #[error("Lab test {name} is not active.")]
    Inactive { name: String },
    #[error("All tests of an order must be from one lab and use one collection method.")]
    Mixed,
    #[error("The tests are collected by {tests}, not {asked}.")]
    MethodMismatch {
        tests: CollectionMethod,
        asked: CollectionMethod,
    },
}

impl TestsRefused {
    /// The API's `code` (no tests at all is a 422 on `lab_test_id` instead).
    pub fn code(&self) -> &'static str {
        match self {
            TestsRefused::NoneGiven => "missing",
            TestsRefused::NotFound(_) => "lab_test_not_found",
            TestsRefused::Inactive { .. } => "lab_test_inactive",
            TestsRefused::Mixed => "lab_tests_mixed",
            TestsRefused::MethodMismatch { .. } => "collection_method_mismatch",
        }
    }
}

impl From<TestsRefused> for AppError {
    fn from(e: TestsRefused) -> AppError {
        match e {
            TestsRefused::NoneGiven => {
                let mut errors = FieldErrors::default();
                errors.push_at(&["body", "lab_test_id"], e.to_string(), "missing");
                AppError::invalid(errors)
            }
            other => AppError::rule(other.code(), other.to_string()),
        }
    }
}

/// Why an order was not placed.
#[derive(Debug, thiserror::Error)]
pub enum PlaceOrderError {
    /// The patient is not one of the Team's.
    #[error("the patient is not one of the Team's")]
    PatientNotFound,
    #[error(transparent)]
    TestsRefused(TestsRefused),
    /// No account can take the order, or the one named cannot (checked again under its lock).
    #[error("{}", .0.message())]
    AccountRefused(Refusal),
    #[error(transparent)]
    Failed(#[from] AppError),
}

impl From<diesel::result::Error> for PlaceOrderError {
    fn from(e: diesel::result::Error) -> Self {
        PlaceOrderError::Failed(e.into())
    }
}

impl From<TestsRefused> for PlaceOrderError {
    fn from(e: TestsRefused) -> Self {
        PlaceOrderError::TestsRefused(e)
    }
}

impl From<PlaceOrderError> for AppError {
    fn from(e: PlaceOrderError) -> AppError {
        match e {
            PlaceOrderError::PatientNotFound => AppError::NotFound,
            PlaceOrderError::TestsRefused(t) => t.into(),
            // An account of another org, or none by that id: the same answer for both.
            PlaceOrderError::AccountRefused(Refusal::NotFound) => AppError::NotFound,
            PlaceOrderError::AccountRefused(r) => AppError::rule(r.code(), r.message()),
            PlaceOrderError::Failed(e) => e,
        }
    }
}

/// Why an order was not cancelled.
#[derive(Debug, thiserror::Error)]
pub enum CancelError {
    /// Its status no longer allows it (the lab has it, or it is finished).
    #[error("An order in status {status} cannot be cancelled.")]
    NotCancellable { status: LowStatus },
    #[error(transparent)]
    Failed(#[from] AppError),
}

impl From<diesel::result::Error> for CancelError {
    fn from(e: diesel::result::Error) -> Self {
        CancelError::Failed(e.into())
    }
}

impl From<CancelError> for AppError {
    fn from(e: CancelError) -> AppError {
        match e {
            CancelError::NotCancellable { .. } => {
                AppError::rule("order_not_cancellable", e.to_string())
            }
            CancelError::Failed(e) => e,
        }
    }
}

#[cfg(test)]
#[path = "order_errors_tests.rs"]
mod tests;
