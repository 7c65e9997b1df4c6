//! Where a delivered result belongs. A result that does not fit its order and account is never
//! attached silently: it goes to the review queue with a decision code.
use chrono::NaiveDate;

use super::ids::{LabAccountId, OrderId, OrgId};
use super::string_enum::string_enum;

string_enum!(
    DecisionCode {
        Quarantine => "quarantine",
        NoMatch => "no_match",
        LabAccountMismatch => "lab_account_mismatch",
        DemographicsMismatch => "match_sample_id_mismatch_demo",
    }
);

impl DecisionCode {
    pub fn label(self) -> &'static str {
        match self {
            DecisionCode::Quarantine => "Unknown account (quarantine)",
            DecisionCode::NoMatch => "No matching order",
            DecisionCode::LabAccountMismatch => "Delivered on another lab account",
            DecisionCode::DemographicsMismatch => "Patient details differ",
        }
    }
}

/// What a reason code on a queued result means, for reviewers.
pub fn reason_label(code: &str) -> &'static str {
    match code {
        "unknown_account" => "The account number is not a lab account known to labdesk.",
        "ambiguous_account" => {
            "Several lab accounts have this number and the order does not settle which one."
        }
        "unknown_placer_order" => {
            "The placer order number names no order of the account's organization."
        }
        "lab_account_mismatch" => {
            "The lab delivered it on another lab account than the one the order was placed on."
        }
        "last_name_differs" => "The patient's last name differs from the order's.",
        "dob_differs" => "The patient's date of birth differs from the order's.",
        _ => "Another reason.",
    }
}

/// An account whose number (at this lab) is the one the lab delivered to.
#[derive(Debug, Clone)]
pub struct AccountRef {
    pub id: LabAccountId,
    pub org_id: Option<OrgId>,
}

/// The order named by the placer order number, as matching needs it.
#[derive(Debug, Clone)]
pub struct OrderRef {
    pub id: OrderId,
    pub org_id: OrgId,
    pub lab_account_id: LabAccountId,
    pub last_name: String,
    pub dob: NaiveDate,
}

/// What the lab says about the patient.
#[derive(Debug, Clone, Default)]
pub struct Delivered {
    pub last_name: Option<String>,
    pub dob: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Attach {
        account_id: LabAccountId,
        order_id: OrderId,
    },
    Unmatched {
        code: DecisionCode,
        account_id: Option<LabAccountId>,
        candidate_order_id: Option<OrderId>,
        reasons: Vec<String>,
    },
}

fn unmatched(
    code: DecisionCode,
    account: Option<&AccountRef>,
    candidate: Option<&OrderRef>,
    reasons: Vec<String>,
) -> Decision {
    Decision::Unmatched {
        code,
        account_id: account.map(|a| a.id.clone()),
        candidate_order_id: candidate.map(|o| o.id.clone()),
        reasons,
    }
}

/// Whether two last names are the same for matching: case, spaces, hyphens and apostrophes aside.
pub fn same_name(a: &str, b: &str) -> bool {
    let norm = |s: &str| s.trim().to_lowercase().replace(['-', '\'', ' '], "");
    norm(a) == norm(b)
}

/// `accounts` are the accounts at this lab with the delivered account number; `order` is the
/// order the placer order number names, if any.
pub fn decide(
    accounts: &[AccountRef],
    order: Option<&OrderRef>,
    delivered: &Delivered,
) -> Decision {
    // 1. The account. A number shared by several owners is settled by the order, if it can be.
    let account = match accounts {
        [] => {
            return unmatched(
                DecisionCode::Quarantine,
                None,
                None,
                vec!["unknown_account".into()],
            )
        }
        [one] => one,
        many => match order.and_then(|o| many.iter().find(|a| a.id == o.lab_account_id)) {
            Some(a) => a,
            None => {
                return unmatched(
                    DecisionCode::Quarantine,
                    None,
                    None,
                    vec!["ambiguous_account".into()],
                )
            }
        },
    };
    // 2. The order, which must be of the account's org (a platform account serves any org).
    let order = match order {
        Some(o) if account.org_id.as_ref().is_none_or(|org| *org == o.org_id) => o,
        _ => {
            return unmatched(
                DecisionCode::NoMatch,
                Some(account),
                None,
                vec!["unknown_placer_order".into()],
            )
        }
    };
    // 3. Delivered on the account the order used?
    if order.lab_account_id != account.id {
        return unmatched(
            DecisionCode::LabAccountMismatch,
            Some(account),
            Some(order),
            vec!["lab_account_mismatch".into()],
        );
    }
    // 4. The same patient?
    let mut reasons = Vec::new();
    if !delivered
        .last_name
        .as_deref()
        .is_some_and(|n| same_name(n, &order.last_name))
    {
        reasons.push("last_name_differs".to_string());
    }
    if delivered.dob != Some(order.dob) {
        reasons.push("dob_differs".to_string());
    }
    if !reasons.is_empty() {
        return unmatched(
            DecisionCode::DemographicsMismatch,
            Some(account),
            Some(order),
            reasons,
        );
    }
    Decision::Attach {
        account_id: account.id.clone(),
        order_id: order.id.clone(),
    }
}

#[cfg(test)]
#[allow(clippy::type_complexity)] // table rows are tuples on purpose
mod tests {
    use super::*;

    fn acct(id: &str, org: Option<&str>) -> AccountRef {
        AccountRef {
            id: id.parse().unwrap(),
            org_id: org.map(|o| o.parse().unwrap()),
        }
    }

    fn order(account: &str) -> OrderRef {
        OrderRef {
            id: "order-1".parse().unwrap(),
            org_id: "org-1".parse().unwrap(),
            lab_account_id: account.parse().unwrap(),
            last_name: "Doe".into(),
            dob: NaiveDate::from_ymd_opt(1990, 1, 1).unwrap(),
        }
    }

    fn jane() -> Delivered {
        Delivered {
            last_name: Some("DOE".into()),
            dob: NaiveDate::from_ymd_opt(1990, 1, 1),
        }
    }

    fn code(d: &Decision) -> &str {
        match d {
            Decision::Attach { .. } => "attach",
            Decision::Unmatched { code, .. } => code.as_str(),
        }
    }

    #[test]
    fn matching_follows_the_design_order() {
        let a = acct("a", Some("org-1"));
        let other_org = acct("x", Some("org-2"));
        let platform = acct("p", None);
        let table: Vec<(&str, Vec<AccountRef>, Option<OrderRef>, Delivered, &str)> = vec![
            (
                "unknown account",
                vec![],
                Some(order("a")),
                jane(),
                "quarantine",
            ),
            ("unknown order", vec![a.clone()], None, jane(), "no_match"),
            (
                "order of another org",
                vec![other_org.clone()],
                Some(order("x")),
                jane(),
                "no_match",
            ),
            (
                "order on another account",
                vec![a.clone()],
                Some(order("b")),
                jane(),
                "lab_account_mismatch",
            ),
            (
                "last name differs",
                vec![a.clone()],
                Some(order("a")),
                Delivered {
                    last_name: Some("Roe".into()),
                    ..jane()
                },
                "match_sample_id_mismatch_demo",
            ),
            (
                "dob differs",
                vec![a.clone()],
                Some(order("a")),
                Delivered {
                    dob: NaiveDate::from_ymd_opt(1991, 1, 1),
                    ..jane()
                },
                "match_sample_id_mismatch_demo",
            ),
            (
                "no demographics",
                vec![a.clone()],
                Some(order("a")),
                Delivered::default(),
                "match_sample_id_mismatch_demo",
            ),
            (
                "everything fits",
                vec![a.clone()],
                Some(order("a")),
                jane(),
                "attach",
            ),
            (
                "platform account",
                vec![platform.clone()],
                Some(order("p")),
                jane(),
                "attach",
            ),
            (
                "shared number settled by the order",
                vec![other_org.clone(), a.clone()],
                Some(order("a")),
                jane(),
                "attach",
            ),
            (
                "shared number, no order",
                vec![other_org, a.clone()],
                None,
                jane(),
                "quarantine",
            ),
        ];
        for (name, accounts, o, delivered, expected) in table {
            assert_eq!(
                code(&decide(&accounts, o.as_ref(), &delivered)),
                expected,
                "{name}"
            );
        }
    }

    #[test]
    fn mismatches_carry_the_candidate_and_reasons() {
        let a = acct("a", Some("org-1"));
        let d = decide(std::slice::from_ref(&a), Some(&order("b")), &jane());
        assert_eq!(
            d,
            Decision::Unmatched {
                code: DecisionCode::LabAccountMismatch,
                account_id: Some("a".parse().unwrap()),
                candidate_order_id: Some("order-1".parse().unwrap()),
                reasons: vec!["lab_account_mismatch".into()],
            }
        );
        match decide(&[a], Some(&order("a")), &Delivered::default()) {
            Decision::Unmatched { reasons, .. } => {
                assert_eq!(reasons, vec!["last_name_differs", "dob_differs"])
            }
            other => panic!("{other:?}"),
        }
    }
}
