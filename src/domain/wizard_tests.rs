use super::*;
use crate::domain::billing::AllowedBilling;
use crate::domain::lab_account::{AccountStatus, DelegatedFlow, Owner};

fn account(id: &str, lab: LabSlug) -> LabAccount {
    LabAccount {
        id: LabAccountId::from_text(id),
        lab,
        owner: Owner::Org(OrgId::from_text("o1")),
        provider_account_id: format!("P-{id}"),
        account_name: Some(format!("Account {id}")),
        status: AccountStatus::Active,
        delegated_flow: DelegatedFlow::NotDelegated,
        allowed_billing: AllowedBilling::from_pairs(&[
            (BillingType::ClientBill, &["AZ", "CA"]),
            (BillingType::CommercialInsurance, &["CA"]),
            (BillingType::PatientBill, &["NY"]),
        ]),
        business_units: None,
        default_clinical_notes: None,
        version: 1,
        created_at: chrono::NaiveDateTime::default(),
        updated_at: chrono::NaiveDateTime::default(),
        team_ids: vec![TeamId::from_text("t1")],
    }
}

fn patient(state: &str) -> PatientInput {
    PatientInput {
        first_name: "Ada".into(),
        state: state.into(),
        ..PatientInput::default()
    }
}

/// A draft filled up to review: patient in CA, Quest tests, account `a`, billing saved.
fn complete() -> DraftState {
    let mut s = DraftState {
        existing_patient_id: Some(PatientId::from_text("p1")),
        ..DraftState::default()
    };
    s.save_patient(patient("CA"));
    s.set_tests(vec![LabTestId::from_text("t-lipid")], LabSlug::Quest);
    s.choose_account(&account("a", LabSlug::Quest), true);
    s.save_billing(
        BillingType::ClientBill,
        PhysicianInput::default(),
        String::new(),
    );
    s
}

#[test]
fn steps_parse_from_the_url_and_unknown_ones_do_not() {
    for step in Step::ALL {
        assert_eq!(step.as_str().parse::<Step>(), Ok(*step));
    }
    assert!("submit".parse::<Step>().is_err());
    assert!("".parse::<Step>().is_err());
}

#[test]
fn the_first_incomplete_step_follows_what_is_saved() {
    let mut s = DraftState::default();
    assert_eq!(s.first_incomplete(), Step::Patient);
    s.existing_patient_id = Some(PatientId::from_text("p1"));
    assert_eq!(s.first_incomplete(), Step::Patient, "picked but not saved");
    s.save_patient(patient("CA"));
    assert_eq!(s.patient_id().map(PatientId::as_str), Some("p1"));
    assert_eq!(s.first_incomplete(), Step::Tests);
    s.set_tests(vec![LabTestId::from_text("t")], LabSlug::Quest);
    assert_eq!(s.first_incomplete(), Step::Account);
    s.choose_account(&account("a", LabSlug::Quest), false);
    assert_eq!(s.first_incomplete(), Step::Billing);
    s.save_billing(
        BillingType::ClientBill,
        PhysicianInput::default(),
        String::new(),
    );
    assert_eq!(s.first_incomplete(), Step::Review);
}

#[test]
fn later_steps_are_not_reachable_before_earlier_ones_are_done() {
    let mut s = DraftState::default();
    let table = [
        (Step::Patient, Step::Patient),
        (Step::Tests, Step::Patient),
        (Step::Review, Step::Patient),
    ];
    for (wanted, shown) in table {
        assert_eq!(s.reachable(wanted), shown, "{wanted}");
    }
    s.created_patient_id = Some(PatientId::from_text("p"));
    s.save_patient(patient("CA"));
    assert_eq!(s.reachable(Step::Billing), Step::Tests);
    assert_eq!(
        s.reachable(Step::Patient),
        Step::Patient,
        "going back is fine"
    );
    let done = complete();
    for step in Step::ALL {
        assert_eq!(done.reachable(*step), *step);
    }
}

#[test]
fn continue_goes_to_the_next_step_or_back_to_an_incomplete_one() {
    let done = complete();
    let table = [
        (Step::Patient, Step::Tests),
        (Step::Tests, Step::Account),
        (Step::Account, Step::Billing),
        (Step::Billing, Step::Review),
        (Step::Review, Step::Review),
    ];
    for (from, to) in table {
        assert_eq!(done.next_after(from), to, "from {from}");
    }
    let mut no_tests = complete();
    no_tests.test_ids.clear();
    assert_eq!(no_tests.next_after(Step::Patient), Step::Tests);
    assert_eq!(no_tests.next_after(Step::Billing), Step::Tests);
}

#[test]
fn tests_of_another_lab_undo_the_account_and_tests_of_the_same_lab_keep_it() {
    let mut s = complete();
    s.set_tests(
        vec![
            LabTestId::from_text("t-cmp"),
            LabTestId::from_text("t-lipid"),
        ],
        LabSlug::Quest,
    );
    assert_eq!(s.account.as_ref().map(|a| a.id.as_str()), Some("a"));
    assert!(s.billing_done);
    s.set_tests(vec![LabTestId::from_text("t-a1c")], LabSlug::Labcorp);
    assert_eq!(s.account, None);
    assert!(!s.billing_done);
    assert_eq!(s.first_incomplete(), Step::Account);
}

#[test]
fn choosing_an_account_of_another_lab_clears_the_tests_with_a_notice() {
    let mut s = complete();
    let cleared = s.choose_account(&account("lc", LabSlug::Labcorp), false);
    assert!(cleared);
    assert!(s.test_ids.is_empty());
    assert_eq!(s.lab, None);
    let notice = s.tests_notice.clone().unwrap();
    assert!(
        notice.contains("Your tests were cleared")
            && notice.contains("Account lc, P-lc")
            && notice.contains("Choose Labcorp tests"),
        "{notice}"
    );
    assert_eq!(s.first_incomplete(), Step::Tests);
    // Labcorp tests now keep the Labcorp account, and clear the notice.
    s.set_tests(vec![LabTestId::from_text("t-a1c")], LabSlug::Labcorp);
    assert_eq!(s.account.as_ref().map(|a| a.id.as_str()), Some("lc"));
    assert_eq!(s.tests_notice, None);
    assert_eq!(
        s.first_incomplete(),
        Step::Billing,
        "billing is confirmed again"
    );
}

#[test]
fn choosing_another_account_of_the_same_lab_keeps_the_tests() {
    let mut s = complete();
    assert!(!s.choose_account(&account("b", LabSlug::Quest), false));
    assert_eq!(s.test_ids, vec![LabTestId::from_text("t-lipid")]);
    assert_eq!(s.tests_notice, None);
    assert_eq!(s.first_incomplete(), Step::Billing);
    // Choosing the same account again keeps the saved billing.
    let mut same = complete();
    same.choose_account(&account("a", LabSlug::Quest), false);
    assert_eq!(same.first_incomplete(), Step::Review);
}

#[test]
fn a_new_patient_state_undoes_the_account_but_the_same_state_keeps_it() {
    let mut s = complete();
    s.save_patient(PatientInput {
        city: "Fresno".into(),
        ..patient("ca")
    });
    assert!(s.account.is_some(), "CA and ca are the same state");
    s.save_patient(patient("NY"));
    assert_eq!(s.account, None);
    assert_eq!(s.first_incomplete(), Step::Account);
}

#[test]
fn a_new_patient_reuses_the_patient_this_draft_created() {
    let mut s = DraftState::default();
    s.set_created_patient(&PatientId::from_text("created"));
    s.save_patient(patient("CA"));
    assert_eq!(s.patient_id().map(PatientId::as_str), Some("created"));
    s.pick_patient(&PatientId::from_text("existing"), patient("AZ"));
    assert_eq!(s.patient_id(), None, "picked details are confirmed first");
    s.save_patient(patient("AZ"));
    assert_eq!(s.patient_id().map(PatientId::as_str), Some("existing"));
    s.start_new_patient();
    assert_eq!(s.patient, PatientInput::default());
    s.save_patient(patient("CA"));
    assert_eq!(s.patient_id().map(PatientId::as_str), Some("created"));
}

#[test]
fn a_refused_account_sends_the_user_back_with_the_reason() {
    let mut s = complete();
    s.refuse_account("Lab account Quest West is suspended.".into());
    assert_eq!(s.first_incomplete(), Step::Account);
    assert_eq!(s.reachable(Step::Review), Step::Account);
    assert!(s.shows_account_step());
    s.choose_account(&account("a", LabSlug::Quest), false);
    assert_eq!(s.account_notice, None);
}

#[test]
fn refused_tests_are_chosen_again_and_the_account_of_their_lab_is_kept() {
    let mut s = complete();
    s.refuse_tests("Lab test Lipid Panel is not active.".into());
    assert_eq!(s.first_incomplete(), Step::Tests);
    assert!(s.tests_notice.is_some());
    s.set_tests(vec![LabTestId::from_text("t-cmp")], LabSlug::Quest);
    assert_eq!(s.first_incomplete(), Step::Review);
}

#[test]
fn the_account_step_is_listed_unless_the_wizard_chose_the_account() {
    let mut s = complete();
    assert!(!s.shows_account_step());
    s.choose_account(&account("b", LabSlug::Quest), false);
    assert!(s.shows_account_step());
    assert!(DraftState::default().shows_account_step());
}

#[test]
fn the_state_survives_its_json_and_old_drafts_still_open() {
    let s = complete();
    assert_eq!(DraftState::from_json(&s.to_json()), Ok(s));
    assert_eq!(DraftState::from_json("{}"), Ok(DraftState::default()));
    assert!(DraftState::from_json("not json").is_err());
}

#[test]
fn billing_options_are_the_types_the_account_allows_in_the_patients_state() {
    let a = account("a", LabSlug::Quest);
    let needs = |state: &str| {
        account_needs(
            &TeamId::from_text("t1"),
            &OrgId::from_text("o1"),
            LabSlug::Quest,
            UsState::parse(state).unwrap(),
        )
    };
    assert_eq!(
        billing_options(&a, &needs("CA")),
        vec![BillingType::ClientBill, BillingType::CommercialInsurance]
    );
    assert_eq!(
        billing_options(&a, &needs("NY")),
        vec![BillingType::PatientBill]
    );
    assert!(billing_options(&a, &needs("TX")).is_empty());
}

#[test]
fn account_options_list_eligible_and_greyed_out_accounts_with_reasons() {
    let mut suspended = account("s", LabSlug::Quest);
    suspended.status = AccountStatus::Suspended;
    let mut delegated = account("d", LabSlug::Quest);
    delegated.delegated_flow = DelegatedFlow::OrderDelegated;
    let accounts = vec![
        account("a", LabSlug::Quest),
        suspended,
        delegated,
        account("l", LabSlug::Labcorp),
    ];
    let needs = account_needs(
        &TeamId::from_text("t1"),
        &OrgId::from_text("o1"),
        LabSlug::Quest,
        UsState::parse("CA").unwrap(),
    );
    let got: Vec<(&str, Option<Ineligible>)> = account_options(&accounts, &needs)
        .iter()
        .map(|o| (o.account.id.as_str(), o.problem.as_ref().map(|p| p.0)))
        .collect();
    // The delegated account is eligible here: its physician is asked for on the billing step.
    assert_eq!(
        got,
        vec![("a", None), ("s", Some(Ineligible::NotActive)), ("d", None)]
    );
    let tx = account_needs(
        &TeamId::from_text("t1"),
        &OrgId::from_text("o1"),
        LabSlug::Quest,
        UsState::parse("TX").unwrap(),
    );
    let reasons: Vec<String> = account_options(&accounts, &tx)
        .into_iter()
        .filter_map(|o| o.problem.map(|p| p.1))
        .collect();
    assert_eq!(reasons.len(), 3);
    assert!(
        reasons[0].contains("allows no billing type for patients in TX"),
        "{reasons:?}"
    );
}

#[test]
fn billing_validation_keeps_to_the_offered_types_and_the_physician_rule() {
    let options = [BillingType::ClientBill];
    let physician = PhysicianInput {
        first_name: "Grace".into(),
        last_name: "Hopper".into(),
        npi: "1234567893".into(),
    };
    let input = |b: &str, p: PhysicianInput| BillingInput {
        billing_type: b.into(),
        physician: p,
        clinical_notes: String::new(),
    };
    let ok = validate_billing(
        &input("client_bill", PhysicianInput::default()),
        &options,
        false,
    );
    assert_eq!(ok, Ok((BillingType::ClientBill, None)));
    // A physician typed for an account that does not need one is not sent.
    let ignored = validate_billing(&input("client_bill", physician.clone()), &options, false);
    assert_eq!(ignored, Ok((BillingType::ClientBill, None)));
    let needed =
        validate_billing(&input("client_bill", physician.clone()), &options, true).unwrap();
    assert_eq!(needed.1.map(|p| p.npi), Some("1234567893".to_string()));

    let cases: Vec<(BillingInput, bool, &str, &str)> = vec![
        (
            input("", PhysicianInput::default()),
            false,
            "billing_type",
            "Choose a billing type.",
        ),
        (
            input("patient_bill", PhysicianInput::default()),
            false,
            "billing_type",
            "does not allow",
        ),
        (
            input("client_bill", PhysicianInput::default()),
            true,
            "npi",
            "Required",
        ),
        (
            input(
                "client_bill",
                PhysicianInput {
                    npi: "1234567890".into(),
                    ..physician.clone()
                },
            ),
            true,
            "npi",
            "check digit",
        ),
        (
            BillingInput {
                clinical_notes: "x".repeat(1001),
                ..input("client_bill", PhysicianInput::default())
            },
            false,
            "clinical_notes",
            "at most 1000",
        ),
    ];
    for (given, requires, field, message) in cases {
        let errors = validate_billing(&given, &options, requires).unwrap_err();
        let got = errors.for_last(field).unwrap_or_default();
        assert!(got.contains(message), "{field}: {got:?} in {errors:?}");
    }
}

#[test]
fn a_change_made_from_review_continues_to_the_first_step_still_needing_something() {
    let mut s = complete();
    s.return_to_review = true;
    // Nothing undone: straight back to review, whichever step was changed.
    for from in [Step::Patient, Step::Tests, Step::Account, Step::Billing] {
        assert_eq!(s.next_after(from), Step::Review, "from {from}");
    }
    // Tests of another lab undo the account: the account step first.
    s.set_tests(vec![LabTestId::from_text("t-a1c")], LabSlug::Labcorp);
    assert_eq!(s.next_after(Step::Tests), Step::Account);
    s.arrive(Step::Account);
    assert!(s.return_to_review, "still on the way back");
    s.arrive(Step::Review);
    assert!(!s.return_to_review, "back at review: done");
}

#[test]
fn billing_saved_before_an_account_change_is_kept_only_when_the_new_account_allows_it() {
    let delegated = |mut a: LabAccount| {
        a.delegated_flow = DelegatedFlow::OrderDelegated;
        a
    };
    let physician = PhysicianInput {
        first_name: "Grace".into(),
        last_name: "Hopper".into(),
        npi: "1234567893".into(),
    };
    // (on the way back, types allowed, account needs a physician, one saved, kept)
    let table = [
        (true, vec![BillingType::ClientBill], false, false, true),
        (
            true,
            vec![BillingType::CommercialInsurance],
            false,
            false,
            false,
        ),
        (true, vec![BillingType::ClientBill], true, false, false),
        (true, vec![BillingType::ClientBill], true, true, true),
        (false, vec![BillingType::ClientBill], false, false, false),
    ];
    for (returning, allowed, needs_physician, has_physician, kept) in table {
        let mut s = complete();
        s.return_to_review = returning;
        if has_physician {
            s.physician = physician.clone();
        }
        let b = account("b", LabSlug::Quest);
        let b = if needs_physician { delegated(b) } else { b };
        s.choose_account(&b, false);
        assert!(!s.billing_done, "a new account undoes billing first");
        s.keep_billing(&allowed, needs_physician);
        assert_eq!(
            s.billing_done, kept,
            "returning {returning}, {allowed:?}, physician needed {needs_physician}, given {has_physician}"
        );
    }
}

#[test]
fn only_labs_with_an_eligible_linked_account_are_orderable() {
    let (team, org) = (TeamId::from_text("t1"), OrgId::from_text("o1"));
    let ca = UsState::parse("CA").unwrap();
    let ny = UsState::parse("NY").unwrap();
    let mut suspended = account("s", LabSlug::Labcorp);
    suspended.status = AccountStatus::Suspended;
    let mut other_team = account("o", LabSlug::Bioreference);
    other_team.team_ids = vec![TeamId::from_text("t2")];
    let accounts = [account("q", LabSlug::Quest), suspended, other_team];
    // Quest bills in CA and NY; Labcorp is suspended; BioReference is another Team's.
    assert_eq!(
        orderable_labs(&accounts, &team, &org, ca),
        vec![LabSlug::Quest]
    );
    assert_eq!(
        orderable_labs(&accounts, &team, &org, ny),
        vec![LabSlug::Quest]
    );
    let az_only = [account("q", LabSlug::Quest)];
    let tx = UsState::parse("TX").unwrap();
    assert!(
        orderable_labs(&az_only, &team, &org, tx).is_empty(),
        "no billing in TX"
    );
}
