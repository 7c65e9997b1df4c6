//! What a signed-in person does to lab accounts from the dashboard: each operation authorizes
//! the person for the account in the scope they are looking at, then makes the change through
//! `writes` (one transaction with its audit row).
use crate::db::orgs::{self, Team};
use crate::db::{account_links, DbConnection};
use crate::domain::access::{Action, Principal};
use crate::domain::account_config::AccountConfigInput;
use crate::domain::actor::Actor;
use crate::domain::ids::{LabAccountId, TeamId};
use crate::domain::lab_account::{AccountStatus, LabAccount, Owner};
use crate::domain::scope::Scope;
use crate::error::AppError;
use crate::service::policy;
use crate::service::visibility::visible_account;

use super::{writes, AccountError};

/// Who would own an account created in this scope, if the person may create one there.
pub fn owner_for_new(p: &Principal, scope: &Scope) -> Result<Owner, AppError> {
    policy::authorize(
        p,
        Action::ManageAccounts {
            owner_org: scope.org_id(),
        },
    )?;
    Ok(match scope {
        Scope::Org(org) => Owner::Org(org.clone()),
        Scope::Platform => Owner::Platform,
    })
}

/// An account of the scope the person may edit (its configuration and status).
pub fn editable(
    conn: &mut DbConnection,
    p: &Principal,
    scope: &Scope,
    id: &LabAccountId,
) -> Result<LabAccount, AppError> {
    let account = visible_account(conn, p, scope, id)?;
    policy::authorize(
        p,
        Action::ManageAccounts {
            owner_org: account.owner.org_id(),
        },
    )?;
    Ok(account)
}

pub fn create(
    conn: &mut DbConnection,
    p: &Principal,
    actor: &Actor,
    scope: &Scope,
    input: &AccountConfigInput,
) -> Result<LabAccountId, AccountError> {
    let owner = owner_for_new(p, scope)?;
    writes::create(conn, actor, &owner, input)
}

pub fn update(
    conn: &mut DbConnection,
    p: &Principal,
    actor: &Actor,
    scope: &Scope,
    id: &LabAccountId,
    expected_version: i32,
    input: &AccountConfigInput,
) -> Result<(), AccountError> {
    editable(conn, p, scope, id)?;
    writes::update(conn, actor, id, expected_version, input)
}

pub fn change_status(
    conn: &mut DbConnection,
    p: &Principal,
    actor: &Actor,
    scope: &Scope,
    id: &LabAccountId,
    to: AccountStatus,
    reason: &str,
) -> Result<(), AccountError> {
    editable(conn, p, scope, id)?;
    writes::change_status(conn, actor, id, to, reason)
}

/// The account and the Team of a link change, if the person may make it in this scope.
fn authorize_link(
    conn: &mut DbConnection,
    p: &Principal,
    scope: &Scope,
    account_id: &LabAccountId,
    team_id: &TeamId,
) -> Result<(LabAccount, Team), AppError> {
    let account = visible_account(conn, p, scope, account_id)?;
    let team = orgs::find_team(conn, team_id)?.ok_or(AppError::NotFound)?;
    policy::authorize(
        p,
        Action::ViewTeam {
            org_id: &team.org_id,
            team_id: &team.id,
        },
    )?;
    if let Scope::Org(org) = scope {
        if &team.org_id != org {
            return Err(AppError::NotFound);
        }
    }
    policy::authorize(
        p,
        Action::LinkTeam {
            owner_org: account.owner.org_id(),
            team_org: &team.org_id,
        },
    )?;
    Ok((account, team))
}

/// Linking or unlinking: which Team, and whether anything changed (linking a linked Team or
/// unlinking an unlinked one changes nothing and writes no audit row).
pub struct LinkChange {
    pub team: Team,
    pub link: bool,
    pub changed: bool,
}

pub fn change_link(
    conn: &mut DbConnection,
    p: &Principal,
    actor: &Actor,
    scope: &Scope,
    account_id: &LabAccountId,
    team_id: &TeamId,
    link: bool,
) -> Result<LinkChange, AccountError> {
    let (_, team) = authorize_link(conn, p, scope, account_id, team_id)?;
    let changed = if link {
        writes::link_team(conn, actor, account_id, &team.id)?
    } else {
        writes::unlink_team(conn, actor, account_id, &team.id)?
    };
    Ok(LinkChange {
        team,
        link,
        changed,
    })
}

/// What unlinking a Team would mean, for the confirmation page.
pub struct UnlinkPreview {
    pub account: LabAccount,
    pub team: Team,
    pub open_orders: i64,
}

pub fn unlink_preview(
    conn: &mut DbConnection,
    p: &Principal,
    scope: &Scope,
    account_id: &LabAccountId,
    team_id: &TeamId,
) -> Result<UnlinkPreview, AppError> {
    let (account, team) = authorize_link(conn, p, scope, account_id, team_id)?;
    if !account.team_ids.contains(&team.id) {
        return Err(AppError::NotFound);
    }
    let open_orders = account_links::open_orders_count(conn, &account.id, &team.id)?;
    Ok(UnlinkPreview {
        account,
        team,
        open_orders,
    })
}
