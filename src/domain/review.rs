//! Where an item of the review queue (a delivered result that did not fit) stands, and which
//! orders a reviewer may put its result on.
use chrono::NaiveDate;

use super::ids::TeamId;
use super::string_enum::string_enum;

string_enum!(
    /// The `status` of a review item, as stored.
    ReviewStatus {
        /// Waiting for the org's ops staff (or a CSM for quarantine).
        PendingCustomer => "pending_customer_review",
        /// Escalated to the CSMs; still open.
        PendingOps => "pending_ops_review",
        Accepted => "accepted",
        Rejected => "rejected",
    }
);

impl ReviewStatus {
    /// Still waiting for a decision.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            ReviewStatus::PendingCustomer | ReviewStatus::PendingOps
        )
    }
}

string_enum!(
    /// What a reviewer does with an open item, as the decision routes spell it.
    ReviewAction {
        /// Put the result on an order.
        Accept => "accept",
        /// Keep it out of every order.
        Reject => "reject",
        /// Hand it to the CSMs (ops review); it stays open.
        Escalate => "escalate",
    }
);

impl ReviewAction {
    /// The past tense, as the page's notice after the decision says it.
    pub fn done(self) -> &'static str {
        match self {
            ReviewAction::Accept => "accepted",
            ReviewAction::Reject => "rejected",
            ReviewAction::Escalate => "escalated",
        }
    }
}

/// The Teams whose orders may take an item's result, by the rule that decides which Team sees an
/// item (`access::team_sees_queue_item`): the item's own Team; for an item of no Team, the Teams
/// its account is linked to. None: any Team of the item's org (the account is unknown or linked
/// to none). The result names a patient, so it never goes to another Team's order.
pub fn candidate_teams(
    item_team: Option<&TeamId>,
    account_teams: &[TeamId],
) -> Option<Vec<TeamId>> {
    match item_team {
        Some(team) => Some(vec![team.clone()]),
        None if account_teams.is_empty() => None,
        None => Some(account_teams.to_vec()),
    }
}

/// Whether an order of `order_team` may take the result, by `candidate_teams`' answer.
pub fn team_may_take(teams: Option<&[TeamId]>, order_team: &TeamId) -> bool {
    teams.is_none_or(|t| t.contains(order_team))
}

/// What a reviewer typed to find the order: a date of birth (YYYY-MM-DD), or the start of a
/// patient's first or last name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CandidateSearch {
    Dob(NaiveDate),
    Name(String),
}

impl CandidateSearch {
    /// None: nothing typed.
    pub fn parse(typed: &str) -> Option<CandidateSearch> {
        let typed = typed.trim();
        if typed.is_empty() {
            return None;
        }
        Some(match NaiveDate::parse_from_str(typed, "%Y-%m-%d") {
            Ok(dob) => CandidateSearch::Dob(dob),
            Err(_) => CandidateSearch::Name(typed.to_string()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidates_come_from_the_items_team_or_the_accounts_teams_or_the_whole_org() {
        let (a, b) = (TeamId::from_text("a"), TeamId::from_text("b"));
        let cases = [
            (Some(&a), vec![a.clone(), b.clone()], Some(vec![a.clone()])),
            (Some(&a), vec![], Some(vec![a.clone()])),
            (
                None,
                vec![a.clone(), b.clone()],
                Some(vec![a.clone(), b.clone()]),
            ),
            (None, vec![], None),
        ];
        for (item_team, account_teams, want) in cases {
            assert_eq!(candidate_teams(item_team, &account_teams), want);
        }
    }

    #[test]
    fn another_teams_order_cannot_take_a_teams_result() {
        let (a, b) = (TeamId::from_text("a"), TeamId::from_text("b"));
        let only_a = [a.clone()];
        assert!(team_may_take(Some(&only_a), &a));
        assert!(!team_may_take(Some(&only_a), &b));
        assert!(team_may_take(None, &b));
    }

    #[test]
    fn a_search_is_a_date_of_birth_or_a_name() {
        let cases = [
            (
                "1980-04-23",
                NaiveDate::from_ymd_opt(1980, 4, 23).map(CandidateSearch::Dob),
            ),
            (" Park ", Some(CandidateSearch::Name("Park".into()))),
            (
                "1980-13-40",
                Some(CandidateSearch::Name("1980-13-40".into())),
            ),
            ("   ", None),
        ];
        for (typed, want) in cases {
            assert_eq!(CandidateSearch::parse(typed), want, "{typed:?}");
        }
    }
}
