//! Bulk linking: from the accounts and Teams a person chose and the links that exist, what a bulk
//! link or unlink changes for each (account, Team) pair, and what is refused and why. The same
//! plan is shown as the preview, computed again when it is applied, and reversed by undo.
use super::ids::{LabAccountId, OrgId, TeamId};
use super::lab_account::{check_link, LinkRefusal, Owner};
use super::string_enum::string_enum;

string_enum!(
    /// What a bulk action does to every chosen pair.
    BulkAction {
        Link => "link",
        Unlink => "unlink",
    }
);

impl BulkAction {
    pub fn label(self) -> &'static str {
        match self {
            BulkAction::Link => "Link",
            BulkAction::Unlink => "Unlink",
        }
    }

    /// The action that undoes this one.
    pub fn reverse(self) -> BulkAction {
        match self {
            BulkAction::Link => BulkAction::Unlink,
            BulkAction::Unlink => BulkAction::Link,
        }
    }
}

/// The most accounts one bulk action takes: a page of the accounts list.
pub const MAX_ACCOUNTS: usize = 100;
/// The most Teams one bulk action takes (each changed pair is one link and one audit row).
pub const MAX_TEAMS: usize = 50;

/// Why a pair may not be changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Not an account of this organization, or not one the person sees: the same answer for both.
    UnknownAccount,
    /// Not a Team of this organization.
    UnknownTeam,
    /// A platform-managed account: only labdesk staff change its Teams.
    PlatformManaged,
    Link(LinkRefusal),
}

impl Refusal {
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::UnknownAccount => "unknown_lab_account",
            Refusal::UnknownTeam => "unknown_team",
            Refusal::PlatformManaged => "platform_managed_account",
            Refusal::Link(r) => r.code(),
        }
    }

    pub fn message(&self) -> &'static str {
        match self {
            Refusal::UnknownAccount => "This is not a lab account of this organization.",
            Refusal::UnknownTeam => "This is not a Team of this organization.",
            Refusal::PlatformManaged => {
                "This is a platform-managed lab account; its Teams are linked by labdesk staff."
            }
            Refusal::Link(r) => r.message(),
        }
    }
}

/// A chosen account as the plan sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountFacts {
    pub id: LabAccountId,
    pub state: AccountState,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountState {
    /// The person may change its links; `linked` are its Teams now.
    Open {
        owner: Owner,
        linked: Vec<TeamId>,
    },
    Refused(Refusal),
}

/// A chosen Team: its org, or None when it is not a Team of the organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamFacts {
    pub id: TeamId,
    pub org_id: Option<OrgId>,
}

/// What happens to one pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Added,
    AlreadyLinked,
    Removed,
    NotLinked,
    Refused(Refusal),
}

impl Outcome {
    /// The word the API answers with.
    pub fn code(&self) -> &'static str {
        match self {
            Outcome::Added => "added",
            Outcome::AlreadyLinked => "already_linked",
            Outcome::Removed => "removed",
            Outcome::NotLinked => "not_linked",
            Outcome::Refused(_) => "refused",
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            Outcome::Added => "Link added",
            Outcome::AlreadyLinked => "Already linked (no change)",
            Outcome::Removed => "Link removed",
            Outcome::NotLinked => "Not linked (no change)",
            Outcome::Refused(_) => "Refused",
        }
    }

    pub fn changes(&self) -> bool {
        matches!(self, Outcome::Added | Outcome::Removed)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pair {
    pub account_id: LabAccountId,
    pub team_id: TeamId,
    pub outcome: Outcome,
}

/// Every chosen pair with its outcome, accounts in the order chosen and Teams within each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub action: BulkAction,
    pub pairs: Vec<Pair>,
}

impl Plan {
    pub fn changes(&self) -> impl Iterator<Item = &Pair> {
        self.pairs.iter().filter(|p| p.outcome.changes())
    }

    pub fn refusals(&self) -> impl Iterator<Item = &Pair> {
        self.pairs
            .iter()
            .filter(|p| matches!(p.outcome, Outcome::Refused(_)))
    }

    /// Anything refused refuses the whole action: nothing of it is applied.
    pub fn is_refused(&self) -> bool {
        self.refusals().next().is_some()
    }

    pub fn changed_count(&self) -> usize {
        self.changes().count()
    }

    /// Pairs that were already as the action wants them.
    pub fn unchanged_count(&self) -> usize {
        self.pairs
            .iter()
            .filter(|p| matches!(p.outcome, Outcome::AlreadyLinked | Outcome::NotLinked))
            .count()
    }
}

fn outcome(action: BulkAction, account: &AccountState, team: &TeamFacts) -> Outcome {
    let (owner, linked) = match account {
        AccountState::Refused(r) => return Outcome::Refused(r.clone()),
        AccountState::Open { owner, linked } => (owner, linked),
    };
    let Some(team_org) = &team.org_id else {
        return Outcome::Refused(Refusal::UnknownTeam);
    };
    let is_linked = linked.contains(&team.id);
    match action {
        BulkAction::Link => match check_link(owner, team_org) {
            Err(r) => Outcome::Refused(Refusal::Link(r)),
            Ok(()) if is_linked => Outcome::AlreadyLinked,
            Ok(()) => Outcome::Added,
        },
        BulkAction::Unlink if is_linked => Outcome::Removed,
        BulkAction::Unlink => Outcome::NotLinked,
    }
}

/// The plan for `action` on every chosen account with every chosen Team.
pub fn plan(action: BulkAction, accounts: &[AccountFacts], teams: &[TeamFacts]) -> Plan {
    plan_where(action, accounts, teams, |_, _| true)
}

/// The plan that undoes `done`'s changes (`changed`: the pairs it changed), given the links now:
/// a link it added is removed if it is still there, a link it removed comes back if it is
/// still missing. Nothing else is touched.
pub fn undo_plan(
    done: BulkAction,
    changed: &[(LabAccountId, TeamId)],
    accounts: &[AccountFacts],
    teams: &[TeamFacts],
) -> Plan {
    plan_where(done.reverse(), accounts, teams, |a, t| {
        changed.iter().any(|(ca, ct)| ca == a && ct == t)
    })
}

fn plan_where(
    action: BulkAction,
    accounts: &[AccountFacts],
    teams: &[TeamFacts],
    chosen: impl Fn(&LabAccountId, &TeamId) -> bool,
) -> Plan {
    let pairs = accounts
        .iter()
        .flat_map(|a| {
            teams
                .iter()
                .filter(|t| chosen(&a.id, &t.id))
                .map(|t| Pair {
                    account_id: a.id.clone(),
                    team_id: t.id.clone(),
                    outcome: outcome(action, &a.state, t),
                })
                .collect::<Vec<_>>()
        })
        .collect();
    Plan { action, pairs }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// What the confirmation says, e.g. "Linked 3 accounts to 2 Teams: 5 new links, 1 already
/// linked".
pub fn summary(
    action: BulkAction,
    accounts: usize,
    teams: usize,
    changed: usize,
    unchanged: usize,
) -> String {
    let (accounts, teams) = (
        plural(accounts, "account", "accounts"),
        plural(teams, "Team", "Teams"),
    );
    let (verb, to, one, many, kept) = match action {
        BulkAction::Link => ("Linked", "to", "new link", "new links", "already linked"),
        BulkAction::Unlink => (
            "Unlinked",
            "from",
            "link removed",
            "links removed",
            "not linked",
        ),
    };
    let mut parts = Vec::new();
    if changed > 0 || unchanged == 0 {
        parts.push(plural(changed, one, many));
    }
    if unchanged > 0 {
        parts.push(format!("{unchanged} {kept}"));
    }
    format!("{verb} {accounts} {to} {teams}: {}", parts.join(", "))
}

/// What the preview says the plan would do, e.g. "3 links would be added, 1 is already there".
pub fn preview_summary(plan: &Plan) -> String {
    let changed = plan.changed_count();
    let unchanged = plan.unchanged_count();
    let refused = plan.refusals().count();
    let (verb, kept) = match plan.action {
        BulkAction::Link => ("added", "already linked"),
        BulkAction::Unlink => ("removed", "not linked"),
    };
    let mut parts = vec![match changed {
        1 => format!("1 link would be {verb}"),
        n => format!("{n} links would be {verb}"),
    }];
    if unchanged > 0 {
        parts.push(format!("{unchanged} {kept} (no change)"));
    }
    if refused > 0 {
        parts.push(format!("{refused} refused"));
    }
    format!("{}.", parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org(id: &str) -> OrgId {
        OrgId::from_text(id)
    }
    fn acc(id: &str) -> LabAccountId {
        LabAccountId::from_text(id)
    }
    fn team(id: &str) -> TeamId {
        TeamId::from_text(id)
    }
    fn open(id: &str, owner: Owner, linked: &[&str]) -> AccountFacts {
        AccountFacts {
            id: acc(id),
            state: AccountState::Open {
                owner,
                linked: linked.iter().map(|t| team(t)).collect(),
            },
        }
    }
    fn refused(id: &str, r: Refusal) -> AccountFacts {
        AccountFacts {
            id: acc(id),
            state: AccountState::Refused(r),
        }
    }
    fn of_org(id: &str, o: &str) -> TeamFacts {
        TeamFacts {
            id: team(id),
            org_id: Some(org(o)),
        }
    }

    /// One account and one Team, every case: (action, account, Team, expected outcome).
    #[test]
    fn each_pair_gets_the_outcome_of_the_single_link_rules() {
        use BulkAction::*;
        let mine = || Owner::Org(org("o1"));
        let unknown_team = TeamFacts {
            id: team("tx"),
            org_id: None,
        };
        let table: Vec<(BulkAction, AccountFacts, TeamFacts, Outcome)> = vec![
            (
                Link,
                open("a", mine(), &[]),
                of_org("t1", "o1"),
                Outcome::Added,
            ),
            (
                Link,
                open("a", mine(), &["t1"]),
                of_org("t1", "o1"),
                Outcome::AlreadyLinked,
            ),
            (
                Unlink,
                open("a", mine(), &["t1"]),
                of_org("t1", "o1"),
                Outcome::Removed,
            ),
            (
                Unlink,
                open("a", mine(), &["t2"]),
                of_org("t1", "o1"),
                Outcome::NotLinked,
            ),
            (
                Link,
                open("a", mine(), &[]),
                of_org("t9", "o2"),
                Outcome::Refused(Refusal::Link(LinkRefusal::TeamOfAnotherOrg)),
            ),
            (
                Link,
                open("a", Owner::Platform, &[]),
                of_org("t9", "o2"),
                Outcome::Added,
            ),
            (
                Link,
                open("a", mine(), &[]),
                unknown_team.clone(),
                Outcome::Refused(Refusal::UnknownTeam),
            ),
            (
                Unlink,
                open("a", mine(), &["tx"]),
                unknown_team,
                Outcome::Refused(Refusal::UnknownTeam),
            ),
            (
                Link,
                refused("a", Refusal::UnknownAccount),
                of_org("t1", "o1"),
                Outcome::Refused(Refusal::UnknownAccount),
            ),
            (
                Unlink,
                refused("a", Refusal::PlatformManaged),
                of_org("t1", "o1"),
                Outcome::Refused(Refusal::PlatformManaged),
            ),
        ];
        for (action, account, t, expected) in table {
            let got = plan(
                action,
                std::slice::from_ref(&account),
                std::slice::from_ref(&t),
            );
            assert_eq!(got.pairs.len(), 1);
            assert_eq!(got.pairs[0].outcome, expected, "{action} {account:?} {t:?}");
        }
    }

    #[test]
    fn a_plan_covers_every_account_with_every_team_in_the_order_chosen() {
        let mine = Owner::Org(org("o1"));
        let accounts = [
            open("a1", mine.clone(), &["t1"]),
            open("a2", mine.clone(), &[]),
        ];
        let teams = [of_org("t1", "o1"), of_org("t2", "o1")];
        let p = plan(BulkAction::Link, &accounts, &teams);
        let got: Vec<(&str, &str, &str)> = p
            .pairs
            .iter()
            .map(|p| (p.account_id.as_str(), p.team_id.as_str(), p.outcome.code()))
            .collect();
        assert_eq!(
            got,
            [
                ("a1", "t1", "already_linked"),
                ("a1", "t2", "added"),
                ("a2", "t1", "added"),
                ("a2", "t2", "added"),
            ]
        );
        assert_eq!((p.changed_count(), p.unchanged_count()), (3, 1));
        assert!(!p.is_refused());
    }

    #[test]
    fn one_refused_pair_refuses_the_plan() {
        let accounts = [
            open("a1", Owner::Org(org("o1")), &[]),
            refused("a2", Refusal::UnknownAccount),
        ];
        let p = plan(BulkAction::Link, &accounts, &[of_org("t1", "o1")]);
        assert!(p.is_refused());
        assert_eq!(p.refusals().count(), 1);
        assert_eq!(
            p.changed_count(),
            1,
            "the preview still shows what would change"
        );
    }

    /// (action done, pairs it changed, links now, expected undo outcomes).
    #[test]
    fn undo_reverses_only_the_pairs_the_action_changed() {
        let mine = || Owner::Org(org("o1"));
        let teams = [of_org("t1", "o1"), of_org("t2", "o1")];
        let changed = vec![(acc("a1"), team("t1")), (acc("a2"), team("t1"))];
        let table = [
            (
                BulkAction::Link,
                [
                    open("a1", mine(), &["t1", "t2"]),
                    open("a2", mine(), &["t1"]),
                ],
                vec!["removed", "removed"],
            ),
            // Someone unlinked a2 meanwhile: nothing left to undo there.
            (
                BulkAction::Link,
                [open("a1", mine(), &["t1"]), open("a2", mine(), &[])],
                vec!["removed", "not_linked"],
            ),
            (
                BulkAction::Unlink,
                [open("a1", mine(), &[]), open("a2", mine(), &["t2"])],
                vec!["added", "added"],
            ),
            (
                BulkAction::Unlink,
                [open("a1", mine(), &["t1"]), open("a2", mine(), &[])],
                vec!["already_linked", "added"],
            ),
        ];
        for (done, accounts, expected) in table {
            let p = undo_plan(done, &changed, &accounts, &teams);
            let got: Vec<&str> = p.pairs.iter().map(|p| p.outcome.code()).collect();
            assert_eq!(got, expected, "undo of {done}");
            assert!(p.pairs.iter().all(|p| p.team_id.as_str() == "t1"));
            assert_eq!(p.action, done.reverse());
        }
    }

    #[test]
    fn the_summary_says_what_changed_in_words() {
        use BulkAction::*;
        let table = [
            (
                Link,
                3,
                2,
                5,
                1,
                "Linked 3 accounts to 2 Teams: 5 new links, 1 already linked",
            ),
            (Link, 1, 1, 1, 0, "Linked 1 account to 1 Team: 1 new link"),
            (
                Link,
                2,
                1,
                0,
                2,
                "Linked 2 accounts to 1 Team: 2 already linked",
            ),
            (
                Unlink,
                2,
                2,
                3,
                1,
                "Unlinked 2 accounts from 2 Teams: 3 links removed, 1 not linked",
            ),
            (
                Unlink,
                1,
                1,
                1,
                0,
                "Unlinked 1 account from 1 Team: 1 link removed",
            ),
            (
                Unlink,
                1,
                1,
                0,
                0,
                "Unlinked 1 account from 1 Team: 0 links removed",
            ),
        ];
        for (action, accounts, teams, changed, unchanged, expected) in table {
            assert_eq!(
                summary(action, accounts, teams, changed, unchanged),
                expected
            );
        }
    }

    #[test]
    fn the_preview_says_what_would_change() {
        let mine = || Owner::Org(org("o1"));
        let teams = [of_org("t1", "o1"), of_org("t2", "o1")];
        let table = [
            (
                BulkAction::Link,
                vec![open("a1", mine(), &["t1"])],
                "1 link would be added, 1 already linked (no change).",
            ),
            (
                BulkAction::Unlink,
                vec![
                    open("a1", mine(), &["t1", "t2"]),
                    refused("a2", Refusal::UnknownAccount),
                ],
                "2 links would be removed, 2 refused.",
            ),
            (
                BulkAction::Unlink,
                vec![open("a1", mine(), &[])],
                "0 links would be removed, 2 not linked (no change).",
            ),
        ];
        for (action, accounts, expected) in table {
            assert_eq!(preview_summary(&plan(action, &accounts, &teams)), expected);
        }
    }

    #[test]
    fn every_refusal_has_plain_words_and_a_code() {
        let all = [
            Refusal::UnknownAccount,
            Refusal::UnknownTeam,
            Refusal::PlatformManaged,
            Refusal::Link(LinkRefusal::TeamOfAnotherOrg),
        ];
        for r in all {
            assert!(r.message().ends_with('.'), "{r:?}");
            assert!(!r.message().contains('_'), "{r:?}");
            assert!(!r.code().is_empty());
        }
    }
}
