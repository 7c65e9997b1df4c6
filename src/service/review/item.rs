//! One item of the queue as a reviewer reads it: what the lab sent, the order it went on or most
//! likely belongs to, the account it came on and, while it is open, the orders that may be meant.
//! Every read is audited.
use super::candidates::{self, Candidate};
use super::reads::record_view;
use super::{item_in_scope, Reviewer};
use crate::db::lab_accounts::{self as accounts_db, AccountLabel};
use crate::db::orders as orders_db;
use crate::db::unmatched::UnmatchedRow;
use crate::db::DbConnection;
use crate::domain::access::Principal;
use crate::domain::actor::Actor;
use crate::domain::ids::{OrderId, ReviewItemId};
use crate::domain::review::CandidateSearch;
use crate::domain::scope::Scope;
use crate::error::AppError;
use crate::service::orders::{self as orders_service, OrderView};

pub struct ItemDetails {
    pub item: UnmatchedRow,
    /// A decided item's order, or the order an open one most likely belongs to.
    pub suggested: Option<OrderId>,
    /// That order, when it exists.
    pub order: Option<OrderView>,
    /// The lab account the lab delivered on, when labdesk knows the number.
    pub delivered_on: Option<AccountLabel>,
    /// While the item is open: the orders the reviewer may put the result on.
    pub candidates: Vec<Candidate>,
    /// What the reviewer searched the candidates for, if anything.
    pub searched: Option<String>,
}

/// An item of the queue of `scope` for a person who works it, recorded as `result.review_viewed`;
/// anything else is "not found".
pub fn show(
    conn: &mut DbConnection,
    p: &Principal,
    actor: Actor,
    scope: &Scope,
    id: &ReviewItemId,
) -> Result<ItemDetails, AppError> {
    show_searching(conn, p, actor, scope, id, "")
}

/// `show`, with the candidate orders narrowed to a patient's name or date of birth (`typed`).
pub fn show_searching(
    conn: &mut DbConnection,
    p: &Principal,
    actor: Actor,
    scope: &Scope,
    id: &ReviewItemId,
    typed: &str,
) -> Result<ItemDetails, AppError> {
    let r = Reviewer::working(p, actor, scope)?;
    let item = item_in_scope(conn, p, scope, id)?.ok_or(AppError::NotFound)?;
    record_view(conn, &r.actor, &item)?;
    // A decided item is compared with the order it went on; an open one with the likely order.
    let suggested = match &item.resolved_order_id {
        Some(id) => Some(id.clone()),
        None => suggested_order(conn, &r, &item)?,
    };
    let order = match &suggested {
        Some(id) => orders_service::load(conn, id)?,
        None => None,
    };
    let delivered_on = match &item.lab_account_id {
        Some(id) => accounts_db::labels(conn, std::slice::from_ref(id))?
            .into_iter()
            .next(),
        None => None,
    };
    let search = CandidateSearch::parse(typed);
    let candidates = if item.status.is_open() {
        let likely = order.as_ref().map(|o| &o.row);
        candidates::find(conn, &r, &item, likely, search.as_ref())?
    } else {
        Vec::new()
    };
    Ok(ItemDetails {
        item,
        suggested,
        order,
        delivered_on,
        candidates,
        searched: search.map(|_| typed.trim().to_string()),
    })
}

/// The order a reviewer most likely wants: the candidate the matching found, else the order the
/// placer order number names when it is one the reviewer may put the result on.
fn suggested_order(
    conn: &mut DbConnection,
    r: &Reviewer,
    item: &UnmatchedRow,
) -> Result<Option<OrderId>, AppError> {
    if let Some(candidate) = &item.candidate_order_id {
        return Ok(Some(candidate.clone()));
    }
    let Some(id) = item
        .placer_order_number
        .as_deref()
        .and_then(|p| uuid::Uuid::parse_str(p.trim()).ok())
    else {
        return Ok(None);
    };
    Ok(orders_db::find(conn, &OrderId::from(id))?
        .filter(|o| match &item.org_id {
            Some(org) => *org == o.org_id,
            None => r.org_ids.contains(&o.org_id),
        })
        .map(|o| o.id))
}
