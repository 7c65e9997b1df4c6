//! The order wizard's drafts: started per Team, saved after each step, and submitted once. The
//! order is placed by `orders::create` (the same code as `POST /v3/order`, which checks the
//! account again under a lock) inside the transaction that marks the draft submitted, so
//! submitting twice, from two tabs or a double click, places one order.
use crate::db::drafts::{self, DraftRow};
use crate::db::{write_tx, DbConnection};
use crate::domain::actor::Actor;
use crate::domain::ids::{DraftId, OrderId, TeamId, UserId};
use crate::domain::order_input::OrderRequest;
use crate::domain::wizard::DraftState;
use crate::error::AppError;
use crate::service::orders;

const ALREADY_SUBMITTED: &str = "draft_already_submitted";

/// Starts an empty draft for a Team; returns its id.
pub fn start(
    conn: &mut DbConnection,
    team_id: &TeamId,
    user_id: &UserId,
) -> Result<DraftId, AppError> {
    drafts::insert(conn, team_id, user_id, &DraftState::default().to_json())
}

pub fn save(
    conn: &mut DbConnection,
    draft_id: &DraftId,
    state: &DraftState,
) -> Result<(), AppError> {
    drafts::save(conn, draft_id, &state.to_json())
}

pub fn state_of(draft: &DraftRow) -> Result<DraftState, AppError> {
    DraftState::from_json(&draft.data).map_err(AppError::Internal)
}

/// What a submit did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Submitted {
    Placed(OrderId),
    /// The draft had already been submitted: the order placed then.
    Already(OrderId),
}

impl Submitted {
    pub fn order_id(&self) -> &OrderId {
        match self {
            Submitted::Placed(id) | Submitted::Already(id) => id,
        }
    }
}

/// Places the draft's order and marks the draft submitted, in one transaction. A draft already
/// submitted places nothing and answers with its order; any refusal (e.g. the account was
/// suspended meanwhile) rolls everything back and is returned as the error.
pub fn submit(
    conn: &mut DbConnection,
    actor: &Actor,
    draft_id: &DraftId,
    req: &OrderRequest,
) -> Result<Submitted, AppError> {
    let result = write_tx(conn, |conn| {
        if let Some(order_id) = submitted_order(conn, draft_id)? {
            return Ok(Submitted::Already(order_id));
        }
        let order_id = orders::create(conn, actor, req)?;
        // A concurrent submit that committed first makes this update find nothing (PostgreSQL
        // waits on the row, then re-reads it): this order is rolled back.
        if !drafts::mark_submitted(conn, draft_id, &order_id)? {
            return Err(AppError::rule(
                ALREADY_SUBMITTED,
                "This draft was already submitted.",
            ));
        }
        Ok(Submitted::Placed(order_id))
    });
    match result {
        Err(AppError::Rule { code, .. }) if code == ALREADY_SUBMITTED => {
            submitted_order(conn, draft_id)?
                .map(Submitted::Already)
                .ok_or_else(|| AppError::Internal("a submitted draft has no order".into()))
        }
        other => other,
    }
}

fn submitted_order(
    conn: &mut DbConnection,
    draft_id: &DraftId,
) -> Result<Option<OrderId>, AppError> {
    Ok(drafts::find(conn, draft_id)?.and_then(|d| d.order_id))
}
