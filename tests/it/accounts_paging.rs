//! The lab accounts list comes in keyset pages: following "Next page" from the first page visits
//! every account the person sees exactly once, in the list's order, with the filters kept, for an
//! org (its own accounts and the platform's linked to its Teams) and for the platform.
use labdesk::domain::lab_account::AccountStatus;
use labdesk::domain::scope::Scope;
use labdesk::service::lab_accounts::reads::{PAGE_SIZE, TEAM_CHOICES};
use labdesk::web::urls;

use crate::support::data::{add_account, NewAccount};
use crate::support::orders::rel_href;
use crate::support::{each_backend, Client, CSM, OPS, PRIMARY_CARE};

/// The account ids of a list page, in order.
fn account_ids(html: &str) -> Vec<String> {
    html.split("data-account-id=\"")
        .skip(1)
        .map(|rest| rest.chars().take_while(|c| *c != '"').collect())
        .collect()
}

/// Every page from `first`, following "Next page": the ids and how many pages.
fn walk(client: &Client, first: &str) -> (Vec<String>, usize) {
    let (mut ids, mut pages, mut url) = (Vec::new(), 0, Some(first.to_string()));
    while let Some(u) = url {
        let page = client.get(&u);
        assert_eq!(page.status, 200, "{u}: {}", page.body);
        let shown = account_ids(&page.body);
        assert!(shown.len() <= PAGE_SIZE, "{u}");
        ids.extend(shown);
        pages += 1;
        url = rel_href(&page.body, "next");
        assert!(pages < 20, "the pages never end");
    }
    (ids, pages)
}

#[test]
fn following_next_page_shows_every_account_once_in_order() {
    each_backend(|app| {
        for i in 0..(2 * PAGE_SIZE + 10) {
            let number = format!("9753{i:04}");
            add_account(
                app,
                &NewAccount {
                    number: &number,
                    status: if i % 3 == 0 {
                        AccountStatus::Pending
                    } else {
                        AccountStatus::Active
                    },
                    teams: &[],
                    ..NewAccount::QUEST
                },
            );
        }
        let platform_number = "97539999".to_string();
        let platform_id = add_account(
            app,
            &NewAccount {
                number: &platform_number,
                teams: &[PRIMARY_CARE],
                platform: true,
                ..NewAccount::QUEST
            },
        );
        let ops = app.login(OPS);
        let first = urls::lab_accounts(app.world.org());
        let whole = ops.get(&first);
        let (ids, pages) = walk(&ops, &first);
        assert!(pages >= 2, "{pages} page(s)");
        let mut unique = ids.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), ids.len(), "an account was shown twice");
        let expected = {
            use diesel::prelude::*;
            use labdesk::db::schema::lab_accounts::dsl as a;
            let mut rows: Vec<(String, String, String, Option<String>)> = a::lab_accounts
                .select((a::lab_slug, a::provider_account_id, a::id, a::org_id))
                .load(&mut app.conn())
                .unwrap();
            use labdesk::db::schema::{lab_account_teams::dsl as l, teams::dsl as t};
            let linked: Vec<String> = l::lab_account_teams
                .inner_join(t::teams)
                .filter(t::org_id.eq(app.world.org_id.as_str()))
                .select(l::lab_account_id)
                .load(&mut app.conn())
                .unwrap();
            rows.retain(|(_, _, id, org)| {
                org.as_deref() == Some(app.world.org_id.as_str()) || linked.contains(id)
            });
            rows.sort();
            rows.into_iter().map(|(_, _, id, _)| id).collect::<Vec<_>>()
        };
        assert_eq!(ids, expected, "pages in the list's order");
        assert!(
            ids.contains(&platform_id.to_string()),
            "the linked platform account"
        );
        assert!(whole.text().contains("on this page"), "{}", whole.text());

        // A filter is kept from page to page.
        let active = format!("{first}?status=active");
        let (active_ids, pages) = walk(&ops, &active);
        assert!(pages >= 2, "{pages} page(s) of active accounts");
        let in_order: Vec<&String> = ids.iter().filter(|id| active_ids.contains(id)).collect();
        assert_eq!(
            in_order.len(),
            active_ids.len(),
            "only accounts of the list"
        );
        assert!(in_order.iter().zip(&active_ids).all(|(a, b)| *a == b));
        let page = ops.get(&active);
        assert!(
            !page.body.contains("badge-pending"),
            "a pending account on the active list"
        );
        let next = rel_href(&page.body, "next").unwrap_or_default();
        assert!(next.contains("status=active"), "{next}");

        // The platform's list pages the same way.
        let csm = app.login(CSM);
        let (platform_ids, _) = walk(&csm, &urls::lab_accounts(&Scope::Platform));
        let mut unique = platform_ids.clone();
        unique.dedup();
        assert_eq!(unique, platform_ids);
        assert!(!platform_ids.is_empty());
    });
}

/// The Team filter offers the first `TEAM_CHOICES` Teams by name and reads no more; an account's
/// row still names a Team past them, and filtering by that Team (from its link) works and shows
/// it chosen.
#[test]
fn rows_name_teams_past_the_filters_choices() {
    each_backend(|app| {
        let mut conn = app.conn();
        for i in 0..TEAM_CHOICES {
            labdesk::db::orgs::insert_team(&mut conn, &app.world.org_id, &format!("Aa {i:03}"))
                .expect("team");
        }
        let last = labdesk::db::orgs::insert_team(&mut conn, &app.world.org_id, "Zz Last Team")
            .expect("team");
        drop(conn);
        let number = "97580001".to_string();
        let account = add_account(
            app,
            &NewAccount {
                number: &number,
                teams: &[],
                ..NewAccount::QUEST
            },
        );
        labdesk::service::lab_accounts::link_team(
            &mut app.conn(),
            &labdesk::domain::actor::Actor::system("test"),
            &account,
            &last.id,
        )
        .expect("link");
        let ops = app.login(OPS);
        let list = urls::lab_accounts(app.world.org());
        let page = ops.get(&list);
        assert_eq!(page.status, 200, "{}", page.body);
        let option = format!("<option value=\"{}\"", last.id);
        assert!(
            !page.body.contains(&option),
            "a Team past the choices is offered"
        );
        assert!(
            page.text().contains("The first 200 Teams"),
            "{}",
            page.text()
        );
        let row = page
            .body
            .split(&format!("data-account-id=\"{account}\""))
            .nth(1)
            .and_then(|rest| rest.split("</tr>").next())
            .expect("the account's row");
        assert!(row.contains("Zz Last Team"), "{row}");

        let filtered = ops.get(&format!("{list}?team_id={}", last.id));
        assert_eq!(filtered.status, 200, "{}", filtered.body);
        assert_eq!(account_ids(&filtered.body), vec![account.to_string()]);
        assert!(
            filtered.body.contains(&format!("{option} selected")),
            "the chosen Team is not shown chosen"
        );
    });
}
