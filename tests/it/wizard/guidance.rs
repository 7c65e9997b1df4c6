//! The wizard guiding a person: field errors in plain words tied to their inputs and listed on
//! top, only the tests the Team can order, a change made from the review step returning there,
//! and a way back from a step that cannot go on.
use labdesk::domain::lab_account::AccountStatus;

use crate::support::data::{add_account, link_team, order_count, set_status, test_id, NewAccount};
use crate::support::orders::{order, order_test_ids};
use crate::support::results::unescape;
use crate::support::{each_backend, PRIMARY_CARE};
use crate::wizard::support::*;

#[test]
fn patient_errors_are_plain_sentences_tied_to_their_fields_and_listed_on_top() {
    each_backend(|app| {
        let w = Wizard::start(app);
        let audit = app.audit_total();
        let res = w.post(
            "patient",
            &[("first_name", "Ada"), ("gender", "dragon"), ("state", "CA")],
        );
        assert_eq!(res.status, 422);
        let b = unescape(&res.body);
        // No validator wording reaches the page.
        for raw in ["Field required", "Input should be", "female', 'male'"] {
            assert!(!b.contains(raw), "{raw} in {b}");
        }
        let expected = [
            ("last_name", "Enter the patient's last name."),
            ("dob", "Enter the patient's date of birth."),
            ("gender", "Choose the patient's sex as recorded by the lab."),
            ("phone_number", "Enter the patient's phone number."),
            ("email", "Enter the patient's email address."),
            (
                "first_line",
                "Enter the first line of the patient's address.",
            ),
            ("city", "Enter the patient's city."),
            ("zip", "Enter the patient's ZIP code."),
        ];
        // The summary on top links each sentence to its field, in the form's order.
        let summary = b
            .split(r#"id="error-summary""#)
            .nth(1)
            .and_then(|s| s.split("</div>").next())
            .unwrap_or_else(|| panic!("an error summary in {b}"));
        let mut at = 0;
        for (field, sentence) in expected {
            let link = format!(r##"<a href="#{field}">{sentence}</a>"##);
            let found = summary[at..]
                .find(&link)
                .unwrap_or_else(|| panic!("{link} (in order) in {summary}"));
            at += found + link.len();
            // Next to the field, and tied to it.
            assert!(
                b.contains(&format!(
                    r#"<p class="field-error" id="{field}-err">{sentence}</p>"#
                )),
                "{field}"
            );
            assert!(
                b.contains(&format!(r#"id="{field}""#)),
                "{field} has an input to link to"
            );
        }
        for field in ["last_name", "dob", "phone_number", "zip"] {
            assert!(
                b.contains(&format!(
                    r#"name="{field}" type="text" value="" aria-invalid="true" aria-describedby="{field}-err">"#
                )) || b.contains(&format!(
                    r#"aria-invalid="true" aria-describedby="{field}-err""#
                )),
                "{field} is marked invalid and described by its error"
            );
        }
        assert!(b.contains(r#"<select id="gender" name="gender" aria-invalid="true" aria-describedby="gender-err">"#));
        assert!(
            !b.contains(r#"id="first_name-err""#),
            "a valid field has no error"
        );
        assert!(!b.contains(r#"id="state-err""#));
        // What was typed stays; nothing was saved.
        assert!(b.contains(r#"value="Ada""#));
        assert!(b.contains(r#"<option value="CA" selected>"#));
        assert_eq!(app.audit_total(), audit);
        assert!(!w.state().patient_done);
        // The heading takes the focus after the step is shown again.
        assert!(b.contains(r#"<h2 id="step-h" tabindex="-1" data-focus autofocus>Patient</h2>"#));
    });
}

#[test]
fn the_tests_step_lists_only_the_labs_the_team_can_order_from() {
    each_backend(|app| {
        // The platform's Labcorp account is linked to Cardiology only.
        let w = Wizard::start(app);
        assert_eq!(w.post_patient("CA").location(), w.url("tests"));
        let page = w.get("tests");
        let (quest, labcorp) = (
            test_id(app, "quest-lipid-panel"),
            test_id(app, "labcorp-hba1c"),
        );
        assert!(page.body.contains(&format!(r#"value="{quest}""#)));
        assert!(
            !page.body.contains(labcorp.as_str()),
            "another Team's lab is not offered"
        );
        let text = unescape(&page.text());
        assert!(
            text.contains("Labcorp tests cannot be ordered for Team Primary Care: no active Labcorp lab account linked to it serves patients in CA."),
            "{text}"
        );
        // Posted anyway: refused with the same reason, nothing saved, no order.
        let before = (order_count(app), app.audit_total());
        let refused = w.post_tests(&["labcorp-hba1c"]);
        assert_eq!(refused.status, 422);
        assert!(unescape(&refused.text())
            .contains("Labcorp tests cannot be ordered for Team Primary Care"));
        assert!(refused.body.contains(r#"id="tests-err" role="alert""#));
        assert!(w.state().test_ids.is_empty());
        assert_eq!((order_count(app), app.audit_total()), before);

        // Linked to Primary Care too: listed, and orderable to the end.
        link_team(app, app.world.account("LC-PLATFORM-1"), PRIMARY_CARE);
        assert!(w.get("tests").body.contains(labcorp.as_str()));
        assert_eq!(
            w.post_tests(&["labcorp-hba1c"]).location(),
            w.url("billing")
        );
        w.post_billing("client_bill");
        let id = w.place();
        assert_eq!(order(app, &id).lab_slug.as_str(), "labcorp");
        assert_eq!(app.audit_rows("order.created", &id).len(), 1);
    });
}

#[test]
fn changing_tests_from_review_returns_to_review_unless_the_account_must_be_chosen_again() {
    each_backend(|app| {
        // Labcorp through the platform's account only; Quest through West and Central.
        link_team(app, app.world.account("LC-PLATFORM-1"), PRIMARY_CARE);
        let central = add_account(app, &NewAccount::QUEST);
        let w = Wizard::start(app);
        assert_eq!(w.post_patient("CA").location(), w.url("tests"));
        assert_eq!(
            w.post_tests(&["labcorp-hba1c"]).location(),
            w.url("billing")
        );
        assert_eq!(w.post_billing("client_bill").location(), w.url("review"));
        let review = w.get("review");
        let change = format!("{}?from=review", w.url("tests"));
        assert!(review
            .body
            .contains(&format!(r#"<a href="{change}" hx-get="{change}""#)));
        // Opened from review, the step's form says so; opened otherwise, it does not.
        let tests = w.c.get(&change);
        assert!(tests
            .body
            .contains(r#"<input type="hidden" name="from" value="review">"#));
        assert!(!w.get("tests").body.contains(r#"name="from""#));

        // Same lab: straight back to review, account and billing kept.
        let tsh = test_id(app, "labcorp-tsh");
        let res = w.post("tests", &[("from", "review"), ("test_id", tsh.as_str())]);
        assert_eq!(res.location(), w.url("review"));
        let s = w.state();
        assert_eq!(s.test_ids, vec![tsh]);
        assert!(s.billing_done && !s.return_to_review);
        assert!(w
            .get("review")
            .text()
            .contains("Thyroid Stimulating Hormone"));

        // Another lab with two eligible accounts: the account step first, then review again
        // (Quest Central allows client bill in CA, so the billing saved still holds).
        let lipid = test_id(app, "quest-lipid-panel");
        let res = w.post("tests", &[("from", "review"), ("test_id", lipid.as_str())]);
        assert_eq!(res.location(), w.url("account"));
        assert!(w.state().return_to_review);
        let res = w.post("account", &[("account_id", central.as_str())]);
        assert_eq!(res.location(), w.url("review"));
        let s = w.state();
        assert!(!s.return_to_review && s.billing_done);
        assert_eq!(s.account.map(|a| a.id), Some(central.clone()));

        let id = w.place();
        let o = order(app, &id);
        assert_eq!(
            (o.lab_account_id, o.billing_type.as_str()),
            (central, "client_bill")
        );
        assert_eq!(order_test_ids(app, &id), vec![lipid]);
        assert_eq!(app.audit_rows("order.created", &id).len(), 1);
    });
}

#[test]
fn a_blocked_account_step_offers_the_steps_that_fix_it_and_the_step_before() {
    each_backend(|app| {
        let w = Wizard::start(app);
        w.to_review();
        // Quest West, the only Quest account, is suspended while the draft waits.
        let west = app.world.account("97500001");
        set_status(app, west, AccountStatus::Suspended);
        let page = w.get("account");
        let text = page.text();
        assert!(text.contains("This order cannot be placed."), "{text}");
        assert!(text.contains("Quest West is suspended"), "{text}");
        assert!(!page.body.contains(">Continue</button>"), "no way forward");
        let (tests, patient) = (w.url("tests"), w.url("patient"));
        assert!(page.body.contains(&format!(
            r#"<a href="{tests}" hx-get="{tests}" id="blocked-tests-link">choose other tests</a>"#
        )));
        assert!(page.body.contains(&format!(
            r#"<a href="{patient}" hx-get="{patient}">change the patient"#
        )));
        assert!(page.body.contains(&format!(
            r#"<a href="{tests}" hx-get="{tests}" class="back-link">Back to Tests</a>"#
        )));
        // The review says what is wrong and links to where it is fixed; nothing can be placed.
        let review = w.get("review");
        assert!(review.body.contains(r#"id="place-order" disabled"#));
        assert!(review
            .body
            .contains(r#"id="review-problem-fix">Choose the lab account</a>"#));
        let before = order_count(app);
        assert_eq!(w.submit().location(), w.url("account"));
        assert_eq!(order_count(app), before);
        // Following the way back works: the tests step opens and lists nothing of Quest.
        let back = w.get("tests");
        assert_eq!(back.status, 200);
        assert!(!back
            .body
            .contains(test_id(app, "quest-lipid-panel").as_str()));
    });
}
