//! `candidates`: what the wizard's account step lists.
use super::*;
use crate::domain::billing::AllowedBilling;
use crate::domain::lab_account::{AccountStatus, DelegatedFlow};

fn account(id: &str, lab: LabSlug, platform: bool, org: &str, teams: &[&str]) -> LabAccount {
    LabAccount {
        id: LabAccountId::from_text(id),
        lab,
        owner: if platform {
            Owner::Platform
        } else {
            Owner::Org(OrgId::from_text(org))
        },
        provider_account_id: format!("P-{id}"),
        account_name: None,
        status: AccountStatus::Active,
        delegated_flow: DelegatedFlow::NotDelegated,
        allowed_billing: AllowedBilling::from_pairs(&[(BillingType::ClientBill, &["AZ"])]),
        business_units: None,
        default_clinical_notes: None,
        version: 1,
        created_at: chrono::NaiveDateTime::default(),
        updated_at: chrono::NaiveDateTime::default(),
        team_ids: teams.iter().map(|t| TeamId::from_text(*t)).collect(),
    }
}

fn needs(lab: LabSlug) -> OrderNeeds {
    OrderNeeds {
        team_id: TeamId::from_text("t1"),
        org_id: OrgId::from_text("o1"),
        lab,
        billing: None,
        state: UsState::parse("AZ").unwrap(),
        has_physician: false,
    }
}

fn ids(found: Vec<&LabAccount>) -> Vec<&str> {
    found.iter().map(|a| a.id.as_str()).collect()
}

#[test]
fn candidates_are_the_teams_own_accounts_for_the_lab_else_its_platform_accounts() {
    let mut suspended = account("own-suspended", LabSlug::Quest, false, "o1", &["t1"]);
    suspended.status = AccountStatus::Suspended;
    let accounts = vec![
        account("own", LabSlug::Quest, false, "o1", &["t1"]),
        suspended,
        account("own-other-team", LabSlug::Quest, false, "o1", &["t2"]),
        account("foreign", LabSlug::Quest, false, "o2", &["t1"]),
        account("platform-quest", LabSlug::Quest, true, "", &["t1"]),
        account("platform-labcorp", LabSlug::Labcorp, true, "", &["t1"]),
        account(
            "platform-labcorp-elsewhere",
            LabSlug::Labcorp,
            true,
            "",
            &["t2"],
        ),
    ];
    // Own accounts win, eligible or not (the step shows the suspended one greyed out).
    assert_eq!(
        ids(candidates(&accounts, &needs(LabSlug::Quest))),
        vec!["own", "own-suspended"]
    );
    // No own Labcorp account linked: the platform account linked to the Team is the fallback.
    assert_eq!(
        ids(candidates(&accounts, &needs(LabSlug::Labcorp))),
        vec!["platform-labcorp"]
    );
    assert!(candidates(&accounts, &needs(LabSlug::Bioreference)).is_empty());
}
