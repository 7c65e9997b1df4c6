//! The review queue in a real headless Chromium: an org admin opens the queue, opens the demo's
//! lab_account_mismatch item, is refused without the confirmation (the typed note stays), confirms
//! with a note, accepts, follows the link to the order and sees it completed. SQLite only;
//! skipped without chromedriver, except under CI.
use labdesk::web::urls;

use crate::support::browser::{app_and_browser, sign_in};
use crate::support::orders::order;
use crate::support::results::{demo_item, item, results_of, MISMATCH};
use crate::support::webdriver::{keys, WAIT};
use crate::support::OPS;

const NOTE: &str = "Quest confirmed: the requisition carried Quest East's account number.";

#[test]
fn browser_ops_accepts_a_mismatched_result_onto_its_order() {
    let Some((app, b)) = app_and_browser() else {
        return;
    };
    let m = demo_item(&app, MISMATCH);
    let order = m.candidate_order_id.clone().expect("a candidate order");
    let results_before = results_of(&app, &order);

    // Sign in and open the queue from the navigation.
    sign_in(&b, &app, OPS);
    b.find("nav a[href$=\"/review\"]").click();
    let queue = app.url(&urls::review_queue(app.world.org()));
    b.wait_until("the review queue opens", WAIT, || b.current_url() == queue);
    assert!(b.find("h1").text().contains("Review queue"));

    // Open the item delivered on the wrong account.
    b.find("#review-table tr[data-decision-code=\"lab_account_mismatch\"] td:first-child a")
        .click();
    let item_url = app.url(&urls::review_item(app.world.org(), &m.id));
    b.wait_until("the item opens", WAIT, || b.current_url() == item_url);
    let differing = b.find("#review-compare tr.differs").text();
    assert!(
        differing.contains("Lab account") && differing.contains("Differs"),
        "{differing}"
    );
    assert_eq!(
        b.find("input[name=order_id]:checked").property("value"),
        serde_json::json!(order),
        "the candidate order is preselected"
    );

    // Without the confirmation: refused, the note is still there, nothing changed.
    b.find("#accept-note").send_keys(NOTE);
    b.find("#accept-form button[type=submit]").click();
    let error = b.find("#accept-error").text();
    assert!(
        error.contains("confirm that it belongs to this order"),
        "{error}"
    );
    assert_eq!(
        b.find("#accept-note").property("value"),
        serde_json::json!(NOTE)
    );
    assert_eq!(item(&app, &m.id).status.as_str(), "pending_customer_review");

    // Confirm and accept.
    b.find("#confirm_mismatch").click();
    b.find("#accept-form button[type=submit]").click();
    b.wait_until("the decision is shown", WAIT, || {
        b.current_url() == format!("{item_url}?done=accepted")
    });
    let state = b.find("#review-state").text();
    assert!(state.contains(&format!("Accepted by {OPS}")), "{state}");
    let decided = item(&app, &m.id);
    assert_eq!(decided.status.as_str(), "accepted");
    assert_eq!(decided.resolution_note.as_deref(), Some(NOTE));
    assert_eq!(results_of(&app, &order), results_before + 1);

    // The order now shows the result's effect.
    b.find("#resolved-order-link").click();
    let order_url = app.url(&urls::order(&app.world.org_id, &order));
    b.wait_until("the order page opens", WAIT, || {
        b.current_url() == order_url
    });
    let status = b.find("#order-status").text();
    assert!(status.contains("Completed"), "{status}");
    assert!(
        status.contains("completed.walk_in_test.completed"),
        "{status}"
    );
    // The accepted result is on the order page: its first value by name.
    let parsed: serde_json::Value = serde_json::from_str(&item(&app, &m.id).parsed).unwrap();
    let marker = parsed["observations"][0]["name"]
        .as_str()
        .unwrap()
        .to_string();
    let results = b.find("#order-results").text();
    assert!(results.contains(&marker), "{marker} not in {results}");
}

#[test]
fn browser_review_decision_by_keyboard_alone() {
    let Some((app, b)) = app_and_browser() else {
        return;
    };
    let m = demo_item(&app, MISMATCH);
    let likely = m.candidate_order_id.clone().expect("a candidate order");
    let details: serde_json::Value =
        serde_json::from_str(&order(&app, &likely).patient_details).unwrap();
    let last_name = details["last_name"].as_str().unwrap().to_string();
    let results_before = results_of(&app, &likely);
    sign_in(&b, &app, OPS);
    let item_url = app.url(&urls::review_item(app.world.org(), &m.id));
    b.goto(&item_url);

    // Find the order by the patient's name: the list is swapped in and takes the focus.
    b.tab_to("#candidate-q");
    b.press(&last_name);
    b.press(keys::ENTER);
    b.wait_until("the search's answer has the focus", WAIT, || {
        b.focused_is("#candidates-count")
    });
    assert!(b.find("#candidates-count").text().contains("found"));
    // Pick the order (Tab lands on the chosen radio of the group), confirm, note, accept.
    b.tab_to(&format!("input[name=order_id][value=\"{likely}\"]"));
    b.press(keys::SPACE);
    b.tab_to("#confirm_mismatch");
    b.press(keys::SPACE);
    b.tab_to("#accept-note");
    b.press(NOTE);
    b.tab_to("#accept-form button[type=submit]");
    b.press(keys::ENTER);
    b.wait_until("the decision is shown", WAIT, || {
        b.current_url() == format!("{item_url}?done=accepted")
    });

    let decided = item(&app, &m.id);
    assert_eq!(decided.status.as_str(), "accepted");
    assert_eq!(decided.resolved_order_id.as_ref(), Some(&likely));
    assert_eq!(decided.resolution_note.as_deref(), Some(NOTE));
    assert_eq!(results_of(&app, &likely), results_before + 1);
    let audit = app.audit_rows("result.review_accepted", &m.id);
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].actor_label, OPS);
    assert!(audit[0].details.contains(likely.as_str()));
}
