//! The review queue of results that did not fit their order: the list (filters, keyset pages),
//! one item (what the lab sent next to the candidate order, differences marked) and the
//! decisions (accept, reject, escalate), all through `service::review`.
//!
//! Two scopes: `/orgs/{org}/review` is an org's queue (its org admins and CSMs);
//! `/platform/review` is the CSMs' queue: quarantine (deliveries on unknown accounts, which
//! belong to no org) plus the items of every org they look after, escalations included.
pub mod compare;
pub mod decide;
pub mod item;
pub mod list;

use crate::db::unmatched::{self as unmatched_db, UnmatchedRow};
use crate::db::DbConnection;
use crate::domain::access::{Action, Principal};
use crate::domain::ids::ReviewItemId;
use crate::domain::review::ReviewStatus;
use crate::error::AppError;
use crate::service::policy;
use crate::web::pages::Nav;
use crate::web::pages::{chrome, Chrome, Scope};

/// Checks the person may work the queue of this scope and builds the layout for it.
pub fn review_chrome(
    conn: &mut DbConnection,
    p: &Principal,
    csrf: &str,
    sandbox: bool,
    scope: &Scope,
) -> Result<Chrome, AppError> {
    let active = match scope {
        Scope::Org(_) => Nav::Review,
        Scope::Platform => Nav::PlatformReview,
    };
    let chrome = chrome(conn, p, csrf, sandbox, Some(scope), active)?;
    policy::authorize(
        p,
        Action::ReviewResults {
            org_id: scope.org_id(),
        },
    )?;
    Ok(chrome)
}

/// An item of this scope the person may review; anything else is "not found".
pub fn load_item(
    conn: &mut DbConnection,
    p: &Principal,
    scope: &Scope,
    id: &ReviewItemId,
) -> Result<UnmatchedRow, AppError> {
    let item = unmatched_db::find(conn, id)?.ok_or(AppError::NotFound)?;
    if let Scope::Org(org) = scope {
        if item.org_id.as_ref() != Some(org) {
            return Err(AppError::NotFound);
        }
    }
    let allowed = policy::allowed(
        p,
        Action::ReviewResults {
            org_id: item.org_id.as_ref(),
        },
    );
    if !allowed {
        return Err(AppError::NotFound);
    }
    Ok(item)
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
