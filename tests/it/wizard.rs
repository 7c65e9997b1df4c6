//! The order wizard over the real app: each step keeps what was typed on errors, one eligible
//! account is chosen without its step, submit places exactly one order, htmx gets fragments.
//! Account choices (several, none, refused at submit, switched on review) are in
//! `accounts`, who may use a draft in `access`. Assertions read the pages, the database and the
//! audit log.
mod access;
mod accounts;
mod guidance;
pub mod support;

use labdesk::web::urls;

use self::support::*;
use crate::support::data::{link_team, order_count, test_id};
use crate::support::orders::{order, order_test_ids};
use crate::support::results::unescape;
use crate::support::{each_backend, CLINICIAN, PRIMARY_CARE};

#[test]
fn patient_step_keeps_typed_values_with_each_error_next_to_its_field() {
    each_backend(|app| {
        let w = Wizard::start(app);
        let audit = app.audit_total();
        let res = w.post(
            "patient",
            &[
                ("first_name", "Ada"),
                ("last_name", ""),
                ("dob", "1985-13-40"),
                ("gender", "female"),
                ("phone_number", "+1 415 555 0100"),
                ("email", "not-an-email"),
                ("first_line", "1 Market St"),
                ("city", "Somewhere"),
                ("state", "CA"),
                ("zip", "9410"),
            ],
        );
        assert_eq!(res.status, 422, "{}", res.text());
        let b = &res.body;
        assert!(
            b.contains(r#"id="first_name" name="first_name" type="text" value="Ada""#),
            "{b}"
        );
        assert!(b.contains(r#"value="1985-13-40" aria-invalid="true" aria-describedby="dob-err""#));
        let b = &unescape(b);
        assert!(b.contains(r#"<p class="field-error" id="dob-err">Enter the patient's date of birth as year-month-day, for example 1980-04-23.</p>"#), "{b}");
        assert!(b.contains(
            r#"<p class="field-error" id="last_name-err">Enter the patient's last name.</p>"#
        ));
        assert!(b.contains(r#"value="not-an-email" aria-invalid="true""#));
        assert!(b.contains(r#"id="zip-err">Enter a ZIP code like 12345 or 12345-6789.</p>"#));
        assert!(b.contains(r#"<option value="CA" selected>"#));
        assert!(b.contains(r#"<option value="female" selected>"#));
        assert!(
            !b.contains(r#"id="city-err""#),
            "a valid field has no error"
        );
        // Nothing was saved: no patient, no audit row, the draft is still empty.
        assert_eq!(app.audit_total(), audit);
        assert!(!w.state().patient_done);
        assert_eq!(
            w.get("tests").header("location"),
            Some(w.url("patient").as_str())
        );

        // Corrected: a new patient with a generated client_user_id, audited, and the next step.
        assert_eq!(w.post_patient("CA").location(), w.url("tests"));
        let state = w.state();
        let patient_id = state
            .created_patient_id
            .clone()
            .expect("a patient was created");
        let row = labdesk::db::patients::find(&mut app.conn(), &patient_id)
            .unwrap()
            .unwrap();
        assert!(
            row.client_user_id.starts_with("wizard-"),
            "{}",
            row.client_user_id
        );
        assert_eq!(row.team_id, app.world.team(PRIMARY_CARE).clone());
        let created = app.audit_rows("patient.created", &patient_id);
        assert_eq!(created.len(), 1);
        assert_eq!(created[0].actor_label, CLINICIAN);
        // Back (or a second tab) shows what was saved; saving again reuses the patient.
        let again = w.get("patient");
        assert!(again.body.contains(r#"value="Lovelace""#));
        assert_eq!(w.post_patient("CA").location(), w.url("tests"));
        assert_eq!(w.state().created_patient_id, Some(patient_id));
        assert_eq!(app.audit_total(), audit + 1);
    });
}

#[test]
fn tests_step_refuses_mixed_labs_and_keeps_the_checked_boxes() {
    each_backend(|app| {
        // Labcorp through the platform's account, so two labs' tests are listed.
        link_team(app, app.world.account("LC-PLATFORM-1"), PRIMARY_CARE);
        let w = Wizard::start(app);
        w.post_patient("CA");
        let none = w.post("tests", &[]);
        assert_eq!(none.status, 422);
        assert!(none.text().contains("Choose at least one test."));
        let mixed = w.post_tests(&["quest-lipid-panel", "labcorp-hba1c"]);
        assert_eq!(mixed.status, 422);
        assert!(
            mixed.text().contains(
                "All tests of an order must be from one lab and use one collection method."
            ),
            "{}",
            mixed.text()
        );
        for slug in ["quest-lipid-panel", "labcorp-hba1c"] {
            let checked = format!(r#"value="{}" checked"#, test_id(app, slug));
            assert!(mixed.body.contains(&checked), "{slug} stays checked");
        }
        let unchecked = format!(r#"value="{}" aria-invalid"#, test_id(app, "quest-cmp"));
        assert!(
            mixed.body.contains(&unchecked),
            "unchecked boxes stay unchecked"
        );
        assert!(w.state().test_ids.is_empty(), "nothing saved");
    });
}

#[test]
fn one_eligible_account_is_chosen_without_its_step_and_the_order_is_placed() {
    each_backend(|app| {
        let w = Wizard::start(app);
        // CA patient, Quest tests: Quest West is the only eligible account (BioReference is
        // another lab), so the wizard goes from tests straight to billing.
        assert_eq!(w.through_tests("CA"), w.url("billing"));
        let quest_west = app.world.account("97500001");
        let state = w.state();
        let chosen = state.account.clone().unwrap();
        assert_eq!((&chosen.id, chosen.automatic), (quest_west, true));
        let billing = w.get("billing");
        assert!(
            !billing.body.contains(">Lab account</a>"),
            "the progress bar skips the account step"
        );
        // Quest West allows client bill and commercial insurance in CA, nothing else.
        let text = billing.text();
        assert!(
            text.contains("Client bill") && text.contains("Commercial insurance"),
            "{text}"
        );
        assert!(!billing.body.contains(r#"value="patient_bill""#));
        assert!(
            !billing.body.contains("physician_npi"),
            "not delegated: no physician fields"
        );
        let refused = w.post_billing("patient_bill");
        assert_eq!(refused.status, 422);
        assert!(refused.text().contains("does not allow that billing type"));
        assert_eq!(
            w.post_billing("commercial_insurance").location(),
            w.url("review")
        );

        let review = w.get("review");
        assert_eq!(review.status, 200);
        let text = review.text();
        assert!(text.contains("Quest West, 97500001"), "{text}");
        assert!(
            text.contains("Chosen for you") && text.contains("Lipid Panel"),
            "{text}"
        );
        assert!(text.contains("Commercial insurance") && text.contains("Ada Lovelace"));

        let before = order_count(app);
        let order_id = w.place();
        assert_eq!(order_count(app), before + 1);
        let o = order(app, &order_id);
        assert_eq!(o.lab_account_id, quest_west.clone());
        assert_eq!(o.team_id, app.world.team(PRIMARY_CARE).clone());
        assert_eq!(o.billing_type.as_str(), "commercial_insurance");
        assert_eq!(o.lab_slug.as_str(), "quest");
        assert_eq!(o.created_by, CLINICIAN);
        assert_eq!(Some(&o.user_id), w.state().patient_id());
        assert_eq!(
            order_test_ids(app, &order_id),
            vec![test_id(app, "quest-lipid-panel")]
        );
        assert_eq!(
            w.draft().order_id.as_ref().map(|i| i.as_str()),
            Some(order_id.as_str())
        );
        let audit = app.audit_rows("order.created", &order_id);
        assert_eq!(audit.len(), 1);
        assert_eq!(audit[0].actor_label, CLINICIAN);
        // The submitted draft now only leads to its order.
        let order_url = urls::order(&app.world.org_id, &order_id);
        assert_eq!(w.get("review").location(), order_url);
        assert_eq!(w.post_billing("client_bill").location(), order_url);
    });
}

#[test]
fn submitting_twice_places_one_order() {
    each_backend(|app| {
        let w = Wizard::start(app);
        w.to_review();
        let before = order_count(app);
        // Four submits at once (a double click, a second tab), then one more later.
        let locations: Vec<String> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..4).map(|_| s.spawn(|| w.submit().location())).collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert!(
            locations.iter().all(|l| *l == locations[0]),
            "{locations:?}"
        );
        assert_eq!(w.submit().location(), locations[0]);
        assert_eq!(order_count(app), before + 1);
        let order_id = w.draft().order_id.expect("submitted");
        assert!(locations[0].ends_with(order_id.as_str()));
        assert_eq!(app.audit_rows("order.created", &order_id).len(), 1);
    });
}

/// Below the page's own check (a submitted draft redirects to its order), the service guards
/// the draft in the order's transaction: submits that all get past the page still place one.
#[test]
fn concurrent_submits_of_one_draft_in_the_service_place_one_order() {
    use labdesk::domain::ids::OrderId;
    use labdesk::domain::order_input::{validate_patient, OrderRequest};
    use labdesk::service::drafts::{self, SubmitDraftError};
    each_backend(|app| {
        let w = Wizard::start(app);
        w.to_review();
        let s = w.state();
        let req = OrderRequest {
            team_id: app.world.team(PRIMARY_CARE).clone(),
            org_id: app.world.org_id.clone(),
            user_id: s.patient_id().unwrap().clone(),
            patient: validate_patient(&s.patient, chrono::Utc::now().date_naive()).unwrap(),
            test_ids: s.test_ids.clone(),
            lab_account_id: s.account.as_ref().map(|a| a.id.clone()),
            billing: s.billing_type.unwrap(),
            collection_method: None,
            physician: None,
            clinical_notes: None,
            priority: false,
            icd_codes: None,
            passthrough: None,
            activate_by: None,
        };
        let actor = labdesk::domain::actor::Actor::system("test");
        let before = order_count(app);
        let results: Vec<Result<OrderId, SubmitDraftError>> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..4)
                .map(|_| scope.spawn(|| drafts::place(&mut app.conn(), &actor, &w.draft_id, &req)))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let placed: Vec<&OrderId> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
        assert_eq!(placed.len(), 1, "{results:?}");
        // Every other submit is told the draft was already submitted, with that order.
        for r in &results {
            match r {
                Ok(id) | Err(SubmitDraftError::AlreadySubmitted { order_id: id }) => {
                    assert_eq!(id, placed[0])
                }
                Err(other) => panic!("{other:?}"),
            }
        }
        assert_eq!(order_count(app), before + 1);
        assert_eq!(w.draft().order_id.as_ref(), Some(placed[0]));
    });
}

#[test]
fn htmx_gets_the_step_fragment_and_everyone_else_the_whole_page() {
    each_backend(|app| {
        let w = Wizard::start(app);
        let page = w.get("patient");
        assert!(page.body.contains("<html") && page.body.contains(r#"id="wizard""#));
        assert_eq!(page.header("vary"), Some("HX-Request"));
        let fragment = w.c.htmx_get(&w.url("patient"));
        assert!(!fragment.body.contains("<html"), "{}", fragment.body);
        assert!(fragment.body.trim_start().starts_with("<div id=\"wizard\""));
        assert!(fragment.body.contains(r#"hx-push-url="true""#));
        // Back to a step htmx did not keep (hx-history=false): the whole page again.
        let restored = w.c.htmx_history_restore(&w.url("patient"));
        assert!(restored.body.contains("<html") && restored.body.contains(r#"id="wizard""#));
        // An invalid step over htmx comes back as a fragment htmx will swap (2xx).
        let invalid = w.c.htmx_post(&w.url("patient"), &[("first_name", "Ada")]);
        assert_eq!(invalid.status, 200);
        assert!(!invalid.body.contains("<html") && invalid.body.contains(r#"value="Ada""#));
        // A POST over htmx still redirects (htmx follows it and pushes the new URL).
        let fields = patient_fields("CA");
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(
            w.c.htmx_post(&w.url("patient"), &fields).location(),
            w.url("tests")
        );
        // Search finds the Team's patients by name once they have ordered.
        w.post_tests(&["quest-lipid-panel"]);
        w.post_billing("client_bill");
        w.place();
        let next = Wizard::start_as(app, app.login(CLINICIAN), PRIMARY_CARE);
        assert_eq!(
            next.post("patient", &[("action", "search"), ("q", "lovel")])
                .location(),
            next.url("patient")
        );
        let found = next.get("patient");
        assert!(
            found.text().contains("Ada Lovelace born 1985-12-10"),
            "{}",
            found.text()
        );
    });
}

/// The patients of a Team the wizard created (their client_user_id is generated).
fn wizard_patients(app: &crate::support::TestApp) -> i64 {
    use diesel::prelude::*;
    use labdesk::db::schema::patients::dsl as p;
    p::patients
        .filter(p::team_id.eq(app.world.team(PRIMARY_CARE)))
        .filter(p::client_user_id.like("wizard-%"))
        .count()
        .get_result(&mut app.conn())
        .unwrap()
}

/// A new person's patient is created in the transaction that saves the draft naming them: a
/// draft that cannot be saved leaves no patient behind (one typed again would make another).
#[test]
fn a_new_patient_is_created_only_together_with_the_draft_that_names_them() {
    use crate::support::triggers::{allow, refuse};
    each_backend(|app| {
        let w = Wizard::start(app);
        let before = wizard_patients(app);
        let audit = app.audit_total();
        refuse(app, "refuse_draft_save", "UPDATE", "order_drafts", "1 = 1");
        let res = w.post_patient("CA");
        assert_eq!(res.status, 500, "{}", res.text());
        assert_eq!(wizard_patients(app), before, "a patient without its draft");
        assert_eq!(app.audit_total(), audit, "an audit row without its change");
        assert_eq!(w.state().created_patient_id, None);
        allow(app, "refuse_draft_save", "order_drafts");
        assert_eq!(w.post_patient("CA").location(), w.url("tests"));
        assert_eq!(wizard_patients(app), before + 1);
        let created = w
            .state()
            .created_patient_id
            .expect("the draft names its patient");
        assert_eq!(app.audit_rows("patient.created", &created).len(), 1);
    });
}
