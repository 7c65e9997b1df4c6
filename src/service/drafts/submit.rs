//! Submitting a draft. The order is placed by `orders::create` (the same code as `POST
//! /v3/order`, which checks the account again under a lock) inside the transaction that marks
//! the draft submitted, so submitting twice, from two tabs or a double click, places one order.
//! A refusal sends the person back to the step that can fix it, with the reason.
use super::{open, Draft, Next, Opened};
use crate::db::drafts;
use crate::db::{write_tx, DbConnection};
use crate::domain::access::Principal;
use crate::domain::actor::Actor;
use crate::domain::eligibility::Refusal;
use crate::domain::ids::{DraftId, OrderId, OrgId};
use crate::domain::order_input::{validate_patient, validate_physician, OrderRequest};
use crate::domain::wizard::Step;
use crate::error::AppError;
use crate::service::order_errors::{PlaceOrderError, TestsRefused};
use crate::service::orders;

/// Why a draft's order was not placed now.
#[derive(Debug, thiserror::Error)]
pub enum SubmitDraftError {
    /// Submitted before (another tab, a double click): the order placed then.
    #[error("This draft was already submitted.")]
    AlreadySubmitted { order_id: OrderId },
    /// The account can no longer take the order (suspended, unlinked, ... meanwhile).
    #[error("{}", .0.message())]
    AccountRefused(Refusal),
    /// The tests can no longer be ordered.
    #[error(transparent)]
    TestsRefused(TestsRefused),
    #[error("the draft's patient is not one of the Team's")]
    PatientNotFound,
    #[error(transparent)]
    Failed(#[from] AppError),
}

impl From<PlaceOrderError> for SubmitDraftError {
    fn from(e: PlaceOrderError) -> Self {
        match e {
            PlaceOrderError::PatientNotFound => SubmitDraftError::PatientNotFound,
            PlaceOrderError::TestsRefused(t) => SubmitDraftError::TestsRefused(t),
            PlaceOrderError::AccountRefused(r) => SubmitDraftError::AccountRefused(r),
            PlaceOrderError::Failed(e) => SubmitDraftError::Failed(e),
        }
    }
}

impl From<SubmitDraftError> for AppError {
    fn from(e: SubmitDraftError) -> AppError {
        match e {
            SubmitDraftError::AlreadySubmitted { .. } => {
                AppError::rule("draft_already_submitted", e.to_string())
            }
            SubmitDraftError::AccountRefused(r) => PlaceOrderError::AccountRefused(r).into(),
            SubmitDraftError::TestsRefused(t) => t.into(),
            SubmitDraftError::PatientNotFound => AppError::NotFound,
            SubmitDraftError::Failed(e) => e,
        }
    }
}

/// Inside the order's transaction: the draft turned out submitted by a concurrent submit that
/// committed first, so this order is rolled back (and the other one read after).
enum Attempt {
    Lost,
    Refused(SubmitDraftError),
}

impl From<SubmitDraftError> for Attempt {
    fn from(e: SubmitDraftError) -> Self {
        Attempt::Refused(e)
    }
}

impl From<PlaceOrderError> for Attempt {
    fn from(e: PlaceOrderError) -> Self {
        Attempt::Refused(e.into())
    }
}

impl From<AppError> for Attempt {
    fn from(e: AppError) -> Self {
        Attempt::Refused(e.into())
    }
}

impl From<diesel::result::Error> for Attempt {
    fn from(e: diesel::result::Error) -> Self {
        Attempt::Refused(SubmitDraftError::Failed(e.into()))
    }
}

/// Places the draft's order and marks the draft submitted, in one transaction; any refusal rolls
/// everything back.
pub fn place(
    conn: &mut DbConnection,
    actor: &Actor,
    draft_id: &DraftId,
    req: &OrderRequest,
) -> Result<OrderId, SubmitDraftError> {
    let placed = write_tx(conn, |conn| {
        if let Some(order_id) = submitted_order(conn, draft_id)? {
            return Err(SubmitDraftError::AlreadySubmitted { order_id }.into());
        }
        let order_id = orders::create(conn, actor, req)?;
        // A concurrent submit that committed first makes this update find nothing (PostgreSQL
        // waits on the row, then re-reads it).
        if !drafts::mark_submitted(conn, draft_id, &order_id)? {
            return Err(Attempt::Lost);
        }
        Ok(order_id)
    });
    match placed {
        Ok(order_id) => Ok(order_id),
        Err(Attempt::Refused(e)) => Err(e),
        Err(Attempt::Lost) => {
            let order_id = submitted_order(conn, draft_id)?
                .ok_or_else(|| AppError::Internal("a submitted draft has no order".into()))?;
            Err(SubmitDraftError::AlreadySubmitted { order_id })
        }
    }
}

fn submitted_order(
    conn: &mut DbConnection,
    draft_id: &DraftId,
) -> Result<Option<OrderId>, AppError> {
    Ok(drafts::find(conn, draft_id)?.and_then(|d| d.order_id))
}

/// The order the draft describes, or the step to fix first.
fn order_request(draft: &Draft) -> Result<OrderRequest, Step> {
    let s = &draft.state;
    let patient =
        validate_patient(&s.patient, chrono::Utc::now().date_naive()).map_err(|_| Step::Patient)?;
    let user_id = s.patient_id().ok_or(Step::Patient)?.clone();
    let account = s.account.as_ref().ok_or(Step::Account)?;
    let billing = s.billing_type.ok_or(Step::Billing)?;
    let physician = validate_physician(&s.physician).map_err(|_| Step::Billing)?;
    let notes = s.clinical_notes.trim();
    Ok(OrderRequest {
        team_id: draft.team.id.clone(),
        org_id: draft.org_id.clone(),
        user_id,
        patient,
        test_ids: s.test_ids.clone(),
        lab_account_id: Some(account.id.clone()),
        billing,
        collection_method: None,
        physician,
        clinical_notes: (!notes.is_empty()).then(|| notes.to_string()),
        priority: false,
        icd_codes: None,
        passthrough: None,
        activate_by: None,
    })
}

/// Places the draft's order once and opens it. An account refused meanwhile (suspended,
/// unlinked, ...) sends the person back to the account step with the reason; tests no longer
/// orderable, back to the tests.
pub fn submit(
    conn: &mut DbConnection,
    actor: &Actor,
    p: &Principal,
    org_id: &OrgId,
    draft_id: &DraftId,
) -> Result<Next, AppError> {
    let mut draft = match open(conn, p, org_id, draft_id)? {
        Opened::Submitted(order_id) => return Ok(Next::Order(order_id)),
        Opened::Draft(draft) => *draft,
    };
    let first = draft.state.first_incomplete();
    if first != Step::Review {
        return Ok(Next::Step(first));
    }
    let req = match order_request(&draft) {
        Ok(req) => req,
        Err(step) => return Ok(Next::Step(step)),
    };
    let back_to = match place(conn, actor, &draft.id, &req) {
        Ok(order_id) | Err(SubmitDraftError::AlreadySubmitted { order_id }) => {
            return Ok(Next::Order(order_id))
        }
        // Not visible to the org any more (a platform account unlinked meanwhile).
        Err(SubmitDraftError::AccountRefused(Refusal::NotFound)) => {
            draft.state.refuse_account(format!(
                "The lab account chosen is no longer available to Team {}. Choose another.",
                draft.team.name
            ));
            Step::Account
        }
        Err(SubmitDraftError::AccountRefused(refusal)) => {
            draft.state.refuse_account(refusal.message());
            Step::Account
        }
        Err(SubmitDraftError::TestsRefused(refused)) => {
            draft.state.refuse_tests(refused.to_string());
            Step::Tests
        }
        Err(e @ (SubmitDraftError::PatientNotFound | SubmitDraftError::Failed(_))) => {
            return Err(e.into())
        }
    };
    draft.save(conn)?;
    Ok(Next::Step(back_to))
}
