//! The refusals' API answers are wire format: every code and message is spelled out here, so a
//! change to one is a failing test rather than a silent change for API clients.
use super::*;
use crate::domain::eligibility::Ineligible;
use crate::domain::ids::LabAccountId;

fn rule(e: AppError) -> (&'static str, String) {
    match e {
        AppError::Rule { code, message } => (code, message),
        other => panic!("not a rule error: {other:?}"),
    }
}

fn id(text: &str) -> LabAccountId {
    LabAccountId::from_text(text)
}

#[test]
fn every_account_refusal_keeps_its_code_and_message() {
    let ineligible = [
        (Ineligible::NotLinked, "lab_account_not_linked"),
        (Ineligible::NotActive, "lab_account_not_active"),
        (Ineligible::WrongLab, "lab_account_wrong_lab"),
        (
            Ineligible::BillingNotSupported,
            "billing_type_not_supported",
        ),
        (Ineligible::StateNotAllowed, "state_not_allowed"),
        (Ineligible::PhysicianRequired, "physician_required"),
    ];
    assert_eq!(ineligible.len(), Ineligible::ALL.len());
    for (reason, code) in ineligible {
        let refusal = Refusal::Ineligible {
            account_id: id("a"),
            reason,
            message: "Why, in words.".into(),
        };
        let e = AppError::from(PlaceOrderError::AccountRefused(refusal));
        assert_eq!(rule(e), (code, "Why, in words.".to_string()));
    }
    let others = [
        (
            Refusal::NoAccount {
                message: "No Quest lab account is linked to this Team.".into(),
            },
            "no_lab_account",
            "No Quest lab account is linked to this Team.",
        ),
        (
            Refusal::Ambiguous {
                eligible: vec![id("a1"), id("a2")],
            },
            "lab_account_id_required",
            "lab_account_id is required: more than one lab account can take this order (a1, a2).",
        ),
        (
            Refusal::NoneEligible {
                reasons: vec![(id("a"), Ineligible::NotActive, "A is suspended.".into())],
            },
            "no_eligible_lab_account",
            "No linked lab account can take this order: A is suspended.",
        ),
    ];
    for (refusal, code, message) in others {
        let e = AppError::from(PlaceOrderError::AccountRefused(refusal));
        assert_eq!(rule(e), (code, message.to_string()));
    }
    let unknown = AppError::from(PlaceOrderError::AccountRefused(Refusal::NotFound));
    assert!(matches!(unknown, AppError::NotFound), "{unknown:?}");
    let patient = AppError::from(PlaceOrderError::PatientNotFound);
    assert!(matches!(patient, AppError::NotFound), "{patient:?}");
}

#[test]
fn every_tests_refusal_keeps_its_code_and_message() {
    let table = [
        (
            TestsRefused::NotFound(LabTestId::from_text("t-1")),
            "lab_test_not_found",
            "Lab test t-1 does not exist.",
        ),
        (
            TestsRefused::Inactive {
                name: "Lipid Panel".into(),
            },
            "lab_test_inactive",
            "Lab test Lipid Panel is not active.",
        ),
        (
            TestsRefused::Mixed,
            "lab_tests_mixed",
            "All tests of an order must be from one lab and use one collection method.",
        ),
        (
            TestsRefused::MethodMismatch {
                tests: CollectionMethod::WalkInTest,
                asked: CollectionMethod::Testkit,
            },
            "collection_method_mismatch",
            "The tests are collected by walk_in_test, not testkit.",
        ),
    ];
    for (refused, code, message) in table {
        let e = AppError::from(PlaceOrderError::TestsRefused(refused));
        assert_eq!(rule(e), (code, message.to_string()));
    }
    match AppError::from(TestsRefused::NoneGiven) {
        AppError::Invalid(errors) => {
            assert_eq!(errors.len(), 1);
            assert_eq!(errors[0].loc, ["body", "lab_test_id"]);
            assert_eq!(errors[0].msg, "Give lab_test_id or order_set.lab_test_ids");
            assert_eq!(errors[0].kind, "missing");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_refused_cancel_keeps_its_code_and_message() {
    let e = AppError::from(CancelError::NotCancellable {
        status: LowStatus::Completed,
    });
    assert_eq!(
        rule(e),
        (
            "order_not_cancellable",
            "An order in status completed cannot be cancelled.".to_string()
        )
    );
    let failed = AppError::from(CancelError::Failed(AppError::NotFound));
    assert!(matches!(failed, AppError::NotFound));
}
