//! What the fault tests share: database URLs through the test's proxy, and the check that no
//! order was left half-written. (A second server over a pool the test builds: `app::serve` with
//! the flags' own defaults, as `labdesk serve` would have them.)
use std::collections::HashSet;

use diesel::prelude::*;

use crate::support::TestApp;

/// `url` with its host and port replaced by `addr`.
pub fn via(url: &str, addr: std::net::SocketAddr) -> String {
    let (scheme, rest) = url.split_once("://").expect("a URL");
    let (authority, path) = rest.split_once('/').expect("a database name");
    let user = authority
        .rsplit_once('@')
        .map(|(u, _)| format!("{u}@"))
        .unwrap_or_default();
    format!("{scheme}://{user}{addr}/{path}")
}

/// The host and port of a postgres:// URL.
pub fn server_of(url: &str) -> std::net::SocketAddr {
    use std::net::ToSocketAddrs;
    let rest = url.split_once("://").expect("a URL").1;
    let authority = rest.split('/').next().unwrap();
    let host = authority.rsplit('@').next().unwrap();
    let host = if host.contains(':') {
        host.to_string()
    } else {
        format!("{host}:5432")
    };
    host.to_socket_addrs().unwrap().next().unwrap()
}

/// Every order of `users` is whole (its tests, its first event, its one `order.created` audit
/// row), and every `order.created` audit row has its order. Returns how many orders it checked.
pub fn assert_no_half_orders(app: &TestApp, users: &[labdesk::domain::ids::PatientId]) -> usize {
    use labdesk::db::schema::audit_events::dsl as a;
    use labdesk::db::schema::order_events::dsl as e;
    use labdesk::db::schema::order_tests::dsl as t;
    use labdesk::db::schema::orders::dsl as o;
    let mut conn = app.conn();
    let ids: Vec<String> = o::orders
        .filter(o::user_id.eq_any(users))
        .select(o::id)
        .load(&mut conn)
        .unwrap();
    for id in &ids {
        let tests: i64 = t::order_tests
            .filter(t::order_id.eq(id))
            .count()
            .get_result(&mut conn)
            .unwrap();
        let events: i64 = e::order_events
            .filter(e::order_id.eq(id))
            .count()
            .get_result(&mut conn)
            .unwrap();
        let audits: i64 = a::audit_events
            .filter(a::action.eq("order.created"))
            .filter(a::entity_id.eq(id))
            .count()
            .get_result(&mut conn)
            .unwrap();
        assert!(
            tests >= 1 && events >= 1 && audits == 1,
            "half order {id}: {tests} tests, {events} events, {audits} audit rows"
        );
    }
    let all_orders: HashSet<String> = o::orders
        .select(o::id)
        .load(&mut conn)
        .unwrap()
        .into_iter()
        .collect();
    let audited: Vec<String> = a::audit_events
        .filter(a::action.eq("order.created"))
        .select(a::entity_id)
        .load(&mut conn)
        .unwrap();
    let orphans: Vec<&String> = audited
        .iter()
        .filter(|id| !all_orders.contains(*id))
        .collect();
    assert!(
        orphans.is_empty(),
        "order.created audit rows without an order: {orphans:?}"
    );
    ids.len()
}

/// Orders whose passthrough is `marker` (the fault tests put the idempotency key there).
pub fn orders_marked(app: &TestApp, marker: &str) -> Vec<String> {
    use labdesk::db::schema::orders::dsl as o;
    o::orders
        .filter(o::passthrough.eq(marker))
        .select(o::id)
        .load(&mut app.conn())
        .unwrap()
}
