//! One order as a signed-in person works with it on the dashboard: opening it (a PHI read,
//! audited together with the result version shown), cancelling it, and in sandbox deployments
//! moving it forward. Which orders a person sees is `visibility::visible_order`; what they may
//! do to one is `domain::access`'s, asked here so the pages only show the buttons.
use crate::db::lab_messages::{self as lab_db, LabAttemptRow, LabMessageRow};
use crate::db::{read_tx, DbConnection};
use crate::domain::access::{Action, Principal};
use crate::domain::actor::Actor;
use crate::domain::ids::{OrderId, OrgId};
use crate::domain::order_status::LowStatus;
use crate::domain::simulation::Simulation;
use crate::error::AppError;
use crate::service::order_errors::CancelError;
use crate::service::order_history::{self, ResultHistory};
use crate::service::order_reads::record_view;
use crate::service::orders::{self, OrderView};
use crate::service::policy;
use crate::service::sandbox::{self, SandboxError};
use crate::service::visibility::{visible_order, visible_team_ids};

/// An order the person may see, and what they may do to it.
pub struct SeenOrder {
    pub order: OrderView,
    /// Cancel it (whether its status still allows it is the order's own rule).
    pub may_cancel: bool,
    /// Sandbox deployments: move it forward, send a corrected result.
    pub may_advance: bool,
    /// Open its lab account's page.
    pub may_view_account: bool,
}

impl SeenOrder {
    fn of(p: &Principal, org_id: &OrgId, order: OrderView, sandbox: bool) -> SeenOrder {
        let team_id = &order.row.team_id;
        let may_cancel = policy::allowed(p, Action::CancelOrder { org_id, team_id });
        let may_advance =
            sandbox && policy::allowed(p, Action::AdvanceSandboxOrder { org_id, team_id });
        let a = &order.account;
        let may_view_account = policy::allowed(
            p,
            Action::ViewAccount {
                owner_org: a.owner.org_id(),
                viewing_org: org_id,
                linked_teams: &a.team_ids,
            },
        );
        SeenOrder {
            may_cancel,
            may_advance,
            may_view_account,
            order,
        }
    }
}

/// The order page: the order and its results, read together.
pub struct OrderPage {
    pub seen: SeenOrder,
    pub results: ResultHistory,
    /// What was sent to the lab about the order, oldest first.
    pub lab_messages: Vec<LabMessageView>,
}

/// A message to the lab with its attempts.
pub struct LabMessageView {
    pub message: LabMessageRow,
    pub attempts: Vec<LabAttemptRow>,
}

fn lab_messages(
    conn: &mut DbConnection,
    order_id: &OrderId,
) -> Result<Vec<LabMessageView>, AppError> {
    let messages = lab_db::messages_of_order(conn, order_id)?;
    let ids: Vec<String> = messages.iter().map(|m| m.id.clone()).collect();
    let mut attempts = if ids.is_empty() {
        Vec::new()
    } else {
        lab_db::attempts_of(conn, &ids)?
    };
    Ok(messages
        .into_iter()
        .map(|message| {
            let (mine, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut attempts)
                .into_iter()
                .partition(|a| a.message_id == message.id);
            attempts = rest;
            LabMessageView {
                message,
                attempts: mine,
            }
        })
        .collect())
}

/// Reads an order with its results and records the read (`order.viewed`, naming the result
/// version shown). `sandbox`: this deployment is one.
pub fn open(
    conn: &mut DbConnection,
    actor: &Actor,
    p: &Principal,
    org_id: &OrgId,
    order_id: &OrderId,
    sandbox: bool,
) -> Result<OrderPage, AppError> {
    // Every read on one snapshot (see `db::read_tx`); the view is recorded after.
    let (order, results, sent) = read_tx(conn, |conn| {
        let order = visible_order(conn, p, org_id, order_id)?;
        let results = order_history::load(conn, &order)?;
        let sent = lab_messages(conn, &order.row.id)?;
        Ok::<_, AppError>((order, results, sent))
    })?;
    record_view(conn, actor, &order, results.shown())?;
    Ok(OrderPage {
        seen: SeenOrder::of(p, org_id, order, sandbox),
        results,
        lab_messages: sent,
    })
}

fn read(
    conn: &mut DbConnection,
    actor: &Actor,
    p: &Principal,
    org_id: &OrgId,
    order: OrderView,
    sandbox: bool,
) -> Result<OrderPage, AppError> {
    let results = order_history::load(conn, &order)?;
    let sent = lab_messages(conn, &order.row.id)?;
    record_view(conn, actor, &order, results.shown())?;
    Ok(OrderPage {
        seen: SeenOrder::of(p, org_id, order, sandbox),
        results,
        lab_messages: sent,
    })
}

/// The requisition PDF of an order this person sees (audited as a read).
pub fn requisition(
    conn: &mut DbConnection,
    actor: &Actor,
    p: &Principal,
    org_id: &OrgId,
    order_id: &OrderId,
) -> Result<Vec<u8>, AppError> {
    let order = visible_order(conn, p, org_id, order_id)?;
    crate::service::order_reads::requisition(conn, actor, &order)
}

/// The order, if this person may cancel orders of its Team.
fn cancellable_by(
    conn: &mut DbConnection,
    p: &Principal,
    org_id: &OrgId,
    order_id: &OrderId,
) -> Result<OrderView, AppError> {
    let order = visible_order(conn, p, org_id, order_id)?;
    let team_id = &order.row.team_id;
    policy::authorize(p, Action::CancelOrder { org_id, team_id })?;
    Ok(order)
}

/// The order the cancel confirmation asks about, if the person may cancel it and its status
/// still allows it.
pub fn to_cancel(
    conn: &mut DbConnection,
    p: &Principal,
    org_id: &OrgId,
    order_id: &OrderId,
) -> Result<OrderView, CancelError> {
    let order = cancellable_by(conn, p, org_id, order_id)?;
    let status = order.low();
    if !status.cancellable() {
        return Err(CancelError::NotCancellable { status });
    }
    Ok(order)
}

/// Cancels the order; returns it as it is now.
pub fn cancel(
    conn: &mut DbConnection,
    actor: &Actor,
    p: &Principal,
    org_id: &OrgId,
    order_id: &OrderId,
) -> Result<SeenOrder, CancelError> {
    cancellable_by(conn, p, org_id, order_id)?;
    let teams = visible_team_ids(conn, p, org_id)?;
    let order = orders::cancel(conn, actor, order_id, &teams)?;
    Ok(SeenOrder::of(p, org_id, order, false))
}

/// Sandbox deployments: moves the order one step forward, or with `Corrected` sends a corrected
/// result for a completed order. With `reread` the order and its results are read again (and the
/// read recorded) for the page to show.
pub fn advance(
    conn: &mut DbConnection,
    actor: &Actor,
    p: &Principal,
    org_id: &OrgId,
    order_id: &OrderId,
    asked: &Simulation,
    reread: bool,
) -> Result<Option<OrderPage>, SandboxError> {
    let order = visible_order(conn, p, org_id, order_id)?;
    let team_id = &order.row.team_id;
    policy::authorize(p, Action::AdvanceSandboxOrder { org_id, team_id })?;
    let status = order.low();
    let corrects = asked.target.is_some_and(|t| t.low == LowStatus::Corrected);
    if corrects && status != LowStatus::Completed {
        return Err(SandboxError::NotCompleted { status });
    }
    let teams = std::slice::from_ref(team_id);
    sandbox::advance(conn, actor, order_id, teams, asked)?;
    if !reread {
        return Ok(None);
    }
    let order = visible_order(conn, p, org_id, order_id)?;
    Ok(Some(read(conn, actor, p, org_id, order, true)?))
}
