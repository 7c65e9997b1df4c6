//! What a signed-in person sees of an org: its Teams (a clinician only their own), one order, one
//! lab account. The pages that list Teams or open an order or an account all ask here; the rules
//! themselves are `domain::access`'s.
use crate::db::lab_accounts::{self as accounts_db, TeamScope};
use crate::db::orgs::{self, Team};
use crate::db::DbConnection;
use crate::domain::access::{order_visibility, Action, OrderVisibility, Principal, Role};
use crate::domain::ids::{LabAccountId, OrderId, OrgId, TeamId};
use crate::domain::lab_account::LabAccount;
use crate::error::AppError;
use crate::service::orders::{self as orders_service, OrderView};
use crate::service::policy;

use crate::domain::scope::Scope;

/// The Teams a person sees in this scope: the org's, or on the platform those of the orgs a CSM
/// looks after; a clinician only their own (`order_visibility`).
pub fn visible_teams(
    conn: &mut DbConnection,
    p: &Principal,
    scope: &Scope,
) -> Result<Vec<Team>, AppError> {
    Ok(match order_visibility(p) {
        // A clinician's few Teams are read by id, not picked out of every Team of the org.
        OrderVisibility::Teams(mine) => seen_teams(conn, p, scope, &mine)?,
        OrderVisibility::WholeOrg => match scope {
            Scope::Org(org) => orgs::list_teams(conn, org)?,
            Scope::Platform => orgs::teams_of_orgs(conn, &p.csm_org_ids)?,
        },
    })
}

/// A page of `visible_teams` of one org in name order: at most `limit` Teams after the Team
/// `after` (None: from the start). Who sees the whole org reads only the page from the
/// (org, name) index; a clinician's few Teams are read by id.
pub fn visible_teams_page(
    conn: &mut DbConnection,
    p: &Principal,
    org_id: &OrgId,
    after: Option<&Team>,
    limit: usize,
) -> Result<Vec<Team>, AppError> {
    let after_name = after.map(|t| t.name.as_str());
    Ok(match order_visibility(p) {
        OrderVisibility::Teams(mine) => seen_teams(conn, p, &Scope::Org(org_id.clone()), &mine)?
            .into_iter()
            .filter(|t| after_name.is_none_or(|name| t.name.as_str() > name))
            .take(limit)
            .collect(),
        OrderVisibility::WholeOrg => orgs::teams_page(
            conn,
            org_id,
            after_name,
            i64::try_from(limit).unwrap_or(i64::MAX),
        )?,
    })
}

/// A Team picker's choices: the first `limit` of `visible_teams` (and `chosen`, when the person
/// sees it), and whether more were left out. Reads at most `limit + 1` Teams, however many the
/// org has.
pub fn team_choices(
    conn: &mut DbConnection,
    p: &Principal,
    scope: &Scope,
    chosen: Option<&TeamId>,
    limit: usize,
) -> Result<(Vec<Team>, bool), AppError> {
    let mut teams = match order_visibility(p) {
        OrderVisibility::Teams(_) => visible_teams(conn, p, scope)?,
        OrderVisibility::WholeOrg => {
            let orgs = match scope {
                Scope::Org(org) => std::slice::from_ref(org),
                Scope::Platform => p.csm_org_ids.as_slice(),
            };
            orgs::first_teams(conn, orgs, i64::try_from(limit + 1).unwrap_or(i64::MAX))?
        }
    };
    let more = teams.len() > limit;
    teams.truncate(limit);
    if let Some(chosen) = chosen.filter(|c| !teams.iter().any(|t| &t.id == *c)) {
        teams.extend(seen_teams(conn, p, scope, std::slice::from_ref(chosen))?);
    }
    Ok((teams, more))
}

/// Of `ids`, the Teams the person sees in this scope (`visible_teams`), read by id.
pub fn seen_teams(
    conn: &mut DbConnection,
    p: &Principal,
    scope: &Scope,
    ids: &[TeamId],
) -> Result<Vec<Team>, AppError> {
    let visibility = order_visibility(p);
    let sees = |t: &Team| {
        let in_scope = match scope {
            Scope::Org(org) => t.org_id == *org,
            Scope::Platform => p.csm_org_ids.contains(&t.org_id),
        };
        in_scope
            && match &visibility {
                OrderVisibility::WholeOrg => true,
                OrderVisibility::Teams(mine) => mine.contains(&t.id),
            }
    };
    Ok(orgs::teams_by_ids(conn, ids)?
        .into_iter()
        .filter(sees)
        .collect())
}

/// The ids of `visible_teams` of one org.
pub fn visible_team_ids(
    conn: &mut DbConnection,
    p: &Principal,
    org_id: &OrgId,
) -> Result<Vec<TeamId>, AppError> {
    Ok(visible_teams(conn, p, &Scope::Org(org_id.clone()))?
        .into_iter()
        .map(|t| t.id)
        .collect())
}

/// An order of this org that the person may see; anything else is "not found".
pub fn visible_order(
    conn: &mut DbConnection,
    p: &Principal,
    org_id: &OrgId,
    order_id: &OrderId,
) -> Result<OrderView, AppError> {
    let order = orders_service::load(conn, order_id)?.ok_or(AppError::NotFound)?;
    if order.row.org_id != *org_id {
        return Err(AppError::NotFound);
    }
    policy::authorize(
        p,
        Action::ViewOrder {
            org_id,
            team_id: &order.row.team_id,
        },
    )?;
    Ok(order)
}

/// An account the person may see in this scope, with its linked Teams limited to what they may
/// see.
pub fn visible_account(
    conn: &mut DbConnection,
    p: &Principal,
    scope: &Scope,
    account_id: &LabAccountId,
) -> Result<LabAccount, AppError> {
    let team_scope = match scope {
        Scope::Org(org) => TeamScope::Org(org),
        Scope::Platform => TeamScope::All,
    };
    let mut account = accounts_db::find(conn, account_id, team_scope)?.ok_or(AppError::NotFound)?;
    match scope {
        Scope::Org(org) => policy::authorize(
            p,
            Action::ViewAccount {
                owner_org: account.owner.org_id(),
                viewing_org: org,
                linked_teams: &account.team_ids,
            },
        )?,
        Scope::Platform => {
            policy::authorize(p, Action::ViewPlatformAccounts)?;
            if !account.is_platform_managed() {
                return Err(AppError::NotFound);
            }
            // A CSM sees the links to Teams of the orgs they look after.
            let mine: Vec<TeamId> = orgs::teams_of_orgs(conn, &p.csm_org_ids)?
                .into_iter()
                .map(|t| t.id)
                .collect();
            account.team_ids.retain(|t| mine.contains(t));
        }
    }
    if p.role == Role::Clinician {
        account.team_ids.retain(|t| p.team_ids.contains(t));
    }
    Ok(account)
}
