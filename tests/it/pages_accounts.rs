//! The lab account pages as every role sees them: the list (what each role may see, every
//! filter with and without htmx), an account's page, and the platform's accounts. What a list
//! must show is read from the tables, not from the demo's totals.
use std::collections::BTreeSet;

use labdesk::web::urls::{self, Scope};

use crate::support::data::{org_accounts, team_accounts, AccountRow};
use crate::support::orders::{cancel, place};
use crate::support::{each_backend, Resp, CLINICIAN, CSM, OPS, PRIMARY_CARE, TELEHEALTH_WEST};

/// The account rows a list page shows (their ids).
fn listed_accounts(page: &Resp) -> BTreeSet<String> {
    page.body
        .split("data-account-id=\"")
        .skip(1)
        .map(|s| s.chars().take_while(|c| *c != '"').collect())
        .collect()
}

/// What a list must show, from the tables: the ids of `rows` that `keep` lets through, and the
/// count as the page words it.
fn expected(rows: &[AccountRow], keep: impl Fn(&AccountRow) -> bool) -> (BTreeSet<String>, String) {
    let ids: BTreeSet<String> = rows
        .iter()
        .filter(|a| keep(a))
        .map(|a| a.id.clone())
        .collect();
    let n = ids.len();
    let words = format!("{n} lab account{}", if n == 1 { "" } else { "s" });
    (ids, words)
}

#[test]
fn lab_accounts_list_shows_what_each_role_may_see() {
    each_backend(|app| {
        let url = urls::lab_accounts(app.world.org());
        // ops and the CSM see every Northwind account plus the platform account linked to Cardiology.
        let (all, all_count) = expected(&org_accounts(app, &app.world.org_id), |_| true);
        for who in [OPS, CSM] {
            let page = app.login(who).get(&url);
            assert_eq!(page.status, 200, "{who}");
            let text = page.text();
            for name in [
                "Quest West",
                "Quest East",
                "Labcorp National",
                "BioReference NY",
                "Sonora Quest Phoenix",
                "Labcorp (platform)",
            ] {
                assert!(text.contains(name), "{who} should see {name}: {text}");
            }
            assert_eq!(listed_accounts(&page), all, "{who}");
            assert!(text.contains(&all_count), "{who}: {all_count} in {text}");
            assert!(text.contains("platform-managed"), "{who}");
            assert!(!text.contains("Globex"), "{who} must not see the other org");
            assert_eq!(page.body.contains("New lab account"), who == CSM, "{who}");
        }
        // A clinician of Primary Care sees that Team's accounts only.
        let page = app.login(CLINICIAN).get(&url);
        let text = page.text();
        assert!(
            text.contains("Quest West") && text.contains("BioReference NY"),
            "{text}"
        );
        assert!(
            !text.contains("Quest East") && !text.contains("Labcorp National"),
            "{text}"
        );
        let primary = app.world.team(PRIMARY_CARE);
        let (theirs, count) = expected(&team_accounts(app, primary), |_| true);
        assert!(theirs.len() < all.len(), "{theirs:?}");
        assert_eq!(listed_accounts(&page), theirs);
        assert!(text.contains(&count), "{count} in {text}");
    });
}

#[test]
fn lab_accounts_list_filters_by_status_lab_and_team_with_or_without_htmx() {
    each_backend(|app| {
        let c = app.login(OPS);
        let url = urls::lab_accounts(app.world.org());
        let rows = org_accounts(app, &app.world.org_id);
        let page = c.get(&format!("{url}?status=active&lab=quest"));
        let (active_quest, count) = expected(&rows, |a| a.status == "active" && a.lab == "quest");
        let text = page.text();
        assert!(
            text.contains(&count) && text.contains("Quest West") && text.contains("Quest East"),
            "{count} in {text}"
        );
        assert_eq!(listed_accounts(&page), active_quest);
        let team = app.world.team(TELEHEALTH_WEST);
        let page = c.get(&format!("{url}?team_id={team}"));
        let (telehealth, count) = expected(&rows, |a| a.teams.iter().any(|t| t == team.as_str()));
        let text = page.text();
        assert!(
            text.contains("Quest West")
                && text.contains("Sonora Quest Phoenix")
                && !text.contains("Quest East"),
            "{text}"
        );
        assert!(text.contains(&count), "{count} in {text}");
        assert_eq!(listed_accounts(&page), telehealth);
        // The htmx request gets only the table fragment.
        let fragment = c.htmx_get(&format!("{url}?status=suspended"));
        assert!(
            fragment
                .body
                .trim_start()
                .starts_with("<div id=\"accounts-table\">"),
            "{}",
            fragment.body
        );
        assert!(!fragment.body.contains("<html"));
        let (suspended, count) = expected(&rows, |a| a.status == "suspended");
        assert!(
            fragment.text().contains("BioReference NY") && fragment.text().contains(&count),
            "{count} in {}",
            fragment.text()
        );
        assert_eq!(listed_accounts(&fragment), suspended);
        // No match: an empty state that offers to clear the filters.
        let (pending_quest, _) = expected(&rows, |a| a.status == "pending" && a.lab == "quest");
        assert!(
            pending_quest.is_empty(),
            "the test needs a filter matching nothing"
        );
        let none = c.get(&format!("{url}?status=pending&lab=quest")).text();
        assert!(
            none.contains("No lab accounts match these filters"),
            "{none}"
        );
        // A bad filter value is a clear 400, not a silent empty list.
        assert_eq!(c.get(&format!("{url}?status=dormant")).status, 400);
    });
}

/// How many open orders the question before unlinking Primary Care counts.
fn open_orders_in_question(html: &str) -> usize {
    let question = "Unlink Team Primary Care? ";
    let at = html.find(question).expect("the unlink question") + question.len();
    let count: String = html[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    if count.is_empty() {
        assert!(html[at..].starts_with("No open orders"), "{}", &html[at..]);
        return 0;
    }
    count.parse().unwrap()
}

#[test]
fn account_page_shows_configuration_billing_grid_links_history_and_audit() {
    each_backend(|app| {
        let id = app.world.account("97500001");
        let page = app.login(OPS).get(&urls::lab_account(app.world.org(), id));
        assert_eq!(page.status, 200);
        let text = page.text();
        for expected in [
            "Quest West",
            "97500001",
            "Not delegated",
            "Client bill",
            "Commercial insurance",
            "AZ",
            "NV",
            "Primary Care",
            "Telehealth West",
            "Contract signed",
            "Go-live",
            "Audit trail",
            "Unlink",
        ] {
            assert!(text.contains(expected), "missing {expected}: {text}");
        }
        // ops may link and unlink but not edit or move status.
        assert!(!page.body.contains("Edit configuration"));
        assert!(!page.body.contains("Change status"));
        // Unlinking asks first, counting the Team's open orders on the account: two more open
        // orders count, a cancelled one does not.
        let open = open_orders_in_question(&page.body);
        place(app, PRIMARY_CARE, "Olive", "Open");
        place(app, PRIMARY_CARE, "Oscar", "Open");
        let cancelled = place(app, PRIMARY_CARE, "Cal", "Cancelled");
        cancel(app, PRIMARY_CARE, &cancelled);
        let page = app.login(OPS).get(&urls::lab_account(app.world.org(), id));
        assert!(page.body.contains(&format!("hx-confirm=\"Unlink Team Primary Care? {} open orders of Team Primary Care use this account;", open + 2)), "{}", page.body);

        let csm = app
            .login(CSM)
            .get(&urls::lab_account(app.world.org(), id))
            .body;
        assert!(csm.contains("Edit configuration") && csm.contains("Change status"));

        let clinician = app
            .login(CLINICIAN)
            .get(&urls::lab_account(app.world.org(), id));
        assert_eq!(clinician.status, 200);
        let text = clinician.text();
        assert!(
            text.contains("Primary Care") && !text.contains("Telehealth West"),
            "a clinician sees only their Teams: {text}"
        );
        assert!(
            !clinician.body.contains("Unlink")
                && !text.contains("Audit trail")
                && !text.contains("Edit configuration")
        );
    });
}

#[test]
fn csm_sees_platform_accounts_and_others_may_not() {
    each_backend(|app| {
        let text = app
            .login(CSM)
            .get(&urls::lab_accounts(&Scope::Platform))
            .text();
        assert!(
            text.contains("Labcorp (platform)") && text.contains("LC-PLATFORM-1"),
            "{text}"
        );
        assert!(!text.contains("Quest West"));
        for who in [OPS, CLINICIAN] {
            assert_eq!(
                app.login(who)
                    .get(&urls::lab_accounts(&Scope::Platform))
                    .status,
                403,
                "{who}"
            );
        }
        let id = app.world.account("LC-PLATFORM-1");
        let page = app.login(CSM).get(&urls::lab_account(&Scope::Platform, id));
        assert_eq!(page.status, 200);
        assert!(page.text().contains("Cardiology"));
    });
}
