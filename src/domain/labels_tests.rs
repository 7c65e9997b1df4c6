//! What people read and what is stored for them: every label and reason is its own plain sentence,
//! account owners and configuration survive a round trip, API key digests and prefixes are what
//! lookups rely on. (Rows added for the mutants `cargo mutants` found surviving.)
use std::collections::HashSet;

use super::access::Role;
use super::account_config::validate_config;
use super::api_key::{digest, mint, KeyScope};
use super::audit::{AuditAction, EntityType};
use super::billing::{AllowedBilling, BillingType};
use super::ids::{LabAccountId, OrgId};
use super::lab::LabSlug;
use super::lab_account::{AccountStatus, DelegatedFlow, LabAccount, LinkRefusal, Owner};
use super::order_status::LowStatus;
use super::result_matching::{reason_label, DecisionCode};
use super::wizard::Step;

/// Labels of every value of an enum: none empty, no two the same.
fn distinct(name: &str, labels: Vec<String>) {
    assert!(
        labels.iter().all(|l| !l.trim().is_empty()),
        "{name}: {labels:?}"
    );
    let unique: HashSet<&String> = labels.iter().collect();
    assert_eq!(unique.len(), labels.len(), "{name}: {labels:?}");
}

#[test]
fn every_value_people_see_has_its_own_label() {
    distinct(
        "AuditAction",
        AuditAction::ALL
            .iter()
            .map(|a| a.label().to_string())
            .collect(),
    );
    distinct(
        "EntityType",
        EntityType::ALL
            .iter()
            .map(|e| e.label().to_string())
            .collect(),
    );
    distinct(
        "Role",
        Role::ALL.iter().map(|r| r.label().to_string()).collect(),
    );
    distinct(
        "BillingType",
        BillingType::ALL
            .iter()
            .map(|b| b.label().to_string())
            .collect(),
    );
    distinct(
        "AccountStatus",
        AccountStatus::ALL
            .iter()
            .map(|s| s.label().to_string())
            .collect(),
    );
    distinct(
        "DelegatedFlow",
        DelegatedFlow::ALL
            .iter()
            .map(|d| d.label().to_string())
            .collect(),
    );
    distinct(
        "LowStatus",
        LowStatus::ALL.iter().map(|s| s.label()).collect(),
    );
    distinct(
        "DecisionCode",
        DecisionCode::ALL
            .iter()
            .map(|d| d.label().to_string())
            .collect(),
    );
    distinct(
        "Step",
        Step::ALL.iter().map(|s| s.label().to_string()).collect(),
    );
    // Spot checks of the wording.
    assert_eq!(LowStatus::RequisitionCreated.label(), "Requisition created");
    assert_eq!(Step::Account.label(), "Lab account");
    assert_eq!(AccountStatus::ReadyToLaunch.label(), "Ready to launch");
}

#[test]
fn every_reason_code_a_matcher_gives_has_its_own_sentence() {
    let codes = [
        "unknown_account",
        "ambiguous_account",
        "unknown_placer_order",
        "lab_account_mismatch",
        "last_name_differs",
        "dob_differs",
    ];
    let other = reason_label("something_new");
    let labels: Vec<String> = codes.iter().map(|c| reason_label(c).to_string()).collect();
    assert!(labels.iter().all(|l| l != other), "{labels:?}");
    distinct("reason codes", labels);
}

#[test]
fn an_order_is_open_until_it_completes_fails_or_is_cancelled() {
    use LowStatus::*;
    for (status, open) in [
        (Ordered, true),
        (AppointmentScheduled, true),
        (PartialResults, true),
        (Completed, false),
        (Corrected, false),
        (Cancelled, false),
        (SampleError, false),
    ] {
        assert_eq!(status.is_open(), open, "{status}");
    }
}

#[test]
fn an_owner_is_stored_as_its_org_or_the_word_platform() {
    let o1 = OrgId::from_text("o1");
    let org = Owner::Org(o1.clone());
    assert_eq!((org.key(), org.org_id()), ("o1", Some(&o1)));
    assert_eq!(
        (Owner::Platform.key(), Owner::Platform.org_id()),
        ("platform", None)
    );
}

#[test]
fn a_linking_refusal_says_why_in_words_and_as_a_code() {
    let r = LinkRefusal::TeamOfAnotherOrg;
    assert_eq!(r.code(), "team_of_another_org");
    assert!(
        r.message().contains("Teams of that organization"),
        "{}",
        r.message()
    );
}

#[test]
fn an_accounts_configuration_survives_the_edit_form() {
    let billing = [
        (
            "client_bill".to_string(),
            vec!["AZ".to_string(), "CA".to_string()],
        ),
        ("patient_bill".to_string(), vec!["NV".to_string()]),
    ]
    .into_iter()
    .collect();
    let account = LabAccount {
        id: LabAccountId::from_text("a1"),
        lab: LabSlug::Quest,
        owner: Owner::Org(OrgId::from_text("o1")),
        provider_account_id: "97500001".into(),
        account_name: Some("Quest West".into()),
        status: AccountStatus::Active,
        delegated_flow: DelegatedFlow::OrderDelegated,
        allowed_billing: AllowedBilling::parse(&billing).expect("billing"),
        business_units: Some(vec!["north".into(), "south".into()]),
        default_clinical_notes: Some("Call with critical values.".into()),
        version: 3,
        created_at: chrono::NaiveDateTime::default(),
        updated_at: chrono::NaiveDateTime::default(),
        team_ids: vec![],
    };
    let config = validate_config(&account.config_input()).expect("the form validates");
    assert_eq!(config.lab, account.lab);
    assert_eq!(config.provider_account_id, account.provider_account_id);
    assert_eq!(config.account_name, account.account_name);
    assert_eq!(config.delegated_flow, account.delegated_flow);
    assert_eq!(config.allowed_billing, account.allowed_billing);
    assert_eq!(config.business_units, account.business_units);
    assert_eq!(
        config.default_clinical_notes,
        account.default_clinical_notes
    );
    assert!(!account.allowed_billing.is_empty());
    assert!(AllowedBilling::parse(&Default::default())
        .expect("empty")
        .is_empty());
}

#[test]
fn a_key_is_looked_up_by_the_sha256_of_its_secret_and_shown_by_its_prefix() {
    // SHA-256 of "abc" (FIPS 180-2 test vector); surrounding whitespace is ignored.
    let abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    assert_eq!(digest("abc"), abc);
    assert_eq!(digest(" abc\n"), abc);
    for scope in KeyScope::ALL {
        let key = mint(*scope);
        assert_eq!(key.digest, digest(&key.secret));
        assert!(key.secret.starts_with(&key.prefix), "{key:?}");
        // The scope's tag and six characters of the random part: enough to tell keys apart.
        let tag = key
            .secret
            .find('_')
            .and_then(|i| key.secret[i + 1..].find('_').map(|j| i + j + 2));
        assert_eq!(Some(key.prefix.len() - 6), tag, "{key:?}");
    }
}
