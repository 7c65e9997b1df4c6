//! The orders list: what each role sees, every filter with and without htmx, and keyset pages
//! that cover every order exactly once in both directions.
use labdesk::domain::ids::OrderId;
use labdesk::domain::order_status::LowStatus;
use labdesk::web::urls;

use crate::support::orders::{
    advance, at, listed_ids, order, org_order_ids, place, rel_href, set_created_at,
};
use crate::support::{
    each_backend, Client, CARDIOLOGY, CLINICIAN, CSM, GLOBEX_DOWNTOWN, OPS, OTHER_OPS,
    PRIMARY_CARE, TELEHEALTH_WEST,
};

#[test]
fn orders_list_shows_each_role_what_it_may_see() {
    each_backend(|app| {
        let ada = place(app, PRIMARY_CARE, "Ada", "Lovelace");
        let grace = place(app, CARDIOLOGY, "Grace", "Hopper");
        let noah = place(app, GLOBEX_DOWNTOWN, "Noah", "Globexer");
        let url = urls::org_orders(&app.world.org_id);
        for who in [OPS, CSM] {
            let page = app.login(who).get(&url);
            assert_eq!(page.status, 200, "{who}");
            let ids = listed_ids(&page.body);
            assert!(ids.contains(&ada) && ids.contains(&grace), "{who}");
            assert!(!ids.contains(&noah), "{who} must not see another org");
            assert!(
                page.text().contains("Every Team of Northwind Health"),
                "{who}"
            );
        }
        let page = app.login(OPS).get(&url);
        let text = page.text();
        for shown in [
            "Ada Lovelace",
            "Grace Hopper",
            "Lipid Panel",
            "Quest West",
            "97500001",
            "Quest East",
            "Cardiology",
            "Ordered",
        ] {
            assert!(text.contains(shown), "{shown}: {text}");
        }
        // Patient names are PHI: the page is never cached, and htmx keeps no copy of it.
        assert_eq!(page.header("cache-control"), Some("private, no-store"));
        assert!(page.body.contains("hx-history=\"false\""));

        // A clinician of Primary Care sees that Team's orders only.
        let page = app.login(CLINICIAN).get(&url);
        assert_eq!(page.status, 200);
        let ids = listed_ids(&page.body);
        assert!(ids.contains(&ada), "{}", page.text());
        assert!(!ids.contains(&grace) && !ids.contains(&noah));
        let primary = app.world.team(PRIMARY_CARE);
        let in_db: Vec<OrderId> = org_order_ids(app, &app.world.org_id)
            .into_iter()
            .filter(|id| order(app, id).team_id == *primary)
            .collect();
        // The demo's history fills more than a page: the first page is the newest of them.
        let page_size = labdesk::service::org_orders::PAGE_SIZE as usize;
        assert_eq!(
            ids,
            in_db[..in_db.len().min(page_size)],
            "exactly Primary Care's orders, newest first"
        );
        assert!(page.text().contains("Orders of your Teams: Primary Care."));
        // Even filtered by Cardiology's account, nothing of Cardiology shows.
        let quest_east = app.world.account("97500002");
        let page = app
            .login(CLINICIAN)
            .get(&format!("{url}?lab_account_id={quest_east}"));
        assert!(listed_ids(&page.body).is_empty());
        assert!(page.text().contains("No orders match these filters"));

        // The other org's admin: their own orders, and 404 for Northwind's list.
        let globex = app.login(OTHER_OPS);
        assert_eq!(globex.get(&url).status, 404);
        let own = globex.get(&urls::org_orders(&app.world.other_org_id));
        assert_eq!(listed_ids(&own.body).first(), Some(&noah));
        assert!(!own.text().contains("Ada Lovelace"));
        // Listing is not reading an order: no PHI-read audit rows.
        assert!(app.audit_rows("order.viewed", &ada).is_empty());
    });
}

#[test]
fn orders_list_filters_by_status_account_dates_and_patient_name() {
    each_backend(|app| {
        let ada = place(app, PRIMARY_CARE, "Ada", "Lovelace");
        let alan = place(app, PRIMARY_CARE, "Alan", "Turing");
        advance(app, &alan, LowStatus::Completed);
        set_created_at(app, &alan, at("2001-01-15 09:30:00"));
        let grace = place(app, CARDIOLOGY, "Grace", "Hopper");
        let c = app.login(OPS);
        let url = urls::org_orders(&app.world.org_id);
        let ids = |query: &str| listed_ids(&c.get(&format!("{url}?{query}")).body);

        let completed = ids("status=completed");
        assert!(!completed.is_empty() && !completed.contains(&ada));
        // Alan's order is older than the demo's first page of completed orders.
        assert!(ids("status=completed&to=2001-12-31").contains(&alan));
        assert!(completed
            .iter()
            .all(|id| order(app, id).status_low.as_str() == "completed"));

        let quest_east = app.world.account("97500002");
        let on_east = ids(&format!("lab_account_id={quest_east}"));
        assert!(on_east.contains(&grace) && !on_east.contains(&ada));
        assert!(on_east
            .iter()
            .all(|id| order(app, id).lab_account_id == *quest_east));

        // Dates are creation days, "to" included.
        assert_eq!(ids("from=2001-01-15&to=2001-01-15"), vec![alan.clone()]);
        assert_eq!(ids("from=2001-01-01&to=2001-01-31"), vec![alan.clone()]);
        assert!(ids("to=2001-01-14").is_empty());
        assert!(!ids("from=2001-01-16").contains(&alan));
        assert!(ids("from=2001-01-16").contains(&ada));

        // The name matches from the start of the first or the last name, in any case.
        assert_eq!(ids("patient=tur"), vec![alan.clone()]);
        assert_eq!(ids("patient=ADA"), vec![ada.clone()]);
        assert_eq!(ids("patient=ada+lov"), vec![ada.clone()]);
        assert_eq!(ids("patient=hopper"), vec![grace.clone()]);
        assert!(
            ids("patient=velace").is_empty(),
            "not from the middle of a name"
        );
        assert!(
            ids("patient=a%25").contains(&ada),
            "LIKE wildcards are not wildcards"
        );
        // Filters combine.
        assert_eq!(ids("patient=a&status=completed"), vec![alan.clone()]);

        // htmx gets just the table, for the same URL; the response says it varies.
        let fragment = c.htmx_get(&format!("{url}?status=completed"));
        assert!(
            fragment
                .body
                .trim_start()
                .starts_with("<div id=\"orders-table\">"),
            "{}",
            fragment.body
        );
        assert!(!fragment.body.contains("<html"));
        assert!(fragment.header("vary").unwrap_or("").contains("HX-Request"));
        assert!(c
            .get(&url)
            .header("vary")
            .unwrap_or("")
            .contains("HX-Request"));
        assert_eq!(listed_ids(&fragment.body), completed);
        // Back to a list htmx did not keep: it asks again and replaces the whole body, so it
        // gets the whole page, not the table alone.
        let restored = c.htmx_history_restore(&format!("{url}?status=completed"));
        assert!(restored.body.contains("<html"), "{}", restored.body);
        assert!(restored.body.contains(r#"<form method="get""#));
        assert_eq!(listed_ids(&restored.body), completed);
        assert!(restored.header("vary").unwrap_or("").contains("HX-Request"));
        // The plain page keeps the filters in the form.
        let page = c.get(&format!("{url}?patient=Tur&status=completed"));
        assert!(page.body.contains("name=\"patient\" value=\"Tur\""));
        assert!(page.body.contains("<option value=\"completed\" selected>"));

        // Empty results say so and offer to clear; bad input is explained.
        let none = c.get(&format!("{url}?patient=zzz"));
        assert!(none
            .text()
            .contains("No orders match these filters. Clear the filters"));
        assert_eq!(c.get(&format!("{url}?status=shipped")).status, 400);
        assert_eq!(c.get(&format!("{url}?lab_account_id=nope")).status, 400);
        assert_eq!(c.get(&format!("{url}?older=garbage")).status, 400);
        let bad_date = c.get(&format!("{url}?from=yesterday"));
        assert_eq!(bad_date.status, 200);
        assert!(bad_date
            .text()
            .contains("is not a date like 2026-11-30; it was ignored"));
        assert!(listed_ids(&bad_date.body).contains(&ada));
    });
}

/// Follows `rel` links from `start` until there are none; returns the pages' ids and the URLs.
fn walk(c: &Client, start: &str, rel: &str) -> (Vec<Vec<OrderId>>, Vec<String>) {
    let (mut pages, mut hrefs) = (Vec::new(), vec![start.to_string()]);
    let mut next = Some(start.to_string());
    while let Some(url) = next {
        let page = c.get(&url);
        assert_eq!(page.status, 200, "{url}");
        pages.push(listed_ids(&page.body));
        next = rel_href(&page.body, rel);
        if let Some(u) = &next {
            hrefs.push(u.clone());
        }
        assert!(
            pages.len() < 20,
            "runaway paging: {hrefs:?} {:?}",
            pages.iter().map(|p| p.len()).collect::<Vec<_>>()
        );
    }
    (pages, hrefs)
}

#[test]
fn keyset_pages_cover_every_order_once_in_both_directions() {
    each_backend(|app| {
        let mut placed = Vec::new();
        for i in 0..115 {
            let team = if i % 3 == 0 { CARDIOLOGY } else { PRIMARY_CARE };
            placed.push(place(app, team, "Pat", "Pager"));
        }
        // 41 orders with one identical creation time straddle the first page boundary (rows 15
        // to 55): the id breaks the tie, so none is repeated or skipped.
        let tie = order(app, &placed[59]).created_at;
        for id in &placed[60..100] {
            set_created_at(app, id, tie);
        }
        let c = app.login(OPS);
        let expected = org_order_ids(app, &app.world.org_id);
        assert!(
            placed.iter().all(|id| expected.contains(id)),
            "the list covers the test's orders"
        );

        let list = urls::org_orders(&app.world.org_id);
        let (pages, hrefs) = walk(&c, &list, "next");
        assert_eq!(pages.len(), expected.len().div_ceil(50));
        assert!(pages[..pages.len() - 1].iter().all(|p| p.len() == 50));
        assert_eq!(pages.concat(), expected, "every order once, newest first");
        assert!(hrefs[1..]
            .iter()
            .all(|u| u.contains("older=") && !u.contains("page=")));

        // Back from the last page with "Newer": the same pages in reverse.
        let (back, _) = walk(&c, hrefs.last().unwrap(), "prev");
        let mut forward = pages.clone();
        forward.reverse();
        assert_eq!(back, forward);
        // The first page has no "Newer"; later pages lead back to the newest.
        let first = c.get(&list);
        assert!(rel_href(&first.body, "prev").is_none());
        assert!(c.get(&hrefs[1]).text().contains("« Newest"));

        // With a filter the links keep it: only the pager's orders, all of them, once.
        let start = format!("{list}?patient=pager");
        let (pages, hrefs) = walk(&c, &start, "next");
        // And back with "Newer": a name filter pages the same way in both directions (a common
        // name fills a page from the newest orders; the last, short page from the name index).
        let (back, _) = walk(&c, hrefs.last().unwrap(), "prev");
        let mut forward = pages.clone();
        forward.reverse();
        assert_eq!(back, forward, "name-filtered pages, back from the last");
        let mut all = pages.concat();
        assert!(
            hrefs[1..].iter().all(|u| u.contains("patient=pager")),
            "{hrefs:?}"
        );
        assert_eq!(all.len(), placed.len());
        all.sort();
        let mut want = placed.clone();
        want.sort();
        assert_eq!(all, want);
        // A clinician pages through Primary Care's share only.
        let (pages, _) = walk(&app.login(CLINICIAN), &start, "next");
        assert_eq!(
            pages.concat().len(),
            placed.len() - placed.len().div_ceil(3)
        );
        // htmx gets the next page as a fragment.
        let fragment = c.htmx_get(&hrefs[1]);
        assert!(fragment
            .body
            .trim_start()
            .starts_with("<div id=\"orders-table\">"));
        assert_eq!(listed_ids(&fragment.body).len(), 50);
    });
}

#[test]
fn demo_seed_has_orders_in_several_states_and_does_not_repeat_them() {
    each_backend(|app| {
        let before = org_order_ids(app, &app.world.org_id);
        let globex_before = org_order_ids(app, &app.world.other_org_id);
        let mut states: Vec<String> = before
            .iter()
            .map(|id| order(app, id).status_low.to_string())
            .collect();
        states.sort();
        states.dedup();
        for s in [
            "ordered",
            "requisition_created",
            "appointment_scheduled",
            "partial_results",
            "completed",
            "cancelled",
        ] {
            assert!(
                states.contains(&s.to_string()),
                "demo has no {s} order: {states:?}"
            );
        }
        labdesk::seed::demo::ensure_demo(&mut app.conn()).unwrap();
        assert_eq!(org_order_ids(app, &app.world.org_id), before);
        // Every Team of the demo has something to show.
        for team in [PRIMARY_CARE, CARDIOLOGY, TELEHEALTH_WEST] {
            let team_id = app.world.team(team);
            assert!(
                before
                    .iter()
                    .any(|id| order(app, id).team_id == team_id.clone()),
                "{team}"
            );
        }
        // Nor does it repeat the other org's.
        assert!(!globex_before.is_empty(), "the demo has an order of Globex");
        assert_eq!(org_order_ids(app, &app.world.other_org_id), globex_before);
    });
}
