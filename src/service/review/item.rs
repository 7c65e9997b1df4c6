//! One item of the queue as a reviewer reads it: what the lab sent, the order it went on or most
//! likely belongs to, the account it came on and, while it is open, the orders that may be meant.
//! Every read is audited.
use super::reads::record_view;
use super::{item_in_scope, Reviewer};
use crate::db::lab_accounts::{self as accounts_db, AccountLabel};
use crate::db::order_list::{self, OrderFilter, PageAt};
use crate::db::orders::{self as orders_db, OrderRow};
use crate::db::unmatched::UnmatchedRow;
use crate::db::DbConnection;
use crate::domain::access::Principal;
use crate::domain::actor::Actor;
use crate::domain::ids::{OrderId, OrgId, ReviewItemId};
use crate::domain::scope::Scope;
use crate::error::AppError;
use crate::service::orders::{self as orders_service, OrderView};

/// An order the reviewer may have meant, with its tests' names.
pub struct Suggestion {
    pub order: OrderRow,
    pub tests: Vec<String>,
}

pub struct ItemDetails {
    pub item: UnmatchedRow,
    /// A decided item's order, or the order an open one most likely belongs to.
    pub suggested: Option<OrderId>,
    /// That order, when it exists.
    pub order: Option<OrderView>,
    /// The lab account the lab delivered on, when labdesk knows the number.
    pub delivered_on: Option<AccountLabel>,
    /// While the item is open: orders of its org for a patient with the delivered last name.
    pub suggestions: Vec<Suggestion>,
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
    let suggestions = if item.status.is_open() {
        // A quarantined item has no org: the likely order's org is where to look.
        let org = item
            .org_id
            .clone()
            .or_else(|| order.as_ref().map(|o| o.row.org_id.clone()));
        let parsed: serde_json::Value = serde_json::from_str(&item.parsed).unwrap_or_default();
        let last_name = parsed["patient"]["last_name"].as_str().unwrap_or("");
        suggestions(conn, org.as_ref(), last_name)?
    } else {
        Vec::new()
    };
    Ok(ItemDetails {
        item,
        suggested,
        order,
        delivered_on,
        suggestions,
    })
}

/// Orders of the item's org for a patient with the delivered last name, newest first.
fn suggestions(
    conn: &mut DbConnection,
    org_id: Option<&OrgId>,
    last_name: &str,
) -> Result<Vec<Suggestion>, AppError> {
    let (Some(org), false) = (org_id, last_name.trim().is_empty()) else {
        return Ok(Vec::new());
    };
    let filter = OrderFilter {
        org_id: Some(org.clone()),
        patient_name: Some(last_name.to_string()),
        ..OrderFilter::default()
    };
    let rows = order_list::list_page_at(conn, &filter, PageAt::Newest, 10)?;
    let ids: Vec<OrderId> = rows.iter().map(|r| r.id.clone()).collect();
    let tests = order_list::test_names(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(|order| Suggestion {
            tests: tests
                .iter()
                .filter(|(o, _)| *o == order.id)
                .map(|(_, n)| n.clone())
                .collect(),
            order,
        })
        .collect())
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
