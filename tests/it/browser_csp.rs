//! The dashboard in a real headless Chromium under its Content-Security-Policy: the pages and
//! their htmx interactions work, and the browser reports no CSP violation on the console (an
//! inline script, style or handler would be refused and reported). SQLite only; skipped without
//! chromedriver, except under CI.
use labdesk::web::urls;
use serde_json::{json, Value};

use crate::support::browser::{app_and_browser, mark_page, page_still_marked, sign_in};
use crate::support::webdriver::{Browser, WAIT};
use crate::support::{TestApp, CLINICIAN, OPS, PRIMARY_CARE};

/// The browser console messages since the last call (chromedriver's log API).
fn console(b: &Browser) -> Vec<String> {
    let entries = b
        .try_cmd("POST", "/se/log", Some(json!({"type": "browser"})))
        .unwrap_or_else(|e| panic!("reading the browser console: {e}"));
    match entries {
        Value::Array(items) => items
            .iter()
            .map(|e| e["message"].as_str().unwrap_or_default().to_string())
            .collect(),
        other => panic!("unexpected console log answer: {other}"),
    }
}

fn csp_violations(b: &Browser) -> Vec<String> {
    console(b)
        .into_iter()
        .filter(|m| m.contains("Content Security Policy") || m.contains("Content-Security-Policy"))
        .collect()
}

/// htmx loaded from our file and took its settings from the htmx-config meta.
fn assert_htmx_configured(b: &Browser) {
    let config = b.execute_script(
        "return window.htmx ? [htmx.config.allowEval, htmx.config.includeIndicatorStyles] : null;",
        vec![],
    );
    assert_eq!(config, json!([false, false]), "htmx and its config");
}

/// An order of the org whose page draws result charts (the demo's patient with several panels).
fn order_with_chart(app: &TestApp) -> labdesk::domain::ids::OrderId {
    use diesel::prelude::*;
    use labdesk::db::schema::results::dsl as r;
    let ids: Vec<labdesk::domain::ids::OrderId> = r::results
        .select(r::order_id)
        .load(&mut app.conn())
        .unwrap();
    let c = app.login(OPS);
    ids.into_iter()
        .find(|id| {
            c.get(&urls::order(&app.world.org_id, id))
                .body
                .contains(r#"<svg class="spark""#)
        })
        .expect("the demo seed has an order with a result chart")
}

#[test]
fn browser_pages_and_htmx_work_under_the_csp_without_violations() {
    let Some((app, b)) = app_and_browser() else {
        return;
    };
    let org = &app.world.org_id;
    sign_in(&b, &app, OPS);
    assert_htmx_configured(&b);

    // An htmx filter swaps the accounts table.
    b.goto(&app.url(&urls::lab_accounts(app.world.org())));
    let table = b.find("#accounts-table");
    b.find("select[name=status]").select_by_value("suspended");
    b.wait_until("the filter swaps the table", WAIT, || !table.is_attached());
    assert_eq!(b.find_all("#accounts-table tbody tr").len(), 1);

    // The order page with its result charts (SVG), the orders list, the audit page.
    let order = order_with_chart(&app);
    b.goto(&app.url(&urls::order(org, &order)));
    assert!(!b.find_all("svg.spark polyline").is_empty());
    b.goto(&app.url(&urls::org_orders(org)));
    b.find("table");
    b.goto(&app.url(&urls::audit(org)));
    b.find("h1");
    assert_eq!(csp_violations(&b), Vec::<String>::new());

    // A clinician starts an order with the Team page's button and moves through a step by htmx.
    b.find("header .who button").click();
    sign_in(&b, &app, CLINICIAN);
    b.goto(&app.url(&urls::team(org, app.world.team(PRIMARY_CARE))));
    b.find(".page-head form button.primary").click();
    b.wait_until("the patient step opens", WAIT, || {
        b.current_url().ends_with("/patient")
    });
    assert_htmx_configured(&b);
    mark_page(&b);
    b.find("#patient-form button[type=submit]").click();
    b.find("#patient-form .field-error");
    assert!(page_still_marked(&b), "htmx swapped the step in place");
    assert_eq!(csp_violations(&b), Vec::<String>::new());
}
