//! `kill -9` of the real binary while several clients place orders with idempotency keys, then
//! a restart: no half order, and every key replays its response or places exactly one order.
use labdesk::domain::ids::{LabTestId, PatientId};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use serde_json::json;

use super::support::{assert_no_half_orders, orders_marked};
use super::within;
use crate::support::data::{lapse, patient, test_id};
use crate::support::orders::order_body;
use crate::support::{backends, TestApp, PRIMARY_CARE, TEAM_KEY_HEADER};

const CLIENTS: usize = 6;

struct Server {
    child: Child,
    base: String,
}

fn start(app: &TestApp, log_dir: &std::path::Path, n: usize) -> Server {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let log = log_dir.join(format!("server-{n}.log"));
    let child = Command::new(env!("CARGO_BIN_EXE_labdesk"))
        .args(["serve", "--database-url", &app.database_url])
        .args(["--bind", &format!("127.0.0.1:{port}")])
        .args([
            "--session-key",
            &labdesk::config::generate_session_key_hex(),
        ])
        .env_remove("DATABASE_URL")
        .env_remove("LABDESK_SESSION_KEY")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .expect("run labdesk serve");
    let base = format!("http://127.0.0.1:{port}");
    let agent = ureq::agent();
    let up = within(Duration::from_secs(30), || {
        agent.get(&format!("{base}/livez")).call().is_ok()
    });
    assert!(
        up.is_some(),
        "the server did not start: {}",
        std::fs::read_to_string(&log).unwrap_or_default()
    );
    Server { child, base }
}

/// `Some((status, body))`, or `None` when the server went away before answering in full.
fn post(
    agent: &ureq::Agent,
    base: &str,
    key: &str,
    idem: &str,
    body: &str,
) -> Option<(u16, String)> {
    let res = agent
        .post(&format!("{base}/v3/order"))
        .set(TEAM_KEY_HEADER, key)
        .set("Content-Type", "application/json")
        .set("X-Idempotency-Key", idem)
        .send_string(body);
    let res = match res {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(_) => return None,
    };
    let status = res.status();
    res.into_string().ok().map(|b| (status, b))
}

/// One attempted order: its key, its body, and the answer if one arrived before the kill.
type Attempt = (String, String, Option<(u16, String)>);

fn load_then_kill(
    app: &TestApp,
    server: &mut Server,
    users: &[PatientId],
    test: &LabTestId,
) -> Vec<Attempt> {
    let attempts: Arc<Mutex<Vec<Attempt>>> = Arc::default();
    let placed = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let clients: Vec<_> = users
        .iter()
        .enumerate()
        .map(|(t, user)| {
            let (attempts, placed, stop) = (attempts.clone(), placed.clone(), stop.clone());
            let (base, key) = (server.base.clone(), app.world.team_key.clone());
            let (user, test) = (user.clone(), test.clone());
            thread::spawn(move || {
                let agent = ureq::agent();
                for i in 0.. {
                    let idem = format!("kill-{t}-{i}");
                    let mut b = order_body(&user, &test, "AZ");
                    b["passthrough"] = json!(idem);
                    let b = b.to_string();
                    let answer = post(&agent, &base, &key, &idem, &b);
                    let gone = answer.is_none();
                    if answer.as_ref().is_some_and(|(s, _)| *s == 200) {
                        placed.fetch_add(1, Ordering::SeqCst);
                    }
                    attempts.lock().unwrap().push((idem, b, answer));
                    if gone || stop.load(Ordering::SeqCst) {
                        break;
                    }
                }
            })
        })
        .collect();
    within(Duration::from_secs(10), || {
        placed.load(Ordering::SeqCst) >= 60
    });
    server.child.kill().expect("kill -9");
    server.child.wait().unwrap();
    stop.store(true, Ordering::SeqCst);
    for c in clients {
        c.join().unwrap();
    }
    let attempts = std::mem::take(&mut *attempts.lock().unwrap());
    for (idem, _, answer) in &attempts {
        if let Some((status, body)) = answer {
            assert_eq!(*status, 200, "{idem} before the kill: {body}");
        }
    }
    attempts
}

#[test]
fn orders_placed_while_the_process_is_killed_are_whole_and_every_key_settles_once() {
    for backend in backends() {
        let app = TestApp::spawn(backend);
        let logs = tempfile::tempdir().unwrap();
        let key = app.world.team_key.clone();
        let users: Vec<PatientId> = (0..CLIENTS)
            .map(|i| patient(&app, app.world.team(PRIMARY_CARE), &format!("kill-{i}")))
            .collect();
        let test = test_id(&app, "quest-lipid-panel");
        let mut first = start(&app, logs.path(), 1);
        let attempts = load_then_kill(&app, &mut first, &users, &test);
        let answered = attempts.iter().filter(|a| a.2.is_some()).count();
        println!(
            "{backend:?}: {} attempts, {answered} answered before the kill",
            attempts.len()
        );

        // Straight after the crash: nothing half-written, and no key has more than one order.
        assert_no_half_orders(&app, &users);
        for (idem, _, answer) in &attempts {
            let orders = orders_marked(&app, idem);
            assert!(orders.len() <= 1, "{idem}: {orders:?}");
            if answer.is_some() {
                assert_eq!(orders.len(), 1, "{idem} was answered 200 but has no order");
            }
        }

        let mut second = start(&app, logs.path(), 2);
        let agent = ureq::agent();
        let mut waited_for_lease = 0;
        for (idem, b, answer) in &attempts {
            let mut res = post(&agent, &second.base, &key, idem, b).expect("an answer");
            if res.0 == 409 {
                // A claim of the killed process: "still running" until its lease runs out.
                waited_for_lease += 1;
                lapse(&app, idem);
                res = post(&agent, &second.base, &key, idem, b).expect("an answer");
            }
            assert_eq!(res.0, 200, "{idem} after the restart: {}", res.1);
            if let Some((_, before)) = answer {
                assert_eq!(&res.1, before, "{idem}: the replay differs");
            }
            let orders = orders_marked(&app, idem);
            assert_eq!(orders.len(), 1, "{idem}: {orders:?}");
            assert!(
                res.1.contains(&orders[0]),
                "{idem}: the response names another order"
            );
        }
        println!("{backend:?}: {waited_for_lease} keys were held by the killed process");
        assert_no_half_orders(&app, &users);
        second.child.kill().unwrap();
        second.child.wait().unwrap();
    }
}
