//! `cargo bench`: the dashboard's order pages and `POST /v3/order` on a demo-sized database and
//! again after adding many orders, over real HTTP on a release build. Prints latencies as ratios
//! against the same server's `/livez`, and the large database against the small one, so the
//! numbers mean the same on any machine. `BENCH_ORDERS` sets how many orders to add (default
//! 200000); `BENCH_ROUNDS` how many requests per measurement (default 200).
use std::net::TcpListener;
use std::time::{Duration, Instant};

use actix_web::cookie::Key;
use diesel::prelude::*;
use labdesk::config::Settings;
use labdesk::db::orders::OrderRow;
use labdesk::db::schema::orders;
use labdesk::seed::demo;
use labdesk::startup;

fn env_num(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

struct Stats {
    p50: Duration,
    p99: Duration,
}

fn measure(rounds: usize, mut f: impl FnMut()) -> Stats {
    for _ in 0..rounds / 10 {
        f();
    }
    let mut times: Vec<Duration> = (0..rounds)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    Stats {
        p50: times[times.len() / 2],
        p99: times[(times.len() * 99 / 100).min(times.len() - 1)],
    }
}

fn get(agent: &ureq::Agent, url: &str) -> String {
    match agent.get(url).call() {
        Ok(r) => r.into_string().unwrap_or_default(),
        Err(ureq::Error::Status(code, _)) => panic!("GET {url}: {code}"),
        Err(e) => panic!("GET {url}: {e}"),
    }
}

fn csrf(html: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker).expect("csrf") + marker.len();
    html[start..].chars().take_while(|c| *c != '"').collect()
}

fn main() {
    let rounds = env_num("BENCH_ROUNDS", 200);
    let extra = env_num("BENCH_ORDERS", 200_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let url = dir
        .path()
        .join("bench.sqlite")
        .to_string_lossy()
        .to_string();
    let pool = startup::prepare_database(&url, 16).expect("database");
    let keys = demo::ensure_demo(&mut pool.get().expect("conn")).expect("demo");
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    let settings = Settings {
        bind: addr,
        database_url: url,
        session_key: Key::generate(),
        deployment_env: "sandbox".into(),
        region: "us".into(),
        https: false,
        insecure_cookies: false,
        public_url: None,
        trust_proxy: false,
        pool_size: 16,
        max_body_bytes: 1 << 20,
        webhook_worker: false,
        mllp: None,
        mllp_allow: Vec::new(),
        webhook_first_retry: std::time::Duration::from_secs(5),
    };
    let server = startup::build(settings, pool.clone(), listener).expect("server");
    std::thread::spawn(move || actix_web::rt::System::new().block_on(server));
    let base = format!("http://{addr}");

    let agent = ureq::AgentBuilder::new().build();
    let login = get(&agent, &format!("{base}/login"));
    agent
        .post(&format!("{base}/login"))
        .send_form(&[
            ("csrf_token", &csrf(&login)),
            ("email", "ops@northwind.test"),
            ("password", demo::DEMO_PASSWORD),
        ])
        .expect("sign in");
    let org = keys.org_id.clone();
    // A cursor in the middle of the org's orders, for a deep "Older" page.
    let middle = |pool: &labdesk::db::DbPool| -> String {
        let mut conn = pool.get().expect("conn");
        let total: i64 = orders::table.count().get_result(&mut conn).expect("count");
        let row: OrderRow = orders::table
            .order((orders::created_at.desc(), orders::id.desc()))
            .offset(total / 2)
            .select(OrderRow::as_select())
            .first(&mut conn)
            .expect("middle row");
        labdesk::db::orders::Cursor::of(&row).encode()
    };
    let pages_for = |cursor: String| {
        vec![
            ("livez", format!("{base}/livez")),
            ("orders, first page", format!("{base}/orgs/{org}/orders")),
            (
                "orders, deep page",
                format!("{base}/orgs/{org}/orders?older={cursor}"),
            ),
            (
                "orders, status filter",
                format!("{base}/orgs/{org}/orders?status=ordered"),
            ),
            (
                "orders, patient name",
                format!("{base}/orgs/{org}/orders?patient=nguyen"),
            ),
            ("lab accounts", format!("{base}/orgs/{org}/lab_accounts")),
        ]
    };
    let run = |label: &str, pages: &[(&str, String)]| -> Vec<Stats> {
        println!("\n{label}");
        let all: Vec<Stats> = pages
            .iter()
            .map(|(_, url)| measure(rounds, || drop(get(&agent, url))))
            .collect();
        for ((name, _), s) in pages.iter().zip(&all) {
            println!(
                "  {name:<24} p50 {:>8.2?} p99 {:>8.2?}  p50 x livez {:>6.1}",
                s.p50,
                s.p99,
                s.p50.as_secs_f64() / all[0].p50.as_secs_f64()
            );
        }
        all
    };
    let small = run("demo-sized database", &pages_for(middle(&pool)));

    // Orders placed through the API: the full rule, lock and audit path.
    let test_id = {
        let list: serde_json::Value = ureq::get(&format!("{base}/v3/lab_tests?lab_slug=quest"))
            .set("x-vital-api-key", &keys.team_key)
            .call()
            .expect("tests")
            .into_json()
            .expect("json");
        list[0]["id"].as_str().expect("id").to_string()
    };
    let user: serde_json::Value = ureq::post(&format!("{base}/v2/user"))
        .set("x-vital-api-key", &keys.team_key)
        .send_json(serde_json::json!({"client_user_id": "bench"}))
        .expect("user")
        .into_json()
        .expect("json");
    let body = serde_json::json!({
        "user_id": user["user_id"], "lab_test_id": test_id,
        "patient_details": {"first_name": "Bench", "last_name": "Mark", "dob": "1990-01-01", "gender": "female", "phone_number": "+15555550100", "email": "b@example.com"},
        "patient_address": {"first_line": "1 Main St", "city": "Phoenix", "state": "AZ", "zip": "85001", "country": "US"}
    });
    let n = rounds * 5;
    let started = Instant::now();
    for _ in 0..n {
        ureq::post(&format!("{base}/v3/order"))
            .set("x-vital-api-key", &keys.team_key)
            .send_json(&body)
            .expect("order");
    }
    let per_sec = n as f64 / started.elapsed().as_secs_f64();
    println!(
        "\nPOST /v3/order, one client in sequence: {per_sec:.0} orders/s ({:.1}x the time of a /livez request)",
        (1.0 / per_sec) / small[0].p50.as_secs_f64()
    );

    // Many more orders, spread over the org's Teams and the last year.
    println!("\nadding {extra} orders ...");
    let mut conn = pool.get().expect("conn");
    let templates: Vec<OrderRow> = orders::table
        .select(OrderRow::as_select())
        .limit(20)
        .load(&mut conn)
        .expect("orders");
    let now = chrono::Utc::now().naive_utc();
    conn.transaction::<_, diesel::result::Error, _>(|conn| {
        for i in 0..extra {
            let mut row = templates[i % templates.len()].clone();
            row.id = labdesk::domain::ids::OrderId::new();
            row.created_at = now - chrono::Duration::seconds((i as i64) * 157 % 31_536_000);
            row.updated_at = row.created_at;
            diesel::insert_into(orders::table)
                .values(&row)
                .execute(conn)?;
        }
        Ok(())
    })
    .expect("bulk insert");
    diesel::sql_query("ANALYZE").execute(&mut conn).ok();
    let pages = pages_for(middle(&pool));
    let large = run(&format!("with {extra} more orders"), &pages);
    println!("\nlarge / small (p50):");
    for (((name, _), s), l) in pages.iter().zip(&small).zip(&large) {
        println!(
            "  {name:<24} {:>5.2}x",
            l.p50.as_secs_f64() / s.p50.as_secs_f64()
        );
    }
}
