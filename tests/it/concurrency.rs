//! Many requests at once, checked against the database afterwards.
use std::sync::{Arc, Barrier};
use std::thread;

use crate::support::data::{order_count, patient, test_id};
use crate::support::orders::order_body;
use crate::support::{backends, Backend, Client, TestApp, PRIMARY_CARE, TEAM_KEY_HEADER};

use labdesk::domain::actor::Actor;
use labdesk::domain::lab_account::AccountStatus;

/// Runs `n` copies of `f` at the same moment and collects their results.
fn at_once<T: Send + 'static>(n: usize, f: impl Fn(usize) -> T + Send + Sync + 'static) -> Vec<T> {
    let barrier = Arc::new(Barrier::new(n));
    let f = Arc::new(f);
    let handles: Vec<_> = (0..n)
        .map(|i| {
            let (barrier, f) = (barrier.clone(), f.clone());
            thread::spawn(move || {
                barrier.wait();
                f(i)
            })
        })
        .collect();
    handles
        .into_iter()
        .map(|h| h.join().expect("thread"))
        .collect()
}

#[test]
fn fifty_simultaneous_posts_with_one_idempotency_key_create_exactly_one_order() {
    for backend in backends() {
        let app = TestApp::spawn(backend);
        let key = app.world.team_key.clone();
        let user = patient(&app, app.world.team(PRIMARY_CARE), "p-1");
        let b = order_body(&user, &test_id(&app, "quest-lipid-panel"), "AZ").to_string();
        let before = order_count(&app);
        let base = app.base.clone();
        let results = at_once(50, move |_| {
            let c = Client::new(&base);
            let r = c.api_post("/v3/order", TEAM_KEY_HEADER, &key, &b, Some("same-key"));
            (r.status, r.body)
        });
        assert_eq!(order_count(&app), before + 1, "{backend:?}");
        let ok: Vec<&String> = results
            .iter()
            .filter(|(s, _)| *s == 200)
            .map(|(_, b)| b)
            .collect();
        assert!(!ok.is_empty(), "{backend:?}: {results:?}");
        assert!(
            ok.iter().all(|b| *b == ok[0]),
            "{backend:?}: every success is the same response"
        );
        assert!(
            results.iter().all(|(s, _)| *s == 200 || *s == 409),
            "{backend:?}: {:?}",
            results.iter().map(|r| r.0).collect::<Vec<_>>()
        );
    }
}

/// A suspension is in flight: its transaction has changed the account and holds it, not yet
/// committed. An order for that account started meanwhile must wait for it (PostgreSQL: the
/// `FOR SHARE` lock in `service::orders::create`; SQLite: the writer lock `BEGIN IMMEDIATE`
/// takes) and be refused once the suspension commits, never placed on the old status.
#[test]
fn orders_racing_a_suspension_never_land_after_it_commits() {
    use std::sync::mpsc;
    use std::time::Duration;
    for backend in backends() {
        let app = TestApp::spawn(backend);
        let key = app.world.team_key.clone();
        let account = app.world.account("97500001").clone();
        let user = patient(&app, app.world.team(PRIMARY_CARE), "p-1");
        let b = order_body(&user, &test_id(&app, "quest-lipid-panel"), "AZ").to_string();
        let before = order_count(&app);
        let (locked_tx, locked) = mpsc::channel();
        let (release, release_rx) = mpsc::channel::<()>();
        let mut conn = app.conn();
        let holder_account = account.clone();
        let holder = thread::spawn(move || {
            labdesk::db::write_tx(&mut conn, |c| {
                labdesk::service::lab_accounts::change_status(
                    c,
                    &Actor::system("race"),
                    &holder_account,
                    AccountStatus::Suspended,
                    "race test",
                )?;
                locked_tx.send(()).unwrap();
                release_rx.recv().unwrap();
                Ok::<_, labdesk::error::AppError>(())
            })
        });
        locked.recv().unwrap();
        let (done_tx, done) = mpsc::channel();
        let base = app.base.clone();
        let order = thread::spawn(move || {
            let r = Client::new(&base).api_post("/v3/order", TEAM_KEY_HEADER, &key, &b, None);
            done_tx.send(()).unwrap();
            r
        });
        // The order must still be waiting on the uncommitted suspension.
        let waited = done.recv_timeout(Duration::from_millis(700));
        release.send(()).unwrap();
        holder.join().unwrap().expect("the suspension commits");
        let res = order.join().unwrap();
        assert!(
            waited.is_err(),
            "{backend:?}: the order did not wait for the suspension: {} {}",
            res.status,
            res.body
        );
        assert_eq!(res.status, 400, "{backend:?}: {}", res.body);
        // PostgreSQL finds the account active, then suspended under its lock; SQLite's writer
        // lock makes the order read it suspended from the start.
        let code = res.json()["code"].as_str().unwrap().to_string();
        assert!(
            ["lab_account_not_active", "no_eligible_lab_account"].contains(&code.as_str()),
            "{backend:?}: {code}"
        );
        assert_eq!(order_count(&app), before, "{backend:?}");
        assert_eq!(app.account(&account).status.as_str(), "suspended");
    }
}

#[test]
fn sqlite_with_sixteen_concurrent_writers_never_reports_database_locked() {
    let app = TestApp::spawn(Backend::Sqlite);
    let key = app.world.team_key.clone();
    let test = test_id(&app, "quest-lipid-panel");
    let before = order_count(&app);
    let base = app.base.clone();
    let results = at_once(16, move |i| {
        let c = Client::new(&base);
        let mut out = Vec::new();
        let user = c.api_post(
            "/v2/user",
            TEAM_KEY_HEADER,
            &key,
            &format!(r#"{{"client_user_id": "writer-{i}"}}"#),
            None,
        );
        out.push((user.status, user.body.clone()));
        if user.status != 200 {
            return out;
        }
        let uid = user.json()["user_id"].as_str().unwrap().to_string();
        for _ in 0..8 {
            let r = c.api_post(
                "/v3/order",
                TEAM_KEY_HEADER,
                &key,
                &order_body(&uid, &test, "AZ").to_string(),
                None,
            );
            out.push((r.status, r.body));
        }
        out
    });
    let all: Vec<(u16, String)> = results.into_iter().flatten().collect();
    let failures: Vec<_> = all.iter().filter(|(s, _)| *s != 200).collect();
    // A "database is locked" error would be a 500 here, so every answer must be a 200.
    assert!(failures.is_empty(), "{failures:?}");
    assert_eq!(order_count(&app), before + 16 * 8);
}

/// Found by the soak benchmark on PostgreSQL: two deliveries for one order at once both took
/// "the next version" and the second failed on the unique (order, version) index.
#[test]
fn deliveries_for_one_order_at_once_become_consecutive_versions_and_none_fails() {
    use crate::support::results::{fill, fixture, jane, jane_order, msa};
    for backend in backends() {
        let app = TestApp::spawn(backend);
        let order = jane_order(&app);
        let template = fixture("final.hl7");
        let (base, key) = (app.base.clone(), app.world.lab_key.clone());
        let messages: Vec<String> = (0..12)
            .map(|i| {
                fill(
                    &template,
                    &jane(&order, &format!("RACE-{i}-{}", uuid::Uuid::new_v4())),
                )
            })
            .collect();
        let answers = at_once(12, move |i| {
            Client::new(&base).post_raw(
                "/lab-interface/v1/results",
                &[
                    (crate::support::LAB_KEY_HEADER, key.as_str()),
                    ("Content-Type", "application/hl7-v2"),
                ],
                messages[i].as_bytes(),
            )
        });
        for res in &answers {
            assert_eq!(msa(res).0, "AA", "{backend:?}: {}", res.body);
        }
        let versions: Vec<i32> = labdesk::db::results::versions(&mut app.conn(), &order)
            .unwrap()
            .iter()
            .map(|r| r.version)
            .collect();
        let mut sorted = versions.clone();
        sorted.sort();
        assert_eq!(sorted, (1..=12).collect::<Vec<_>>(), "{backend:?}");
    }
}
