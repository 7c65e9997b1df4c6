//! Who may use the order wizard: a draft is its creator's, a clinician of its Team. Another
//! org's or Team's draft (or another person's) answers 404 like a missing one; a role that does
//! not order answers 403. Also the way in (the Team page) and CSRF on every step.
use labdesk::domain::ids::DraftId;
use labdesk::domain::wizard::Step;
use labdesk::web::urls;

use crate::support::data::{add_clinician, count};
use crate::support::orders::order;
use crate::support::{
    each_backend, CARDIOLOGY, CARDIO_CLINICIAN, CLINICIAN, CSM, GLOBEX_DOWNTOWN, OPS, OTHER_OPS,
    PRIMARY_CARE,
};
use crate::wizard::support::*;

#[test]
fn another_teams_or_orgs_draft_is_not_found() {
    each_backend(|app| {
        let w = Wizard::start(app);
        w.post_patient("CA");
        add_clinician(app, CARDIO_CLINICIAN, CARDIOLOGY);
        add_clinician(app, "colleague@northwind.test", PRIMARY_CARE);
        let cardio = app.login(CARDIO_CLINICIAN);
        let colleague = app.login("colleague@northwind.test");
        let other_org = app.login(OTHER_OPS);
        for (who, c) in [
            ("a clinician of another Team", &cardio),
            ("another clinician of the same Team", &colleague),
            ("an admin of another org", &other_org),
        ] {
            for step in ["patient", "tests", "review"] {
                assert_eq!(c.get(&w.url(step)).status, 404, "{who} GET {step}");
            }
            let post = c.post_form(&w.url("patient"), &[("action", "new")]);
            assert_eq!(post.status, 404, "{who} POST");
            assert_eq!(
                c.post_form(&urls::submit_draft(&app.world.org_id, &w.draft_id), &[])
                    .status,
                404,
                "{who} submit"
            );
        }
        // Nothing they sent changed the draft.
        assert!(w.state().patient_done);
        // The draft under another org's URL, an unknown draft and an unknown step: 404 too.
        let own = &w.c;
        let foreign = urls::draft_step(&app.world.other_org_id, &w.draft_id, Step::Patient);
        assert_eq!(own.get(&foreign).status, 404);
        let unknown = urls::draft_step(
            &app.world.org_id,
            &DraftId::from_text("not-a-draft"),
            Step::Patient,
        );
        assert_eq!(own.get(&unknown).status, 404);
        assert_eq!(own.get(&w.url("shipping")).status, 404);
        // Starting an order for a Team one is not in, or of another org, is not found either.
        let drafts_before = count(app, "order_drafts");
        let cross = urls::new_order(&app.world.other_org_id, app.world.team(PRIMARY_CARE));
        for url in [
            new_order_url(app, CARDIOLOGY),
            new_order_url(app, GLOBEX_DOWNTOWN),
            cross,
        ] {
            assert_eq!(own.get(&url).status, 404, "GET {url}");
            assert_eq!(own.post_form(&url, &[]).status, 404, "POST {url}");
        }
        assert_eq!(
            count(app, "order_drafts"),
            drafts_before,
            "no draft for a foreign Team"
        );
        // The Cardiology clinician can start one for their own Team.
        let theirs = Wizard::start_as(app, cardio, CARDIOLOGY);
        assert_eq!(theirs.get("patient").status, 200);
    });
}

#[test]
fn roles_that_do_not_order_are_refused() {
    each_backend(|app| {
        let w = Wizard::start(app);
        for who in [OPS, CSM] {
            let c = app.login(who);
            let start = c.get(&new_order_url(app, PRIMARY_CARE));
            assert_eq!(start.status, 403, "{who} starts an order");
            assert!(start.text().contains("cannot do this"), "{}", start.text());
            assert_eq!(c.get(&w.url("patient")).status, 403, "{who} opens a draft");
            let post = c.post_form(&w.url("patient"), &[("action", "new")]);
            assert_eq!(post.status, 403, "{who} posts to a draft");
            assert_eq!(
                c.post_form(&urls::submit_draft(&app.world.org_id, &w.draft_id), &[])
                    .status,
                403,
                "{who} submits"
            );
        }
        let drafts_before = count(app, "order_drafts");
        let ops = app.login(OPS);
        assert_eq!(ops.get(&new_order_url(app, PRIMARY_CARE)).status, 403);
        assert_eq!(
            ops.post_form(&new_order_url(app, PRIMARY_CARE), &[]).status,
            403
        );
        assert_eq!(
            count(app, "order_drafts"),
            drafts_before,
            "a refused start creates no draft"
        );
    });
}

#[test]
fn the_team_page_offers_a_new_order_to_its_clinicians_only() {
    each_backend(|app| {
        let team_url = urls::team(&app.world.org_id, app.world.team(PRIMARY_CARE));
        let link = format!(r#"action="{}""#, new_order_url(app, PRIMARY_CARE));
        let clinician = app.login(CLINICIAN);
        assert!(clinician.get(&team_url).body.contains(&link));
        let list = clinician.get(&urls::teams(&app.world.org_id));
        assert!(list.body.contains(&link), "the Teams list offers it too");
        let ops = app.login(OPS);
        assert!(!ops.get(&team_url).body.contains("New order"));
        // Its button starts a draft owned by the clinician, on its first step.
        let w = Wizard::start(app);
        let draft = w.draft();
        assert_eq!(draft.team_id, app.world.team(PRIMARY_CARE).clone());
        let page = w.get("patient");
        assert_eq!(page.status, 200);
        assert!(
            page.text().contains("New order for Team Primary Care"),
            "{}",
            page.text()
        );
    });
}

#[test]
fn starting_an_order_is_a_csrf_checked_post_and_its_get_writes_nothing() {
    each_backend(|app| {
        let c = app.login(CLINICIAN);
        let url = new_order_url(app, PRIMARY_CARE);
        let before = count(app, "order_drafts");
        // The GET (a link, a prefetch, a crawler) shows the button and writes nothing.
        let page = c.get(&url);
        assert_eq!(page.status, 200);
        assert!(page
            .body
            .contains(&format!(r#"<form method="post" action="{url}">"#)));
        assert!(page.text().contains("Start a new order"), "{}", page.text());
        assert_eq!(count(app, "order_drafts"), before, "a GET created a draft");
        // Without the token, or with a forged one: refused, nothing written.
        assert_eq!(c.post_form_raw(&url, &[]).status, 403);
        assert_eq!(
            c.post_form_raw(&url, &[("csrf_token", "forged")]).status,
            403
        );
        assert_eq!(
            count(app, "order_drafts"),
            before,
            "a refused POST created a draft"
        );
        // With it: one draft of the clinician for the Team, opened on its first step.
        let w = Wizard::start_as(app, c, PRIMARY_CARE);
        assert_eq!(count(app, "order_drafts"), before + 1);
        let draft = w.draft();
        assert_eq!(draft.team_id, app.world.team(PRIMARY_CARE).clone());
        assert_eq!(w.get("patient").status, 200);
    });
}

#[test]
fn every_wizard_post_needs_the_csrf_token() {
    each_backend(|app| {
        let w = Wizard::start(app);
        let fields = patient_fields("CA");
        let mut raw: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let res = w.c.post_form_raw(&w.url("patient"), &raw);
        assert_eq!(res.status, 403);
        raw.push(("csrf_token", "forged"));
        assert_eq!(w.c.post_form_raw(&w.url("patient"), &raw).status, 403);
        assert!(!w.state().patient_done, "nothing saved");
        let submit = urls::submit_draft(&app.world.org_id, &w.draft_id);
        assert_eq!(w.c.post_form_raw(&submit, &[]).status, 403);
    });
}

#[test]
fn a_found_patient_is_ordered_for_without_creating_another() {
    each_backend(|app| {
        let first = Wizard::start(app);
        first.to_review();
        first.place();
        let patient_id = first.state().created_patient_id.unwrap();
        let w = Wizard::start(app);
        let audit_before = app.audit_total();
        w.post("patient", &[("action", "search"), ("q", "ada")]);
        let found = w.get("patient");
        assert!(found
            .body
            .contains(&format!(r#"name="patient_id" value="{patient_id}""#)));
        w.post("patient", &[("action", "search"), ("q", "nobody")]);
        let none = w.get("patient");
        assert!(none.text().contains("No patient of this Team matches"));
        // Their details from the last order are complete, so picking goes straight to the tests.
        let pick = w.post(
            "patient",
            &[("action", "pick"), ("patient_id", patient_id.as_str())],
        );
        assert_eq!(pick.location(), w.url("tests"));
        assert_eq!(w.state().patient_id(), Some(&patient_id));
        let page = w.get("patient");
        assert!(page.text().contains("Ordering for Ada Lovelace"));
        assert!(page.body.contains(r#"value="1 Market St""#));
        assert_eq!(w.post_tests(&["quest-cmp"]).location(), w.url("billing"));
        w.post_billing("client_bill");
        let o = order(app, &w.place());
        assert_eq!(o.user_id, patient_id);
        assert_eq!(app.audit_rows("patient.created", &patient_id).len(), 1);
        assert_eq!(
            app.audit_total(),
            audit_before + 1,
            "only the order.created row"
        );
        // A patient of another Team cannot be picked.
        add_clinician(app, CARDIO_CLINICIAN, CARDIOLOGY);
        let cardio_draft = Wizard::start_as(app, app.login(CARDIO_CLINICIAN), CARDIOLOGY);
        let res = cardio_draft.post(
            "patient",
            &[("action", "pick"), ("patient_id", patient_id.as_str())],
        );
        assert_eq!(res.status, 404);
    });
}
