//! Lists of lab accounts: an org's, the platform's, a Team's, and the dashboard's keyset pages.
//! Each is one query for the accounts (two for an org's page) and one for their linked Teams.
use diesel::prelude::*;

use super::lab_accounts::{with_teams, AccountFilter, AccountLabel, LabAccountRow, TeamScope};
use super::schema::{lab_account_teams, lab_accounts};
use super::{DbConnection, MultiBackend};
use crate::domain::ids::{LabAccountId, OrgId, TeamId};
use crate::domain::lab::LabSlug;
use crate::domain::lab_account::{LabAccount, Owner};
use crate::error::AppError;

/// Applies the list filters to a boxed query over `lab_accounts` (a macro: the boxed query's type
/// differs per select clause).
macro_rules! filtered {
    ($q:expr, $f:expr) => {{
        let f: &AccountFilter = $f;
        let mut q = $q;
        if let Some(status) = f.status {
            q = q.filter(lab_accounts::status.eq(status));
        }
        if let Some(lab) = &f.lab {
            q = q.filter(lab_accounts::lab_slug.eq(*lab));
        }
        if let Some(id) = &f.account_id {
            q = q.filter(lab_accounts::id.eq(id.clone()));
        }
        if let Some(team) = &f.team_id {
            q = q.filter(
                lab_accounts::id.eq_any(
                    lab_account_teams::table
                        .filter(lab_account_teams::team_id.eq(team.clone()))
                        .select(lab_account_teams::lab_account_id),
                ),
            );
        }
        if let Some(teams) = &f.linked_to_any {
            q = q.filter(
                lab_accounts::id.eq_any(
                    lab_account_teams::table
                        .filter(lab_account_teams::team_id.eq_any(teams.clone()))
                        .select(lab_account_teams::lab_account_id),
                ),
            );
        }
        q
    }};
}

/// Whether the account of the row is linked to a Team of `org_id`, asked per account (the platform
/// has few), not by collecting every link of the org's Teams first, which grows with the org.
/// Written as SQL: diesel's DSL does not express a subquery that names the outer row.
pub(super) fn linked_to_a_team_of(
    org_id: &OrgId,
) -> diesel::expression::SqlLiteral<
    diesel::sql_types::Bool,
    impl diesel::query_builder::QueryFragment<super::MultiBackend>,
> {
    diesel::dsl::sql::<diesel::sql_types::Bool>(
        "EXISTS (SELECT 1 FROM lab_account_teams lt JOIN teams t ON t.id = lt.team_id \
         WHERE lt.lab_account_id = lab_accounts.id AND t.org_id = ",
    )
    .bind::<diesel::sql_types::Text, _>(org_id.as_str().to_string())
    .sql(")")
}

/// An org's own accounts plus the platform accounts linked to any of its Teams; linked Teams are
/// limited to the org's own. One query for the accounts and one for their links.
pub fn list_for_org(
    conn: &mut DbConnection,
    org_id: &OrgId,
    f: &AccountFilter,
) -> Result<Vec<LabAccount>, AppError> {
    let q = lab_accounts::table
        .filter(
            lab_accounts::org_id
                .eq(org_id.clone())
                .or(lab_accounts::org_id
                    .is_null()
                    .and(linked_to_a_team_of(org_id))),
        )
        .order((lab_accounts::lab_slug, lab_accounts::provider_account_id))
        .select(LabAccountRow::as_select())
        .into_boxed();
    let rows = filtered!(q, f)
        .load(conn)
        .map_err(|e| AppError::db("listing lab accounts", e))?;
    with_teams(conn, rows, TeamScope::Org(org_id))
}

/// Platform-managed accounts, for CSMs.
pub fn list_platform(
    conn: &mut DbConnection,
    f: &AccountFilter,
) -> Result<Vec<LabAccount>, AppError> {
    let q = lab_accounts::table
        .filter(lab_accounts::org_id.is_null())
        .order((lab_accounts::lab_slug, lab_accounts::provider_account_id))
        .select(LabAccountRow::as_select())
        .into_boxed();
    let rows = filtered!(q, f)
        .load(conn)
        .map_err(|e| AppError::db("listing platform lab accounts", e))?;
    with_teams(conn, rows, TeamScope::All)
}

/// Applies "after this account" in the lists' order (lab, account number, id).
macro_rules! after {
    ($q:expr, $lab:expr, $number:expr, $id:expr) => {
        $q.filter(
            lab_accounts::lab_slug
                .gt($lab)
                .or(lab_accounts::lab_slug.eq($lab).and(
                    lab_accounts::provider_account_id.gt($number.clone()).or(
                        lab_accounts::provider_account_id
                            .eq($number.clone())
                            .and(lab_accounts::id.gt($id.clone())),
                    ),
                )),
        )
    };
}

/// A page of the accounts list of an org (`Some`) or of the platform (`None`) as rows of
/// `$row` selected by `$select`: filtered, after the cursor, in the lists' order (a macro: the
/// boxed query's type differs per select clause).
macro_rules! page_of {
    ($conn:expr, $org_id:expr, $f:expr, $cursor:expr, $limit:expr, $select:expr, $row:ty) => {{
        let (conn, org_id, f, cursor, limit) = ($conn, $org_id, $f, $cursor, $limit);
        let failed = |e| AppError::db("listing a page of lab accounts", e);
        let owner_key = org_id.map_or_else(|| Owner::Platform.key().to_string(), |o| o.to_string());
        let part = |conn: &mut DbConnection, q: lab_accounts::BoxedQuery<'static, MultiBackend>| {
            let q = filtered!(
                q.order((
                    lab_accounts::lab_slug,
                    lab_accounts::provider_account_id,
                    lab_accounts::id,
                ))
                .limit(limit)
                .select($select),
                f
            );
            let q = match &cursor {
                Some((lab, number, id)) => after!(q, *lab, number, id),
                None => q,
            };
            q.load::<$row>(conn).map_err(failed)
        };
        let mut rows = part(
            conn,
            lab_accounts::table
                .filter(lab_accounts::owner_key.eq(owner_key))
                .into_boxed(),
        )?;
        // An org's list also shows the platform accounts linked to its Teams (a few).
        if let Some(org) = org_id {
            rows.extend(part(
                conn,
                lab_accounts::table
                    .filter(lab_accounts::owner_key.eq(Owner::Platform.key()))
                    .filter(linked_to_a_team_of(org))
                    .into_boxed(),
            )?);
            // Text order, as the database compares them (byte order: SQLite's BINARY,
            // PostgreSQL's C collation).
            rows.sort_by(|a, b| a.list_key().cmp(&b.list_key()));
            rows.truncate(usize::try_from(limit).unwrap_or(0));
        }
        rows
    }};
}

/// One page of the dashboard's accounts list of an org (`Some`) or of the platform (`None`), in
/// the lists' order, after the account `after` (None: from the start); at most `limit` rows.
/// Each part is a walk of the (owner, lab, account number) index from the cursor, so a page costs
/// the same with ten accounts or ten thousand.
pub fn list_page(
    conn: &mut DbConnection,
    org_id: Option<&OrgId>,
    f: &AccountFilter,
    after: Option<&LabAccountId>,
    limit: i64,
) -> Result<Vec<LabAccount>, AppError> {
    let rows = page_rows(conn, org_id, f, after, limit)?;
    let scope = match org_id {
        Some(org) => TeamScope::Org(org),
        None => TeamScope::All,
    };
    with_teams(conn, rows, scope)
}

/// The first `limit` accounts of `list_page`, by name and number only (a filter's choices): no
/// links, no configuration.
pub fn list_labels(
    conn: &mut DbConnection,
    org_id: Option<&OrgId>,
    f: &AccountFilter,
    limit: i64,
) -> Result<Vec<AccountLabel>, AppError> {
    label_rows(conn, org_id, f, limit)
}

fn page_rows(
    conn: &mut DbConnection,
    org_id: Option<&OrgId>,
    f: &AccountFilter,
    after: Option<&LabAccountId>,
    limit: i64,
) -> Result<Vec<LabAccountRow>, AppError> {
    let cursor = cursor_of(conn, after)?;
    Ok(page_of!(
        conn,
        org_id,
        f,
        cursor,
        limit,
        LabAccountRow::as_select(),
        LabAccountRow
    ))
}

fn label_rows(
    conn: &mut DbConnection,
    org_id: Option<&OrgId>,
    f: &AccountFilter,
    limit: i64,
) -> Result<Vec<AccountLabel>, AppError> {
    let label = (
        lab_accounts::id,
        lab_accounts::lab_slug,
        lab_accounts::account_name,
        lab_accounts::provider_account_id,
    );
    let from_start: Option<(LabSlug, String, LabAccountId)> = None;
    Ok(page_of!(
        conn,
        org_id,
        f,
        from_start,
        limit,
        label,
        AccountLabel
    ))
}

/// Where the page after `after` starts: its (lab, account number, id).
fn cursor_of(
    conn: &mut DbConnection,
    after: Option<&LabAccountId>,
) -> Result<Option<(LabSlug, String, LabAccountId)>, AppError> {
    let Some(id) = after else {
        return Ok(None);
    };
    lab_accounts::table
        .find(id)
        .select((
            lab_accounts::lab_slug,
            lab_accounts::provider_account_id,
            lab_accounts::id,
        ))
        .first(conn)
        .optional()
        .map_err(|e| AppError::db("finding where a page of lab accounts starts", e))
}

impl AccountLabel {
    fn list_key(&self) -> (&str, &str, &str) {
        (
            self.lab_slug.as_str(),
            &self.provider_account_id,
            self.id.as_str(),
        )
    }
}

/// Accounts linked to one Team (the team API key's view, and the accounts an order of the Team
/// may go on): read from the Team's links, so the cost follows the Team's accounts, not the org's.
/// Linked Teams are limited to the Team's org. Of the filters, status and account id apply.
pub fn list_for_team(
    conn: &mut DbConnection,
    team_id: &TeamId,
    team_org_id: &OrgId,
    f: &AccountFilter,
) -> Result<Vec<LabAccount>, AppError> {
    let linked = lab_account_teams::table
        .inner_join(lab_accounts::table)
        .filter(lab_account_teams::team_id.eq(team_id))
        .filter(
            lab_accounts::org_id
                .eq(team_org_id)
                .or(lab_accounts::org_id.is_null()),
        )
        .order((lab_accounts::lab_slug, lab_accounts::provider_account_id))
        .select(LabAccountRow::as_select());
    // Unfiltered (every order placed, every call of the Team's API) the statement is not boxed,
    // so it is prepared once per connection.
    let rows = if f.status.is_none() && f.account_id.is_none() {
        linked.load(conn)
    } else {
        let mut q = linked.into_boxed();
        if let Some(status) = f.status {
            q = q.filter(lab_accounts::status.eq(status));
        }
        if let Some(id) = &f.account_id {
            q = q.filter(lab_accounts::id.eq(id.clone()));
        }
        q.load(conn)
    }
    .map_err(|e| AppError::db("listing a Team's lab accounts", e))?;
    let links = super::lab_accounts::links_of_team_accounts(conn, team_id, team_org_id)?;
    super::lab_accounts::attach_teams(rows, &links)
}
