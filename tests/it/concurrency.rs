//! Many requests at once, checked against the database afterwards.
use std::sync::{Arc, Barrier};
use std::thread;

use crate::helpers::{backends, Backend, TestApp};
use crate::order_helpers::{body, new_user, order_count, test_id, TEAM};
use diesel::prelude::*;
use labdesk::db::audit::Actor;
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
        let user = new_user(&app, &key, "p-1");
        let b = body(&user, &test_id(&app, &key, "quest-lipid-panel"), "AZ").to_string();
        let before = order_count(&app);
        let base = app.base.clone();
        let results = at_once(50, move |_| {
            let c = crate::helpers::Client::new(&base);
            let r = c.api_post(TEAM, &key, "/v3/order", &b, Some("same-key"));
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

#[test]
fn orders_racing_a_suspension_never_land_after_it_commits() {
    for backend in backends() {
        let app = TestApp::spawn(backend);
        let key = app.world.team_key.clone();
        let account = app.world.account("97500001").to_string();
        let users: Vec<String> = (0..8)
            .map(|i| new_user(&app, &key, &format!("p-{i}")))
            .collect();
        let user_ids = users.clone();
        let test = test_id(&app, &key, "quest-lipid-panel");
        let base = app.base.clone();
        let pool = app.pool.clone();
        let suspend_account = account.clone();
        let results = at_once(9, move |i| {
            if i == 8 {
                thread::sleep(std::time::Duration::from_millis(60));
                let mut conn = pool.get().unwrap();
                labdesk::service::lab_accounts::change_status(
                    &mut conn,
                    &Actor::system("race"),
                    &suspend_account,
                    AccountStatus::Suspended,
                    "race test",
                )
                .unwrap();
                return vec![];
            }
            let c = crate::helpers::Client::new(&base);
            (0..12)
                .map(|_| {
                    let r = c.api_post(
                        TEAM,
                        &key,
                        "/v3/order",
                        &body(&users[i], &test, "AZ").to_string(),
                        None,
                    );
                    (r.status, r.body)
                })
                .collect::<Vec<_>>()
        });
        let results: Vec<(u16, String)> = results.into_iter().flatten().collect();
        assert!(
            results.iter().all(|(s, _)| *s == 200 || *s == 400),
            "{backend:?}: {:?}",
            results
                .iter()
                .filter(|r| r.0 != 200 && r.0 != 400)
                .collect::<Vec<_>>()
        );
        let refused = results.iter().filter(|(s, _)| *s == 400).count();
        let placed = results.len() - refused;
        use labdesk::db::schema::lab_account_status_changes::dsl as h;
        use labdesk::db::schema::orders::dsl as o;
        let suspended_at: chrono::NaiveDateTime = h::lab_account_status_changes
            .filter(h::lab_account_id.eq(&account))
            .filter(h::to_status.eq("suspended"))
            .select(h::at)
            .first(&mut app.conn())
            .unwrap();
        let created: Vec<chrono::NaiveDateTime> = o::orders
            .filter(o::lab_account_id.eq(&account))
            .filter(o::user_id.eq_any(&user_ids))
            .select(o::created_at)
            .load(&mut app.conn())
            .unwrap();
        assert_eq!(created.len(), placed, "{backend:?}");
        let late: Vec<_> = created.iter().filter(|c| **c > suspended_at).collect();
        assert!(late.is_empty(), "{backend:?}: orders created after the suspension committed at {suspended_at}: {late:?}");
        println!("{backend:?}: {placed} placed before the suspension, {refused} refused after it");
    }
}

#[test]
fn sqlite_with_sixteen_concurrent_writers_never_reports_database_locked() {
    let app = TestApp::spawn(Backend::Sqlite);
    let key = app.world.team_key.clone();
    let test = test_id(&app, &key, "quest-lipid-panel");
    let before = order_count(&app);
    let base = app.base.clone();
    let results = at_once(16, move |i| {
        let c = crate::helpers::Client::new(&base);
        let mut out = Vec::new();
        let user = c.api_post(
            TEAM,
            &key,
            "/v2/user",
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
                TEAM,
                &key,
                "/v3/order",
                &body(&uid, &test, "AZ").to_string(),
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
