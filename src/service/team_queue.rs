//! The review queue as a Team's API key sees it (`/v3/unmatched_result`): only what
//! `domain::access::team_sees_queue_item` lets the Team see, and every read audited, since an
//! item names a patient (name, date of birth) and the candidate order.
use chrono::NaiveDateTime;

use crate::db::unmatched::{self as unmatched_db, QueueFilter, UnmatchedRow};
use crate::db::DbConnection;
use crate::domain::access::{team_sees_queue_item, QueueItemOwner};
use crate::domain::ids::ReviewItemId;
use crate::domain::result_matching::DecisionCode;
use crate::domain::review::ReviewStatus;
use crate::error::AppError;
use crate::service::order_reads::TeamReader;
use crate::service::review::queue::{self, Page};
use crate::service::review::{self, ListedBy};

/// What the key asked for; which items it may see at all is decided here, not by the caller.
#[derive(Debug, Clone, Default)]
pub struct Wanted {
    pub statuses: Vec<ReviewStatus>,
    pub decision_code: Option<DecisionCode>,
    pub lab: Option<String>,
    /// Keyset: (created_at, id) strictly after this, newest first.
    pub before: Option<(NaiveDateTime, ReviewItemId)>,
}

/// The filter of a Team's view of the queue: its org's items, the Team's rule on top.
fn team_filter(reader: TeamReader<'_>, wanted: Wanted) -> QueueFilter {
    QueueFilter {
        org_ids: Some(vec![reader.org_id.clone()]),
        include_quarantine: false,
        team_id: Some(reader.team_id.clone()),
        statuses: wanted.statuses,
        decision_code: wanted.decision_code,
        lab: wanted.lab,
        before: wanted.before,
    }
}

/// One page of the Team's items, newest first, recorded as one `result.review_listed` row.
pub fn list(
    conn: &mut DbConnection,
    reader: TeamReader<'_>,
    wanted: Wanted,
    limit: i64,
) -> Result<Page, AppError> {
    let page = queue::page(conn, team_filter(reader, wanted), limit)?;
    review::record_list(
        conn,
        reader.actor,
        ListedBy::Team {
            org_id: reader.org_id,
            team_id: reader.team_id,
        },
        &page.items,
    )?;
    Ok(page)
}

/// One item the Team may see, recorded as `result.review_viewed`; anything else is "not found".
pub fn item(
    conn: &mut DbConnection,
    reader: TeamReader<'_>,
    id: &ReviewItemId,
) -> Result<UnmatchedRow, AppError> {
    let item = unmatched_db::find(conn, id)?.ok_or(AppError::NotFound)?;
    // The account's links only count for an item of no Team: no need to ask otherwise.
    let account_linked = item.team_id.is_none()
        && unmatched_db::account_linked_to_team(conn, &item, reader.team_id)?;
    let owner = QueueItemOwner {
        org_id: item.org_id.as_ref(),
        team_id: item.team_id.as_ref(),
        account_linked,
    };
    if !team_sees_queue_item(reader.org_id, reader.team_id, owner) {
        return Err(AppError::NotFound);
    }
    review::record_view(conn, reader.actor, &item)?;
    Ok(item)
}
