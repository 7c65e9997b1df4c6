use super::*;
use crate::domain::billing::AllowedBilling;
use crate::domain::lab_account::{AccountStatus, DelegatedFlow};

const TEAM: &str = "team-1";
const ORG: &str = "org-1";

struct A {
    id: &'static str,
    lab: LabSlug,
    platform: bool,
    org: &'static str,
    status: AccountStatus,
    flow: DelegatedFlow,
    billing: &'static [(BillingType, &'static [&'static str])],
    teams: &'static [&'static str],
}

const CB_AZ: &[(BillingType, &[&str])] = &[(BillingType::ClientBill, &["AZ"])];

fn acct(id: &'static str) -> A {
    A {
        id,
        lab: LabSlug::Quest,
        platform: false,
        org: ORG,
        status: AccountStatus::Active,
        flow: DelegatedFlow::NotDelegated,
        billing: CB_AZ,
        teams: &[TEAM],
    }
}

impl A {
    fn build(&self) -> LabAccount {
        LabAccount {
            id: LabAccountId::from_text(self.id),
            lab: self.lab,
            owner: if self.platform {
                Owner::Platform
            } else {
                Owner::Org(OrgId::from_text(self.org))
            },
            provider_account_id: format!("P-{}", self.id),
            account_name: Some(self.id.to_string()),
            status: self.status,
            delegated_flow: self.flow,
            allowed_billing: AllowedBilling::from_pairs(self.billing),
            business_units: None,
            default_clinical_notes: None,
            version: 1,
            created_at: chrono::NaiveDateTime::default(),
            updated_at: chrono::NaiveDateTime::default(),
            team_ids: self.teams.iter().map(|t| TeamId::from_text(*t)).collect(),
        }
    }
}

fn needs() -> OrderNeeds {
    OrderNeeds {
        team_id: TeamId::from_text(TEAM),
        org_id: OrgId::from_text(ORG),
        lab: LabSlug::Quest,
        billing: Some(BillingType::ClientBill),
        state: UsState::parse("AZ").unwrap(),
        has_physician: false,
    }
}

#[test]
fn each_ineligibility_reason() {
    type Case = (&'static str, A, fn(&mut OrderNeeds), Result<(), Ineligible>);
    let table: Vec<Case> = vec![
        ("eligible", acct("a"), |_| {}, Ok(())),
        (
            "not linked",
            A {
                teams: &["other"],
                ..acct("a")
            },
            |_| {},
            Err(Ineligible::NotLinked),
        ),
        (
            "pending",
            A {
                status: AccountStatus::Pending,
                ..acct("a")
            },
            |_| {},
            Err(Ineligible::NotActive),
        ),
        (
            "suspended",
            A {
                status: AccountStatus::Suspended,
                ..acct("a")
            },
            |_| {},
            Err(Ineligible::NotActive),
        ),
        (
            "wrong lab",
            A {
                lab: LabSlug::Labcorp,
                ..acct("a")
            },
            |_| {},
            Err(Ineligible::WrongLab),
        ),
        (
            "billing type",
            acct("a"),
            |n| n.billing = Some(BillingType::PatientBill),
            Err(Ineligible::BillingNotSupported),
        ),
        (
            "state",
            acct("a"),
            |n| n.state = UsState::parse("NY").unwrap(),
            Err(Ineligible::StateNotAllowed),
        ),
        (
            "state, billing open",
            acct("a"),
            |n| {
                n.billing = None;
                n.state = UsState::parse("NY").unwrap()
            },
            Err(Ineligible::StateNotAllowed),
        ),
        ("billing open", acct("a"), |n| n.billing = None, Ok(())),
        (
            "order delegated without physician",
            A {
                flow: DelegatedFlow::OrderDelegated,
                ..acct("a")
            },
            |_| {},
            Err(Ineligible::PhysicianRequired),
        ),
        (
            "fully delegated without physician",
            A {
                flow: DelegatedFlow::FullyDelegated,
                ..acct("a")
            },
            |_| {},
            Err(Ineligible::PhysicianRequired),
        ),
        (
            "order delegated with physician",
            A {
                flow: DelegatedFlow::OrderDelegated,
                ..acct("a")
            },
            |n| n.has_physician = true,
            Ok(()),
        ),
        (
            "result delegated without physician",
            A {
                flow: DelegatedFlow::ResultDelegated,
                ..acct("a")
            },
            |_| {},
            Ok(()),
        ),
    ];
    for (name, a, tweak, expected) in table {
        let mut n = needs();
        tweak(&mut n);
        assert_eq!(check(&a.build(), &n), expected, "{name}");
        if let Err(reason) = expected {
            assert!(!reason.message(&a.build(), &n).is_empty());
        }
    }
}

fn ids(r: &Result<&LabAccount, Refusal>) -> Result<String, Refusal> {
    r.as_ref().map(|a| a.id.to_string()).map_err(|e| e.clone())
}

#[test]
fn resolution_without_an_explicit_account_follows_the_table() {
    let platform = A {
        platform: true,
        org: "",
        ..acct("platform")
    };
    let cases: Vec<(&str, Vec<A>, Result<&str, &str>)> = vec![
        (
            "none linked, no platform",
            vec![A {
                teams: &[],
                ..acct("a")
            }],
            Err("no_lab_account"),
        ),
        (
            "none linked, one eligible platform",
            vec![
                A {
                    teams: &[],
                    ..acct("a")
                },
                A {
                    platform: true,
                    org: "",
                    ..acct("p1")
                },
            ],
            Ok("p1"),
        ),
        (
            "none linked, platform ineligible",
            vec![A {
                platform: true,
                org: "",
                status: AccountStatus::Suspended,
                ..acct("p1")
            }],
            Err("no_eligible_lab_account"),
        ),
        (
            "none linked, two eligible platform",
            vec![
                A {
                    platform: true,
                    org: "",
                    ..acct("p1")
                },
                A {
                    platform: true,
                    org: "",
                    ..acct("p2")
                },
            ],
            Err("lab_account_id_required"),
        ),
        (
            "exactly one eligible",
            vec![
                acct("a"),
                A {
                    status: AccountStatus::Suspended,
                    ..acct("b")
                },
            ],
            Ok("a"),
        ),
        (
            "more than one eligible",
            vec![acct("a"), acct("b")],
            Err("lab_account_id_required"),
        ),
        (
            "some linked, none eligible: no platform fallback",
            vec![
                A {
                    status: AccountStatus::Suspended,
                    ..acct("a")
                },
                platform,
            ],
            Err("no_eligible_lab_account"),
        ),
        (
            "linked for another lab only",
            vec![A {
                lab: LabSlug::Labcorp,
                ..acct("a")
            }],
            Err("no_lab_account"),
        ),
        (
            "another org's account is ignored",
            vec![A {
                org: "org-2",
                ..acct("a")
            }],
            Err("no_lab_account"),
        ),
    ];
    for (name, accounts, expected) in cases {
        let built: Vec<LabAccount> = accounts.iter().map(A::build).collect();
        let got = resolve(&built, None, &needs());
        match expected {
            Ok(id) => assert_eq!(ids(&got), Ok(id.to_string()), "{name}"),
            Err(code) => assert_eq!(got.err().map(|e| e.code()), Some(code), "{name}"),
        }
    }
}

#[test]
fn ambiguity_lists_the_eligible_accounts_and_none_eligible_lists_each_reason() {
    let built: Vec<LabAccount> = [
        acct("a"),
        acct("b"),
        A {
            status: AccountStatus::Pending,
            ..acct("c")
        },
    ]
    .iter()
    .map(A::build)
    .collect();
    let err = resolve(&built, None, &needs()).unwrap_err();
    assert_eq!(
        err,
        Refusal::Ambiguous {
            eligible: vec![LabAccountId::from_text("a"), LabAccountId::from_text("b")]
        }
    );
    assert!(
        err.message().starts_with("lab_account_id is required"),
        "{}",
        err.message()
    );

    let built: Vec<LabAccount> = [
        A {
            status: AccountStatus::Pending,
            ..acct("a")
        },
        A {
            flow: DelegatedFlow::OrderDelegated,
            ..acct("b")
        },
    ]
    .iter()
    .map(A::build)
    .collect();
    match resolve(&built, None, &needs()).unwrap_err() {
        Refusal::NoneEligible { reasons } => {
            let got: Vec<(&str, Ineligible)> =
                reasons.iter().map(|(id, r, _)| (id.as_str(), *r)).collect();
            assert_eq!(
                got,
                vec![
                    ("a", Ineligible::NotActive),
                    ("b", Ineligible::PhysicianRequired)
                ]
            );
        }
        other => panic!("{other:?}"),
    }
}

#[path = "eligibility_explicit_tests.rs"]
mod explicit;
