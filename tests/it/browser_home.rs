//! The home page in a real headless Chromium: signing in lands on it, each lab account's chart is
//! an SVG with a name a screen reader reads, and its link opens the orders list filtered by that
//! account. SQLite only; skipped without chromedriver, except under CI.
use labdesk::web::urls;

use crate::support::browser::{app_and_browser, sign_in, texts};
use crate::support::webdriver::WAIT;
use crate::support::CLINICIAN;

#[test]
fn browser_sign_in_lands_on_home_whose_chart_links_to_the_filtered_orders() {
    let Some((app, b)) = app_and_browser() else {
        return;
    };
    // `sign_in` waits for the landing page: the org's home.
    sign_in(&b, &app, CLINICIAN);
    assert_eq!(b.find("h1").text(), "Home");
    assert_eq!(b.find("nav a[aria-current=\"page\"]").text(), "Home");

    let label = b
        .find("#home-charts svg.bars")
        .attribute("aria-label")
        .unwrap_or_default();
    assert!(
        label.starts_with("Orders per day on Quest West from "),
        "{label}"
    );
    assert!(!b.find_all("#home-charts svg.bars rect.bar").is_empty());
    assert!(b.find("#home-charts svg.bars title").is_attached());

    let first = b.find("#home-charts ul.charts li a");
    let href = first.attribute("href").unwrap_or_default();
    assert!(href.contains("lab_account_id="), "{href}");
    first.click();
    let orders = app.url(&urls::org_orders(&app.world.org_id));
    b.wait_until("the filtered orders list opens", WAIT, || {
        b.current_url().starts_with(&format!("{orders}?"))
    });
    let account = href.split("lab_account_id=").nth(1).unwrap_or_default();
    let account = account.split('&').next().unwrap_or_default();
    assert_eq!(
        b.find("select[name=lab_account_id]").property("value"),
        serde_json::json!(account),
        "the filter shows the chart's account"
    );
    let rows = texts(&b, "#orders-table tbody tr");
    assert!(!rows.is_empty(), "the list shows the account's orders");
    assert!(rows.iter().all(|r| r.contains("Quest West")), "{rows:?}");
}
