//! Lab accounts, their linked Teams and status history.
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{lab_account_teams, lab_accounts, teams};
use super::DbConnection;
use crate::domain::account_config::{AccountConfig, ExistingAccount};
use crate::domain::billing::AllowedBilling;
use crate::domain::ids::{LabAccountId, OrgId, TeamId};
use crate::domain::lab::LabSlug;
use crate::domain::lab_account::{AccountStatus, DelegatedFlow, LabAccount, Owner};
use crate::error::AppError;

pub use super::lab_account_lists::{
    list_for_org, list_for_team, list_labels, list_page, list_platform,
};

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = lab_accounts)]
pub(super) struct LabAccountRow {
    pub(super) id: LabAccountId,
    pub(super) lab_slug: LabSlug,
    org_id: Option<OrgId>,
    pub(super) provider_account_id: String,
    pub(super) account_name: Option<String>,
    status: AccountStatus,
    delegated_flow: DelegatedFlow,
    allowed_billing: String,
    business_units: Option<String>,
    default_clinical_notes: Option<String>,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl LabAccountRow {
    /// Where the row sits in the lists' order, as the database compares text (byte order).
    pub(super) fn list_key(&self) -> (&str, &str, &str) {
        (
            self.lab_slug.as_str(),
            &self.provider_account_id,
            self.id.as_str(),
        )
    }

    fn into_domain(self, team_ids: Vec<TeamId>) -> Result<LabAccount, AppError> {
        let bad = |what: &str, e: String| {
            AppError::Internal(format!("lab account {} has a bad {what}: {e}", self.id))
        };
        Ok(LabAccount {
            lab: self.lab_slug,
            owner: match &self.org_id {
                Some(org) => Owner::Org(org.clone()),
                None => Owner::Platform,
            },
            status: self.status,
            delegated_flow: self.delegated_flow,
            allowed_billing: AllowedBilling::from_json(&self.allowed_billing)
                .map_err(|e| bad("allowed_billing", e))?,
            business_units: match &self.business_units {
                Some(text) => Some(
                    serde_json::from_str(text).map_err(|e| bad("business_units", e.to_string()))?,
                ),
                None => None,
            },
            id: self.id,
            provider_account_id: self.provider_account_id,
            account_name: self.account_name,
            default_clinical_notes: self.default_clinical_notes,
            version: self.version,
            created_at: self.created_at,
            updated_at: self.updated_at,
            team_ids,
        })
    }
}

/// Filters of the accounts list; every field is optional.
#[derive(Debug, Clone, Default)]
pub struct AccountFilter {
    pub status: Option<AccountStatus>,
    pub lab: Option<LabSlug>,
    pub team_id: Option<TeamId>,
    pub account_id: Option<LabAccountId>,
    /// Only accounts linked to at least one of these Teams (what a clinician sees).
    pub linked_to_any: Option<Vec<TeamId>>,
}

/// Whose linked Teams a reader may see: all, or only those of one org.
#[derive(Debug, Clone, Copy)]
pub enum TeamScope<'a> {
    All,
    Org(&'a OrgId),
}

fn linked_teams(
    conn: &mut DbConnection,
    account_ids: &[LabAccountId],
    scope: TeamScope<'_>,
) -> Result<Vec<(LabAccountId, TeamId)>, AppError> {
    let links = lab_account_teams::table
        .inner_join(teams::table)
        .order((lab_account_teams::lab_account_id, teams::name))
        .select((
            lab_account_teams::lab_account_id,
            lab_account_teams::team_id,
        ));
    // One account (an order's, an account page's) by `=`, without boxing: that statement is
    // prepared once per connection; a boxed query or an `IN (...)` list is compiled every call.
    let loaded = match (account_ids, scope) {
        ([one], TeamScope::Org(org)) => links
            .filter(lab_account_teams::lab_account_id.eq(one))
            .filter(teams::org_id.eq(org))
            .load(conn),
        ([one], TeamScope::All) => links
            .filter(lab_account_teams::lab_account_id.eq(one))
            .load(conn),
        (many, TeamScope::Org(org)) => links
            .filter(lab_account_teams::lab_account_id.eq_any(many))
            .filter(teams::org_id.eq(org))
            .load(conn),
        (many, TeamScope::All) => links
            .filter(lab_account_teams::lab_account_id.eq_any(many))
            .load(conn),
    };
    loaded.map_err(|e| AppError::db("loading linked teams", e))
}

/// The links (to Teams of `org`) of every account linked to `team`: the linked Teams of a Team's
/// accounts in one statement that is prepared once (a subquery, not a list of account ids).
pub(super) fn links_of_team_accounts(
    conn: &mut DbConnection,
    team: &TeamId,
    org: &OrgId,
) -> Result<Vec<(LabAccountId, TeamId)>, AppError> {
    let mine = diesel::alias!(lab_account_teams as mine);
    let team_accounts = mine
        .filter(mine.field(lab_account_teams::team_id).eq(team))
        .select(mine.field(lab_account_teams::lab_account_id));
    lab_account_teams::table
        .inner_join(teams::table)
        .filter(lab_account_teams::lab_account_id.eq_any(team_accounts))
        .filter(teams::org_id.eq(org))
        .order((lab_account_teams::lab_account_id, teams::name))
        .select((
            lab_account_teams::lab_account_id,
            lab_account_teams::team_id,
        ))
        .load(conn)
        .map_err(|e| AppError::db("loading the links of a Team's accounts", e))
}

/// Accounts with the Teams of `links` (loaded by the caller) attached.
pub(super) fn attach_teams(
    rows: Vec<LabAccountRow>,
    links: &[(LabAccountId, TeamId)],
) -> Result<Vec<LabAccount>, AppError> {
    rows.into_iter()
        .map(|row| {
            let teams = links
                .iter()
                .filter(|(a, _)| *a == row.id)
                .map(|(_, t)| t.clone())
                .collect();
            row.into_domain(teams)
        })
        .collect()
}

pub(super) fn with_teams(
    conn: &mut DbConnection,
    rows: Vec<LabAccountRow>,
    scope: TeamScope<'_>,
) -> Result<Vec<LabAccount>, AppError> {
    let ids: Vec<LabAccountId> = rows.iter().map(|r| r.id.clone()).collect();
    let links = linked_teams(conn, &ids, scope)?;
    attach_teams(rows, &links)
}

pub fn find(
    conn: &mut DbConnection,
    id: &LabAccountId,
    scope: TeamScope<'_>,
) -> Result<Option<LabAccount>, AppError> {
    let row = lab_accounts::table
        .find(id)
        .select(LabAccountRow::as_select())
        .first(conn)
        .optional()
        .map_err(|e| AppError::db("loading a lab account", e))?;
    match row {
        Some(row) => Ok(with_teams(conn, vec![row], scope)?.into_iter().next()),
        None => Ok(None),
    }
}

/// Several accounts by id (in no particular order), with their linked Teams: two queries.
pub fn find_many(
    conn: &mut DbConnection,
    ids: &[LabAccountId],
    scope: TeamScope<'_>,
) -> Result<Vec<LabAccount>, AppError> {
    let rows = lab_accounts::table
        .filter(lab_accounts::id.eq_any(ids))
        .select(LabAccountRow::as_select())
        .load(conn)
        .map_err(|e| AppError::db("loading lab accounts", e))?;
    with_teams(conn, rows, scope)
}

/// (id, lab, provider_account_id) of every account of one owner, for the uniqueness rule.
pub fn owner_accounts(
    conn: &mut DbConnection,
    owner: &Owner,
) -> Result<Vec<(LabAccountId, LabSlug, String)>, AppError> {
    lab_accounts::table
        .filter(lab_accounts::owner_key.eq(owner.key().to_string()))
        .select((
            lab_accounts::id,
            lab_accounts::lab_slug,
            lab_accounts::provider_account_id,
        ))
        .load(conn)
        .map_err(|e| AppError::db("listing an owner's accounts", e))
}

/// Turns `owner_accounts` rows into what `domain::lab_account::check_unique` reads.
pub fn as_existing(rows: &[(LabAccountId, LabSlug, String)]) -> Vec<ExistingAccount<'_>> {
    rows.iter()
        .map(|(id, lab, pid)| ExistingAccount {
            id,
            lab: *lab,
            provider_account_id: pid,
        })
        .collect()
}

pub fn insert(
    conn: &mut DbConnection,
    owner: &Owner,
    config: &AccountConfig,
    status: AccountStatus,
) -> Result<LabAccountId, AppError> {
    let id = LabAccountId::new();
    let now = super::now();
    diesel::insert_into(lab_accounts::table)
        .values((
            lab_accounts::id.eq(&id),
            lab_accounts::lab_slug.eq(config.lab),
            lab_accounts::org_id.eq(owner.org_id()),
            lab_accounts::owner_key.eq(owner.key()),
            lab_accounts::provider_account_id.eq(&config.provider_account_id),
            lab_accounts::account_name.eq(config.account_name.as_deref()),
            lab_accounts::status.eq(status),
            lab_accounts::delegated_flow.eq(config.delegated_flow),
            lab_accounts::allowed_billing.eq(config.allowed_billing.to_json().to_string()),
            lab_accounts::business_units.eq(business_units_json(config)),
            lab_accounts::default_clinical_notes.eq(config.default_clinical_notes.as_deref()),
            lab_accounts::version.eq(1),
            lab_accounts::created_at.eq(now),
            lab_accounts::updated_at.eq(now),
        ))
        .execute(conn)
        .map_err(|e| AppError::db("creating a lab account", e))?;
    Ok(id)
}

fn business_units_json(config: &AccountConfig) -> Option<String> {
    config
        .business_units
        .as_ref()
        .map(|u| serde_json::Value::from(u.clone()).to_string())
}

/// Writes a new configuration only if nobody changed the account since `expected_version` was
/// read; returns false for a stale edit.
pub fn update_config(
    conn: &mut DbConnection,
    id: &LabAccountId,
    expected_version: i32,
    config: &AccountConfig,
) -> Result<bool, AppError> {
    let n = diesel::update(
        lab_accounts::table
            .find(id)
            .filter(lab_accounts::version.eq(expected_version)),
    )
    .set((
        lab_accounts::lab_slug.eq(config.lab),
        lab_accounts::provider_account_id.eq(&config.provider_account_id),
        lab_accounts::account_name.eq(config.account_name.as_deref()),
        lab_accounts::delegated_flow.eq(config.delegated_flow),
        lab_accounts::allowed_billing.eq(config.allowed_billing.to_json().to_string()),
        lab_accounts::business_units.eq(business_units_json(config)),
        lab_accounts::default_clinical_notes.eq(config.default_clinical_notes.as_deref()),
        lab_accounts::version.eq(expected_version + 1),
        lab_accounts::updated_at.eq(super::now()),
    ))
    .execute(conn)
    .map_err(|e| AppError::db("updating a lab account", e))?;
    Ok(n == 1)
}

/// Bumps the version. As the first write of a transaction it also takes the row lock (PostgreSQL)
/// or the write lock (SQLite), so concurrent changes to one account's links queue up.
pub fn touch(conn: &mut DbConnection, id: &LabAccountId) -> Result<bool, AppError> {
    let n = diesel::update(lab_accounts::table.find(id))
        .set((
            lab_accounts::version.eq(lab_accounts::version + 1),
            lab_accounts::updated_at.eq(super::now()),
        ))
        .execute(conn)
        .map_err(|e| AppError::db("locking a lab account", e))?;
    Ok(n == 1)
}

pub fn set_status(
    conn: &mut DbConnection,
    id: &LabAccountId,
    from: AccountStatus,
    to: AccountStatus,
) -> Result<bool, AppError> {
    let n = diesel::update(
        lab_accounts::table
            .find(id)
            .filter(lab_accounts::status.eq(from)),
    )
    .set((
        lab_accounts::status.eq(to),
        lab_accounts::version.eq(lab_accounts::version + 1),
        lab_accounts::updated_at.eq(super::now()),
    ))
    .execute(conn)
    .map_err(|e| AppError::db("changing a lab account's status", e))?;
    Ok(n == 1)
}

/// Accounts at a lab with this account number (`provider_account_id`), across owners:
/// (id, org_id).
pub fn find_by_number(
    conn: &mut DbConnection,
    lab: LabSlug,
    account_number: &str,
) -> Result<Vec<(LabAccountId, Option<OrgId>)>, AppError> {
    lab_accounts::table
        .filter(lab_accounts::lab_slug.eq(lab))
        .filter(lab_accounts::provider_account_id.eq(account_number))
        .select((lab_accounts::id, lab_accounts::org_id))
        .load(conn)
        .map_err(|e| AppError::db("finding accounts by number", e))
}

/// What a list of orders shows of each account: its name and number.
#[derive(Queryable, Debug, Clone)]
pub struct AccountLabel {
    pub id: LabAccountId,
    pub lab_slug: LabSlug,
    pub account_name: Option<String>,
    pub provider_account_id: String,
}

impl AccountLabel {
    /// The account's name, or its lab and number when it has none (as `LabAccount::display_name`).
    pub fn name(&self) -> String {
        match &self.account_name {
            Some(name) => name.clone(),
            None => format!(
                "{} {}",
                self.lab_slug.display_name(),
                self.provider_account_id
            ),
        }
    }
}

/// Names and numbers of several accounts in one query.
pub fn labels(
    conn: &mut DbConnection,
    ids: &[LabAccountId],
) -> Result<Vec<AccountLabel>, AppError> {
    lab_accounts::table
        .filter(lab_accounts::id.eq_any(ids))
        .select((
            lab_accounts::id,
            lab_accounts::lab_slug,
            lab_accounts::account_name,
            lab_accounts::provider_account_id,
        ))
        .load(conn)
        .map_err(|e| AppError::db("loading lab account names", e))
}
