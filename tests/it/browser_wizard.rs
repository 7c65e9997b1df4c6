//! The order wizard in a real headless Chromium: htmx moves between steps without page loads and
//! keeps the URL on the step; the account step appears only with a choice; with no lab open to
//! the Team the tests step stops, says why and leads back; an account suspended before submit
//! sends the user back to the account step; the whole wizard by keyboard alone, the focus on
//! each step's heading. Each test checks the page and the database. SQLite only; skipped without
//! chromedriver, except under CI.
use labdesk::domain::ids::OrderId;
use labdesk::domain::lab_account::AccountStatus;
use labdesk::web::urls;
use serde_json::json;

use crate::support::axe::assert_accessible;
use crate::support::browser::{app_and_browser, mark_page, page_still_marked, sign_in};
use crate::support::data::{add_account, order_count, set_status, test_id, NewAccount};
use crate::support::orders::order;
use crate::support::webdriver::{keys, Browser, WAIT};
use crate::support::{TestApp, CLINICIAN, PRIMARY_CARE};
use crate::wizard::support::patient_fields;

/// Signs the demo clinician in and opens a new Primary Care order from the Team page.
fn start_order(b: &Browser, app: &TestApp) {
    sign_in(b, app, CLINICIAN);
    let team = urls::team(&app.world.org_id, app.world.team(PRIMARY_CARE));
    b.goto(&app.url(&team));
    b.find(".page-head form button.primary").click();
    wait_for_step(b, "patient");
    mark_page(b);
}

/// Waits until the URL is the step's and the step's heading is shown.
fn wait_for_step(b: &Browser, step: &str) {
    let suffix = format!("/{step}");
    b.wait_until(&format!("the {step} step opens"), WAIT, || {
        b.current_url().ends_with(&suffix)
    });
    let heading = match step {
        "patient" => "Patient",
        "tests" => "Tests",
        "account" => "Lab account",
        "billing" => "Billing",
        _ => "Review",
    };
    b.wait_until(&format!("the {step} heading shows"), WAIT, || {
        b.find("#step-h").try_text().as_deref() == Some(heading)
    });
}

fn type_into(b: &Browser, css: &str, text: &str) {
    let e = b.find(css);
    e.clear();
    e.send_keys(text);
}

fn fill_patient(b: &Browser, state: &str) {
    for (name, value) in patient_fields(state) {
        match name {
            "gender" | "state" => b.find(&format!("#{name}")).select_by_value(&value),
            _ => type_into(b, &format!("#{name}"), &value),
        }
    }
}

fn continue_button(b: &Browser) {
    b.find("#wizard form.wizard-form button.primary").click();
}

fn choose_test(b: &Browser, app: &TestApp, slug: &str) {
    b.find(&format!(
        "input[name=test_id][value=\"{}\"]",
        test_id(app, slug)
    ))
    .click();
}

/// Patient in `state` (after one invalid try that keeps what was typed), then the Lipid Panel.
fn patient_and_tests(b: &Browser, app: &TestApp, state: &str) {
    fill_patient(b, state);
    type_into(b, "#zip", "941");
    continue_button(b);
    let error = b.find("#zip-err").text();
    assert!(error.contains("Enter a ZIP code like 12345"), "{error}");
    assert_eq!(b.find("#last_name").property("value"), json!("Lovelace"));
    assert_eq!(b.find("#state").property("value"), json!(state));
    assert!(b.current_url().ends_with("/patient"));
    type_into(b, "#zip", "94105");
    continue_button(b);
    wait_for_step(b, "tests");
    choose_test(b, app, "quest-lipid-panel");
    continue_button(b);
}

/// Places the order from the review step and returns its id (from the URL it opens).
fn place_order(b: &Browser, app: &TestApp) -> OrderId {
    b.find("#place-order").click();
    let prefix = format!("{}/", app.url(&urls::org_orders(&app.world.org_id)));
    b.wait_until("the order's page opens", WAIT, || {
        b.current_url().starts_with(&prefix)
    });
    OrderId::from_text(&b.current_url()[prefix.len()..])
}

#[test]
fn browser_wizard_with_one_eligible_account_skips_the_account_step() {
    let Some((app, b)) = app_and_browser() else {
        return;
    };
    start_order(&b, &app);
    patient_and_tests(&b, &app, "CA");
    wait_for_step(&b, "billing");
    assert!(
        page_still_marked(&b),
        "htmx moved between steps without a page load"
    );
    let steps = b.find("ol.wizard-steps").text();
    assert!(!steps.contains("Lab account"), "{steps}");
    assert!(b.find("#wizard").text().contains("Quest West, 97500001"));

    // Back returns to the tests step as saved (asked from the server, not a stale snapshot).
    b.back();
    wait_for_step(&b, "tests");
    let lipid = format!(
        "input[name=test_id][value=\"{}\"]",
        test_id(&app, "quest-lipid-panel")
    );
    assert_eq!(b.find(&lipid).property("checked"), json!(true));
    continue_button(&b);
    wait_for_step(&b, "billing");

    b.find("input[name=billing_type][value=client_bill]")
        .click();
    continue_button(&b);
    wait_for_step(&b, "review");
    assert_eq!(
        b.find("#review-account strong").text(),
        "Quest West, 97500001"
    );
    assert!(b.find("#review-tests").text().contains("Lipid Panel"));

    let before = order_count(&app);
    let order_id = place_order(&b, &app);
    assert_eq!(order_count(&app), before + 1);
    let o = order(&app, &order_id);
    assert_eq!(o.lab_account_id, *app.world.account("97500001"));
    assert_eq!(o.billing_type.as_str(), "client_bill");
    assert_eq!(app.audit_rows("order.created", &order_id).len(), 1);
}

#[test]
fn browser_wizard_with_two_eligible_accounts_shows_the_step_and_uses_the_choice() {
    let Some((app, b)) = app_and_browser() else {
        return;
    };
    let central = add_account(&app, &NewAccount::QUEST);
    start_order(&b, &app);
    patient_and_tests(&b, &app, "CA");
    wait_for_step(&b, "account");
    assert_accessible(&b, "the wizard's account step");
    assert!(page_still_marked(&b));
    assert!(b.find("ol.wizard-steps").text().contains("Lab account"));
    let west = app.world.account("97500001");
    for id in [west, &central] {
        let radio = b.find(&format!("input[name=account_id][value=\"{id}\"]"));
        assert_eq!(radio.property("disabled"), json!(false), "{id}");
    }
    b.find(&format!("input[name=account_id][value=\"{central}\"]"))
        .click();
    continue_button(&b);
    wait_for_step(&b, "billing");
    b.find("input[name=billing_type][value=client_bill]")
        .click();
    continue_button(&b);
    wait_for_step(&b, "review");
    assert_eq!(
        b.find("#review-account strong").text(),
        "Quest Central, 97500077"
    );
    let order_id = place_order(&b, &app);
    assert_eq!(order(&app, &order_id).lab_account_id, central);
}

#[test]
fn browser_wizard_with_no_orderable_lab_is_blocked_with_the_reason_and_a_way_back() {
    let Some((app, b)) = app_and_browser() else {
        return;
    };
    start_order(&b, &app);
    // Quest West bills nothing in NY, and no other lab is open to the Team there.
    fill_patient(&b, "NY");
    continue_button(&b);
    wait_for_step(&b, "tests");
    let blocked = b.find("#tests-blocked").text();
    assert!(
        blocked.contains("No tests can be ordered for this patient.")
            && blocked.contains("Quest Diagnostics tests cannot be ordered for Team Primary Care")
            && blocked.contains("serves patients in NY"),
        "{blocked}"
    );
    assert!(
        b.find_all("#wizard button.primary").is_empty(),
        "no Continue"
    );
    // The way back: to the patient, whose state is what blocks.
    assert_accessible(&b, "the wizard's blocked tests step");
    b.find("#tests-blocked a").click();
    wait_for_step(&b, "patient");
    b.find("#state").select_by_value("CA");
    continue_button(&b);
    wait_for_step(&b, "tests");
    choose_test(&b, &app, "quest-lipid-panel");
    continue_button(&b);
    wait_for_step(&b, "billing");
    assert!(page_still_marked(&b), "all of it without a page load");
}

/// Continues by keyboard: Tab to the step's Continue button and press Enter; the next step
/// opens with its heading focused.
fn continue_by_keys(b: &Browser, next: &str) {
    b.tab_to("#wizard form.wizard-form button.primary");
    b.press(keys::ENTER);
    wait_for_step(b, next);
    b.wait_until(&format!("the {next} heading has the focus"), WAIT, || {
        b.focused_is("#step-h")
    });
    assert_accessible(b, &format!("the wizard's {next} step"));
}

#[test]
fn browser_wizard_can_be_completed_with_the_keyboard_alone() {
    let Some((app, b)) = app_and_browser() else {
        return;
    };
    sign_in(&b, &app, CLINICIAN);
    let team = urls::team(&app.world.org_id, app.world.team(PRIMARY_CARE));
    b.goto(&app.url(&team));
    b.tab_to(".page-head form button.primary");
    b.press(keys::ENTER);
    wait_for_step(&b, "patient");
    b.wait_until("the heading has the focus", WAIT, || {
        b.focused_is("#step-h")
    });
    assert_accessible(&b, "the wizard's patient step");

    // The patient: typed field by field; the selects by arrow key and by typing.
    for (name, value) in patient_fields("CA") {
        b.tab_to(&format!("#{name}"));
        match name {
            "gender" => b.press(keys::DOWN), // "Female", the first after "Choose…"
            "state" => b.press("CA"),
            _ => b.press(&value),
        }
    }
    assert_eq!(b.find("#gender").property("value"), json!("female"));
    assert_eq!(b.find("#state").property("value"), json!("CA"));
    continue_by_keys(&b, "tests");

    let lipid = format!(
        "input[name=test_id][value=\"{}\"]",
        test_id(&app, "quest-lipid-panel")
    );
    b.tab_to(&lipid);
    b.press(keys::SPACE);
    continue_by_keys(&b, "billing");

    b.tab_to("input[name=billing_type]");
    b.press(keys::SPACE);
    continue_by_keys(&b, "review");

    let before = order_count(&app);
    b.tab_to("#place-order");
    b.press(keys::ENTER);
    let prefix = format!("{}/", app.url(&urls::org_orders(&app.world.org_id)));
    b.wait_until("the order's page opens", WAIT, || {
        b.current_url().starts_with(&prefix)
    });
    let order_id = OrderId::from_text(&b.current_url()[prefix.len()..]);
    assert_eq!(order_count(&app), before + 1);
    let o = order(&app, &order_id);
    assert_eq!(o.lab_account_id, *app.world.account("97500001"));
    assert_eq!(o.billing_type.as_str(), "client_bill");
    assert_eq!(o.created_by, CLINICIAN);
    let created = app.audit_rows("order.created", &order_id);
    assert_eq!(created.len(), 1);
    assert_eq!(created[0].actor_label, CLINICIAN);
    assert_eq!(app.audit_rows("patient.created", &o.user_id).len(), 1);
    let details: serde_json::Value = serde_json::from_str(&o.patient_details).unwrap();
    assert_eq!(details["last_name"], json!("Lovelace"));
    assert_eq!(details["gender"], json!("female"));
}

#[test]
fn browser_wizard_account_suspended_before_submit_returns_to_the_account_step() {
    let Some((app, b)) = app_and_browser() else {
        return;
    };
    start_order(&b, &app);
    patient_and_tests(&b, &app, "CA");
    wait_for_step(&b, "billing");
    b.find("input[name=billing_type][value=client_bill]")
        .click();
    continue_button(&b);
    wait_for_step(&b, "review");
    assert_eq!(
        b.find("#review-account strong").text(),
        "Quest West, 97500001"
    );

    // Meanwhile, the account is suspended.
    set_status(
        &app,
        app.world.account("97500001"),
        AccountStatus::Suspended,
    );
    let (orders, audit) = (order_count(&app), app.audit_total());
    b.find("#place-order").click();
    wait_for_step(&b, "account");
    let notice = b.find("#account-notice").text();
    assert!(
        notice.contains("Lab account Quest West is suspended and does not take new orders."),
        "{notice}"
    );
    assert!(b
        .find("#account-blocked")
        .text()
        .contains("Ask your ops admin"));
    assert_eq!(order_count(&app), orders, "no order row");
    assert_eq!(app.audit_total(), audit, "no audit row");
}

#[test]
fn browser_wizard_shows_a_refused_htmx_request_in_the_flash() {
    let Some((app, b)) = app_and_browser() else {
        return;
    };
    let patient_count = || -> i64 {
        use diesel::prelude::*;
        use labdesk::db::schema::patients::dsl as p;
        p::patients.count().get_result(&mut app.conn()).unwrap()
    };
    let before = patient_count();
    start_order(&b, &app);
    fill_patient(&b, "CA");
    // A stale token (as after signing in again in another tab): the server refuses with 403.
    b.execute_script(
        "document.body.setAttribute('hx-headers', '{\"X-CSRF-Token\": \"stale\"}'); return null;",
        vec![],
    );
    continue_button(&b);
    let flash = b.find("#flash .flash-error").text();
    assert!(flash.contains("missing or wrong CSRF token"), "{flash}");
    assert!(
        page_still_marked(&b),
        "the error was swapped in, no page load"
    );
    assert_eq!(b.find("#first_name").property("value"), json!("Ada"));
    assert!(b.current_url().ends_with("/patient"));
    assert_eq!(patient_count(), before, "no patient was created");
}
