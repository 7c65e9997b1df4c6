//! The README's screenshots, taken from the demo (the same seed `labdesk demo` starts with) in
//! headless Chromium. Not a check: run it with `scripts/screenshots.sh`, which writes the PNGs
//! to `docs/screenshots/`.
use std::path::PathBuf;

use labdesk::web::urls;

use crate::support::browser::{app_and_browser, sign_in};
use crate::support::orders::org_order_ids;
use crate::support::results::results_of;
use crate::support::webdriver::Browser;
use crate::support::{CLINICIAN, OPS};

fn save(b: &Browser, dir: &std::path::Path, name: &str) {
    // Let fonts and the last htmx settle draw before the picture.
    std::thread::sleep(std::time::Duration::from_millis(300));
    let path = dir.join(format!("{name}.png"));
    std::fs::write(&path, b.screenshot()).expect("write the screenshot");
    eprintln!("wrote {}", path.display());
}

#[test]
#[ignore = "writes the README's screenshots; run scripts/screenshots.sh"]
fn take_the_readme_screenshots() {
    let dir = PathBuf::from(
        std::env::var("LABDESK_SCREENSHOTS").unwrap_or_else(|_| "docs/screenshots".to_string()),
    );
    std::fs::create_dir_all(&dir).expect("the screenshots folder");
    let Some((app, b)) = app_and_browser() else {
        panic!("screenshots need Chromium and chromedriver");
    };
    let org = app.world.org();
    let org_id = &app.world.org_id;
    b.set_window_size(1280, 900);

    sign_in(&b, &app, OPS);
    save(&b, &dir, "home");
    b.goto(&app.url(&urls::lab_accounts(org)));
    save(&b, &dir, "lab-accounts");
    b.goto(&app.url(&urls::lab_account(org, app.world.account("97500001"))));
    save(&b, &dir, "lab-account");
    b.goto(&app.url(&urls::org_orders(org_id)));
    save(&b, &dir, "orders");
    // The order with the most result versions shows results, changes and trends.
    let richest = org_order_ids(&app, org_id)
        .into_iter()
        .max_by_key(|id| results_of(&app, id))
        .expect("demo orders");
    b.goto(&app.url(&urls::order(org_id, &richest)));
    save(&b, &dir, "order");
    b.goto(&app.url(&urls::review_queue(org)));
    save(&b, &dir, "review-queue");
    b.find("#review-table tbody tr a").click();
    b.wait_until(
        "a review item opens",
        crate::support::webdriver::WAIT,
        || b.current_url().contains("/review/"),
    );
    save(&b, &dir, "review-item");
    b.goto(&app.url(&urls::audit(org_id)));
    save(&b, &dir, "audit");

    b.delete_cookies();
    sign_in(&b, &app, CLINICIAN);
    b.goto(&app.url(&urls::teams(org_id)));
    save(&b, &dir, "teams-clinician");

    b.set_window_size(390, 844);
    b.goto(&app.url(&urls::order(org_id, &richest)));
    save(&b, &dir, "order-phone");
}
