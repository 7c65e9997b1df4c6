//! Lab accounts as a signed-in person sees them: the list of a scope, one account's page with its
//! history, audit trail and linked Teams. Which accounts a person sees is
//! `domain::access::account_visibility`; which links they see, `visibility::visible_account`.
use crate::db::account_status_changes::{self, StatusChange};
use crate::db::audit::{self as audit_db, AuditEvent, AuditFilter};
use crate::db::lab_accounts::{self as accounts_db, AccountFilter};
use crate::db::orgs::{self, Team};
use crate::db::{account_links, DbConnection};
use crate::domain::access::{account_visibility, AccountVisibility, Action, Principal, Role};
use crate::domain::audit::EntityType;
use crate::domain::ids::{LabAccountId, OrgId, TeamId};
use crate::domain::lab_account::LabAccount;
use crate::domain::paging::split_page;
use crate::domain::scope::Scope;
use crate::error::AppError;
use crate::service::policy;
use crate::service::visibility::{seen_teams, team_choices, visible_account, visible_teams};

/// How many accounts a page of the dashboard's list shows.
pub const PAGE_SIZE: usize = 100;

/// How many Teams the list's Team filter offers at most (a Team's page links to its accounts).
pub const TEAM_CHOICES: usize = 200;

/// A page of the accounts of a scope the person sees, with the Teams they may filter by.
pub struct AccountList {
    pub accounts: Vec<LabAccount>,
    /// The last account of this page when more follow (the next page starts after it).
    pub next: Option<LabAccountId>,
    /// The Team filter's choices: the first `TEAM_CHOICES` Teams the person sees in this scope,
    /// and the one filtered by.
    pub teams: Vec<Team>,
    /// The person sees more Teams than the filter offers.
    pub more_teams: bool,
    /// The Teams the page's accounts are linked to, of those the person sees.
    pub linked_teams: Vec<Team>,
    pub may_create: bool,
}

fn authorize_scope(p: &Principal, scope: &Scope) -> Result<(), AppError> {
    match scope {
        Scope::Org(org_id) => policy::authorize(p, Action::ViewOrg { org_id }),
        Scope::Platform => policy::authorize(p, Action::ViewPlatformAccounts),
    }
}

/// A page of the scope's accounts that match `filter`, after the account `after` (None: the
/// first page); filtering by a Team the person does not see is "not found".
pub fn list(
    conn: &mut DbConnection,
    p: &Principal,
    scope: &Scope,
    filter: &AccountFilter,
    after: Option<&LabAccountId>,
) -> Result<AccountList, AppError> {
    authorize_scope(p, scope)?;
    let (teams, more_teams) = team_choices(conn, p, scope, filter.team_id.as_ref(), TEAM_CHOICES)?;
    if let Some(team) = &filter.team_id {
        if !teams.iter().any(|t| &t.id == team) {
            return Err(AppError::NotFound);
        }
    }
    let filter = match scope {
        Scope::Org(_) => match account_visibility(p) {
            AccountVisibility::WholeOrg => filter.clone(),
            AccountVisibility::LinkedTo(mine) => AccountFilter {
                linked_to_any: Some(mine),
                ..filter.clone()
            },
        },
        Scope::Platform => filter.clone(),
    };
    // One more than a page tells whether another follows.
    let limit = i64::try_from(PAGE_SIZE + 1).unwrap_or(i64::MAX);
    let read = accounts_db::list_page(conn, scope.org_id(), &filter, after, limit)?;
    let (accounts, next) = split_page(read, PAGE_SIZE, |a| a.id.clone());
    let mut linked: Vec<TeamId> = accounts
        .iter()
        .flat_map(|a| a.team_ids.iter().cloned())
        .collect();
    linked.sort();
    linked.dedup();
    let linked_teams = seen_teams(conn, p, scope, &linked)?;
    Ok(AccountList {
        accounts,
        next,
        teams,
        more_teams,
        linked_teams,
        may_create: policy::allowed(
            p,
            Action::ManageAccounts {
                owner_org: scope.org_id(),
            },
        ),
    })
}

/// A linked Team and how many of its open orders use the account.
pub struct LinkedTeam {
    pub team: Team,
    pub open_orders: i64,
}

/// A Team that could be linked; on the platform, with its org's name.
pub struct LinkableTeam {
    pub team: Team,
    pub org_name: Option<String>,
}

/// The linked Teams of an account and what the person may change.
pub struct Links {
    pub linked: Vec<LinkedTeam>,
    pub linkable: Vec<LinkableTeam>,
    pub may_link: bool,
}

/// The links of an account the person sees (`visible_account`), with the Teams they could link.
pub fn links(
    conn: &mut DbConnection,
    p: &Principal,
    scope: &Scope,
    a: &LabAccount,
) -> Result<Links, AppError> {
    let candidates = visible_teams(conn, p, scope)?;
    let may_link_team = |team_org: &OrgId| {
        policy::allowed(
            p,
            Action::LinkTeam {
                owner_org: a.owner.org_id(),
                team_org,
            },
        )
    };
    let linked_teams = orgs::teams_by_ids(conn, &a.team_ids)?;
    let ids: Vec<TeamId> = linked_teams.iter().map(|t| t.id.clone()).collect();
    let counts = account_links::open_orders_counts(conn, &a.id, &ids)?;
    let linked = linked_teams
        .into_iter()
        .map(|team| LinkedTeam {
            open_orders: counts
                .iter()
                .find(|(id, _)| *id == team.id)
                .map_or(0, |(_, n)| *n),
            team,
        })
        .collect();
    let org_names: Vec<(OrgId, String)> = if *scope == Scope::Platform {
        orgs::list_orgs(conn, &p.csm_org_ids)?
            .into_iter()
            .map(|o| (o.id, o.name))
            .collect()
    } else {
        Vec::new()
    };
    let may_link = candidates.iter().any(|t| may_link_team(&t.org_id))
        && (a.owner.org_id().is_some() || p.role == Role::Csm);
    let linkable = candidates
        .into_iter()
        .filter(|t| !a.team_ids.contains(&t.id) && may_link_team(&t.org_id))
        .filter(|t| a.owner.org_id().is_none_or(|o| *o == t.org_id))
        .map(|team| LinkableTeam {
            org_name: org_names
                .iter()
                .find(|(id, _)| *id == team.org_id)
                .map(|(_, n)| n.clone()),
            team,
        })
        .collect();
    Ok(Links {
        linked,
        linkable,
        may_link,
    })
}

/// Everything the account page shows.
pub struct AccountDetails {
    pub account: LabAccount,
    /// The owning org's name; None for a platform-managed account.
    pub owner_name: Option<String>,
    /// Whether the person may edit it and move its status.
    pub may_manage: bool,
    /// Newest first.
    pub history: Vec<StatusChange>,
    /// The account's audit trail, for those who may read the audit log.
    pub trail: Option<Vec<AuditEvent>>,
    pub links: Links,
}

/// How many audit rows the account page shows.
const TRAIL_ROWS: i64 = 100;

/// One account of the scope, if the person sees it (anything else is "not found").
pub fn details(
    conn: &mut DbConnection,
    p: &Principal,
    scope: &Scope,
    account_id: &LabAccountId,
) -> Result<AccountDetails, AppError> {
    let account = visible_account(conn, p, scope, account_id)?;
    let may_manage = policy::allowed(
        p,
        Action::ManageAccounts {
            owner_org: account.owner.org_id(),
        },
    );
    let owner_name = match account.owner.org_id() {
        Some(org) => Some(
            orgs::find_org(conn, org)?
                .map(|o| o.name)
                .unwrap_or_default(),
        ),
        None => None,
    };
    let history = account_status_changes::status_history(conn, &account.id)?;
    let may_audit = match scope {
        Scope::Org(org) => policy::allowed(p, Action::ViewAudit { org_id: org }),
        Scope::Platform => p.role == Role::Csm,
    };
    let trail = if may_audit {
        let filter = AuditFilter {
            org_id: scope
                .org_id()
                .filter(|_| !account.is_platform_managed())
                .cloned(),
            entity_type: Some(EntityType::LabAccount.as_str().to_string()),
            entity_id: Some(account.id.as_str().to_string()),
            ..AuditFilter::default()
        };
        // On an org's page, a platform account's trail shows only that org's rows and the
        // platform's own, never another org's links.
        Some(
            audit_db::list(conn, &filter, TRAIL_ROWS)?
                .into_iter()
                .filter(|e| {
                    scope.org_id().is_none()
                        || e.org_id.as_ref() == scope.org_id()
                        || e.org_id.is_none()
                })
                .collect(),
        )
    } else {
        None
    };
    let links = links(conn, p, scope, &account)?;
    Ok(AccountDetails {
        account,
        owner_name,
        may_manage,
        history,
        trail,
        links,
    })
}
