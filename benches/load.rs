//! `cargo bench --bench load`: the routes people and programs use most, measured with `wrk` at 64
//! connections against the release binary (`labdesk serve`), on the demo database grown with plain
//! SQL to a small organization's size (a thousand orders, 100 lab accounts, 10 Teams: every list
//! fills its first page) and again after growing it to a million orders, 10,000 lab accounts and
//! 1,000 Teams, on SQLite and on PostgreSQL. Each figure is printed as requests per second, p99,
//! and a share of the same server's `/livez` in the same run, so it means the same on any machine;
//! `large/small` compares the two sizes. Environment: `BENCH_ORDERS` (1000000), `BENCH_ACCOUNTS`
//! (10000), `BENCH_TEAMS` (1000), `BENCH_SMALL_ORDERS` (1000), `BENCH_SMALL_ACCOUNTS` (100),
//! `BENCH_SMALL_TEAMS` (120: the Teams lists fill their first page), `BENCH_SECS` per route (8),
//! `BENCH_CONNECTIONS` (64), `BENCH_BACKENDS` (`sqlite,postgres`), `BENCH_ROUTES` (names to
//! measure, by substring), `BENCH_KEEP` (a folder: keep the databases for profiling).
#[path = "common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use common::instances::{self, Backend, BenchDb};
use common::wrk::{self, Figures, Request};
use serde_json::{json, Value};

fn env_num(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

struct Settings {
    orders: usize,
    accounts: usize,
    teams: usize,
    small_orders: usize,
    small_accounts: usize,
    small_teams: usize,
    secs: u64,
    connections: usize,
}

/// What the requests need: a signed-in org admin's cookie, the Team key, ids to ask for.
struct World {
    org: String,
    cookie: String,
    team_key: String,
    org_key: String,
    order_body: String,
    order_id: String,
}

/// Signs in through the form and returns the session cookie (`name=value`).
fn sign_in(base: &str, email: &str) -> String {
    let agent = ureq::AgentBuilder::new().redirects(0).build();
    let page = agent
        .get(&format!("{base}/login"))
        .call()
        .expect("login page");
    let pre = page
        .header("set-cookie")
        .and_then(|c| c.split(';').next())
        .unwrap_or_default()
        .to_string();
    let html = page.into_string().expect("login html");
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker).expect("csrf token") + marker.len();
    let token: String = html[start..].chars().take_while(|c| *c != '"').collect();
    let res = agent
        .post(&format!("{base}/login"))
        .set("Cookie", &pre)
        .send_form(&[
            ("csrf_token", token.as_str()),
            ("email", email),
            ("password", labdesk::seed::demo::DEMO_PASSWORD),
        ]);
    let res = match res {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("sign in: {e}"),
    };
    assert_eq!(res.status(), 303, "sign in as {email}");
    res.header("set-cookie")
        .and_then(|c| c.split(';').next())
        .expect("a session cookie")
        .to_string()
}

fn world(db: &BenchDb, base: &str) -> World {
    let key = db.keys.team_key.clone();
    let api = |path: &str| -> Value {
        ureq::get(&format!("{base}{path}"))
            .set("x-vital-api-key", &key)
            .call()
            .unwrap_or_else(|e| panic!("{path}: {e}"))
            .into_json()
            .expect("json")
    };
    let tests = api("/v3/lab_tests?lab_slug=quest&collection_method=walk_in_test");
    let orders = api("/v3/orders?size=1");
    let user: Value = ureq::post(&format!("{base}/v2/user"))
        .set("x-vital-api-key", &key)
        .send_json(json!({"client_user_id": format!("bench-{}", uuid::Uuid::new_v4())}))
        .expect("patient")
        .into_json()
        .expect("json");
    let order_body = json!({
        "user_id": user["user_id"], "lab_test_id": tests[0]["id"],
        "patient_details": {"first_name": "Bench", "last_name": "Mark", "dob": "1990-01-01", "gender": "female", "phone_number": "+15555550100", "email": "b@example.com"},
        "patient_address": {"first_line": "1 Main St", "city": "Phoenix", "state": "AZ", "zip": "85001", "country": "US"}
    });
    World {
        org: db.keys.org_id.to_string(),
        cookie: sign_in(base, "ops@northwind.test"),
        team_key: key.clone(),
        org_key: db.keys.org_key.clone(),
        order_body: order_body.to_string(),
        order_id: orders["orders"][0]["id"]
            .as_str()
            .expect("an order")
            .to_string(),
    }
}

/// The routes of the table, as (name, path, how to send it).
fn routes(w: &World) -> Vec<(&'static str, String, Request<'static>)> {
    let org = &w.org;
    let page = |path: String| (path, w.cookie.clone());
    let pages = [
        (
            "lab accounts page (org_admin)",
            page(format!("/orgs/{org}/lab_accounts")),
        ),
        ("orders page, newest", page(format!("/orgs/{org}/orders"))),
        (
            "orders page, status filter",
            page(format!("/orgs/{org}/orders?status=ordered")),
        ),
        (
            "orders page, patient name filter",
            page(format!("/orgs/{org}/orders?patient=nguy")),
        ),
        (
            "order page",
            page(format!("/orgs/{org}/orders/{}", w.order_id)),
        ),
        ("review queue page", page(format!("/orgs/{org}/review"))),
        ("teams page", page(format!("/orgs/{org}/teams"))),
    ];
    let mut out: Vec<(&'static str, String, Request<'static>)> =
        vec![("/livez", "/livez".into(), Request::get(""))];
    for (name, (path, cookie)) in pages {
        out.push((name, path, Request::get("").header("Cookie", cookie)));
    }
    for (name, path) in [
        (
            "GET /v3/lab_test/lab_account",
            "/v3/lab_test/lab_account".to_string(),
        ),
        ("GET /v3/orders?size=50", "/v3/orders?size=50".to_string()),
    ] {
        out.push((
            name,
            path,
            Request::get("").header("x-vital-api-key", w.team_key.clone()),
        ));
    }
    out.push((
        "GET /v1/org/{org}/team",
        format!("/v1/org/{org}/team"),
        Request::get("").header("x-management-key", w.org_key.clone()),
    ));
    out.push((
        "POST /v3/order",
        "/v3/order".into(),
        Request::post_json("", w.order_body.clone()).header("x-vital-api-key", w.team_key.clone()),
    ));
    out
}

/// Every route's figures, and the server's peak resident memory over all of them (MB).
type Run = (Vec<(&'static str, Figures)>, Option<u64>);

/// Starts the server on `db`, measures every route, stops it.
fn run(db: &BenchDb, s: &Settings, scratch: &std::path::Path) -> Run {
    let servers = instances::start(db, 1, &[]);
    let base = servers[0].base.clone();
    let w = world(db, &base);
    let mut figures = Vec::new();
    // `BENCH_ROUTES=name,other`: only the routes whose names contain one of these (and /livez).
    let only = std::env::var("BENCH_ROUTES").unwrap_or_default();
    let wanted = |name: &str| {
        only.is_empty() || name == "/livez" || only.split(',').any(|w| name.contains(w.trim()))
    };
    for (name, path, req) in routes(&w).into_iter().filter(|r| wanted(r.0)) {
        let req = Request { path: &path, ..req };
        figures.push((
            name,
            wrk::measure(&base, &req, s.connections, s.secs, scratch),
        ));
    }
    (figures, servers[0].peak_resident_mb())
}

fn print(backend: Backend, s: &Settings, (small, small_mb): &Run, (large, large_mb): &Run) {
    println!(
        "\n{}: {} vs {} orders / {} accounts / {} Teams; wrk -t2 -c{} for {} s per route",
        backend.name(),
        format_args!(
            "{} orders / {} accounts / {} Teams",
            s.small_orders, s.small_accounts, s.small_teams
        ),
        s.orders,
        s.accounts,
        s.teams,
        s.connections,
        s.secs
    );
    println!(
        "  {:<34} {:>9} {:>9} {:>7} | {:>9} {:>9} {:>7} | {:>7} {:>7} {:>6}",
        "route", "rps", "p99", "%livez", "rps", "p99", "%livez", "rps l/s", "p99 l/s", "errors"
    );
    let (small_livez, large_livez) = (small[0].1.rps, large[0].1.rps);
    for ((name, a), (_, b)) in small.iter().zip(large.iter()) {
        println!(
            "  {name:<34} {:>9.0} {:>9.1?} {:>6.1}% | {:>9.0} {:>9.1?} {:>6.1}% | {:>7.2} {:>7.2} {:>6}",
            a.rps,
            a.p99,
            100.0 * a.rps / small_livez,
            b.rps,
            b.p99,
            100.0 * b.rps / large_livez,
            b.rps / a.rps.max(0.001),
            b.p99.as_secs_f64() / a.p99.as_secs_f64().max(1e-9),
            a.errors + b.errors
        );
    }
    let mb = |m: &Option<u64>| m.map_or_else(|| "unknown".to_string(), |m| format!("{m} MB"));
    println!(
        "  server peak resident memory (VmHWM) over all routes: small {}, large {}",
        mb(small_mb),
        mb(large_mb)
    );
}

/// Grows the database from the first to the second number of each (orders, Teams, accounts).
fn grow(
    db: &BenchDb,
    backend: Backend,
    orders: (usize, usize),
    teams: (usize, usize),
    accounts: (usize, usize),
) {
    let mut conn = db.pool.get().expect("connection");
    if backend == Backend::Postgres {
        // Growing a million rows is one long statement: no timeout for this connection.
        diesel::connection::SimpleConnection::batch_execute(
            &mut *conn,
            "SET statement_timeout = 0",
        )
        .expect("no statement timeout");
    }
    if orders.1 > orders.0 {
        common::grow::orders(&mut conn, backend, orders.0, orders.1 - orders.0);
    }
    if teams.1 > 0 && accounts.1 > accounts.0 {
        common::grow::teams_and_accounts(
            &mut conn,
            backend,
            db.keys.org_id.as_str(),
            teams,
            accounts,
        );
    }
    common::grow::analyze(&mut conn, backend);
}

fn main() {
    let s = Settings {
        orders: env_num("BENCH_ORDERS", 1_000_000),
        accounts: env_num("BENCH_ACCOUNTS", 10_000),
        teams: env_num("BENCH_TEAMS", 1_000),
        small_orders: env_num("BENCH_SMALL_ORDERS", 1_000),
        small_accounts: env_num("BENCH_SMALL_ACCOUNTS", 100),
        small_teams: env_num("BENCH_SMALL_TEAMS", 120),
        secs: env_num("BENCH_SECS", 8) as u64,
        connections: env_num("BENCH_CONNECTIONS", 64),
    };
    let scratch = tempfile::tempdir().expect("scratch dir");
    let backends = std::env::var("BENCH_BACKENDS").unwrap_or_else(|_| "sqlite,postgres".into());
    for name in backends.split(',').map(str::trim) {
        let backend = match name {
            "sqlite" => Backend::Sqlite,
            "postgres" => Backend::Postgres,
            other => panic!("unknown backend in BENCH_BACKENDS: {other}"),
        };
        let db = BenchDb::create(backend);
        grow(
            &db,
            backend,
            (0, s.small_orders),
            (0, s.small_teams),
            (0, s.small_accounts),
        );
        let small = run(&db, &s, scratch.path());
        let t = Instant::now();
        grow(
            &db,
            backend,
            (s.small_orders, s.orders),
            (s.small_teams, s.teams),
            (s.small_accounts, s.accounts),
        );
        println!(
            "{}: grew the database in {:.0?}",
            backend.name(),
            t.elapsed().max(Duration::from_millis(1))
        );
        let large = run(&db, &s, scratch.path());
        print(backend, &s, &small, &large);
    }
}
