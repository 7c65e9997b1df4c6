//! Pages of the queue, newest first in keyset pages: the dashboard's (an org's items, or the
//! CSMs' platform queue: quarantine plus the items of every org they look after) and, through
//! `page`, a Team key's. Every page shown is an audited read.
use chrono::NaiveDateTime;

use super::reads::{record_list, ListedBy};
use super::Reviewer;
use crate::db::lab_accounts::{self as accounts_db, AccountLabel};
use crate::db::orgs::{self, Org};
use crate::db::unmatched::{self as unmatched_db, QueueFilter, UnmatchedRow};
use crate::db::{read_tx, DbConnection};
use crate::domain::access::Principal;
use crate::domain::actor::Actor;
use crate::domain::ids::{LabAccountId, ReviewItemId};
use crate::domain::lab::LabSlug;
use crate::domain::result_matching::DecisionCode;
use crate::domain::review::ReviewStatus;
use crate::domain::scope::Scope;
use crate::error::AppError;

/// One page of items.
pub struct Page {
    pub items: Vec<UnmatchedRow>,
    /// Whether there are older items after this page.
    pub more: bool,
    /// Every item with these filters (the cursor aside).
    pub total: i64,
}

/// At most `limit` items of `filter`, newest first, and how many there are in all.
pub(crate) fn page(
    conn: &mut DbConnection,
    filter: QueueFilter,
    limit: i64,
) -> Result<Page, AppError> {
    let mut items = unmatched_db::list(conn, &filter, limit + 1)?;
    let more = items.len() as i64 > limit;
    items.truncate(usize::try_from(limit).unwrap_or(0));
    let total = unmatched_db::count(
        conn,
        &QueueFilter {
            before: None,
            ..filter
        },
    )?;
    Ok(Page { items, more, total })
}

/// The filters a reviewer chose; which items they may see at all is decided here.
#[derive(Debug, Clone, Default)]
pub struct Wanted {
    /// Any of these (none: any status).
    pub statuses: Vec<ReviewStatus>,
    pub decision_code: Option<DecisionCode>,
    pub lab: Option<LabSlug>,
    /// Keyset: (created_at, id) strictly after this, newest first.
    pub before: Option<(NaiveDateTime, ReviewItemId)>,
}

/// A page of the dashboard's queue with what its rows name.
pub struct QueuePage {
    pub page: Page,
    /// The lab accounts the items were delivered on (those labdesk knows).
    pub accounts: Vec<AccountLabel>,
    /// The platform queue: the orgs whose items it may show.
    pub orgs: Vec<Org>,
}

/// A page of the queue of `scope` for a person who works it, recorded as `result.review_listed`
/// rows (one per org on the page).
pub fn list(
    conn: &mut DbConnection,
    p: &Principal,
    actor: Actor,
    scope: &Scope,
    wanted: Wanted,
    limit: i64,
) -> Result<QueuePage, AppError> {
    let r = Reviewer::working(p, actor, scope)?;
    let platform = *scope == Scope::Platform;
    let filter = QueueFilter {
        org_ids: Some(match scope {
            Scope::Org(org) => vec![org.clone()],
            Scope::Platform => r.org_ids.clone(),
        }),
        include_quarantine: platform && r.sees_quarantine,
        team_id: None,
        statuses: wanted.statuses,
        decision_code: wanted.decision_code,
        lab: wanted.lab.map(|l| l.as_str().to_string()),
        before: wanted.before,
    };
    // Every read on one snapshot (see `db::read_tx`); the list is recorded after.
    let listed = read_tx(conn, |conn| {
        let page = page(conn, filter, limit)?;
        let mut account_ids: Vec<LabAccountId> = page
            .items
            .iter()
            .filter_map(|i| i.lab_account_id.clone())
            .collect();
        account_ids.sort();
        account_ids.dedup();
        let accounts = accounts_db::labels(conn, &account_ids)?;
        let orgs = if platform {
            orgs::list_orgs(conn, &r.org_ids)?
        } else {
            Vec::new()
        };
        Ok::<_, AppError>(QueuePage {
            page,
            accounts,
            orgs,
        })
    })?;
    record_list(conn, &r.actor, ListedBy::Reviewer, &listed.page.items)?;
    Ok(listed)
}
