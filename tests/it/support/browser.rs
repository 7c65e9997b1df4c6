//! What the browser tests share on top of the WebDriver client: signing in through the form,
//! telling an htmx swap from a page load, and reading texts in one go.
use labdesk::web::urls;
use serde_json::{json, Value};

use super::app::{Backend, TestApp};
use super::webdriver::{Browser, WAIT};

/// A fresh app (SQLite: the browser adds nothing backend-specific) and a browser, or None when
/// browsers are unavailable here (which `Browser::start` turns into a failure under CI).
pub fn app_and_browser() -> Option<(TestApp, Browser)> {
    let browser = Browser::start()?;
    Some((TestApp::spawn(Backend::Sqlite), browser))
}

/// Signs one of the demo people of Northwind in through the login form and waits for the page
/// every one of them lands on: the org's home.
pub fn sign_in(b: &Browser, app: &TestApp, email: &str) {
    b.goto(&app.url(&urls::sign_in()));
    b.find("#email").send_keys(email);
    b.find("#password")
        .send_keys(labdesk::seed::demo::DEMO_PASSWORD);
    b.find("form button[type=submit]").click();
    let landing = app.url(&urls::org_home(&app.world.org_id));
    b.wait_until(&format!("{email} lands on {landing}"), WAIT, || {
        b.current_url() == landing
    });
}

/// Marks the current document; the mark survives htmx swaps but not a page load.
pub fn mark_page(b: &Browser) {
    b.execute_script("window.__marker = 1; return null;", vec![]);
}

pub fn page_still_marked(b: &Browser) -> bool {
    b.execute_script("return window.__marker === 1;", vec![]) == json!(true)
}

/// Texts of the elements matching `css`, read in one script so an htmx swap cannot interleave.
pub fn texts(b: &Browser, css: &str) -> Vec<String> {
    let v: Value = b.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0])).map(e => e.textContent.trim());",
        vec![json!(css)],
    );
    serde_json::from_value(v).expect("a list of strings")
}
