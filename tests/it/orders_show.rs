//! The order page (an audited PHI read), cancelling with and without JavaScript, refusals that
//! change nothing, the 404s across Teams and orgs, and the open-order count on unlink.
use labdesk::domain::ids::{LabAccountId, OrderId, TeamId};
use labdesk::domain::order_status::LowStatus;
use labdesk::web::urls::{self, Scope};

use crate::support::data::{add_account, patient, test_id, unlink_team, NewAccount};
use crate::support::orders::{advance, cancel, event_count, order, place, place_with, post_order};
use crate::support::{
    each_backend, TestApp, CARDIOLOGY, CLINICIAN, CSM, GLOBEX_DOWNTOWN, OPS, OTHER_OPS,
    PRIMARY_CARE,
};

#[test]
fn order_page_shows_the_order_and_audits_each_view() {
    each_backend(|app| {
        let id = place(app, CARDIOLOGY, "Grace", "Hopper");
        let url = urls::order(&app.world.org_id, &id);
        let c = app.login(OPS);
        let page = c.get(&url);
        assert_eq!(page.status, 200, "{}", page.text());
        let text = page.text();
        for shown in [
            "Order for Grace Hopper",
            "1980-02-29",
            "+15555550123",
            "Testville, NY 85001",
            "Lipid Panel",
            "Quest East",
            "97500002",
            "Client bill",
            "Priya Shah (NPI 1234567893)",
            "Fasting required unless stated otherwise.",
            "received.walk_in_test.ordered",
            "Cancel order",
        ] {
            assert!(text.contains(shown), "missing {shown}: {text}");
        }
        let quest_east = app.world.account("97500002");
        assert!(page.body.contains(&format!(
            "href=\"{}\"",
            urls::lab_account(app.world.org(), quest_east)
        )));
        assert_eq!(page.header("cache-control"), Some("private, no-store"));
        // One order.viewed row per view, naming who and the request.
        let rows = app.audit_rows("order.viewed", &id);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].actor_label, OPS);
        assert_eq!(rows[0].team_id.as_ref(), Some(app.world.team(CARDIOLOGY)));
        assert!(rows[0].request_id.is_some());
        c.get(&url);
        assert_eq!(app.audit_rows("order.viewed", &id).len(), 2);

        // A CSM of the org reads it (audited) but has no cancel button.
        let csm = app.login(CSM).get(&url);
        assert_eq!(csm.status, 200);
        assert!(!csm.text().contains("Cancel order"));
        assert_eq!(app.audit_rows("order.viewed", &id)[2].actor_label, CSM);
    });
}

#[test]
fn another_teams_or_orgs_order_answers_404_and_is_not_audited() {
    each_backend(|app| {
        let cardio = place(app, CARDIOLOGY, "Grace", "Hopper");
        let globex = place(app, GLOBEX_DOWNTOWN, "Noah", "Globexer");
        let nw = &app.world.org_id;
        let gx = &app.world.other_org_id;
        let missing = "00000000-0000-4000-8000-000000000000";
        let cases: Vec<(&str, String)> = vec![
            (CLINICIAN, urls::order(nw, &cardio)),
            (CLINICIAN, urls::cancel_order(nw, &cardio)),
            (OPS, urls::order(nw, &globex)),
            (OPS, urls::order(gx, &globex)),
            (OPS, urls::org_orders(gx)),
            (OPS, urls::order(nw, &OrderId::from_text(missing))),
            (OPS, urls::order(nw, &OrderId::from_text("not-an-order"))),
            (CSM, urls::order(gx, &globex)),
            (OTHER_OPS, urls::order(nw, &cardio)),
            (OTHER_OPS, urls::order(gx, &cardio)),
        ];
        for (who, url) in cases {
            let res = app.login(who).get(&url);
            assert_eq!(res.status, 404, "{who} GET {url}");
            assert!(
                !res.body.contains("Grace") && !res.body.contains("Noah"),
                "{who} {url} leaked"
            );
        }
        assert!(app.audit_rows("order.viewed", &cardio).is_empty());
        assert!(app.audit_rows("order.viewed", &globex).is_empty());
        // Cancelling them is 404 too, and changes nothing.
        let clinician = app.login(CLINICIAN);
        let res = clinician.post_form(&urls::cancel_order(nw, &cardio), &[]);
        assert_eq!(res.status, 404);
        let res = app
            .login(OTHER_OPS)
            .post_form(&urls::cancel_order(gx, &cardio), &[]);
        assert_eq!(res.status, 404);
        assert_eq!(order(app, &cardio).status_low.as_str(), "ordered");
        assert!(app.audit_rows("order.cancelled", &cardio).is_empty());
    });
}

#[test]
fn clinician_cancels_without_javascript_after_a_confirmation_page() {
    each_backend(|app| {
        let id = place(app, PRIMARY_CARE, "Ada", "Lovelace");
        advance(app, &id, LowStatus::AppointmentScheduled);
        let url = urls::order(&app.world.org_id, &id);
        let cancel_url = urls::cancel_order(&app.world.org_id, &id);
        let c = app.login(CLINICIAN);
        let page = c.get(&url);
        assert!(page.body.contains(&format!("href=\"{cancel_url}\"")));
        assert!(page
            .body
            .contains("hx-confirm=\"Cancel the order for Ada Lovelace (born "));
        let confirm = c.get(&cancel_url);
        assert_eq!(confirm.status, 200);
        assert!(
            confirm.text().contains("Cancel this order?") && confirm.text().contains("Lipid Panel")
        );
        assert!(confirm.body.contains("name=\"csrf_token\""));
        // Nothing happens until the form is posted; without the token nothing happens at all.
        assert_eq!(order(app, &id).status_low.as_str(), "appointment_scheduled");
        let forged = c.post_form_raw(&cancel_url, &[]);
        assert_eq!(forged.status, 403);
        assert_eq!(order(app, &id).status_low.as_str(), "appointment_scheduled");

        let events = event_count(app, &id);
        let res = c.post_form(&cancel_url, &[]);
        assert_eq!(res.status, 303, "{}", res.text());
        assert_eq!(
            res.header("location"),
            Some(format!("{url}?done=cancelled").as_str())
        );
        let o = order(app, &id);
        assert_eq!(
            (o.status_high.as_str(), o.status_low.as_str()),
            ("cancelled", "cancelled")
        );
        assert_eq!(event_count(app, &id), events + 1);
        let rows = app.audit_rows("order.cancelled", &id);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].actor_label, CLINICIAN);
        assert!(rows[0].details.contains("appointment_scheduled"));
        let after = c.get(&format!("{url}?done=cancelled")).text();
        assert!(
            after.contains("Order cancelled.")
                && after.contains("cancelled.walk_in_test.cancelled")
        );
        assert!(!after.contains("Cancel order"));
    });
}

#[test]
fn ops_cancels_inline_with_htmx_and_gets_the_status_panel() {
    each_backend(|app| {
        let id = place(app, CARDIOLOGY, "Grace", "Hopper");
        let res = app
            .login(OPS)
            .htmx_post(&urls::cancel_order(&app.world.org_id, &id), &[]);
        assert_eq!(res.status, 200);
        assert!(
            res.body
                .trim_start()
                .starts_with("<section id=\"order-status\""),
            "{}",
            res.body
        );
        assert!(res.text().contains("Order cancelled.") && res.text().contains("Cancelled"));
        assert!(
            !res.body.contains("Grace"),
            "the fragment carries no patient data"
        );
        assert_eq!(order(app, &id).status_low.as_str(), "cancelled");
        assert_eq!(app.audit_rows("order.cancelled", &id)[0].actor_label, OPS);
    });
}

#[test]
fn cancel_is_refused_where_the_status_or_the_role_does_not_allow_it() {
    each_backend(|app| {
        let done = place(app, PRIMARY_CARE, "Alan", "Turing");
        advance(app, &done, LowStatus::PartialResults);
        let url = urls::order(&app.world.org_id, &done);
        let cancel_url = urls::cancel_order(&app.world.org_id, &done);
        let ops = app.login(OPS);
        let page = ops.get(&url).text();
        assert!(!page.contains("Cancel order"));
        assert!(page.contains("This order can no longer be cancelled: it is partial results."));
        let events = event_count(app, &done);
        let res = ops.post_form(&cancel_url, &[]);
        assert_eq!(res.status, 400);
        assert!(res
            .text()
            .contains("An order in status partial_results cannot be cancelled."));
        let res = ops.htmx_post(&cancel_url, &[]);
        assert_eq!(res.status, 400);
        assert_eq!(res.header("hx-retarget"), Some("#flash"));
        assert_eq!(ops.get(&cancel_url).status, 400);
        assert_eq!(order(app, &done).status_low.as_str(), "partial_results");
        assert_eq!(event_count(app, &done), events);
        assert!(app.audit_rows("order.cancelled", &done).is_empty());

        // Cancelling twice: the second is refused and adds nothing.
        let open = place(app, PRIMARY_CARE, "Ada", "Lovelace");
        cancel(app, PRIMARY_CARE, &open);
        let res = ops.post_form(&urls::cancel_order(&app.world.org_id, &open), &[]);
        assert_eq!(res.status, 400);
        assert_eq!(app.audit_rows("order.cancelled", &open).len(), 1);

        // CSMs read orders but do not cancel them.
        let fresh = place(app, PRIMARY_CARE, "Grace", "Hopper");
        let csm = app.login(CSM);
        let cancel_fresh = urls::cancel_order(&app.world.org_id, &fresh);
        assert_eq!(csm.post_form(&cancel_fresh, &[]).status, 403);
        assert_eq!(csm.get(&cancel_fresh).status, 403);
        assert_eq!(order(app, &fresh).status_low.as_str(), "ordered");
        assert!(app.audit_rows("order.cancelled", &fresh).is_empty());
    });
}

/// The unlink question on the platform account's page (the hx-confirm) and on the page shown
/// without JavaScript.
fn unlink_texts(app: &TestApp, account: &LabAccountId, team: &TeamId) -> (String, String) {
    let c = app.login(CSM);
    let page = c.get(&urls::lab_account(&Scope::Platform, account));
    assert_eq!(page.status, 200);
    let unlink = urls::unlink_team(&Scope::Platform, account, team);
    let marker = "hx-confirm=\"";
    let at = page.body.find(&unlink).expect("unlink link");
    let start = page.body[at..].find(marker).unwrap() + at + marker.len();
    let confirm: String = page.body[start..]
        .chars()
        .take_while(|c| *c != '"')
        .collect();
    let no_js = c.get(&unlink).text();
    (confirm, no_js)
}

#[test]
fn unlink_confirmation_counts_the_teams_open_orders_on_the_account() {
    each_backend(|app| {
        // A new platform Labcorp account serves Cardiology in place of the demo's: every order
        // on it is this test's.
        unlink_team(app, app.world.account("LC-PLATFORM-1"), CARDIOLOGY);
        let account = &add_account(
            app,
            &NewAccount {
                lab: "labcorp",
                number: "LC-PLATFORM-2",
                name: "Labcorp (second platform)",
                billing: &[("client_bill", &["NY", "TX"])],
                teams: &[CARDIOLOGY],
                platform: true,
                ..NewAccount::QUEST
            },
        );
        let team = app.world.team(CARDIOLOGY);
        let (confirm, no_js) = unlink_texts(app, account, team);
        assert!(
            confirm.contains("No open orders of Team Cardiology use this account."),
            "{confirm}"
        );
        assert!(
            no_js.contains("No open orders of Team Cardiology use this account."),
            "{no_js}"
        );

        // One order through the API, as a program would place it.
        let user = patient(app, team, "unlink-count-1");
        let body = serde_json::json!({
            "user_id": user,
            "lab_test_id": test_id(app, "labcorp-hba1c"),
            "patient_details": {"first_name": "Una", "last_name": "Link", "dob": "1970-01-01",
                "gender": "female", "phone_number": "+15555550100", "email": "una@example.com"},
            "patient_address": {"first_line": "1 Main St", "city": "Austin", "state": "TX",
                "zip": "73301", "country": "US"}
        });
        let placed = post_order(app, &app.world.cardio_key, &body);
        assert_eq!(placed.status, 200, "{}", placed.body);
        assert_eq!(placed.json()["order"]["lab_account_id"], account.as_str());
        let (confirm, no_js) = unlink_texts(app, account, team);
        let one = "1 open order of Team Cardiology uses this account; it keeps the account and its results still arrive.";
        assert!(confirm.contains(one), "{confirm}");
        assert!(no_js.contains(one), "{no_js}");

        // Two more through the use case; a cancelled and a completed one do not count.
        place_with(app, CARDIOLOGY, "Ola", "Open", "labcorp-hba1c");
        let cancelled = place_with(app, CARDIOLOGY, "Cal", "Cancelled", "labcorp-hba1c");
        cancel(app, CARDIOLOGY, &cancelled);
        let completed = place_with(app, CARDIOLOGY, "Cole", "Complete", "labcorp-hba1c");
        advance(app, &completed, LowStatus::Completed);
        let in_lab = place_with(app, CARDIOLOGY, "Pam", "Partial", "labcorp-hba1c");
        advance(app, &in_lab, LowStatus::PartialResults);
        for id in [&cancelled, &completed, &in_lab] {
            assert_eq!(&order(app, id).lab_account_id, account);
        }
        let (confirm, no_js) = unlink_texts(app, account, team);
        let three = "3 open orders of Team Cardiology use this account; they keep the account and their results still arrive.";
        assert!(
            confirm.starts_with("Unlink Team Cardiology? ") && confirm.contains(three),
            "{confirm}"
        );
        assert!(no_js.contains(three), "{no_js}");
    });
}
