//! `GET /v3/orders` answers its exact `total` from counters the database keeps in the order's own
//! transaction (triggers on insert and on every status move), so it never counts a Team's rows.
//! The counters must always equal a real count.
use std::collections::BTreeMap;

use diesel::prelude::*;
use labdesk::domain::order_status::LowStatus;

use crate::support::orders::{advance, cancel, place};
use crate::support::{each_backend, TestApp, CARDIOLOGY, PRIMARY_CARE, TEAM_KEY_HEADER};

/// (team, status) -> orders, counted row by row.
fn counted(app: &TestApp) -> BTreeMap<(String, String), i64> {
    use labdesk::db::schema::orders::dsl as o;
    o::orders
        .group_by((o::team_id, o::status_low))
        .select((o::team_id, o::status_low, diesel::dsl::count_star()))
        .load::<(String, String, i64)>(&mut app.conn())
        .unwrap()
        .into_iter()
        .map(|(team, status, n)| ((team, status), n))
        .collect()
}

/// (team, status) -> orders, from the counters (their shards summed; zeros left out).
fn kept(app: &TestApp) -> BTreeMap<(String, String), i64> {
    use labdesk::db::schema::team_order_counts::dsl as c;
    let mut out = BTreeMap::new();
    for (team, status, n) in c::team_order_counts
        .select((c::team_id, c::status_low, c::n))
        .load::<(String, String, i64)>(&mut app.conn())
        .unwrap()
    {
        *out.entry((team, status)).or_insert(0) += n;
    }
    out.retain(|_, n| *n != 0);
    out
}

fn api_total(app: &TestApp, query: &str) -> i64 {
    let res = app.client().api_get(
        &format!("/v3/orders?size=1{query}"),
        TEAM_KEY_HEADER,
        &app.world.team_key,
    );
    assert_eq!(res.status, 200, "{}", res.body);
    res.json()["total"].as_i64().expect("a total")
}

#[test]
fn the_orders_total_follows_every_new_order_and_status_move() {
    each_backend(|app| {
        assert_eq!(kept(app), counted(app), "after the demo seed");
        let before = api_total(app, "");
        let ada = place(app, PRIMARY_CARE, "Ada", "Lovelace");
        let alan = place(app, PRIMARY_CARE, "Alan", "Turing");
        place(app, PRIMARY_CARE, "Edsger", "Dijkstra");
        place(app, CARDIOLOGY, "Grace", "Hopper");
        advance(app, &ada, LowStatus::Completed);
        cancel(app, PRIMARY_CARE, &alan);
        assert_eq!(kept(app), counted(app), "after orders and moves");

        let team = app.world.team(PRIMARY_CARE).to_string();
        let of = |status: &str| {
            counted(app)
                .get(&(team.clone(), status.to_string()))
                .copied()
                .unwrap_or(0)
        };
        assert_eq!(api_total(app, ""), before + 3);
        assert_eq!(api_total(app, "&status=cancelled"), of("cancelled"));
        assert_eq!(
            api_total(app, "&status=cancelled&status=completed"),
            of("cancelled") + of("completed")
        );
        assert!(of("cancelled") >= 1 && of("completed") >= 1);
        // A filter the counters do not cover counts the matching rows instead.
        let ada_only = format!("&order_ids={ada}");
        assert_eq!(api_total(app, &ada_only), 1);
    });
}
