//! Bulk link and unlink on the dashboard: the preview changes nothing, the apply changes exactly
//! the previewed links with one audit row each or nothing at all, undo reverses exactly those,
//! and only org admins and CSMs may do it.
use labdesk::domain::ids::{LabAccountId, TeamId};
use labdesk::web::urls;

use crate::support::{
    each_backend, Client, Resp, TestApp, CARDIOLOGY, CLINICIAN, CSM, OPS, OTHER_OPS, PRIMARY_CARE,
    TELEHEALTH_WEST,
};

pub const QUEST_WEST: &str = "97500001";
pub const QUEST_EAST: &str = "97500002";
const GLOBEX_QUEST: &str = "88100001";
const PLATFORM: &str = "LC-PLATFORM-1";

/// The fields of a choice: each account, each Team, the action.
fn choice<'a>(
    accounts: &[&'a LabAccountId],
    teams: &[&'a TeamId],
    action: &'a str,
) -> Vec<(&'static str, &'a str)> {
    let mut fields: Vec<(&str, &str)> = accounts
        .iter()
        .map(|a| ("account_id", a.as_str()))
        .collect();
    fields.extend(teams.iter().map(|t| ("team_id", t.as_str())));
    fields.push(("action", action));
    fields
}

/// The bulk page's address for a choice, previewed.
fn preview_path(
    app: &TestApp,
    accounts: &[&LabAccountId],
    teams: &[&TeamId],
    action: &str,
) -> String {
    let mut pairs = choice(accounts, teams, action);
    pairs.push(("preview", "1"));
    format!(
        "{}?{}",
        urls::bulk_links(&app.world.org_id),
        serde_urlencoded::to_string(pairs).unwrap()
    )
}

pub fn apply(
    c: &Client,
    app: &TestApp,
    accounts: &[&LabAccountId],
    teams: &[&TeamId],
    action: &str,
) -> Resp {
    let fields = choice(accounts, teams, action);
    c.post_form(&urls::bulk_links(&app.world.org_id), &fields)
}

/// The preview's rows as (account, Team, what happens, details), in page order.
fn preview_rows(page: &Resp) -> Vec<(String, String, String, String)> {
    let Some(table) = page.body.split("bulk-preview").nth(1) else {
        return Vec::new();
    };
    table
        .split("<tr data-outcome=")
        .skip(1)
        .map(|row| {
            let row = row.split("</tr>").next().unwrap_or_default();
            let cells: Vec<String> = row
                .split("<td>")
                .skip(1)
                .map(|c| {
                    crate::support::client::text_of(c.split("</td>").next().unwrap_or_default())
                })
                .collect();
            (
                cells[0].clone(),
                cells[1].clone(),
                cells[2].clone(),
                cells[3].clone(),
            )
        })
        .collect()
}

/// (action, entity) of every audit row about lab accounts, oldest first: what a bulk action may
/// write (signing in writes rows of its own, and not always before the next request).
pub fn link_audit(app: &TestApp) -> Vec<(String, String)> {
    app.changes()
        .into_iter()
        .filter(|(action, _)| action.starts_with("lab_account."))
        .collect()
}

/// Every account's links, to compare before and after.
fn all_links(app: &TestApp) -> Vec<(String, Vec<String>)> {
    let mut ids: Vec<&LabAccountId> = app.world.accounts.values().collect();
    ids.sort();
    ids.into_iter()
        .map(|id| (id.to_string(), app.linked_team_ids(id)))
        .collect()
}

fn sorted(ids: &[&TeamId]) -> Vec<String> {
    let mut v: Vec<String> = ids.iter().map(|t| t.to_string()).collect();
    v.sort();
    v
}

#[test]
fn bulk_preview_shows_every_pair_and_changes_nothing() {
    each_backend(|app| {
        let (west, east) = (app.world.account(QUEST_WEST), app.world.account(QUEST_EAST));
        let (cardio, tele) = (app.world.team(CARDIOLOGY), app.world.team(TELEHEALTH_WEST));
        let (links, audit) = (all_links(app), link_audit(app).len());
        let page = app
            .login(OPS)
            .get(&preview_path(app, &[west, east], &[cardio, tele], "link"));
        assert_eq!(page.status, 200, "{}", page.text());
        let rows: Vec<(String, String, String)> = preview_rows(&page)
            .into_iter()
            .map(|(a, t, o, _)| (a, t, o))
            .collect();
        let row = |a: &str, t: &str, o: &str| (a.to_string(), t.to_string(), o.to_string());
        assert_eq!(
            rows,
            [
                row("Quest West", CARDIOLOGY, "Link added"),
                row("Quest West", TELEHEALTH_WEST, "Already linked (no change)"),
                row("Quest East", CARDIOLOGY, "Already linked (no change)"),
                row("Quest East", TELEHEALTH_WEST, "Link added"),
            ]
        );
        assert!(page
            .text()
            .contains("2 links would be added, 2 already linked (no change)."));
        assert!(page.body.contains("Apply: add 2 links"));
        assert_eq!(all_links(app), links, "a preview links nothing");
        assert_eq!(
            link_audit(app).len(),
            audit,
            "a preview writes no audit row"
        );
    });
}

#[test]
fn bulk_unlink_preview_counts_the_open_orders_of_each_account_and_team() {
    each_backend(|app| {
        let west = app.world.account(QUEST_WEST);
        let (primary, tele) = (
            app.world.team(PRIMARY_CARE),
            app.world.team(TELEHEALTH_WEST),
        );
        crate::support::orders::place(app, PRIMARY_CARE, "Bulk", "Preview");
        let open = |t: &TeamId| {
            labdesk::db::account_links::open_orders_count(&mut app.conn(), west, t).unwrap()
        };
        let page = app
            .login(OPS)
            .get(&preview_path(app, &[west], &[primary, tele], "unlink"));
        let rows = preview_rows(&page);
        assert_eq!(rows.len(), 2, "{}", page.text());
        for ((_, team, outcome, details), t) in rows.iter().zip([primary, tele]) {
            assert_eq!(outcome, "Link removed");
            let words = match open(t) {
                0 => format!("No open orders of Team {team} use this account."),
                1 => format!("1 open order of Team {team} uses this account;"),
                n => format!("{n} open orders of Team {team} use this account;"),
            };
            assert!(details.starts_with(&words), "{details} should say {words}");
        }
        assert!(
            open(primary) > 0,
            "the order placed above is open on Quest West"
        );
    });
}

#[test]
fn bulk_apply_adds_exactly_the_links_with_one_audit_row_each() {
    each_backend(|app| {
        let (west, east) = (app.world.account(QUEST_WEST), app.world.account(QUEST_EAST));
        let (cardio, tele) = (app.world.team(CARDIOLOGY), app.world.team(TELEHEALTH_WEST));
        let primary = app.world.team(PRIMARY_CARE);
        let before = link_audit(app).len();
        let c = app.login(OPS);
        let done = apply(&c, app, &[west, east], &[cardio, tele], "link").location();
        assert_eq!(app.linked_team_ids(west), sorted(&[primary, cardio, tele]));
        assert_eq!(app.linked_team_ids(east), sorted(&[cardio, tele]));
        let linked = |a: &LabAccountId| app.audit_rows("lab_account.team_linked", a);
        let new_rows: Vec<_> = link_audit(app).split_off(before);
        assert_eq!(
            new_rows,
            [
                ("lab_account.team_linked".to_string(), west.to_string()),
                ("lab_account.team_linked".to_string(), east.to_string()),
            ],
            "one audit row per link added, nothing for the links already there"
        );
        assert!(linked(west)
            .iter()
            .any(|r| r.team_id.as_ref() == Some(cardio)));
        assert!(linked(east)
            .iter()
            .any(|r| r.team_id.as_ref() == Some(tele)));

        let page = c.get(&done);
        assert_eq!(page.status, 200);
        let text = page.text();
        assert!(
            text.contains("Linked 2 accounts to 2 Teams: 2 new links, 2 already linked"),
            "{text}"
        );
        assert!(text.contains("Quest West linked to Cardiology"), "{text}");
        assert!(
            text.contains("Quest East linked to Telehealth West"),
            "{text}"
        );
        assert!(page.body.contains(">Undo</button>"));
    });
}

#[test]
fn a_refused_pair_refuses_the_whole_bulk_apply() {
    each_backend(|app| {
        let west = app.world.account(QUEST_WEST);
        let globex = app.world.account(GLOBEX_QUEST);
        let platform = app.world.account(PLATFORM);
        let cardio = app.world.team(CARDIOLOGY);
        let (links, changes) = (all_links(app), link_audit(app));
        let c = app.login(OPS);
        let page = c.get(&preview_path(
            app,
            &[west, globex, platform],
            &[cardio],
            "link",
        ));
        let rows = preview_rows(&page);
        assert_eq!(rows[0].2, "Link added");
        assert_eq!(rows[1].2, "Refused");
        assert_eq!(rows[1].3, "This is not a lab account of this organization.");
        assert_eq!(rows[2].2, "Refused");
        assert!(rows[2].3.contains("platform-managed"), "{:?}", rows[2]);
        assert!(
            !page.text().contains("Globex Quest"),
            "another org's account is never named"
        );
        assert!(
            !page.body.contains("Apply: add"),
            "no apply while anything is refused"
        );

        // Posted anyway (a stale or forged form): nothing changes, the preview comes back.
        let back = apply(&c, app, &[west, globex], &[cardio], "link").location();
        assert!(back.contains("refused=1"), "{back}");
        assert_eq!(all_links(app), links, "not even the allowed link");
        assert_eq!(link_audit(app), changes, "no audit row");
        let page = c.get(&back);
        assert!(
            page.text().contains("Nothing was changed"),
            "{}",
            page.text()
        );

        // A Team of another org is refused the same way.
        let globex_team = app.world.team(crate::support::GLOBEX_DOWNTOWN);
        apply(&c, app, &[west], &[cardio, globex_team], "link").location();
        assert_eq!(all_links(app), links);
    });
}

#[test]
fn undo_restores_the_links_as_they_were_with_audit_rows() {
    each_backend(|app| {
        let (west, east) = (app.world.account(QUEST_WEST), app.world.account(QUEST_EAST));
        let (cardio, tele) = (app.world.team(CARDIOLOGY), app.world.team(TELEHEALTH_WEST));
        let links = all_links(app);
        let c = app.login(OPS);
        for action in ["link", "unlink"] {
            let done = apply(&c, app, &[west, east], &[cardio, tele], action).location();
            assert_ne!(all_links(app), links, "{action} changed something");
            let before = link_audit(app).len();
            let undo = format!("{done}/undo");
            let page = c.get(&done);
            assert!(
                page.body.contains(&format!("action=\"{undo}\"")),
                "an Undo form"
            );
            assert_eq!(c.post_form(&undo, &[]).location(), done);
            assert_eq!(
                all_links(app),
                links,
                "undo of {action} restores every link"
            );
            let reverse = match action {
                "link" => "lab_account.team_unlinked",
                _ => "lab_account.team_linked",
            };
            let undo_rows = link_audit(app).split_off(before);
            assert_eq!(undo_rows.len(), 2, "{undo_rows:?}");
            assert!(undo_rows.iter().all(|(a, _)| a == reverse), "{undo_rows:?}");
            let page = c.get(&done);
            assert!(page.text().contains("Undone on"), "{}", page.text());
            assert!(
                !page.body.contains(">Undo</button>"),
                "undo is offered once"
            );
            // Undo again (a second tab): nothing more changes.
            c.post_form(&undo, &[]).location();
            assert_eq!(link_audit(app).len(), before + 2);
        }
    });
}

#[test]
fn only_org_admins_and_csms_bulk_link() {
    each_backend(|app| {
        let west = app.world.account(QUEST_WEST);
        let cardio = app.world.team(CARDIOLOGY);
        let list = urls::lab_accounts(app.world.org());
        let path = preview_path(app, &[west], &[cardio], "link");
        for who in [OPS, CSM] {
            let c = app.login(who);
            assert!(c.get(&list).body.contains("name=\"account_id\""), "{who}");
            assert_eq!(c.get(&path).status, 200, "{who}");
        }
        let links = all_links(app);
        let c = app.login(CLINICIAN);
        assert!(
            !c.get(&list).body.contains("name=\"account_id\""),
            "no checkboxes"
        );
        assert_eq!(c.get(&path).status, 403);
        assert_eq!(apply(&c, app, &[west], &[cardio], "link").status, 403);
        let other = app.login(OTHER_OPS);
        assert_eq!(other.get(&path).status, 404, "another org's admin");
        assert_eq!(apply(&other, app, &[west], &[cardio], "link").status, 404);
        assert_eq!(all_links(app), links);

        // A CSM applies, the clinician cannot read or undo the confirmation.
        let done = apply(&app.login(CSM), app, &[west], &[cardio], "link").location();
        assert_eq!(c.get(&done).status, 403);
        assert_eq!(c.post_form(&format!("{done}/undo"), &[]).status, 403);
        assert!(app.linked_team_ids(west).contains(&cardio.to_string()));
    });
}

#[test]
fn the_team_picker_finds_teams_by_name_and_keeps_the_chosen_ones() {
    each_backend(|app| {
        let west = app.world.account(QUEST_WEST);
        let cardio = app.world.team(CARDIOLOGY);
        let path = format!(
            "{}?account_id={west}&team_id={cardio}&q=tele",
            urls::bulk_links(&app.world.org_id)
        );
        let page = app.login(OPS).get(&path);
        let text = page.text();
        assert!(text.contains(TELEHEALTH_WEST), "{text}");
        assert!(!text.contains(PRIMARY_CARE), "{text}");
        assert!(
            page.body
                .contains(&format!("name=\"team_id\" value=\"{cardio}\" checked")),
            "the chosen Team stays chosen while another is searched"
        );
        assert!(text.contains("Quest West"));
    });
}

#[test]
fn apply_computes_the_plan_again_so_a_stale_preview_changes_only_what_is_still_missing() {
    each_backend(|app| {
        let (west, east) = (app.world.account(QUEST_WEST), app.world.account(QUEST_EAST));
        let cardio = app.world.team(CARDIOLOGY);
        let c = app.login(OPS);
        let page = c.get(&preview_path(app, &[west, east], &[cardio], "link"));
        assert!(
            page.text().contains("1 link would be added"),
            "{}",
            page.text()
        );
        // Someone links it from the account page while the preview is open.
        crate::support::data::link_team(app, west, CARDIOLOGY);
        let before = link_audit(app).len();
        let done = apply(&c, app, &[west, east], &[cardio], "link").location();
        assert_eq!(link_audit(app).len(), before, "nothing was left to link");
        let page = c.get(&done);
        assert!(
            page.text()
                .contains("Linked 2 accounts to 1 Team: 2 already linked"),
            "{}",
            page.text()
        );
        assert!(!page.body.contains(">Undo</button>"), "nothing to undo");
    });
}
