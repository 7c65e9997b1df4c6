//! The size of an order body: a capped test list, linear work, and none of it on the async
//! workers that answer `/livez`.
use std::time::{Duration, Instant};

use diesel::prelude::*;
use serde_json::{json, Value};

use crate::support::data::{order_count, patient, test_id};
use crate::support::orders::{order_body, post_order};
use crate::support::{each_backend, Backend, Client, Resp, TestApp, PRIMARY_CARE, TEAM_KEY_HEADER};
use labdesk::domain::ids::{LabTestId, PatientId};
use labdesk::domain::order_input::MAX_TESTS_PER_ORDER;

/// About 1 MB of test ids, as in the report: 26,500 UUIDs.
const HUGE: usize = 26_500;

fn with_test_ids(user: &PatientId, test: &LabTestId, n: usize) -> Value {
    let mut b = order_body(user, test, "AZ");
    let ids: Vec<String> = (0..n).map(|_| uuid::Uuid::new_v4().to_string()).collect();
    b["order_set"] = json!({ "lab_test_ids": ids });
    b
}

fn locs(res: &Resp) -> Vec<Value> {
    res.json()["detail"]
        .as_array()
        .unwrap_or_else(|| panic!("no detail list: {}", res.body))
        .iter()
        .map(|d| d["loc"].clone())
        .collect()
}

#[test]
fn an_order_with_more_tests_than_the_cap_is_refused_at_the_list_and_quickly() {
    each_backend(|app| {
        let key = &app.world.team_key;
        let user = patient(app, app.world.team(PRIMARY_CARE), "p-1");
        let test = test_id(app, "quest-lipid-panel");
        let before = order_count(app);
        let huge = with_test_ids(&user, &test, HUGE).to_string();
        assert!(huge.len() > 1_000_000 && huge.len() < 1_048_576);
        let started = Instant::now();
        let res = app
            .client()
            .api_post("/v3/order", TEAM_KEY_HEADER, key, &huge, None);
        let took = started.elapsed();
        assert_eq!(res.status, 422, "{}", &res.body[..res.body.len().min(300)]);
        let list = json!(["body", "order_set", "lab_test_ids"]);
        assert_eq!(locs(&res), vec![list.clone()]);
        assert_eq!(
            res.json()["detail"][0]["msg"],
            format!("List should have at most {MAX_TESTS_PER_ORDER} items")
        );
        assert!(took < Duration::from_secs(2), "took {took:?}");
        // The boundary: one more than the cap is refused, the cap itself reaches the catalogue
        // (which knows none of these made-up tests).
        let res = post_order(
            app,
            key,
            &with_test_ids(&user, &test, MAX_TESTS_PER_ORDER + 1),
        );
        assert_eq!(locs(&res), vec![list.clone()]);
        let res = post_order(
            app,
            key,
            &with_test_ids(&user, &test, MAX_TESTS_PER_ORDER - 1),
        );
        assert_eq!(res.status, 400, "{}", res.body);
        assert_eq!(res.json()["code"], "lab_test_not_found");
        // lab_test_id counts too: the cap is on the order's distinct tests.
        let res = post_order(app, key, &with_test_ids(&user, &test, MAX_TESTS_PER_ORDER));
        assert_eq!(locs(&res), vec![list]);
        assert_eq!(order_count(app), before);
    });
}

#[test]
fn a_test_given_twice_is_ordered_once() {
    each_backend(|app| {
        let key = &app.world.team_key;
        let user = patient(app, app.world.team(PRIMARY_CARE), "p-1");
        let test = test_id(app, "quest-lipid-panel");
        let mut b = order_body(&user, &test, "AZ");
        b["order_set"] = json!({ "lab_test_ids": [test, test] });
        let res = post_order(app, key, &b);
        assert_eq!(res.status, 200, "{}", res.body);
        let id = res.order_id();
        use labdesk::db::schema::order_tests::dsl as t;
        let tests: Vec<LabTestId> = t::order_tests
            .filter(t::order_id.eq(&id))
            .select(t::lab_test_id)
            .load(&mut app.conn())
            .unwrap();
        assert_eq!(tests, vec![test]);
    });
}

#[test]
fn livez_keeps_answering_while_four_huge_order_bodies_are_posted() {
    let app = TestApp::spawn(Backend::Sqlite);
    let key = app.world.team_key.clone();
    let user = patient(&app, app.world.team(PRIMARY_CARE), "p-1");
    let test = test_id(&app, "quest-lipid-panel");
    let huge = with_test_ids(&user, &test, HUGE).to_string();
    let posters: Vec<_> = (0..4)
        .map(|_| {
            let (base, key, huge) = (app.base.clone(), key.clone(), huge.clone());
            std::thread::spawn(move || {
                let c = Client::new(&base);
                (0..3)
                    .map(|_| {
                        c.api_post("/v3/order", TEAM_KEY_HEADER, &key, &huge, None)
                            .status
                    })
                    .collect::<Vec<u16>>()
            })
        })
        .collect();
    let livez = Client::new(&app.base);
    let mut slowest = Duration::ZERO;
    while posters.iter().any(|p| !p.is_finished()) {
        let started = Instant::now();
        assert_eq!(livez.get("/livez").status, 200);
        slowest = slowest.max(started.elapsed());
        std::thread::sleep(Duration::from_millis(20));
    }
    for p in posters {
        assert_eq!(p.join().unwrap(), vec![422; 3]);
    }
    println!("slowest /livez while posting: {slowest:?}");
    assert!(
        slowest < Duration::from_millis(500),
        "/livez took {slowest:?}"
    );
}
