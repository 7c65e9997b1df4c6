//! The home page's counts: lab accounts by status and the launches waiting, open review items by
//! kind, and orders of a bounded period by status, by lab account and day, and with a critical
//! result nobody has looked at. Each is one grouped query over an index; none reads rows one by
//! one.
use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::{count_star, min, sql};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Nullable, Text, Timestamp};

use super::lab_account_lists::linked_to_a_team_of;
use super::lab_accounts::AccountLabel;
use super::schema::{lab_accounts, orders, unmatched_results};
use super::{DbConnection, MultiBackend};
use crate::domain::ids::{LabAccountId, OrderId, OrgId, TeamId};
use crate::domain::lab_account::AccountStatus;
use crate::domain::order_status::LowStatus;
use crate::domain::result_matching::DecisionCode;
use crate::domain::review::ReviewStatus;
use crate::error::AppError;

/// Whose orders are counted: an org's, or only some of its Teams' (a clinician's).
#[derive(Debug, Clone)]
pub struct OrderScope {
    pub org_id: OrgId,
    /// None: every Team of the org.
    pub team_ids: Option<Vec<TeamId>>,
}

/// A condition on rows of `T`, built at run time (a query with it can still be grouped, which a
/// boxed query cannot).
type Condition<T, ST = Bool> = Box<dyn BoxableExpression<T, MultiBackend, SqlType = ST>>;

/// The scope's orders created at or after `since` (on the (org|team, created_at) indexes).
fn orders_since(scope: &OrderScope, since: NaiveDateTime) -> Condition<orders::table> {
    let org = orders::org_id
        .eq(scope.org_id.clone())
        .and(orders::created_at.ge(since));
    match &scope.team_ids {
        None => Box::new(org),
        Some(teams) => Box::new(org.and(orders::team_id.eq_any(teams.clone()))),
    }
}

/// The org's accounts as its accounts list shows them: its own and the platform's linked to one
/// of its Teams.
fn org_accounts(org_id: &OrgId) -> Condition<lab_accounts::table, Nullable<Bool>> {
    Box::new(
        lab_accounts::org_id
            .eq(org_id.clone())
            .or(lab_accounts::org_id
                .is_null()
                .and(linked_to_a_team_of(org_id))),
    )
}

/// The org's accounts counted by status.
pub fn accounts_by_status(
    conn: &mut DbConnection,
    org_id: &OrgId,
) -> Result<Vec<(AccountStatus, i64)>, AppError> {
    lab_accounts::table
        .filter(org_accounts(org_id))
        .group_by(lab_accounts::status)
        .select((lab_accounts::status, count_star()))
        .load(conn)
        .map_err(|e| AppError::db("counting lab accounts by status", e))
}

/// An account whose launch waits on a CSM, and since when it has been in its status.
pub struct WaitingAccount {
    pub label: AccountLabel,
    pub status: AccountStatus,
    pub since: NaiveDateTime,
}

/// The org's accounts in `statuses`, the longest waiting first: at most `limit`. The time
/// an account entered its status is its latest status change (its creation when it has none).
pub fn waiting_accounts(
    conn: &mut DbConnection,
    org_id: &OrgId,
    statuses: &[AccountStatus],
    limit: i64,
) -> Result<Vec<WaitingAccount>, AppError> {
    let since = sql::<Nullable<Timestamp>>(
        "(SELECT MAX(c.at) FROM lab_account_status_changes c \
         WHERE c.lab_account_id = lab_accounts.id)",
    );
    let rows: Vec<(
        AccountLabel,
        AccountStatus,
        Option<NaiveDateTime>,
        NaiveDateTime,
    )> = lab_accounts::table
        .filter(org_accounts(org_id))
        .filter(lab_accounts::status.eq_any(statuses.to_vec()))
        .order((since.clone().asc(), lab_accounts::id))
        .limit(limit)
        .select((
            (
                lab_accounts::id,
                lab_accounts::lab_slug,
                lab_accounts::account_name,
                lab_accounts::provider_account_id,
            ),
            lab_accounts::status,
            since,
            lab_accounts::created_at,
        ))
        .load(conn)
        .map_err(|e| AppError::db("listing accounts waiting to launch", e))?;
    Ok(rows
        .into_iter()
        .map(|(label, status, changed, created)| WaitingAccount {
            label,
            status,
            since: changed.unwrap_or(created),
        })
        .collect())
}

/// Open review items of these orgs by kind: (kind, how many, the oldest one's arrival).
pub fn open_items_by_kind(
    conn: &mut DbConnection,
    org_ids: &[OrgId],
) -> Result<Vec<(DecisionCode, i64, Option<NaiveDateTime>)>, AppError> {
    unmatched_results::table
        .filter(unmatched_results::org_id.eq_any(org_ids.to_vec()))
        .filter(
            unmatched_results::status
                .eq_any([ReviewStatus::PendingCustomer, ReviewStatus::PendingOps]),
        )
        .group_by(unmatched_results::decision_code)
        .select((
            unmatched_results::decision_code,
            count_star(),
            min(unmatched_results::created_at),
        ))
        .load(conn)
        .map_err(|e| AppError::db("counting open review items", e))
}

/// The scope's orders created since `since`, counted by status.
pub fn orders_by_status(
    conn: &mut DbConnection,
    scope: &OrderScope,
    since: NaiveDateTime,
) -> Result<Vec<(LowStatus, i64)>, AppError> {
    orders::table
        .filter(orders_since(scope, since))
        .group_by(orders::status_low)
        .select((orders::status_low, count_star()))
        .load(conn)
        .map_err(|e| AppError::db("counting orders by status", e))
}

/// The day of an order's creation as `YYYY-MM-DD` text: the one expression the two backends
/// spell differently (SQLite keeps timestamps as ISO text).
fn day_of_created(conn: &DbConnection) -> &'static str {
    match conn {
        DbConnection::Postgresql(_) => "to_char(orders.created_at, 'YYYY-MM-DD')",
        DbConnection::Sqlite(_) => "substr(orders.created_at, 1, 10)",
    }
}

/// The scope's orders created since `since`, counted per lab account and day.
pub fn orders_per_account_and_day(
    conn: &mut DbConnection,
    scope: &OrderScope,
    since: NaiveDateTime,
) -> Result<Vec<(LabAccountId, NaiveDate, i64)>, AppError> {
    let day = day_of_created(conn);
    let rows: Vec<(String, String, i64)> = orders::table
        .filter(orders_since(scope, since))
        .group_by(sql::<Text>(&format!("orders.lab_account_id, {day}")))
        .select(sql::<(Text, Text, BigInt)>(&format!(
            "orders.lab_account_id, {day}, COUNT(*)"
        )))
        .load(conn)
        .map_err(|e| AppError::db("counting orders per account and day", e))?;
    rows.into_iter()
        .map(|(account, day, n)| {
            let day = NaiveDate::parse_from_str(&day, "%Y-%m-%d")
                .map_err(|e| AppError::Internal(format!("reading a day of orders: {e}")))?;
            Ok((LabAccountId::from_text(&account), day, n))
        })
        .collect()
}

/// The latest result is critical, written as a literal so the planners use the partial indexes
/// `orders_critical_*` (a bound parameter would not match their condition).
fn critical() -> diesel::expression::SqlLiteral<Bool> {
    sql::<Bool>("orders.interpretation = 'critical'")
}

/// No person has opened the order (its page shows the result) since its latest result arrived.
fn not_viewed_since_latest_result() -> diesel::expression::SqlLiteral<diesel::sql_types::Bool> {
    sql::<diesel::sql_types::Bool>(
        "NOT EXISTS (SELECT 1 FROM audit_events a \
         WHERE a.entity_type = 'order' AND a.entity_id = orders.id \
         AND a.action = 'order.viewed' AND a.actor_type = 'user' \
         AND a.at >= (SELECT MAX(r.created_at) FROM results r WHERE r.order_id = orders.id))",
    )
}

/// An order with a critical result that nobody has looked at.
#[derive(Queryable, Debug, Clone)]
pub struct UnviewedCritical {
    pub id: OrderId,
    pub team_id: TeamId,
    pub lab_account_id: LabAccountId,
    /// JSON: PatientDetails.
    pub patient_details: String,
    pub created_at: NaiveDateTime,
}

/// The scope's orders created since `since` whose latest result is critical and that no person
/// has opened since it arrived: the newest `limit`, and how many there are.
pub fn unviewed_critical(
    conn: &mut DbConnection,
    scope: &OrderScope,
    since: NaiveDateTime,
    limit: i64,
) -> Result<(Vec<UnviewedCritical>, i64), AppError> {
    let failed = |e| AppError::db("listing unviewed critical results", e);
    let rows = orders::table
        .filter(orders_since(scope, since))
        .filter(critical())
        .filter(not_viewed_since_latest_result())
        .order((orders::created_at.desc(), orders::id.desc()))
        .limit(limit)
        .select((
            orders::id,
            orders::team_id,
            orders::lab_account_id,
            orders::patient_details,
            orders::created_at,
        ))
        .load(conn)
        .map_err(failed)?;
    let total = if (rows.len() as i64) < limit {
        rows.len() as i64
    } else {
        orders::table
            .filter(orders_since(scope, since))
            .filter(critical())
            .filter(not_viewed_since_latest_result())
            .count()
            .get_result(conn)
            .map_err(failed)?
    };
    Ok((rows, total))
}
