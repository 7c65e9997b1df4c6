//! Concurrent writes that share one commit (`db::group_commit`) behave as if each had its own:
//! each gets its own answer, a refused one leaves nothing behind and takes nothing of the others
//! with it, and every placed order is there with its audit row and counted.
use std::sync::{Arc, Barrier};
use std::thread;

use diesel::prelude::*;

use labdesk::db::audit::{self, AuditEntry};
use labdesk::db::group_commit::write_batched;
use labdesk::domain::actor::Actor;
use labdesk::domain::audit::{AuditAction, EntityType};
use labdesk::error::AppError;

use crate::support::data::{patient, test_id};
use crate::support::orders::order_body;
use crate::support::{each_backend, TestApp, PRIMARY_CARE, TEAM_KEY_HEADER};

/// Entity ids of the audit rows this test wrote (they start with `prefix`).
fn written(app: &TestApp, prefix: &str) -> Vec<String> {
    use labdesk::db::schema::audit_events::dsl as a;
    let mut ids: Vec<String> = a::audit_events
        .filter(a::entity_id.like(format!("{prefix}%")))
        .select(a::entity_id)
        .load(&mut app.conn())
        .unwrap();
    ids.sort();
    ids
}

#[test]
fn concurrent_writes_each_get_their_own_answer_and_a_refused_one_is_undone_alone() {
    each_backend(|app| {
        const WRITERS: usize = 24;
        let barrier = Arc::new(Barrier::new(WRITERS));
        let handles: Vec<_> = (0..WRITERS)
            .map(|i| {
                let (pool, barrier) = (app.pool.clone(), barrier.clone());
                thread::spawn(move || {
                    // After the barrier: the pool has fewer connections than there are writers.
                    barrier.wait();
                    let mut conn = pool.get().expect("a connection");
                    write_batched(&mut conn, move |conn| {
                        let actor = Actor::system("group commit test");
                        audit::record(
                            conn,
                            &actor,
                            AuditEntry {
                                action: AuditAction::OrderViewed,
                                entity_type: EntityType::Order,
                                entity_id: &format!("gc-{i:02}"),
                                org_id: None,
                                team_id: None,
                                summary: "written by the group commit test".into(),
                                details: serde_json::json!({}),
                            },
                        )?;
                        // Every third write is refused after it wrote: its row must go.
                        if i % 3 == 0 {
                            return Err(AppError::Internal(format!("refused {i}")));
                        }
                        Ok(i)
                    })
                })
            })
            .collect();
        for (i, h) in handles.into_iter().enumerate() {
            match h.join().expect("writer thread") {
                Ok(n) => assert_eq!(n, i, "a write got another's answer"),
                Err(AppError::Internal(why)) => {
                    assert_eq!(i % 3, 0, "write {i} failed: {why}");
                    assert_eq!(why, format!("refused {i}"), "another's error");
                }
                Err(e) => panic!("write {i}: {e:?}"),
            }
        }
        let kept: Vec<String> = (0..WRITERS)
            .filter(|i| i % 3 != 0)
            .map(|i| format!("gc-{i:02}"))
            .collect();
        assert_eq!(written(app, "gc-"), kept);
    });
}

#[test]
fn orders_placed_at_once_are_all_there_with_their_audit_rows_and_counted() {
    each_backend(|app| {
        const ORDERS: usize = 32;
        let user = patient(app, app.world.team(PRIMARY_CARE), "group-commit");
        let body = order_body(&user, &test_id(app, "quest-lipid-panel"), "AZ").to_string();
        let count = |app: &TestApp| {
            let res =
                app.client()
                    .api_get("/v3/orders?size=1", TEAM_KEY_HEADER, &app.world.team_key);
            res.json()["total"].as_i64().expect("a total")
        };
        let before = count(app);
        let barrier = Arc::new(Barrier::new(ORDERS));
        let handles: Vec<_> = (0..ORDERS)
            .map(|_| {
                let (client, key, body, barrier) = (
                    app.client(),
                    app.world.team_key.clone(),
                    body.clone(),
                    barrier.clone(),
                );
                thread::spawn(move || {
                    barrier.wait();
                    client.api_post("/v3/order", TEAM_KEY_HEADER, &key, &body, None)
                })
            })
            .collect();
        let mut ids = Vec::new();
        for h in handles {
            let res = h.join().expect("client thread");
            assert_eq!(res.status, 200, "{}", res.body);
            let id = res.order_id();
            // The answer is the order as stored: read it back and compare.
            let stored = app.client().api_get(
                &format!("/v3/order/{id}"),
                TEAM_KEY_HEADER,
                &app.world.team_key,
            );
            assert_eq!(stored.json(), res.json()["order"], "answered != stored");
            assert_eq!(app.audit_rows("order.created", &id).len(), 1, "{id}");
            ids.push(id);
        }
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), ORDERS, "every order got its own id");
        assert_eq!(count(app), before + ORDERS as i64, "the counters follow");
    });
}
