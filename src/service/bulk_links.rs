//! Bulk link and unlink of an org's lab accounts to its Teams, from the dashboard or the Org
//! Management API: the preview (`domain::bulk_links::plan` over the links now), the apply (the
//! same plan computed again inside one transaction, each change through the single link or
//! unlink with its audit row) and the undo of exactly what an apply changed.
use crate::db::bulk_links::{self as bulk_db, BulkLinkRow, NewBulkLink};
use crate::db::lab_accounts::{self as accounts_db, TeamScope};
use crate::db::orgs::{self, Team};
use crate::db::{account_links, read_tx, write_tx, DbConnection};
use crate::domain::access::{decide, Action, Decision, Principal};
use crate::domain::actor::Actor;
use crate::domain::bulk_links::{
    self as rules, AccountFacts, AccountState, BulkAction, Outcome, Plan, Refusal, TeamFacts,
    MAX_ACCOUNTS, MAX_TEAMS,
};
use crate::domain::ids::{BulkLinkId, LabAccountId, OrgId, TeamId};
use crate::domain::lab_account::{LabAccount, Owner};
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::service::lab_accounts::{link_team, unlink_team, AccountError};
use crate::service::policy;

/// Who asks: a signed-in person (their role decides), or the org's management key (the org's
/// own accounts only, as for the allowlist replace).
#[derive(Clone, Copy)]
pub enum Requester<'a> {
    Person(&'a Principal),
    OrgKey,
}

/// A checked request: an action, at least one account and one Team, each once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkRequest {
    pub action: BulkAction,
    pub account_ids: Vec<LabAccountId>,
    pub team_ids: Vec<TeamId>,
}

fn dedup<T: PartialEq + Clone>(items: &[T]) -> Vec<T> {
    let mut out: Vec<T> = Vec::with_capacity(items.len());
    for i in items {
        if !out.contains(i) {
            out.push(i.clone());
        }
    }
    out
}

impl BulkRequest {
    /// The request, or every field that is wrong (`lab_account_ids`, `team_ids`).
    pub fn new(
        action: BulkAction,
        account_ids: &[LabAccountId],
        team_ids: &[TeamId],
    ) -> Result<BulkRequest, FieldErrors> {
        let (account_ids, team_ids) = (dedup(account_ids), dedup(team_ids));
        let mut errors = FieldErrors::default();
        let mut size = |field: &str, n: usize, max: usize, what: &str| {
            if n == 0 {
                errors.push(field, format!("Choose at least one {what}."), "too_short");
            } else if n > max {
                errors.push(
                    field,
                    format!("Choose at most {max} {what}s at a time."),
                    "too_long",
                );
            }
        };
        size(
            "lab_account_ids",
            account_ids.len(),
            MAX_ACCOUNTS,
            "account",
        );
        size("team_ids", team_ids.len(), MAX_TEAMS, "Team");
        errors.into_result(BulkRequest {
            action,
            account_ids,
            team_ids,
        })
    }
}

/// Only those who may link the org's own accounts to its Teams may use bulk linking: its org
/// admins and its CSMs (others: 403, another org: 404).
pub fn authorize(p: &Principal, org_id: &OrgId) -> Result<(), AppError> {
    policy::authorize(
        p,
        Action::LinkTeam {
            owner_org: Some(org_id),
            team_org: org_id,
        },
    )
}

pub fn may_bulk_link(p: &Principal, org_id: &OrgId) -> bool {
    authorize(p, org_id).is_ok()
}

/// A chosen account: its name when it is one of the org's.
pub struct ChosenAccount {
    pub id: LabAccountId,
    pub account: Option<LabAccount>,
}

/// A preview: the plan with the accounts and Teams it names and, for each link it removes, the
/// open orders of that Team on that account (they keep the account).
pub struct Preview {
    pub plan: Plan,
    pub accounts: Vec<ChosenAccount>,
    pub teams: Vec<(TeamId, Option<Team>)>,
    pub open_orders: Vec<(LabAccountId, TeamId, i64)>,
}

impl Preview {
    pub fn account(&self, id: &LabAccountId) -> Option<&LabAccount> {
        self.accounts
            .iter()
            .find(|a| &a.id == id)
            .and_then(|a| a.account.as_ref())
    }

    pub fn team(&self, id: &TeamId) -> Option<&Team> {
        self.teams
            .iter()
            .find(|(t, _)| t == id)
            .and_then(|(_, t)| t.as_ref())
    }

    pub fn open_orders(&self, account: &LabAccountId, team: &TeamId) -> i64 {
        self.open_orders
            .iter()
            .find(|(a, t, _)| a == account && t == team)
            .map_or(0, |(_, _, n)| *n)
    }
}

fn account_state(who: Requester<'_>, org_id: &OrgId, a: &LabAccount) -> AccountState {
    let decision = match who {
        Requester::Person(p) => {
            let sees = decide(
                p,
                Action::ViewAccount {
                    owner_org: a.owner.org_id(),
                    viewing_org: org_id,
                    linked_teams: &a.team_ids,
                },
            );
            if sees != Decision::Allow {
                return AccountState::Refused(Refusal::UnknownAccount);
            }
            decide(
                p,
                Action::LinkTeam {
                    owner_org: a.owner.org_id(),
                    team_org: org_id,
                },
            )
        }
        Requester::OrgKey => match &a.owner {
            Owner::Org(o) if o == org_id => Decision::Allow,
            Owner::Platform if !a.team_ids.is_empty() => Decision::Forbidden,
            _ => Decision::NotFound,
        },
    };
    match decision {
        Decision::Allow => AccountState::Open {
            owner: a.owner.clone(),
            linked: a.team_ids.clone(),
        },
        Decision::Forbidden if a.is_platform_managed() => {
            AccountState::Refused(Refusal::PlatformManaged)
        }
        _ => AccountState::Refused(Refusal::UnknownAccount),
    }
}

struct Facts {
    accounts: Vec<ChosenAccount>,
    account_facts: Vec<AccountFacts>,
    teams: Vec<(TeamId, Option<Team>)>,
    team_facts: Vec<TeamFacts>,
}

/// The chosen accounts and Teams as they are now, as the plan and the person see them.
fn facts(
    conn: &mut DbConnection,
    who: Requester<'_>,
    org_id: &OrgId,
    account_ids: &[LabAccountId],
    team_ids: &[TeamId],
) -> Result<Facts, AppError> {
    // Links to the org's Teams only: another org's links of a platform account are not its.
    let found = accounts_db::find_many(conn, account_ids, TeamScope::Org(org_id))?;
    let mut accounts = Vec::new();
    let mut account_facts = Vec::new();
    for id in account_ids {
        let account = found.iter().find(|a| &a.id == id);
        let state = match account {
            Some(a) => account_state(who, org_id, a),
            None => AccountState::Refused(Refusal::UnknownAccount),
        };
        let known = matches!(
            state,
            AccountState::Open { .. } | AccountState::Refused(Refusal::PlatformManaged)
        );
        accounts.push(ChosenAccount {
            id: id.clone(),
            account: account.filter(|_| known).cloned(),
        });
        account_facts.push(AccountFacts {
            id: id.clone(),
            state,
        });
    }
    let found_teams = orgs::teams_by_ids(conn, team_ids)?;
    let mut teams = Vec::new();
    let mut team_facts = Vec::new();
    for id in team_ids {
        let team = found_teams
            .iter()
            .find(|t| &t.id == id && &t.org_id == org_id)
            .filter(|t| match who {
                Requester::Person(p) => policy::allowed(
                    p,
                    Action::ViewTeam {
                        org_id,
                        team_id: &t.id,
                    },
                ),
                Requester::OrgKey => true,
            });
        team_facts.push(TeamFacts {
            id: id.clone(),
            org_id: team.map(|t| t.org_id.clone()),
        });
        teams.push((id.clone(), team.cloned()));
    }
    Ok(Facts {
        accounts,
        account_facts,
        teams,
        team_facts,
    })
}

fn open_orders_of(
    conn: &mut DbConnection,
    plan: &Plan,
) -> Result<Vec<(LabAccountId, TeamId, i64)>, AppError> {
    let mut out = Vec::new();
    let mut accounts: Vec<&LabAccountId> = plan.changes().map(|p| &p.account_id).collect();
    accounts.dedup();
    for account in accounts {
        let removed: Vec<TeamId> = plan
            .pairs
            .iter()
            .filter(|p| &p.account_id == account && p.outcome == Outcome::Removed)
            .map(|p| p.team_id.clone())
            .collect();
        for (team, n) in account_links::open_orders_counts(conn, account, &removed)? {
            out.push((account.clone(), team, n));
        }
    }
    Ok(out)
}

fn compute(
    conn: &mut DbConnection,
    who: Requester<'_>,
    org_id: &OrgId,
    req: &BulkRequest,
) -> Result<Preview, AppError> {
    let f = facts(conn, who, org_id, &req.account_ids, &req.team_ids)?;
    let plan = rules::plan(req.action, &f.account_facts, &f.team_facts);
    let open_orders = open_orders_of(conn, &plan)?;
    Ok(Preview {
        plan,
        accounts: f.accounts,
        teams: f.teams,
        open_orders,
    })
}

fn authorize_requester(who: Requester<'_>, org_id: &OrgId) -> Result<(), AppError> {
    match who {
        Requester::Person(p) => authorize(p, org_id),
        // The key extractor already checked the key is this org's.
        Requester::OrgKey => Ok(()),
    }
}

/// What the request would change, changing nothing.
pub fn preview(
    conn: &mut DbConnection,
    who: Requester<'_>,
    org_id: &OrgId,
    req: &BulkRequest,
) -> Result<Preview, AppError> {
    authorize_requester(who, org_id)?;
    read_tx(conn, |conn| compute(conn, who, org_id, req))
}

/// Why a bulk apply or undo changed nothing.
#[derive(Debug, thiserror::Error)]
pub enum BulkError {
    /// Some pair is refused (the plan says which and why); nothing was changed.
    #[error("{}", refusal_message(.0))]
    Refused(Plan),
    #[error("This change was already undone.")]
    AlreadyUndone,
    #[error(transparent)]
    Other(#[from] AppError),
}

impl From<AccountError> for BulkError {
    fn from(e: AccountError) -> BulkError {
        BulkError::Other(e.into())
    }
}

impl From<diesel::result::Error> for BulkError {
    fn from(e: diesel::result::Error) -> BulkError {
        BulkError::Other(e.into())
    }
}

fn refusal_message(plan: &Plan) -> String {
    let mut reasons: Vec<&str> = plan
        .refusals()
        .filter_map(|p| match &p.outcome {
            Outcome::Refused(r) => Some(r.message()),
            _ => None,
        })
        .collect();
    reasons.dedup();
    format!(
        "{} of the chosen pairs cannot be changed: {} Nothing was changed.",
        plan.refusals().count(),
        reasons.join(" ")
    )
}

impl From<BulkError> for AppError {
    fn from(e: BulkError) -> AppError {
        match e {
            BulkError::Other(inner) => inner,
            BulkError::Refused(_) => AppError::rule("bulk_link_refused", e.to_string()),
            BulkError::AlreadyUndone => AppError::rule("bulk_link_undone", e.to_string()),
        }
    }
}

/// A bulk action that was applied: its id and the plan as it was applied.
pub struct Applied {
    pub id: BulkLinkId,
    pub preview: Preview,
}

/// Each change goes through the single link or unlink (its audit row and all); whether it
/// changed something (inside this transaction it always does).
fn change(
    conn: &mut DbConnection,
    actor: &Actor,
    action: BulkAction,
    account: &LabAccountId,
    team: &TeamId,
) -> Result<bool, BulkError> {
    Ok(match action {
        BulkAction::Link => link_team(conn, actor, account, team)?,
        BulkAction::Unlink => unlink_team(conn, actor, account, team)?,
    })
}

/// Applies the request in one transaction, computing the plan again from the links as they are
/// now: if any pair is refused, nothing changes.
pub fn apply(
    conn: &mut DbConnection,
    who: Requester<'_>,
    actor: &Actor,
    org_id: &OrgId,
    req: &BulkRequest,
) -> Result<Applied, BulkError> {
    authorize_requester(who, org_id)?;
    write_tx(conn, |conn| {
        let preview = compute(conn, who, org_id, req)?;
        if preview.plan.is_refused() {
            return Err(BulkError::Refused(preview.plan));
        }
        let id = bulk_db::insert(
            conn,
            &NewBulkLink {
                org_id,
                action: req.action,
                account_count: req.account_ids.len(),
                team_count: req.team_ids.len(),
                unchanged_count: preview.plan.unchanged_count(),
                created_by: &actor.label,
            },
        )?;
        for pair in preview.plan.changes() {
            if change(conn, actor, req.action, &pair.account_id, &pair.team_id)? {
                bulk_db::insert_change(conn, &id, &pair.account_id, &pair.team_id)?;
            }
        }
        Ok(Applied { id, preview })
    })
}

/// A bulk action of the org, for those who may bulk link there.
fn find_action(
    conn: &mut DbConnection,
    p: &Principal,
    org_id: &OrgId,
    id: &BulkLinkId,
) -> Result<BulkLinkRow, AppError> {
    authorize(p, org_id)?;
    bulk_db::find(conn, id)?
        .filter(|row| &row.org_id == org_id)
        .ok_or(AppError::NotFound)
}

/// A bulk action as its confirmation shows it.
pub struct Done {
    pub row: BulkLinkRow,
    /// The pairs it changed, with the account and Team when they still exist.
    pub changes: Vec<(Option<LabAccount>, Option<Team>)>,
}

impl Done {
    pub fn summary(&self) -> String {
        let n = |v: i32| usize::try_from(v).unwrap_or(0);
        rules::summary(
            self.row.action,
            n(self.row.account_count),
            n(self.row.team_count),
            self.changes.len(),
            n(self.row.unchanged_count),
        )
    }
}

/// The accounts and the Teams of some pairs, each once.
fn ids_of(pairs: &[(LabAccountId, TeamId)]) -> (Vec<LabAccountId>, Vec<TeamId>) {
    let accounts: Vec<LabAccountId> = pairs.iter().map(|(a, _)| a.clone()).collect();
    let teams: Vec<TeamId> = pairs.iter().map(|(_, t)| t.clone()).collect();
    (dedup(&accounts), dedup(&teams))
}

pub fn done(
    conn: &mut DbConnection,
    p: &Principal,
    org_id: &OrgId,
    id: &BulkLinkId,
) -> Result<Done, AppError> {
    read_tx(conn, |conn| {
        let row = find_action(conn, p, org_id, id)?;
        let changed = bulk_db::changes(conn, id)?;
        let (account_ids, team_ids) = ids_of(&changed);
        let accounts = accounts_db::find_many(conn, &account_ids, TeamScope::Org(org_id))?;
        let teams = orgs::teams_by_ids(conn, &team_ids)?;
        let changes = changed
            .iter()
            .map(|(a, t)| {
                (
                    accounts.iter().find(|x| &x.id == a).cloned(),
                    teams.iter().find(|x| &x.id == t).cloned(),
                )
            })
            .collect();
        Ok(Done { row, changes })
    })
}

/// Undoes exactly the links the bulk action changed, as they are now (a link someone removed
/// meanwhile stays removed), in one transaction with an audit row per change; once.
pub fn undo(
    conn: &mut DbConnection,
    p: &Principal,
    actor: &Actor,
    org_id: &OrgId,
    id: &BulkLinkId,
) -> Result<Plan, BulkError> {
    write_tx(conn, |conn| {
        let row = find_action(conn, p, org_id, id)?;
        if row.undone_at.is_some() {
            return Err(BulkError::AlreadyUndone);
        }
        let changed = bulk_db::changes(conn, id)?;
        let (account_ids, team_ids) = ids_of(&changed);
        let f = facts(conn, Requester::Person(p), org_id, &account_ids, &team_ids)?;
        let plan = rules::undo_plan(row.action, &changed, &f.account_facts, &f.team_facts);
        if plan.is_refused() {
            return Err(BulkError::Refused(plan));
        }
        let mut reversed = 0;
        for pair in plan.changes() {
            if change(conn, actor, plan.action, &pair.account_id, &pair.team_id)? {
                reversed += 1;
            }
        }
        if !bulk_db::mark_undone(conn, id, &actor.label, reversed)? {
            return Err(BulkError::AlreadyUndone);
        }
        Ok(plan)
    })
}

/// A page of the bulk page's Team picker: the org's Teams whose name contains the search, after
/// a name, and whether more follow.
pub struct TeamPage {
    pub teams: Vec<Team>,
    pub more: bool,
}

/// How many Teams the picker shows at a time.
pub const TEAMS_PER_PAGE: usize = 50;

fn team_page(
    conn: &mut DbConnection,
    org_id: &OrgId,
    search: &str,
    after: Option<&str>,
) -> Result<TeamPage, AppError> {
    let limit = i64::try_from(TEAMS_PER_PAGE + 1).unwrap_or(i64::MAX);
    let mut teams = bulk_db::search_teams(conn, org_id, search, after, limit)?;
    let more = teams.len() > TEAMS_PER_PAGE;
    teams.truncate(TEAMS_PER_PAGE);
    Ok(TeamPage { teams, more })
}

/// What the bulk page was asked for: the chosen accounts and Teams, the request when it is
/// complete enough to preview, and where the Team picker is.
pub struct PageQuery<'a> {
    pub account_ids: &'a [LabAccountId],
    pub team_ids: &'a [TeamId],
    pub request: Option<&'a BulkRequest>,
    pub search: &'a str,
    pub after: Option<&'a str>,
}

/// Everything the bulk page shows.
pub struct BulkPage {
    pub accounts: Vec<ChosenAccount>,
    /// The chosen Teams that are the org's.
    pub chosen_teams: Vec<Team>,
    pub teams: TeamPage,
    pub preview: Option<Preview>,
}

pub fn page(
    conn: &mut DbConnection,
    p: &Principal,
    org_id: &OrgId,
    q: &PageQuery<'_>,
) -> Result<BulkPage, AppError> {
    authorize(p, org_id)?;
    read_tx(conn, |conn| {
        let who = Requester::Person(p);
        let f = facts(conn, who, org_id, q.account_ids, q.team_ids)?;
        let teams = team_page(conn, org_id, q.search, q.after)?;
        let preview = match q.request {
            Some(r) => Some(compute(conn, who, org_id, r)?),
            None => None,
        };
        Ok(BulkPage {
            accounts: f.accounts,
            chosen_teams: f.teams.into_iter().filter_map(|(_, t)| t).collect(),
            teams,
            preview,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_needs_accounts_and_teams_within_the_limits_and_drops_repeats() {
        let a = |n: usize| -> Vec<LabAccountId> {
            (0..n)
                .map(|i| LabAccountId::from_text(format!("a{i}")))
                .collect()
        };
        let t = |n: usize| -> Vec<TeamId> {
            (0..n).map(|i| TeamId::from_text(format!("t{i}"))).collect()
        };
        let table: [(Vec<LabAccountId>, Vec<TeamId>, &[&str]); 5] = [
            (a(2), t(2), &[]),
            (a(0), t(1), &["lab_account_ids"]),
            (a(1), t(0), &["team_ids"]),
            (
                a(MAX_ACCOUNTS + 1),
                t(MAX_TEAMS + 1),
                &["lab_account_ids", "team_ids"],
            ),
            (a(MAX_ACCOUNTS), t(MAX_TEAMS), &[]),
        ];
        for (accounts, teams, wrong) in table {
            let got = BulkRequest::new(BulkAction::Link, &accounts, &teams);
            let fields: Vec<String> = match &got {
                Ok(_) => vec![],
                Err(e) => e.0.iter().map(|e| e.field().to_string()).collect(),
            };
            assert_eq!(
                fields,
                wrong,
                "{} accounts, {} teams",
                accounts.len(),
                teams.len()
            );
        }
        let twice = [a(1), a(1)].concat();
        let req = BulkRequest::new(BulkAction::Unlink, &twice, &t(1)).unwrap();
        assert_eq!(req.account_ids.len(), 1);
    }
}
