//! Two Teams of one org sharing one lab account: nothing about one Team's patients reaches the
//! other Team's API key, on every Team-key route that returns patient data. Counts are fixed by
//! the test (the demo's own review items are removed first), never read from the route tested.
use std::collections::BTreeSet;

use diesel::prelude::*;
use serde_json::Value;

use crate::support::data::{link_team, made_with_key};
use crate::support::results::{clear_queue, deliver, fill, fixture, jane, jane_order_of, queue};
use crate::support::{each_backend, Resp, TestApp, CARDIOLOGY, PRIMARY_CARE, TEAM_KEY_HEADER};
use labdesk::db::audit::AuditEvent;
use labdesk::db::unmatched::{self, UnmatchedRow};
use labdesk::domain::access::{team_sees_queue_item, QueueItemOwner};
use labdesk::domain::ids::{LabAccountId, OrderId, OrgId, ReviewItemId, TeamId};
use labdesk::domain::lab::LabSlug;
use labdesk::domain::result_matching::DecisionCode;
use labdesk::domain::review::ReviewStatus;

/// Quest West, Primary Care's account, linked to Cardiology too: one account, two Teams.
fn share_quest_west(app: &TestApp) {
    let west = app.world.account("97500001");
    let cardio = app.world.team(CARDIOLOGY).to_string();
    let mut teams = app.linked_team_ids(west);
    assert!(
        teams.contains(&app.world.team(PRIMARY_CARE).to_string()) && !teams.contains(&cardio),
        "{teams:?}"
    );
    link_team(app, west, CARDIOLOGY);
    teams.push(cardio);
    teams.sort();
    let mut now = app.linked_team_ids(west);
    now.sort();
    assert_eq!(now, teams, "the Teams it had, and now Cardiology");
}

fn ids(list: &Value, field: &str) -> BTreeSet<String> {
    list[field]
        .as_array()
        .unwrap_or_else(|| panic!("no {field} in {list}"))
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect()
}

fn set(items: &[&dyn AsRef<str>]) -> BTreeSet<String> {
    items.iter().map(|s| s.as_ref().to_string()).collect()
}

/// Audit rows written for requests made with this API key.
fn rows_by_key(app: &TestApp, key: &str) -> Vec<AuditEvent> {
    use labdesk::db::schema::audit_events::dsl as a;
    a::audit_events
        .select(AuditEvent::as_select())
        .load(&mut app.conn())
        .unwrap()
        .into_iter()
        .filter(|r| made_with_key(r, key))
        .collect()
}

/// Nothing the key read names any of these ids.
fn audit_names_none_of(app: &TestApp, key: &str, foreign: &[&dyn AsRef<str>]) {
    for row in rows_by_key(app, key) {
        for id in foreign.iter().map(|i| i.as_ref()) {
            assert!(
                row.entity_id != id && !row.details.contains(id),
                "{} recorded a read of {id}: {row:?}",
                row.action
            );
        }
    }
}

#[test]
fn a_teams_queue_items_stay_with_it_on_an_account_shared_with_another_team() {
    each_backend(|app| {
        clear_queue(app);
        share_quest_west(app);
        let (pc, cardio) = (&app.world.team_key, &app.world.cardio_key);
        let (_, pc_order) = jane_order_of(app, PRIMARY_CARE, "AZ");
        let (_, cardio_order) = jane_order_of(app, CARDIOLOGY, "NY");
        // Primary Care's order, delivered on the shared account with other demographics.
        let pc_shared = queue(
            app,
            "97500001",
            pc_order.as_str(),
            "Roe",
            "match_sample_id_mismatch_demo",
        );
        // Primary Care's order, delivered on Quest East (Cardiology's account only).
        let pc_on_cardio_account = queue(
            app,
            "97500002",
            pc_order.as_str(),
            "Doe",
            "lab_account_mismatch",
        );
        // No order found: no Team; the shared account's Teams both see it.
        let nobodys = queue(
            app,
            "97500001",
            &uuid::Uuid::new_v4().to_string(),
            "Doe",
            "no_match",
        );
        let cardio_own = queue(
            app,
            "97500002",
            cardio_order.as_str(),
            "Roe",
            "match_sample_id_mismatch_demo",
        );
        let c = app.client();
        let list = |key: &str| {
            c.api_get("/v3/unmatched_result", TEAM_KEY_HEADER, key)
                .json()
        };
        let get = |key: &str, id: &str| {
            c.api_get(&format!("/v3/unmatched_result/{id}"), TEAM_KEY_HEADER, key)
        };

        let pc_list = list(pc);
        assert_eq!(
            ids(&pc_list, "data"),
            set(&[&pc_shared, &pc_on_cardio_account, &nobodys])
        );
        assert_eq!(pc_list["total"], 3);
        let cardio_list = list(cardio);
        assert_eq!(ids(&cardio_list, "data"), set(&[&cardio_own, &nobodys]));
        assert_eq!(
            cardio_list["total"], 2,
            "Primary Care's items are not counted"
        );

        for id in [&pc_shared, &pc_on_cardio_account] {
            let res = get(cardio, id.as_str());
            assert_eq!(res.status, 404, "{id}: {}", res.body);
            assert!(!res.body.contains("Jane"), "{}", res.body);
            let own = get(pc, id.as_str());
            assert_eq!(own.status, 200);
            assert_eq!(
                own.json()["candidate_groups"][0]["order_ids"][0],
                pc_order.as_str()
            );
        }
        assert_eq!(get(pc, cardio_own.as_str()).status, 404);
        for key in [pc, cardio] {
            let res = get(key, nobodys.as_str());
            assert_eq!(res.status, 200);
            assert_eq!(res.json()["patient"]["last_name"], "Doe");
        }
        // Another org's Team sees none of it.
        let globex = &app.world.other_team_key;
        assert_eq!(list(globex)["total"], 0);
        assert_eq!(get(globex, nobodys.as_str()).status, 404);
        // Nothing Cardiology's key read names Primary Care's items (its reads are audited).
        audit_names_none_of(app, cardio, &[&pc_shared, &pc_on_cardio_account]);
        assert!(!rows_by_key(app, cardio).is_empty());
    });
}

#[test]
fn the_queue_list_and_the_item_check_both_follow_the_domain_rule_for_every_kind_of_item() {
    each_backend(|app| {
        clear_queue(app);
        let w = &app.world;
        let (org, team) = (&w.org_id, w.team(CARDIOLOGY));
        let linked = w.account("97500002"); // Quest East: Cardiology's
        let orgs = [Some(org), Some(&w.other_org_id), None];
        let teams = [Some(team), Some(w.team(PRIMARY_CARE)), None];
        let accounts = [Some(linked), Some(w.account("SQ-4410")), None];
        let mut expected = BTreeSet::new();
        let mut all = Vec::new();
        for item_org in orgs {
            for item_team in teams {
                for account in accounts {
                    let id = ReviewItemId::new();
                    unmatched::insert(&mut app.conn(), &row(&id, item_org, item_team, account))
                        .unwrap();
                    let owner = QueueItemOwner {
                        org_id: item_org,
                        team_id: item_team,
                        account_linked: account == Some(linked),
                    };
                    if team_sees_queue_item(org, team, owner) {
                        expected.insert(id.to_string());
                    }
                    all.push((id, owner));
                }
            }
        }
        assert!(!expected.is_empty() && expected.len() < all.len());
        let c = app.client();
        let list = c
            .api_get(
                "/v3/unmatched_result?limit=100",
                TEAM_KEY_HEADER,
                &w.cardio_key,
            )
            .json();
        assert_eq!(ids(&list, "data"), expected, "the list query");
        assert_eq!(list["total"], expected.len());
        for (id, owner) in all {
            let res = c.api_get(
                &format!("/v3/unmatched_result/{id}"),
                TEAM_KEY_HEADER,
                &w.cardio_key,
            );
            let want = if expected.contains(id.as_str()) {
                200
            } else {
                404
            };
            assert_eq!(res.status, want, "the item check for {owner:?}");
        }
    });
}

fn row(
    id: &ReviewItemId,
    org: Option<&OrgId>,
    team: Option<&TeamId>,
    account: Option<&LabAccountId>,
) -> UnmatchedRow {
    UnmatchedRow {
        id: id.clone(),
        lab_slug: LabSlug::Quest,
        lab_account_id: account.cloned(),
        org_id: org.cloned(),
        team_id: team.cloned(),
        account_number: "000".into(),
        placer_order_number: None,
        control_id: format!("T-{id}"),
        decision_code: DecisionCode::NoMatch,
        reasons: "[]".into(),
        candidate_order_id: None,
        raw_message: "{}".into(),
        parsed: "{}".into(),
        status: ReviewStatus::PendingCustomer,
        resolution_note: None,
        resolved_order_id: None,
        decided_by: None,
        decided_at: None,
        version: 1,
        created_at: labdesk::db::now(),
    }
}

fn status_of(app: &TestApp, order: &OrderId) -> (String, usize) {
    let row = labdesk::db::orders::find(&mut app.conn(), order)
        .unwrap()
        .unwrap();
    let events = labdesk::db::orders::events(&mut app.conn(), order)
        .unwrap()
        .len();
    (row.status_low.to_string(), events)
}

fn team_orders(app: &TestApp, team: &str) -> i64 {
    use labdesk::db::schema::orders::dsl as o;
    o::orders
        .filter(o::team_id.eq(team))
        .count()
        .get_result(&mut app.conn())
        .unwrap()
}

#[test]
fn another_teams_orders_results_and_patients_are_not_found_on_every_team_route() {
    each_backend(|app| {
        share_quest_west(app);
        let (pc, cardio) = (&app.world.team_key, &app.world.cardio_key);
        // Primary Care's patient and orders on the account it shares with Cardiology; one has a result.
        let (user, with_result) = jane_order_of(app, PRIMARY_CARE, "AZ");
        let delivered = deliver(
            app,
            &fill(&fixture("final.hl7"), &jane(&with_result, "ISO-R")),
        );
        assert_eq!(delivered.status, 200, "{}", delivered.body);
        let (_, open) = jane_order_of(app, PRIMARY_CARE, "AZ");
        let c = app.client();
        let get = |key: &str, path: &str| c.api_get(path, TEAM_KEY_HEADER, key);
        let post = |key: &str, path: &str| c.api_post(path, TEAM_KEY_HEADER, key, "", None);
        let reads = [
            format!("/v3/order/{with_result}"),
            format!("/v3/order/{with_result}/result"),
            format!("/v3/order/{with_result}/result/metadata"),
            format!("/v2/user/{user}"),
        ];
        // Primary Care reads all of it (so a 404 below is about the Team, not the route).
        for path in &reads {
            assert_eq!(get(pc, path).status, 200, "{path}");
        }
        let not_found = |res: Resp, what: &str| {
            assert_eq!(res.status, 404, "{what}: {}", res.body);
            assert!(
                !res.body.contains("Jane") && !res.body.contains("1990"),
                "{what}: {}",
                res.body
            );
        };
        for path in &reads {
            not_found(get(cardio, path), path);
        }
        let before = status_of(app, &open);
        not_found(post(cardio, &format!("/v3/order/{open}/cancel")), "cancel");
        not_found(
            post(cardio, &format!("/v3/order/{open}/test")),
            "sandbox test",
        );
        assert_eq!(status_of(app, &open), before, "nothing changed");
        // Lists: Primary Care's orders are neither listed nor counted.
        for query in [
            format!("?order_ids={with_result}&order_ids={open}"),
            format!("?user_id={user}"),
        ] {
            let list = get(cardio, &format!("/v3/orders{query}")).json();
            assert_eq!(
                (list["total"].as_i64(), ids(&list, "orders").len()),
                (Some(0), 0),
                "{query}"
            );
            let own = get(pc, &format!("/v3/orders{query}")).json();
            assert!(own["total"].as_i64().unwrap() >= 1, "{query}: {own}");
        }
        let whole = get(cardio, "/v3/orders?size=100").json();
        let cardio_total = team_orders(app, app.world.team(CARDIOLOGY).as_str());
        assert_eq!(whole["total"].as_i64(), Some(cardio_total));
        let listed = ids(&whole, "orders");
        assert!(!listed.contains(with_result.as_str()) && !listed.contains(open.as_str()));
        // Primary Care can still cancel its own order.
        assert_eq!(post(pc, &format!("/v3/order/{open}/cancel")).status, 200);
        audit_names_none_of(app, cardio, &[&with_result, &open, &user]);
    });
}
