//! The dashboard in a real headless Chromium: the login form, htmx filters and inline link/unlink
//! (including the hx-confirm dialog), and the create form with its error round trip. Each test
//! checks what the page shows and what the database holds. SQLite only: the browser adds nothing
//! backend-specific. Skipped without chromedriver, except under CI.
use labdesk::domain::ids::LabAccountId;
use labdesk::web::urls;
use serde_json::{json, Value};

use crate::support::axe::assert_accessible;
use crate::support::browser::{app_and_browser, mark_page, page_still_marked, sign_in, texts};
use crate::support::data::{count, org_accounts, AccountRow};
use crate::support::webdriver::{Browser, WAIT};
use crate::support::{TestApp, CARDIOLOGY, CSM, OPS};

/// The org's lab accounts list, as the browser addresses it.
fn accounts_url(app: &TestApp) -> String {
    app.url(&urls::lab_accounts(app.world.org()))
}

/// The account names in the list's table, sorted.
fn table_names(b: &Browser) -> Vec<String> {
    let mut names = texts(b, "#accounts-table tbody tr td:nth-child(2) > a");
    names.sort();
    names
}

fn wait_for_table(b: &Browser, expected: &[String]) {
    b.wait_until(&format!("the table lists {expected:?}"), WAIT, || {
        table_names(b) == expected
    });
}

/// What the list must show Northwind's admins, from the tables: the names and ids of the accounts
/// `keep` lets through, names sorted.
fn expected(app: &TestApp, keep: impl Fn(&AccountRow) -> bool) -> (Vec<String>, Vec<String>) {
    let mut rows: Vec<AccountRow> = org_accounts(app, &app.world.org_id)
        .into_iter()
        .filter(|a| keep(a))
        .collect();
    rows.sort_by(|a, b| a.name.cmp(&b.name));
    (
        rows.iter().map(|a| a.name.clone()).collect(),
        rows.into_iter().map(|a| a.id).collect(),
    )
}

#[test]
fn browser_login_then_filter_the_accounts_list() {
    let Some((app, b)) = app_and_browser() else {
        return;
    };
    sign_in(&b, &app, OPS);
    b.find("nav a[href$=\"/lab_accounts\"]").click();
    b.wait_until("the lab accounts open", WAIT, || {
        b.current_url() == accounts_url(&app)
    });
    let (everything, _) = expected(&app, |_| true);
    assert!(everything.len() > 2, "{everything:?}");
    assert_eq!(table_names(&b), everything);
    assert!(b.find("header .who").text().contains("Olivia Park"));
    mark_page(&b);

    // Status: the table is swapped in place and the URL follows (hx-push-url).
    let (suspended, suspended_ids) = expected(&app, |a| a.status == "suspended");
    assert!(
        !suspended.is_empty() && suspended.len() < everything.len(),
        "the filter must narrow the list: {suspended:?}"
    );
    let first_table = b.find("#accounts-table");
    b.find("select[name=status]").select_by_value("suspended");
    b.wait_until("the table is swapped", WAIT, || !first_table.is_attached());
    wait_for_table(&b, &suspended);
    let rows = b.find_all("#accounts-table tbody tr");
    assert_eq!(rows.len(), suspended.len());
    assert!(
        page_still_marked(&b),
        "the filter swapped the table, no page load"
    );
    let url = b.current_url();
    assert!(url.contains("status=suspended"), "{url}");
    let mut row_ids: Vec<String> = rows
        .iter()
        .map(|r| r.attribute("data-account-id").unwrap())
        .collect();
    row_ids.sort();
    let mut want = suspended_ids.clone();
    want.sort();
    assert_eq!(row_ids, want);
    for id in &row_ids {
        assert_eq!(
            app.account(&LabAccountId::from_text(id.as_str()))
                .status
                .as_str(),
            "suspended"
        );
    }
    let n = suspended.len();
    let plural = if n == 1 { "" } else { "s" };
    assert_eq!(
        b.find("#accounts-table .count").text(),
        format!("{n} lab account{plural}")
    );

    // Suspended and Labcorp: nothing matches, and the page says how to get out of it.
    let (none, _) = expected(&app, |a| a.status == "suspended" && a.lab == "labcorp");
    assert!(
        none.is_empty(),
        "the test needs a filter matching nothing: {none:?}"
    );
    b.find("select[name=lab]").select_by_value("labcorp");
    wait_for_table(&b, &[]);
    let empty = b.find("#accounts-table .empty").text();
    assert!(
        empty.contains("No lab accounts match these filters."),
        "{empty}"
    );

    // Any status, Labcorp: the org's own accounts and the platform's linked to a Team.
    let (labcorp, _) = expected(&app, |a| a.lab == "labcorp");
    assert!(
        labcorp.contains(&"Labcorp (platform)".to_string()),
        "{labcorp:?}"
    );
    b.find("select[name=status]").select_by_value("");
    wait_for_table(&b, &labcorp);
    assert!(page_still_marked(&b));
    let url = b.current_url();
    assert!(
        url.contains("lab=labcorp") && !url.contains("status=suspended"),
        "{url}"
    );

    // The pushed URL is a real page: loading it renders the same filters and rows.
    b.goto(&url);
    assert!(!page_still_marked(&b), "a real page load");
    wait_for_table(&b, &labcorp);
    assert_eq!(
        b.find("select[name=lab]").property("value"),
        json!("labcorp")
    );
    assert_eq!(b.find("select[name=status]").property("value"), json!(""));

    // Back to the unfiltered list, then Team: Cardiology.
    b.find("a.clear").click();
    wait_for_table(&b, &everything);
    let cardio = app.world.team(CARDIOLOGY);
    let (cardiology, _) = expected(&app, |a| a.teams.iter().any(|t| t == cardio.as_str()));
    b.find("select[name=team_id]")
        .select_by_value(cardio.as_str());
    wait_for_table(&b, &cardiology);
    let filtered_url = b.current_url();
    assert!(filtered_url.contains("team_id="), "{filtered_url}");

    // Open an account, then press Back: the whole filtered page returns, not a bare fragment.
    let quest_east = app.world.account("97500002");
    b.find(&format!(
        "#accounts-table tr[data-account-id=\"{quest_east}\"] td:nth-child(2) > a"
    ))
    .click();
    b.wait_until("the account page opens", WAIT, || {
        b.current_url().ends_with(quest_east.as_str())
    });
    assert!(b.find("h1").text().contains("Quest East"));
    b.back();
    b.wait_until("Back returns to the filtered list", WAIT, || {
        b.current_url() == filtered_url
    });
    wait_for_table(&b, &cardiology);
    let source = b.source();
    assert!(
        source.contains("<h1>Lab accounts</h1>") && source.contains("class=\"topbar\""),
        "Back shows the full page: {source}"
    );
    assert_eq!(
        b.find("select[name=team_id]").property("value"),
        json!(cardio)
    );
}

/// Names of the Teams listed as linked on an account page.
fn linked_names(b: &Browser) -> Vec<String> {
    texts(b, "#linked-teams li[data-team-id] > a:first-child")
}

#[test]
fn browser_link_then_unlink_a_team_through_htmx() {
    let Some((app, b)) = app_and_browser() else {
        return;
    };
    sign_in(&b, &app, OPS);
    let id = app.world.account("LC-220011");
    let cardio = app.world.team(CARDIOLOGY);
    b.goto(&app.url(&urls::lab_account(app.world.org(), id)));
    assert!(b.find("h1").text().contains("Labcorp National"));
    assert!(linked_names(&b).is_empty());
    assert!(b
        .find("#linked-teams .empty")
        .text()
        .contains("No Team is linked"));
    mark_page(&b);

    // Link: the section is swapped in place.
    b.find("#link-team").select_by_value(cardio.as_str());
    b.find("#linked-teams form button[type=submit]").click();
    b.wait_until("Cardiology shows as linked", WAIT, || {
        linked_names(&b) == ["Cardiology"]
    });
    assert!(
        page_still_marked(&b),
        "linking swapped the section, no page load"
    );
    assert!(b
        .find("#linked-teams .flash-ok")
        .text()
        .contains("Linked Team Cardiology."));
    assert_eq!(app.linked_team_ids(id), vec![cardio.to_string()]);
    let linked = app.audit_rows("lab_account.team_linked", id);
    assert_eq!(linked.len(), 1);
    assert_eq!(linked[0].actor_label, OPS);
    assert_eq!(linked[0].team_id.as_ref(), Some(cardio));

    // Unlink asks first, stating the consequence; nothing changes while the dialog is open.
    b.find(&format!(
        "#linked-teams li[data-team-id=\"{cardio}\"] a.danger"
    ))
    .click();
    let question = b.alert_text();
    assert!(
        question.contains("Unlink Team Cardiology?") && question.contains("open orders"),
        "{question}"
    );
    assert_eq!(app.linked_team_ids(id), vec![cardio.to_string()]);
    b.accept_alert();
    b.wait_until("Cardiology is no longer linked", WAIT, || {
        linked_names(&b).is_empty()
    });
    assert!(
        page_still_marked(&b),
        "unlinking swapped the section, no page load"
    );
    assert!(b
        .find("#linked-teams .flash-ok")
        .text()
        .contains("Unlinked Team Cardiology."));
    // Cardiology can be linked again from the select.
    let options: Vec<String> = b
        .find("#link-team")
        .find_all("option")
        .iter()
        .map(|o| o.text())
        .collect();
    assert!(options.contains(&"Cardiology".to_string()), "{options:?}");
    assert!(app.linked_team_ids(id).is_empty());
    let unlinked = app.audit_rows("lab_account.team_unlinked", id);
    assert_eq!(unlinked.len(), 1);
    assert_eq!(unlinked[0].actor_label, OPS);
    assert_eq!(unlinked[0].team_id.as_ref(), Some(cardio));
    assert_eq!(app.audit_rows("lab_account.team_linked", id).len(), 1);
}

#[test]
fn browser_csm_creates_an_account() {
    let Some((app, b)) = app_and_browser() else {
        return;
    };
    sign_in(&b, &app, CSM);
    b.goto(&accounts_url(&app));
    b.find("a.button.primary[href$=\"/lab_accounts/new\"]")
        .click();
    let list = accounts_url(&app);
    let form = app.url(&urls::new_lab_account(app.world.org()));
    b.wait_until("the new-account form opens", WAIT, || {
        b.current_url() == form
    });
    b.find("#lab").select_by_value("quest");
    b.find("#provider_account_id").send_keys("QM-5000");
    b.find("#account_name").send_keys("Quest Mountain");
    b.find("#delegated_flow").select_by_value("order_delegated");
    for (name, state) in [
        ("billing:client_bill", "AZ"),
        ("billing:client_bill", "NV"),
        ("billing:patient_bill", "AZ"),
    ] {
        b.find(&format!("input[name=\"{name}\"][value=\"{state}\"]"))
            .click();
    }
    b.find("form.account-form button[type=submit]").click();

    let prefix = format!("{list}/");
    b.wait_until("the new account's page opens", WAIT, || {
        let url = b.current_url();
        url.starts_with(&prefix) && !url.ends_with("/new")
    });
    let url = b.current_url();
    let new_id =
        LabAccountId::from_text(url.rsplit('/').next().unwrap().split('?').next().unwrap());
    assert!(b.find("h1").text().contains("Quest Mountain"));
    assert_eq!(b.find("#flash").text(), "Lab account created.");
    let trail = b.find("section[aria-labelledby=audit-h]").text();
    assert!(
        trail.contains("Created Quest Diagnostics account QM-5000"),
        "{trail}"
    );
    assert!(b.find("dl.fields").text().contains("Order delegated"));

    let a = app.account(&new_id);
    assert_eq!(a.lab.as_str(), "quest");
    assert_eq!(a.provider_account_id, "QM-5000");
    assert_eq!(a.account_name.as_deref(), Some("Quest Mountain"));
    assert_eq!(a.delegated_flow.as_str(), "order_delegated");
    assert_eq!(a.status.as_str(), "pending");
    assert_eq!(a.owner.org_id(), Some(&app.world.org_id));
    assert_eq!(
        a.allowed_billing.to_json(),
        json!({"client_bill": ["AZ", "NV"], "patient_bill": ["AZ"]})
    );
    let created = app.audit_rows("lab_account.created", &new_id);
    assert_eq!(created.len(), 1);
    assert_eq!(created[0].actor_label, CSM);
}

#[test]
fn browser_validation_error_keeps_typed_values() {
    let Some((app, b)) = app_and_browser() else {
        return;
    };
    sign_in(&b, &app, CSM);
    let (accounts_before, audit_before) = (count(&app, "lab_accounts"), app.audit_total());
    b.goto(&app.url(&urls::new_lab_account(app.world.org())));
    b.find("#lab").select_by_value("labcorp");
    b.find("#provider_account_id").send_keys("bad id!");
    b.find("#account_name").send_keys("Typed Name Kept");
    b.find("#delegated_flow").select_by_value("fully_delegated");
    b.find("input[name=\"billing:client_bill\"][value=\"TX\"]")
        .click();
    b.find("#business_units").send_keys("south, research");
    b.find("#default_clinical_notes")
        .send_keys("typed notes kept\nsecond line");
    b.find("form.account-form button[type=submit]").click();

    // The form comes back with the error next to the field...
    let error = b.find("#pid-err").text();
    assert!(error.contains("Use up to 64 letters, digits"), "{error}");
    let pid = b.find("#provider_account_id");
    assert_eq!(pid.attribute("aria-invalid").as_deref(), Some("true"));
    assert_eq!(
        pid.attribute("aria-describedby").as_deref(),
        Some("pid-err")
    );
    // The page with its errors is as accessible as the blank form.
    assert_accessible(&b, "the account form showing an error");
    // ...and everything typed is still in the inputs.
    let value = |css: &str| b.find(css).property("value");
    assert_eq!(value("#provider_account_id"), json!("bad id!"));
    assert_eq!(value("#account_name"), json!("Typed Name Kept"));
    assert_eq!(value("#lab"), json!("labcorp"));
    assert_eq!(value("#delegated_flow"), json!("fully_delegated"));
    assert_eq!(value("#business_units"), json!("south, research"));
    assert_eq!(
        value("#default_clinical_notes"),
        json!("typed notes kept\nsecond line")
    );
    let checked = |name: &str, state: &str| -> Value {
        b.find(&format!("input[name=\"{name}\"][value=\"{state}\"]"))
            .property("checked")
    };
    assert_eq!(checked("billing:client_bill", "TX"), json!(true));
    assert_eq!(checked("billing:client_bill", "AZ"), json!(false));
    assert_eq!(checked("billing:patient_bill", "TX"), json!(false));

    assert_eq!(count(&app, "lab_accounts"), accounts_before);
    assert_eq!(app.audit_total(), audit_before);

    // Correcting only the wrong field is enough: the kept values are saved as typed.
    let pid = b.find("#provider_account_id");
    pid.clear();
    pid.send_keys("LC-7000");
    b.find("form.account-form button[type=submit]").click();
    let list = accounts_url(&app);
    b.wait_until("the new account's page opens", WAIT, || {
        let url = b.current_url();
        url.starts_with(&format!("{list}/")) && !url.ends_with("/new")
    });
    assert!(b.find("h1").text().contains("Typed Name Kept"));
    let new_id = LabAccountId::from_text(
        b.current_url()
            .rsplit('/')
            .next()
            .unwrap()
            .split('?')
            .next()
            .unwrap(),
    );
    let a = app.account(&new_id);
    assert_eq!(a.provider_account_id, "LC-7000");
    assert_eq!(a.lab.as_str(), "labcorp");
    assert_eq!(a.delegated_flow.as_str(), "fully_delegated");
    assert_eq!(a.allowed_billing.to_json(), json!({"client_bill": ["TX"]}));
    assert_eq!(
        a.business_units,
        Some(vec!["south".to_string(), "research".to_string()])
    );
    // Browsers submit a textarea's line breaks as CRLF; the app stores them as sent.
    assert_eq!(
        a.default_clinical_notes
            .as_deref()
            .map(|n| n.replace("\r\n", "\n")),
        Some("typed notes kept\nsecond line".to_string())
    );
    assert_eq!(count(&app, "lab_accounts"), accounts_before + 1);
    assert_eq!(app.audit_rows("lab_account.created", &new_id).len(), 1);
}
