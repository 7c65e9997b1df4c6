//! The review queue of results that did not fit their order: the list (filters, keyset pages),
//! one item (what the lab sent next to the candidate order, differences marked) and the
//! decisions (accept, reject, escalate), all through `service::review`.
//!
//! Two scopes: `/orgs/{org}/review` is an org's queue (its org admins and CSMs);
//! `/platform/review` is the CSMs' queue: quarantine (deliveries on unknown accounts, which
//! belong to no org) plus the items of every org they look after, escalations included.
pub mod candidates;
pub mod compare;
pub mod decide;
pub mod item;
pub mod list;

use crate::db::DbConnection;
use crate::domain::access::Action;
use crate::domain::review::ReviewStatus;
use crate::domain::scope::Scope;
use crate::error::AppError;
use crate::service::policy;
use crate::web::page::{Chrome, Nav, PageContext};

/// The layout of a page of the queue of `scope`, once the person may work that queue. Checked
/// before anything in the request is read, so someone who may not review learns nothing from it;
/// the service checks again for itself.
fn review_chrome(
    ctx: &PageContext,
    conn: &mut DbConnection,
    scope: &Scope,
) -> Result<Chrome, AppError> {
    let nav = match scope {
        Scope::Org(_) => Nav::Review,
        Scope::Platform => Nav::PlatformReview,
    };
    let chrome = ctx.chrome(conn, Some(scope), nav)?;
    policy::authorize(
        &ctx.principal,
        Action::ReviewResults {
            org_id: scope.org_id(),
        },
    )?;
    Ok(chrome)
}

/// A status as people read it, and the badge class that colours it.
pub fn status_badge(status: ReviewStatus) -> (&'static str, &'static str) {
    match status {
        ReviewStatus::PendingCustomer => ("Needs review", "badge-pending"),
        ReviewStatus::PendingOps => ("Escalated to ops review", "badge-ready_to_launch"),
        ReviewStatus::Accepted => ("Accepted", "badge-active"),
        ReviewStatus::Rejected => ("Rejected", "badge-suspended"),
    }
}
