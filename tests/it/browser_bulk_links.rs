//! Bulk link in a real headless Chromium: tick two accounts on the list, choose two Teams, see
//! the preview, apply, read the confirmation, undo; the database is checked after each step.
use labdesk::domain::ids::TeamId;
use labdesk::web::urls;

use crate::bulk_links::{QUEST_EAST, QUEST_WEST};
use crate::support::axe::assert_accessible;
use crate::support::browser::{app_and_browser, sign_in, texts};
use crate::support::webdriver::WAIT;
use crate::support::{CARDIOLOGY, OPS, PRIMARY_CARE, TELEHEALTH_WEST};

fn sorted(ids: &[&TeamId]) -> Vec<String> {
    let mut v: Vec<String> = ids.iter().map(|t| t.to_string()).collect();
    v.sort();
    v
}

#[test]
fn browser_bulk_link_preview_apply_and_undo() {
    let Some((app, b)) = app_and_browser() else {
        return;
    };
    let (west, east) = (app.world.account(QUEST_WEST), app.world.account(QUEST_EAST));
    let (primary, cardio, tele) = (
        app.world.team(PRIMARY_CARE),
        app.world.team(CARDIOLOGY),
        app.world.team(TELEHEALTH_WEST),
    );
    let before = (app.linked_team_ids(west), app.linked_team_ids(east));
    let rows =
        |action: &str| app.audit_rows(action, west).len() + app.audit_rows(action, east).len();
    let (linked_rows, unlinked_rows) = (
        rows("lab_account.team_linked"),
        rows("lab_account.team_unlinked"),
    );
    sign_in(&b, &app, OPS);
    b.goto(&app.url(&labdesk::web::urls::lab_accounts(app.world.org())));
    let audit = crate::bulk_links::link_audit(&app).len();

    // Choose: the select-all box appears with JavaScript; tick two rows by hand.
    assert!(b
        .find("#accounts-table input[data-check-all]")
        .property("hidden")
        .as_bool()
        .is_some_and(|h| !h));
    for id in [west, east] {
        b.find(&format!(
            "#accounts-table input[name=account_id][value=\"{id}\"]"
        ))
        .click();
    }
    b.find("#accounts-table .bulk-choice button[type=submit]")
        .click();
    b.wait_until("the bulk page opens", WAIT, || {
        b.current_url()
            .starts_with(&app.url(&urls::bulk_links(&app.world.org_id)))
    });
    assert_accessible(&b, "the bulk link page");
    assert_eq!(
        texts(&b, "form.bulk-form fieldset:first-of-type li"),
        ["Quest West", "Quest East"],
        "the chosen accounts, by name"
    );
    let url = b.current_url();
    assert!(
        url.contains(west.as_str()) && url.contains(east.as_str()),
        "{url}"
    );

    // Two Teams, "link", preview: nothing changes yet.
    for t in [cardio, tele] {
        b.find(&format!("input[name=team_id][value=\"{t}\"]"))
            .click();
    }
    b.find("input[name=action][value=link]").click();
    b.find("button[name=preview]").click();
    b.wait_until("the preview shows", WAIT, || {
        b.find_all("table.bulk-preview tbody tr").len() == 4
    });
    assert_accessible(&b, "the bulk link preview");
    let outcomes = texts(&b, "table.bulk-preview tbody tr td:nth-child(3)");
    assert_eq!(
        outcomes,
        [
            "Link added",
            "Already linked (no change)",
            "Already linked (no change)",
            "Link added"
        ]
    );
    assert_eq!(
        (app.linked_team_ids(west), app.linked_team_ids(east)),
        before,
        "the preview changed nothing"
    );
    assert_eq!(crate::bulk_links::link_audit(&app).len(), audit);

    // Apply: the confirmation says what changed.
    b.find("form.bulk-apply button").click();
    b.wait_until("the confirmation shows", WAIT, || {
        b.find_all("#bulk-summary").len() == 1
    });
    assert_accessible(&b, "the bulk link confirmation");
    assert_eq!(
        b.find("#bulk-summary").text(),
        "Linked 2 accounts to 2 Teams: 2 new links, 2 already linked"
    );
    assert_eq!(app.linked_team_ids(west), sorted(&[primary, cardio, tele]));
    assert_eq!(app.linked_team_ids(east), sorted(&[cardio, tele]));
    assert_eq!(
        rows("lab_account.team_linked"),
        linked_rows + 2,
        "one audit row per link"
    );

    // Undo: back to the links as they were.
    b.find("form[action$=\"/undo\"] button").click();
    b.wait_until("the undo is confirmed", WAIT, || {
        b.find_all("#bulk-undone").len() == 1
    });
    assert_accessible(&b, "the bulk undo confirmation");
    assert!(b
        .find("#bulk-undone")
        .text()
        .contains("2 links it added were removed"));
    assert_eq!(
        (app.linked_team_ids(west), app.linked_team_ids(east)),
        before
    );
    assert_eq!(rows("lab_account.team_unlinked"), unlinked_rows + 2);
    assert!(
        b.find_all("form[action$=\"/undo\"]").is_empty(),
        "undo once"
    );
}
