//! Accepting a review item by picking its order: the candidate orders respect the item's Team
//! (two Teams sharing an account never see each other's patients), the search by name or date
//! of birth is a POST (no patient data in a URL) and an audited read, and the accept through the
//! picker puts the result on the chosen order with its audit row.
use labdesk::domain::ids::{OrderId, ReviewItemId};
use labdesk::domain::review::ReviewAction;
use labdesk::web::urls;

use crate::support::data::{link_team, unlink_team};
use crate::support::orders::place;
use crate::support::results::{item, queue, results_of};
use crate::support::{each_backend, TestApp, CARDIOLOGY, OPS, PRIMARY_CARE};

const DEMOGRAPHICS: &str = "match_sample_id_mismatch_demo";

/// The same patient name ordered by Primary Care (on Quest West) and by Cardiology, with Quest
/// West then shared by both Teams: (Primary Care's order, Cardiology's order).
fn two_teams_sharing_an_account(app: &TestApp) -> (OrderId, OrderId) {
    let pc = place(app, PRIMARY_CARE, "Jane", "Scopetest");
    let cardio = place(app, CARDIOLOGY, "Jane", "Scopetest");
    link_team(app, app.world.account("97500001"), CARDIOLOGY);
    (pc, cardio)
}

/// A result for Primary Care's order with another date of birth: the item is Primary Care's.
fn primary_care_item(app: &TestApp, pc: &OrderId) -> ReviewItemId {
    let id = queue(app, "97500001", pc.as_str(), "Scopetest", DEMOGRAPHICS);
    assert_eq!(
        item(app, &id).team_id.as_ref(),
        Some(app.world.team(PRIMARY_CARE))
    );
    id
}

#[test]
fn a_teams_item_never_offers_another_teams_orders_even_on_a_shared_account() {
    each_backend(|app| {
        let (pc, cardio) = two_teams_sharing_an_account(app);
        let id = primary_care_item(app, &pc);
        let ops = app.login(OPS);
        let page = ops.get(&urls::review_item(app.world.org(), &id));
        assert!(
            page.body.contains(&format!(
                r#"name="order_id" value="{pc}" id="order-{pc}" checked>"#
            )),
            "the likely order is listed and chosen: {}",
            page.body
        );
        assert!(!page.body.contains(cardio.as_str()), "another Team's order");
        assert!(page.text().contains("Jane Scopetest born 1980-02-29"));

        // Searching by name or date of birth: a POST whose answer lists only Primary Care's.
        let search = urls::review_candidates(app.world.org(), &id);
        assert!(page.body.contains(&format!(r#"action="{search}""#)));
        assert!(!search.contains('?'), "nothing typed goes into the address");
        let viewed = app.audit_rows("result.review_viewed", &id).len();
        for q in ["Scopetest", "jan", "1980-02-29"] {
            let res = ops.post_form(&search, &[("q", q)]);
            assert_eq!(res.status, 200, "{q}");
            assert!(res.body.contains(&format!(r#"value="{pc}""#)), "{q}");
            assert!(!res.body.contains(cardio.as_str()), "{q}");
            assert!(res
                .body
                .contains(&format!(r#"name="q" type="search" value="{q}""#)));
            assert!(res.body.contains("<html"), "without htmx, the whole page");
        }
        assert_eq!(
            app.audit_rows("result.review_viewed", &id).len(),
            viewed + 3,
            "every search is an audited read"
        );
        // With htmx, only the list.
        let fragment = ops.htmx_post(&search, &[("q", "Scopetest")]);
        assert!(!fragment.body.contains("<html"));
        assert!(fragment
            .body
            .trim_start()
            .starts_with(r#"<fieldset id="candidates""#));
        assert!(fragment.body.contains(pc.as_str()) && !fragment.body.contains(cardio.as_str()));
        let none = ops.post_form(&search, &[("q", "Nobodyatall")]);
        assert!(none
            .text()
            .contains("0 orders found. No order matches that search."));
        // Without the CSRF token the search is refused like any form.
        assert_eq!(
            ops.post_form_raw(&search, &[("q", "Scopetest")]).status,
            403
        );

        // Accepting onto the other Team's order anyway (an edited form): not found, no change.
        let changes = app.changes();
        let res = ops.post_form(
            &urls::decide_review_item(app.world.org(), &id, ReviewAction::Accept),
            &[
                ("version", "1"),
                ("order_id", cardio.as_str()),
                ("note", ""),
            ],
        );
        assert_eq!(res.status, 404);
        assert_eq!(item(app, &id).status.as_str(), "pending_customer_review");
        assert_eq!(results_of(app, &cardio), 0);
        assert!(app.audit_rows("result.review_accepted", &id).is_empty());
        assert_eq!(app.changes(), changes);
    });
}

#[test]
fn an_item_of_no_team_offers_the_orders_of_the_teams_its_account_is_linked_to() {
    each_backend(|app| {
        let (pc, cardio) = two_teams_sharing_an_account(app);
        // No placer order number: no candidate, so the item belongs to no Team.
        let id = queue(app, "97500001", "", "Scopetest", "no_match");
        assert_eq!(item(app, &id).team_id, None);
        let ops = app.login(OPS);
        let url = urls::review_item(app.world.org(), &id);
        let page = ops.get(&url);
        assert!(page.body.contains(pc.as_str()) && page.body.contains(cardio.as_str()));
        // Once the account is Primary Care's alone, Cardiology's patients are gone from it.
        unlink_team(app, app.world.account("97500001"), CARDIOLOGY);
        let page = ops.get(&url);
        assert!(page.body.contains(pc.as_str()));
        assert!(!page.body.contains(cardio.as_str()));
    });
}

#[test]
fn accepting_through_the_picker_puts_the_result_on_the_chosen_order() {
    each_backend(|app| {
        let (pc, _) = two_teams_sharing_an_account(app);
        let id = primary_care_item(app, &pc);
        let ops = app.login(OPS);
        let page = ops.get(&urls::review_item(app.world.org(), &id));
        // The order id comes from the radio the page offers, not from anywhere else.
        let picked = page
            .body
            .split(r#"type="radio" name="order_id" value=""#)
            .nth(1)
            .and_then(|s| s.split('"').next())
            .expect("a candidate to pick")
            .to_string();
        assert_eq!(picked, pc.as_str());
        let res = ops.post_form(
            &urls::decide_review_item(app.world.org(), &id, ReviewAction::Accept),
            &[
                ("version", "1"),
                ("order_id", &picked),
                ("note", "Same person"),
            ],
        );
        assert_eq!(res.status, 303, "{}", res.text());
        let decided = item(app, &id);
        assert_eq!(decided.status.as_str(), "accepted");
        assert_eq!(decided.resolved_order_id.as_ref(), Some(&pc));
        assert_eq!(results_of(app, &pc), 1);
        let audit = app.audit_rows("result.review_accepted", &id);
        assert_eq!(audit.len(), 1);
        assert_eq!(audit[0].actor_label, OPS);
        let details: serde_json::Value = serde_json::from_str(&audit[0].details).unwrap();
        assert_eq!(details["order_id"], serde_json::json!(pc));
        assert_eq!(details["note"], serde_json::json!("Same person"));
        // Decided: no picker any more, the order it went on instead.
        let after = ops.get(&res.location());
        assert!(!after.body.contains(r#"id="candidates""#));
        assert!(after.body.contains(r#"id="resolved-order-link""#));
    });
}

#[test]
fn no_order_chosen_is_refused_in_plain_words_next_to_the_list() {
    each_backend(|app| {
        let (pc, _) = two_teams_sharing_an_account(app);
        let id = primary_care_item(app, &pc);
        let ops = app.login(OPS);
        let changes = app.changes();
        let res = ops.post_form(
            &urls::decide_review_item(app.world.org(), &id, ReviewAction::Accept),
            &[("version", "1"), ("note", "kept")],
        );
        assert_eq!(res.status, 422);
        assert!(res
            .text()
            .contains("Choose the order this result belongs to from the list"));
        assert!(res.body.contains(
            r#"<fieldset id="candidates" class="candidates" aria-describedby="accept-error">"#
        ));
        assert!(res.body.contains(">kept</textarea>"));
        assert_eq!(item(app, &id).status.as_str(), "pending_customer_review");
        assert_eq!(app.changes(), changes);
    });
}
