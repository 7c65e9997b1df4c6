//! Faults: the database stops while serving, the process is killed while placing orders, the
//! SQLite file refuses writes. Each answer is quick and clear, and nothing is left half-written.
mod kill;
mod proxy;
mod support;

use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool};
use labdesk::db::DbConnection;
use serde_json::json;

use labdesk::web::urls;

use crate::support::app::{serve, settings_from_flags};
use crate::support::data::{order_count, patient, test_id};
use crate::support::orders::order_body;
use crate::support::{
    backends, Backend, Client, Resp, TestApp, OPS, PRIMARY_CARE, TEAM_KEY_HEADER,
};
use proxy::Proxy;
use support::{assert_no_half_orders, server_of, via};

const UNREACHABLE: &str = "The database cannot be reached right now";
const WRITES_REFUSED: &str = "The database is not accepting changes right now";

/// Retries `f` until it returns true or `limit` passes; how long it took.
fn within(limit: Duration, mut f: impl FnMut() -> bool) -> Option<Duration> {
    let started = Instant::now();
    while started.elapsed() < limit {
        if f() {
            return Some(started.elapsed());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    None
}

fn timed(f: impl FnOnce() -> Resp) -> (Resp, Duration) {
    let started = Instant::now();
    let res = f();
    (res, started.elapsed())
}

/// A clear 503: the message a person can act on, a Retry-After, no driver text.
fn assert_unavailable(res: &Resp, took: Duration, message: &str) {
    assert_eq!(res.status, 503, "{}", res.body);
    assert!(res.body.contains(message), "{}", res.body);
    assert_eq!(res.header("Retry-After"), Some("5"));
    for internal in [
        "diesel",
        "r2d2",
        "timed out waiting",
        "server closed",
        "SQLITE",
    ] {
        assert!(
            !res.body.contains(internal),
            "{internal} leaked: {}",
            res.body
        );
    }
    assert!(took < Duration::from_secs(6), "took {took:?}");
}

#[test]
fn postgres_stopping_gives_quick_clear_503s_and_service_resumes_by_itself() {
    if !backends().contains(&Backend::Postgres) {
        return;
    }
    let app = TestApp::spawn(Backend::Postgres);
    let key = app.world.team_key.clone();
    let user = patient(&app, app.world.team(PRIMARY_CARE), "outage");
    let order = order_body(&user, &test_id(&app, "quest-lipid-panel"), "AZ").to_string();
    let proxy = Proxy::start(server_of(&app.database_url));
    let url = via(&app.database_url, proxy.addr);
    let pool = labdesk::db::connect_pool_with(&url, 4, Duration::from_secs(2)).expect("pool");
    let base = serve(settings_from_flags(&[], &url), pool);
    let mut ops = Client::new(&base);
    assert_eq!(
        ops.sign_in(OPS, labdesk::seed::demo::DEMO_PASSWORD).status,
        303
    );
    ops.refresh_csrf();
    let api = Client::new(&base);
    assert_eq!(api.get("/readyz").status, 200);
    assert_eq!(
        api.api_get("/v3/lab_tests", TEAM_KEY_HEADER, &key).status,
        200
    );

    proxy.cut();
    let (res, took) = timed(|| api.get("/livez"));
    assert_eq!(res.status, 200, "/livez never touches the database");
    assert!(took < Duration::from_millis(500), "/livez took {took:?}");
    let (res, took) = timed(|| api.get("/readyz"));
    assert_eq!(res.status, 503, "{}", res.body);
    assert!(took < Duration::from_secs(4), "/readyz took {took:?}");
    println!("database cut: /readyz answered 503 after {took:?}");
    let (res, took) = timed(|| api.api_get("/v3/lab_tests", TEAM_KEY_HEADER, &key));
    assert_unavailable(&res, took, UNREACHABLE);
    assert_eq!(res.json(), json!({"detail": res.json()["detail"].clone()}));
    let (res, took) =
        timed(|| api.api_post("/v3/order", TEAM_KEY_HEADER, &key, &order, Some("outage")));
    assert_unavailable(&res, took, UNREACHABLE);
    println!("database cut: POST /v3/order answered 503 after {took:?}");
    let (res, took) = timed(|| ops.get(&urls::orgs()));
    assert_unavailable(&res, took, UNREACHABLE);
    assert!(
        res.text().contains("Temporarily unavailable"),
        "{}",
        res.text()
    );
    let (res, took) = timed(|| ops.htmx_get(&urls::orgs()));
    assert_unavailable(&res, took, UNREACHABLE);
    assert_eq!(res.header("HX-Retarget"), Some("#flash"));

    proxy.restore();
    let back = within(Duration::from_secs(15), || api.get("/readyz").status == 200);
    assert!(back.is_some(), "/readyz did not recover");
    println!("database back: /readyz answered 200 after {back:?}");
    assert_eq!(ops.get(&urls::orgs()).status, 200);
    // The order refused during the outage was never claimed: its key places it now.
    let res = api.api_post("/v3/order", TEAM_KEY_HEADER, &key, &order, Some("outage"));
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(assert_no_half_orders(&app, &[user]), 1);
}

/// SQLite connections with an extra limit the test chooses, as the app's own pool would open.
#[derive(Debug)]
struct Limited(String);

impl CustomizeConnection<DbConnection, diesel::r2d2::Error> for Limited {
    fn on_acquire(&self, conn: &mut DbConnection) -> Result<(), diesel::r2d2::Error> {
        conn.batch_execute(&format!(
            "PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON; {}",
            self.0
        ))
        .map_err(diesel::r2d2::Error::QueryError)
    }
}

/// A second server on the app's SQLite file whose connections run `pragma`.
fn limited_server(app: &TestApp, pragma: String) -> String {
    let pool = Pool::builder()
        .max_size(4)
        .connection_timeout(Duration::from_secs(2))
        .connection_customizer(Box::new(Limited(pragma)))
        .build(ConnectionManager::<DbConnection>::new(&app.database_url))
        .expect("pool");
    serve(settings_from_flags(&[], &app.database_url), pool)
}

fn stored_responses(app: &TestApp) -> i64 {
    use diesel::prelude::*;
    use labdesk::db::schema::idempotency_keys::dsl as k;
    k::idempotency_keys
        .filter(k::state.eq("done"))
        .count()
        .get_result(&mut app.conn())
        .unwrap()
}

#[test]
fn a_read_only_sqlite_file_refuses_orders_clearly_and_keeps_nothing() {
    let app = TestApp::spawn(Backend::Sqlite);
    let key = app.world.team_key.clone();
    let user = patient(&app, app.world.team(PRIMARY_CARE), "read-only");
    let order = order_body(&user, &test_id(&app, "quest-lipid-panel"), "AZ").to_string();
    let (orders, stored) = (order_count(&app), stored_responses(&app));
    let base = limited_server(&app, "PRAGMA query_only = ON;".into());
    let c = Client::new(&base);
    assert_eq!(
        c.api_get("/v3/lab_tests", TEAM_KEY_HEADER, &key).status,
        200,
        "reads still work"
    );
    for idem in [None, Some("read-only")] {
        let (res, took) = timed(|| c.api_post("/v3/order", TEAM_KEY_HEADER, &key, &order, idem));
        assert_unavailable(&res, took, WRITES_REFUSED);
    }
    assert_eq!(order_count(&app), orders);
    assert_eq!(stored_responses(&app), stored);
}

#[test]
fn a_full_sqlite_file_refuses_orders_clearly_and_keeps_no_half_order() {
    use diesel::prelude::*;
    #[derive(QueryableByName)]
    struct Pages {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        page_count: i64,
    }
    let app = TestApp::spawn(Backend::Sqlite);
    let key = app.world.team_key.clone();
    let user = patient(&app, app.world.team(PRIMARY_CARE), "disk-full");
    let test = test_id(&app, "quest-lipid-panel");
    let pages: Pages = diesel::sql_query("PRAGMA page_count")
        .get_result(&mut app.conn())
        .unwrap();
    // The file may not grow: the free space left inside it fills up after a few orders.
    let base = limited_server(
        &app,
        format!("PRAGMA max_page_count = {};", pages.page_count),
    );
    let c = Client::new(&base);
    let mut refused = Vec::new();
    for i in 0..400 {
        let idem = format!("full-{i}");
        let mut b = order_body(&user, &test, "AZ");
        b["passthrough"] = json!(idem);
        let (res, took) = timed(|| {
            c.api_post(
                "/v3/order",
                TEAM_KEY_HEADER,
                &key,
                &b.to_string(),
                Some(&idem),
            )
        });
        if res.status == 200 {
            continue;
        }
        assert_unavailable(&res, took, WRITES_REFUSED);
        refused.push(idem);
        if refused.len() == 5 {
            break;
        }
    }
    assert_eq!(refused.len(), 5, "the file never filled up");
    let placed = assert_no_half_orders(&app, std::slice::from_ref(&user));
    println!("{placed} orders fit before the file was full");
    for idem in &refused {
        assert!(
            support::orders_marked(&app, idem).is_empty(),
            "{idem} was kept"
        );
        let row =
            labdesk::db::idempotency::find(&mut app.conn(), app.world.team(PRIMARY_CARE), idem)
                .unwrap();
        assert!(
            row.is_none_or(|r| r.state.as_str() != "done"),
            "{idem} stored a response"
        );
    }
}
