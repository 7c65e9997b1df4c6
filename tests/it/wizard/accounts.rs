//! The wizard's lab account step over the real app: shown only when several accounts are
//! eligible (ineligible ones greyed out with their reason), blocking with the reason when none is,
//! the physician a delegated account needs, an account refused at submit sending the user back
//! with nothing placed, and changing the account on review (another lab clears the tests).
use labdesk::domain::lab_account::AccountStatus;

use crate::support::data::{
    add_account, link_team, order_count, set_status, test_id, unlink_team, NewAccount,
};
use crate::support::orders::order;
use crate::support::results::unescape;
use crate::support::{each_backend, PRIMARY_CARE};
use crate::wizard::support::*;

#[test]
fn two_eligible_accounts_show_the_account_step_and_the_chosen_one_is_used() {
    each_backend(|app| {
        let central = add_account(app, &NewAccount::QUEST);
        // Linked but pending: listed, greyed out, with its reason.
        let pending = add_account(
            app,
            &NewAccount {
                number: "97500088",
                name: "Quest Pending",
                status: AccountStatus::Pending,
                ..NewAccount::QUEST
            },
        );
        let w = Wizard::start(app);
        assert_eq!(w.through_tests("CA"), w.url("account"));
        assert_eq!(w.state().account, None);
        let page = w.get("account");
        let b = &page.body;
        for id in [app.world.account("97500001"), &central] {
            assert!(
                b.contains(&format!(r#"name="account_id" value="{id}">"#)),
                "{id} can be chosen"
            );
        }
        assert!(b.contains(&format!(r#"name="account_id" value="{pending}" disabled>"#)));
        let text = page.text();
        assert!(text.contains("Quest West, 97500001") && text.contains("Quest Central, 97500077"));
        assert!(
            text.contains("Lab account Quest Pending is pending and does not take new orders."),
            "{text}"
        );
        assert!(
            !text.contains("BR-7781"),
            "accounts of another lab are not listed"
        );

        let none = w.post("account", &[]);
        assert_eq!(none.status, 422);
        assert!(none.text().contains("Choose a lab account."));
        let greyed = w.post("account", &[("account_id", pending.as_str())]);
        assert_eq!(greyed.status, 422);
        assert!(greyed
            .text()
            .contains("is pending and does not take new orders"));

        assert_eq!(
            w.post("account", &[("account_id", central.as_str())])
                .location(),
            w.url("billing")
        );
        let billing = w.get("billing");
        assert!(
            !billing.body.contains(r#"value="commercial_insurance""#),
            "Quest Central bills client only"
        );
        assert_eq!(w.post_billing("client_bill").location(), w.url("review"));
        let review = w.get("review");
        assert!(review.text().contains("Quest Central, 97500077"));
        assert!(
            review.body.contains(">Lab account</a>"),
            "the account step is in the progress bar"
        );
        let order_id = w.place();
        assert_eq!(order(app, &order_id).lab_account_id, central);
    });
}

#[test]
fn a_delegated_account_needs_the_physician_and_billing_keeps_what_was_typed() {
    each_backend(|app| {
        let delegated = add_account(
            app,
            &NewAccount {
                number: "97500099",
                name: "Quest Partners",
                flow: "order_delegated",
                billing: &[("client_bill", &["CA"]), ("patient_bill", &["NY"])],
                ..NewAccount::QUEST
            },
        );
        let w = Wizard::start(app);
        assert_eq!(w.through_tests("CA"), w.url("account"), "two eligible");
        w.post("account", &[("account_id", delegated.as_str())]);
        let page = w.get("billing");
        assert!(
            page.body.contains("physician_npi") && !page.body.contains(r#"value="patient_bill""#)
        );
        let fields = [
            ("billing_type", "client_bill"),
            ("physician_first_name", "Grace"),
            ("physician_last_name", ""),
            ("physician_npi", "1234567890"),
            ("clinical_notes", "Typed notes kept"),
        ];
        let res = w.post("billing", &fields);
        assert_eq!(res.status, 422, "{}", res.text());
        let b = &res.body;
        assert!(b.contains(r#"value="Grace""#) && b.contains("Typed notes kept"));
        assert!(b.contains(r#"value="1234567890" aria-invalid="true""#));
        assert!(b.contains("NPI must be 10 digits with a valid check digit"));
        assert!(
            unescape(b).contains(
                r#"id="physician_last_name-err">Enter the ordering physician's last name."#
            ),
            "{b}"
        );
        assert!(b.contains(r#"value="client_bill" checked"#));
        assert!(!w.state().billing_done);

        let ok = [
            ("billing_type", "client_bill"),
            ("physician_first_name", "Grace"),
            ("physician_last_name", "Hopper"),
            ("physician_npi", "1234567893"),
        ];
        assert_eq!(w.post("billing", &ok).location(), w.url("review"));
        assert!(w
            .get("review")
            .text()
            .contains("Grace Hopper (NPI 1234567893)"));
        let o = order(app, &w.place());
        assert_eq!(o.lab_account_id, delegated);
        assert!(o.physician.unwrap().contains("1234567893"));
    });
}

#[test]
fn no_orderable_lab_blocks_the_tests_step_and_says_why_and_whom_to_ask() {
    each_backend(|app| {
        let w = Wizard::start(app);
        // Quest West bills nothing in NY, BioReference NY is suspended, no Labcorp account is
        // linked: the Team can order nothing for this patient, and the tests step says so.
        assert_eq!(w.post_patient("NY").location(), w.url("tests"));
        let page = w.get("tests");
        let text = unescape(&page.text());
        assert!(
            text.contains("No tests can be ordered for this patient."),
            "{text}"
        );
        for lab in ["Quest Diagnostics", "BioReference", "Labcorp"] {
            let why = format!("{lab} tests cannot be ordered for Team Primary Care: no active {lab} lab account linked to it serves patients in NY.");
            assert!(text.contains(&why), "{why} in {text}");
        }
        assert!(text.contains("Ask your ops admin to link an active lab account"));
        assert!(!page.body.contains(">Continue</button>"), "no way forward");
        assert!(!page.body.contains(r#"name="test_id""#), "no test to check");
        // The way back: the patient's details (their state) and the step before.
        let patient = w.url("patient");
        assert!(page.body.contains(&format!(
            r#"<a href="{patient}" hx-get="{patient}">change the patient"#
        )));
        assert!(page.body.contains(&format!(
            r#"<a href="{patient}" hx-get="{patient}" class="back-link">Back to Patient</a>"#
        )));
        // A test posted anyway (an old tab) is refused with the reason; nothing is saved.
        let refused = w.post_tests(&["quest-lipid-panel"]);
        assert_eq!(refused.status, 422);
        assert!(unescape(&refused.text())
            .contains("Quest Diagnostics tests cannot be ordered for Team Primary Care"));
        assert!(w.state().test_ids.is_empty());
        // Later steps and submit lead back here; nothing is placed.
        for step in ["account", "billing", "review"] {
            assert_eq!(w.get(step).location(), w.url("tests"), "{step}");
        }
        let before = order_count(app);
        assert_eq!(w.submit().location(), w.url("tests"));
        assert_eq!(order_count(app), before);
    });
}

#[test]
fn an_account_suspended_or_unlinked_before_submit_sends_the_user_back_and_places_nothing() {
    each_backend(|app| {
        let west = app.world.account("97500001");
        for (change, reason) in [
            (
                "suspend",
                "Lab account Quest West is suspended and does not take new orders.",
            ),
            (
                "unlink",
                "Lab account Quest West is not linked to this Team.",
            ),
        ] {
            let w = Wizard::start(app);
            w.to_review();
            assert_eq!(w.get("review").status, 200);
            match change {
                "suspend" => set_status(app, west, AccountStatus::Suspended),
                _ => unlink_team(app, west, PRIMARY_CARE),
            }
            let (orders, audit) = (order_count(app), app.audit_total());
            assert_eq!(w.submit().location(), w.url("account"), "{change}");
            assert_eq!(order_count(app), orders, "{change}: no order row");
            assert_eq!(app.audit_total(), audit, "{change}: no audit row");
            assert_eq!(w.draft().order_id, None);
            let page = w.get("account");
            assert!(page.text().contains(reason), "{change}: {}", page.text());
            assert!(page.body.contains(r#"id="account-notice""#));
            assert_eq!(w.get("review").location(), w.url("account"));
            // Put things back for the next case.
            match change {
                "suspend" => set_status(app, west, AccountStatus::Active),
                _ => link_team(app, west, PRIMARY_CARE),
            }
        }
    });
}

#[test]
fn switching_lab_on_review_clears_the_tests_with_a_warning_and_same_lab_keeps_them() {
    each_backend(|app| {
        let platform = app.world.account("LC-PLATFORM-1");
        link_team(app, platform, PRIMARY_CARE);
        let central = add_account(app, &NewAccount::QUEST);
        let w = Wizard::start(app);
        assert_eq!(w.through_tests("CA"), w.url("account"));
        w.post(
            "account",
            &[("account_id", app.world.account("97500001").as_str())],
        );
        w.post_billing("client_bill");
        let review = w.get("review");
        assert!(review.text().contains(
            "Labcorp (platform), LC-PLATFORM-1 (Labcorp): another lab, clears the tests"
        ));
        assert!(review
            .text()
            .contains("Quest Central, 97500077 (Quest Diagnostics)"));

        // Same lab: the tests stay, billing is confirmed again.
        assert_eq!(
            w.post("review", &[("account_id", central.as_str())])
                .location(),
            w.url("billing")
        );
        assert_eq!(w.state().test_ids, vec![test_id(app, "quest-lipid-panel")]);
        assert_eq!(w.state().tests_notice, None);
        w.post_billing("client_bill");
        assert!(w.get("review").text().contains("Quest Central, 97500077"));

        // Another lab: the tests are cleared and the tests step says why.
        assert_eq!(
            w.post("review", &[("account_id", platform.as_str())])
                .location(),
            w.url("tests")
        );
        assert!(w.state().test_ids.is_empty());
        let tests = w.get("tests");
        assert!(tests.body.contains(r#"id="tests-notice""#));
        assert!(
            tests.text().contains("Your tests were cleared: Labcorp (platform), LC-PLATFORM-1 is a Labcorp account. Choose Labcorp tests."),
            "{}",
            tests.text()
        );
        // Labcorp tests keep the Labcorp account; the order goes to it.
        assert_eq!(
            w.post_tests(&["labcorp-hba1c"]).location(),
            w.url("billing")
        );
        w.post_billing("client_bill");
        let o = order(app, &w.place());
        assert_eq!(o.lab_account_id, platform.clone());
        assert_eq!(o.lab_slug.as_str(), "labcorp");
    });
}

#[test]
fn a_platform_account_unlinked_before_submit_is_reported_and_gets_no_order() {
    each_backend(|app| {
        // Primary Care has no Labcorp account of its own: the platform one is the fallback.
        let platform = app.world.account("LC-PLATFORM-1");
        link_team(app, platform, PRIMARY_CARE);
        let w = Wizard::start(app);
        assert_eq!(w.post_patient("CA").location(), w.url("tests"));
        assert_eq!(
            w.post_tests(&["labcorp-hba1c"]).location(),
            w.url("billing")
        );
        assert_eq!(w.state().account.unwrap().id, platform.clone());
        w.post_billing("client_bill");
        assert!(w
            .get("review")
            .text()
            .contains("Labcorp (platform), LC-PLATFORM-1"));

        unlink_team(app, platform, PRIMARY_CARE);
        // The review already says so, and offers no submit.
        let review = w.get("review");
        assert!(review.body.contains(r#"id="place-order" disabled"#));
        assert!(review.text().contains("Lab account not found."));
        // A submit sent anyway (an old tab) places nothing and explains.
        let before = order_count(app);
        assert_eq!(w.submit().location(), w.url("account"));
        assert_eq!(order_count(app), before);
        let text = w.get("account").text();
        assert!(
            text.contains("The lab account chosen is no longer available to Team Primary Care."),
            "{text}"
        );
        assert!(
            text.contains("No Labcorp lab account is linked to this Team."),
            "{text}"
        );
    });
}
