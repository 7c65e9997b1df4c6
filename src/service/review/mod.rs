//! The review queue of results that did not fit their order. Who may work which part of it
//! (`Reviewer`), the decisions on an item (`decisions`: accept, reject, escalate, each with its
//! own refusals in `DecideError`), the dashboard's reads of the queue and of one item (`queue`,
//! `item`), and the audit rows of those reads (`reads`), which a Team key's reads share.
pub mod candidates;
mod decisions;
mod errors;
pub mod item;
pub mod queue;
mod reads;

pub use decisions::{accept, decide, escalate, reject, DecisionRequest, NOTE_MAX_CHARS};
pub use errors::{DecideError, DecidedState};
pub use reads::{record_list, record_view, ListedBy};

use crate::db::unmatched::{self as unmatched_db, UnmatchedRow};
use crate::db::DbConnection;
use crate::domain::access::{Action, Principal, Role};
use crate::domain::actor::Actor;
use crate::domain::ids::{OrgId, ReviewItemId};
use crate::domain::scope::Scope;
use crate::error::AppError;
use crate::service::policy;

/// Who is deciding: the orgs whose items they may act on, and whether quarantine is theirs.
#[derive(Debug, Clone)]
pub struct Reviewer {
    pub actor: Actor,
    pub org_ids: Vec<OrgId>,
    pub sees_quarantine: bool,
}

impl Reviewer {
    /// A signed-in person as a reviewer: an org admin acts on their org's items, a CSM on the
    /// items of the orgs they look after and on quarantine; clinicians on nothing.
    pub fn of(p: &Principal, actor: Actor) -> Reviewer {
        let (org_ids, sees_quarantine) = match p.role {
            Role::Csm => (p.csm_org_ids.clone(), true),
            Role::OrgAdmin => (p.org_id.iter().cloned().collect(), false),
            Role::Clinician => (Vec::new(), false),
        };
        Reviewer {
            actor,
            org_ids,
            sees_quarantine,
        }
    }

    /// A person working the queue of `scope` (an org's, or the platform's with quarantine), once
    /// the policy says they may.
    pub fn working(p: &Principal, actor: Actor, scope: &Scope) -> Result<Reviewer, AppError> {
        policy::authorize(
            p,
            Action::ReviewResults {
                org_id: scope.org_id(),
            },
        )?;
        Ok(Reviewer::of(p, actor))
    }

    pub fn may_see(&self, item: &UnmatchedRow) -> bool {
        match &item.org_id {
            Some(org) => self.org_ids.contains(org),
            None => self.sees_quarantine,
        }
    }
}

/// An item of this scope the person may review; anything else is "not found": an org's queue
/// holds only that org's items, and an item the person may not review is not theirs to know of.
fn item_in_scope(
    conn: &mut DbConnection,
    p: &Principal,
    scope: &Scope,
    id: &ReviewItemId,
) -> Result<Option<UnmatchedRow>, AppError> {
    let Some(item) = unmatched_db::find(conn, id)? else {
        return Ok(None);
    };
    if let Scope::Org(org) = scope {
        if item.org_id.as_ref() != Some(org) {
            return Ok(None);
        }
    }
    let allowed = policy::allowed(
        p,
        Action::ReviewResults {
            org_id: item.org_id.as_ref(),
        },
    );
    Ok(allowed.then_some(item))
}
