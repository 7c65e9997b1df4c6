//! In a real headless Chromium: a new key's secret is shown once and a reload makes no other
//! key; an htmx action after the session ended elsewhere lands on sign-in, and signing in comes
//! back to the page. SQLite only; skipped without chromedriver, except under CI.
use diesel::prelude::*;
use labdesk::db::schema::sessions;
use labdesk::web::urls;
use serde_json::json;

use crate::support::browser::{app_and_browser, sign_in};
use crate::support::data::count;
use crate::support::sessions::user_id;
use crate::support::webdriver::WAIT;
use crate::support::{OPS, PRIMARY_CARE};

#[test]
fn browser_a_new_key_is_shown_once_and_a_reload_makes_no_other() {
    let Some((app, b)) = app_and_browser() else {
        return;
    };
    sign_in(&b, &app, OPS);
    let keys = urls::team_keys(&app.world.org_id, app.world.team(PRIMARY_CARE));
    b.goto(&app.url(&keys));
    let before = count(&app, "api_keys");
    b.find("#key-label").send_keys("Browser key");
    b.find("form.status-form button[type=submit]").click();
    b.wait_until("the new key's page opens", WAIT, || {
        b.current_url().ends_with("/created")
    });
    let secret = b.find("#new-key-secret").text();
    assert!(secret.starts_with("ldk_team_"), "{secret}");
    assert!(b
        .find("main")
        .text()
        .contains("Copy it now: it will not be shown again."));
    assert_eq!(
        b.find("button[data-copy]")
            .attribute("data-copy")
            .as_deref(),
        Some("#new-key-secret")
    );
    assert_eq!(count(&app, "api_keys"), before + 1);

    b.try_cmd("POST", "/refresh", Some(json!({}))).unwrap();
    b.wait_until("the reloaded page says the secret was shown", WAIT, || {
        b.find("main").text().contains("was shown once")
    });
    assert!(b.find_all("#new-key-secret").is_empty());
    assert!(!b.source().contains(&secret));
    assert_eq!(
        count(&app, "api_keys"),
        before + 1,
        "the reload made no key"
    );
    assert_eq!(
        labdesk::db::api_keys::list_for_team(&mut app.conn(), app.world.team(PRIMARY_CARE))
            .unwrap()
            .iter()
            .filter(|k| k.label == "Browser key")
            .count(),
        1
    );
}

#[test]
fn browser_an_htmx_action_after_the_session_ended_signs_in_and_comes_back() {
    let Some((app, b)) = app_and_browser() else {
        return;
    };
    sign_in(&b, &app, OPS);
    let keys = app.url(&urls::team_keys(
        &app.world.org_id,
        app.world.team(PRIMARY_CARE),
    ));
    b.goto(&keys);
    // "Sign out everywhere" from another browser: this one keeps its cookie and its page.
    diesel::update(sessions::table.filter(sessions::user_id.eq(user_id(&app, OPS))))
        .set(sessions::revoked_at.eq(Some(labdesk::db::now())))
        .execute(&mut app.conn())
        .unwrap();
    let team_keys =
        || labdesk::db::api_keys::list_for_team(&mut app.conn(), app.world.team(PRIMARY_CARE));
    b.find("#team-keys a.danger").click();
    b.alert_text();
    b.accept_alert();
    b.wait_until("the sign-in page opens", WAIT, || {
        b.current_url().contains("/login?next=")
    });
    assert!(b
        .find("main")
        .text()
        .contains("go back to the page you were on"));
    assert!(team_keys().unwrap().iter().all(|k| k.revoked_at.is_none()));

    b.find("#email").send_keys(OPS);
    b.find("#password")
        .send_keys(labdesk::seed::demo::DEMO_PASSWORD);
    b.find("form button[type=submit]").click();
    b.wait_until("back on the Team's keys", WAIT, || b.current_url() == keys);
    assert!(b.find("header .who").text().contains("Olivia Park"));
    assert!(
        team_keys().unwrap().iter().all(|k| k.revoked_at.is_none()),
        "the revoke was not run again"
    );
}
