//! `cargo bench --bench soak`: mixed traffic at 64 connections for a bounded time against real
//! `labdesk serve` processes (SQLite: one instance; PostgreSQL: two instances on one database, with
//! requests spread over both), then a check that every order is intact. Prints requests, latencies
//! and every unexpected status (there must be none). `SOAK_SECS` (default 20), `SOAK_CONNECTIONS`
//! (64), `SOAK_BACKENDS` (`sqlite,postgres`); PostgreSQL from `BENCH_DATABASE_URL` or
//! `TEST_DATABASE_URL` (default postgres://postgres@127.0.0.1:5432/postgres).
#[path = "common/mod.rs"]
mod common;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::instances::{self, Backend, BenchDb};
use common::load::{self, expect_status, Outcome};
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use labdesk::seed::demo;
use serde_json::{json, Value};

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// What every worker needs to know about the seeded world.
struct World {
    bases: Vec<String>,
    org_id: String,
    team_key: String,
    lab_key: String,
    user_id: String,
    test_id: String,
    /// lab account id -> its number at the lab, for result deliveries.
    account_numbers: HashMap<String, String>,
    /// Orders placed during the run (id), in creation order.
    placed: Mutex<Vec<String>>,
    /// Sign-ins of the one demo person go one at a time: an attempt counts as a failure until its
    /// password is checked, so dozens at once for one email would (rightly) trip the lockout.
    sign_in_turn: Mutex<()>,
}

fn order_body(w: &World) -> Value {
    json!({
        "user_id": w.user_id, "lab_test_id": w.test_id,
        "patient_details": {"first_name": "Soak", "last_name": "Tester", "dob": "1990-01-01", "gender": "female", "phone_number": "+15555550100", "email": "soak@example.com"},
        "patient_address": {"first_line": "1 Main St", "city": "Phoenix", "state": "AZ", "zip": "85001", "country": "US"}
    })
}

fn setup(db: &BenchDb, bases: Vec<String>) -> World {
    let base = &bases[0];
    let key = &db.keys.team_key;
    let tests: Value = ureq::get(&format!(
        "{base}/v3/lab_tests?lab_slug=quest&collection_method=walk_in_test"
    ))
    .set("x-vital-api-key", key)
    .call()
    .expect("catalogue")
    .into_json()
    .expect("json");
    let accounts: Value = ureq::get(&format!("{base}/v3/lab_test/lab_account"))
        .set("x-vital-api-key", key)
        .call()
        .expect("accounts")
        .into_json()
        .expect("json");
    let user: Value = ureq::post(&format!("{base}/v2/user"))
        .set("x-vital-api-key", key)
        .send_json(json!({"client_user_id": format!("soak-{}", uuid::Uuid::new_v4())}))
        .expect("patient")
        .into_json()
        .expect("json");
    World {
        org_id: db.keys.org_id.to_string(),
        team_key: key.clone(),
        lab_key: db.keys.lab_key.clone(),
        user_id: user["user_id"].as_str().expect("user id").to_string(),
        test_id: tests[0]["id"]
            .as_str()
            .expect("a walk-in Quest test")
            .to_string(),
        account_numbers: accounts["data"]
            .as_array()
            .expect("accounts")
            .iter()
            .map(|a| {
                (
                    a["id"].as_str().unwrap_or_default().to_string(),
                    a["provider_account_id"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string(),
                )
            })
            .collect(),
        bases,
        placed: Mutex::new(Vec::new()),
        sign_in_turn: Mutex::new(()),
    }
}

fn sign_in(agent: &ureq::Agent, base: &str) -> Result<(), String> {
    let page = expect_status(agent.get(&format!("{base}/login")).call(), 200)?;
    let marker = "name=\"csrf_token\" value=\"";
    let start = page.find(marker).ok_or("no CSRF token on /login")? + marker.len();
    let token: String = page[start..].chars().take_while(|c| *c != '"').collect();
    // A successful sign-in answers 303; ureq follows it to the signed-in page.
    expect_status(
        agent.post(&format!("{base}/login")).send_form(&[
            ("csrf_token", token.as_str()),
            ("email", "ops@northwind.test"),
            ("password", demo::DEMO_PASSWORD),
        ]),
        200,
    )
    .map(drop)
}

/// One request of the mix: 4 in 10 dashboard pages, 3 API reads, 2 orders, 1 result delivery.
fn one_request(w: &World, worker: usize, agent: &ureq::Agent, round: usize) -> Outcome {
    // Alternate instances per request: sessions and idempotency must hold across them.
    let base = &w.bases[(worker + round) % w.bases.len()];
    let org = &w.org_id;
    // Entries are "order id|lab account id".
    let latest = || w.placed.lock().ok().and_then(|p| p.last().cloned());
    let latest_id = || latest().map(|e| e.split('|').next().unwrap_or_default().to_string());
    let api_get = |path: &str| {
        expect_status(
            agent
                .get(&format!("{base}{path}"))
                .set("x-vital-api-key", &w.team_key)
                .call(),
            200,
        )
        .map(drop)
    };
    if round == 0 {
        let _turn = w.sign_in_turn.lock();
        return ("sign-in", sign_in(agent, base));
    }
    match round % 10 {
        0 => (
            "page: orders",
            expect_status(agent.get(&format!("{base}/orgs/{org}/orders")).call(), 200).map(drop),
        ),
        1 => (
            "page: lab accounts",
            expect_status(
                agent.get(&format!("{base}/orgs/{org}/lab_accounts")).call(),
                200,
            )
            .map(drop),
        ),
        2 => (
            "page: review queue",
            expect_status(agent.get(&format!("{base}/orgs/{org}/review")).call(), 200).map(drop),
        ),
        3 => match latest_id() {
            Some(id) => (
                "page: order",
                expect_status(
                    agent.get(&format!("{base}/orgs/{org}/orders/{id}")).call(),
                    200,
                )
                .map(drop),
            ),
            None => (
                "page: orders",
                expect_status(agent.get(&format!("{base}/orgs/{org}/orders")).call(), 200)
                    .map(drop),
            ),
        },
        4 => ("api: GET /v3/orders", api_get("/v3/orders?size=50")),
        5 => (
            "api: GET /v3/lab_test/lab_account",
            api_get("/v3/lab_test/lab_account"),
        ),
        6 => match latest_id() {
            Some(id) => (
                "api: GET /v3/order/{id}",
                api_get(&format!("/v3/order/{id}")),
            ),
            None => ("api: GET /v3/orders", api_get("/v3/orders?size=50")),
        },
        7 | 8 => {
            let answer = expect_status(
                agent
                    .post(&format!("{base}/v3/order"))
                    .set("x-vital-api-key", &w.team_key)
                    .set("X-Idempotency-Key", &format!("soak-{worker}-{round}"))
                    .send_json(order_body(w)),
                200,
            );
            let result = answer.and_then(|body| {
                let v: Value = serde_json::from_str(&body).map_err(|e| format!("not JSON: {e}"))?;
                let id = v["order"]["id"].as_str().ok_or("no order id")?.to_string();
                let account = v["order"]["lab_account_id"].as_str().unwrap_or_default();
                if !w.account_numbers.contains_key(account) {
                    return Err(format!("order on an unexpected account {account}"));
                }
                if let Ok(mut p) = w.placed.lock() {
                    p.push(format!("{id}|{account}"));
                }
                Ok(())
            });
            ("api: POST /v3/order", result)
        }
        _ => {
            let Some(entry) = latest() else {
                return ("api: GET /v3/orders", api_get("/v3/orders?size=50"));
            };
            let (id, account) = entry.split_once('|').unwrap_or((&entry, ""));
            let delivery = json!({
                "message_control_id": format!("soak-{worker}-{round}"),
                "account_number": w.account_numbers.get(account).cloned().unwrap_or_default(),
                "placer_order_number": id, "filler_order_number": format!("ACC-{worker}-{round}"),
                "status": "final",
                "patient": {"last_name": "Tester", "first_name": "Soak", "dob": "1990-01-01"},
                "collected_at": "2026-11-29T08:00:00Z", "reported_at": "2026-11-30T09:00:00Z",
                "observations": [{"code": "2345-7", "name": "Glucose", "value": "95", "unit": "mg/dL", "reference_range": "70-99", "flags": [], "loinc": true}]
            });
            let result = expect_status(
                agent
                    .post(&format!("{base}/lab-interface/v1/results"))
                    .set("X-Lab-Interface-Key", &w.lab_key)
                    .send_json(delivery),
                200,
            )
            .and_then(|body| {
                if body.contains("\"attached\"") {
                    Ok(())
                } else {
                    Err(format!("not attached: {body}"))
                }
            });
            ("lab: POST /lab-interface/v1/results", result)
        }
    }
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Orders missing a part that is written in the same transaction: must all be 0.
fn integrity(db: &BenchDb, placed: &[String]) -> Vec<(&'static str, i64)> {
    let mut conn = db.pool.get().expect("connection");
    let mut count = |sql: &str| -> i64 {
        diesel::sql_query(sql)
            .get_result::<Count>(&mut conn)
            .expect(sql)
            .n
    };
    let ids: Vec<&str> = placed
        .iter()
        .map(|p| p.split('|').next().unwrap_or(p))
        .collect();
    let quoted = ids
        .iter()
        .map(|i| format!("'{i}'"))
        .collect::<Vec<_>>()
        .join(",");
    let placed_found = if ids.is_empty() {
        0
    } else {
        count(&format!(
            "SELECT COUNT(*) AS n FROM orders WHERE id IN ({quoted})"
        ))
    };
    vec![
        ("orders without tests", count("SELECT COUNT(*) AS n FROM orders o WHERE NOT EXISTS (SELECT 1 FROM order_tests t WHERE t.order_id = o.id)")),
        ("orders without events", count("SELECT COUNT(*) AS n FROM orders o WHERE NOT EXISTS (SELECT 1 FROM order_events e WHERE e.order_id = o.id)")),
        ("orders without their order.created audit row", count("SELECT COUNT(*) AS n FROM orders o WHERE NOT EXISTS (SELECT 1 FROM audit_events a WHERE a.action = 'order.created' AND a.entity_id = o.id)")),
        ("order.created audit rows without their order", count("SELECT COUNT(*) AS n FROM audit_events a WHERE a.action = 'order.created' AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.id = a.entity_id)")),
        ("idempotency keys still claimed", count("SELECT COUNT(*) AS n FROM idempotency_keys WHERE idem_key LIKE 'soak-%' AND response_body IS NULL")),
        ("answered orders missing", ids.len() as i64 - placed_found),
        ("soak orders the clients were not told about", count("SELECT COUNT(*) AS n FROM orders o JOIN patients p ON p.id = o.user_id WHERE p.client_user_id LIKE 'soak-%'") - ids.len() as i64),
    ]
}

fn run(backend: Backend, instances_count: usize, connections: usize, secs: u64) -> bool {
    let db = BenchDb::create(backend);
    let servers = instances::start(&db, instances_count, &[]);
    let world = Arc::new(setup(&db, servers.iter().map(|s| s.base.clone()).collect()));
    println!(
        "\n{} with {} instance(s), {connections} connections, {secs} s of mixed traffic",
        backend.name(),
        servers.len()
    );
    let w = world.clone();
    let report = load::drive(
        connections,
        Duration::from_secs(secs),
        move |worker, agent, round| one_request(&w, worker, agent, round),
    );
    println!(
        "  {:<40} {:>8} {:>9} {:>9} {:>10}",
        "request", "count", "p50", "p99", "unexpected"
    );
    for (kind, s) in &report.kinds {
        println!(
            "  {kind:<40} {:>8} {:>9.1?} {:>9.1?} {:>10}",
            s.latencies.len(),
            s.percentile(0.5),
            s.percentile(0.99),
            s.unexpected.len()
        );
        for e in s.unexpected.iter().take(3) {
            println!("      e.g. {e}");
        }
    }
    println!(
        "  total {} requests in {:.1?} ({:.0}/s), {} unexpected",
        report.requests(),
        report.elapsed,
        report.requests() as f64 / report.elapsed.as_secs_f64(),
        report.unexpected()
    );
    drop(servers);
    let placed = world.placed.lock().map(|p| p.clone()).unwrap_or_default();
    let checks = integrity(&db, &placed);
    let intact = checks.iter().all(|(_, n)| *n == 0);
    println!("  {} orders placed; integrity afterwards:", placed.len());
    for (what, n) in &checks {
        println!("    {what:<48} {n}");
    }
    println!(
        "  => {}",
        if intact && report.unexpected() == 0 {
            "PASS"
        } else {
            "FAIL"
        }
    );
    intact && report.unexpected() == 0
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else to parse.
    let secs = env_num("SOAK_SECS", 20);
    let connections = env_num("SOAK_CONNECTIONS", 64) as usize;
    let backends = std::env::var("SOAK_BACKENDS").unwrap_or_else(|_| "sqlite,postgres".into());
    let mut ok = true;
    for name in backends.split(',').map(str::trim) {
        ok &= match name {
            "sqlite" => run(Backend::Sqlite, 1, connections, secs),
            "postgres" => run(Backend::Postgres, 2, connections, secs),
            other => panic!("unknown backend in SOAK_BACKENDS: {other}"),
        };
    }
    if !ok {
        std::process::exit(1);
    }
}
