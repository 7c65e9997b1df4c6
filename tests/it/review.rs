//! Reviewers' decisions on unmatched results, the team view of the queue, result reads and the
//! sandbox that produces results.
use std::sync::{Arc, Barrier};

use serde_json::json;

use crate::helpers::{each_backend, Backend, TestApp};
use crate::isolation::clear_queue;
use crate::order_helpers::{body, new_user, place, test_id, TEAM};
use crate::results_ingest::{deliver, fill, fixture, jane_order, Fill};
use labdesk::db::audit::Actor;
use labdesk::service::review::{self, Reviewer};

fn reviewer(app: &TestApp, org: &str, label: &str) -> Reviewer {
    let _ = app;
    Reviewer {
        actor: Actor::system(label),
        org_ids: vec![org.to_string()],
        sees_quarantine: false,
    }
}

/// A lab_account_mismatch item for a fresh Jane order (delivered on Quest East's number).
pub fn mismatch_item(app: &TestApp) -> (String, String) {
    let order = jane_order(app);
    let control = format!("M-{}", uuid::Uuid::new_v4().simple());
    deliver(
        app,
        &fill(
            &fixture("final.hl7"),
            &Fill {
                order: &order,
                account: "97500002",
                control_id: &control,
                last: "Doe",
                dob: "19900101",
                accession: "A",
            },
        ),
    );
    let item = latest_item(app);
    assert_eq!(item.decision_code, "lab_account_mismatch");
    (item.id, order)
}

pub fn latest_item(app: &TestApp) -> labdesk::db::unmatched::UnmatchedRow {
    use diesel::prelude::*;
    use labdesk::db::schema::unmatched_results::dsl as u;
    u::unmatched_results
        .order(u::created_at.desc())
        .select(labdesk::db::unmatched::UnmatchedRow::as_select())
        .first(&mut app.conn())
        .unwrap()
}

pub fn item(app: &TestApp, id: &str) -> labdesk::db::unmatched::UnmatchedRow {
    labdesk::db::unmatched::find(&mut app.conn(), id)
        .unwrap()
        .unwrap()
}

#[test]
fn a_lab_account_mismatch_is_accepted_only_with_confirmation_and_a_note() {
    each_backend(|app| {
        let (id, order) = mismatch_item(app);
        let ops = reviewer(app, &app.world.org_id, "ops@northwind.test");
        let err = review::accept(&mut app.conn(), &ops, &id, 1, &order, false, "").unwrap_err();
        assert!(
            err.to_string()
                .contains("confirm that it belongs to this order"),
            "{err}"
        );
        let err = review::accept(&mut app.conn(), &ops, &id, 1, &order, true, "  ").unwrap_err();
        assert!(err.to_string().contains("A note is required"), "{err}");
        assert!(labdesk::db::results::versions(&mut app.conn(), &order)
            .unwrap()
            .is_empty());
        review::accept(
            &mut app.conn(),
            &ops,
            &id,
            1,
            &order,
            true,
            "Lab confirmed the account mix-up",
        )
        .unwrap();
        let versions = labdesk::db::results::versions(&mut app.conn(), &order).unwrap();
        assert_eq!(versions.len(), 1);
        assert_eq!(versions[0].source, "review");
        let decided = item(app, &id);
        assert_eq!(
            (
                decided.status.as_str(),
                decided.resolved_order_id.as_deref()
            ),
            ("accepted", Some(order.as_str()))
        );
        let rows = app.audit_rows("result.review_accepted", &id);
        assert_eq!(rows.len(), 1);
        assert!(rows[0].summary.contains("Lab confirmed the account mix-up"));
    });
}

#[test]
fn two_reviewers_at_once_one_wins_and_the_other_is_told() {
    each_backend(|app| {
        let (id, order) = mismatch_item(app);
        let barrier = Arc::new(Barrier::new(2));
        let handles: Vec<_> = (0..2)
            .map(|i| {
                let (pool, barrier, id, order, org) = (
                    app.pool.clone(),
                    barrier.clone(),
                    id.clone(),
                    order.clone(),
                    app.world.org_id.clone(),
                );
                std::thread::spawn(move || {
                    let r = Reviewer {
                        actor: Actor::system(&format!("reviewer-{i}")),
                        org_ids: vec![org],
                        sees_quarantine: false,
                    };
                    let mut conn = pool.get().unwrap();
                    barrier.wait();
                    if i == 0 {
                        review::accept(&mut conn, &r, &id, 1, &order, true, "mine").map(|_| ())
                    } else {
                        review::reject(&mut conn, &r, &id, 1, "not ours")
                    }
                })
            })
            .collect();
        let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        let wins = results.iter().filter(|r| r.is_ok()).count();
        assert_eq!(wins, 1, "{results:?}");
        let loser = results.iter().find_map(|r| r.as_ref().err()).unwrap();
        assert!(loser.to_string().contains("already decided"), "{loser}");
        let decided = item(app, &id);
        assert!(decided.status == "accepted" || decided.status == "rejected");
        let results_count = labdesk::db::results::versions(&mut app.conn(), &order)
            .unwrap()
            .len();
        assert_eq!(results_count, usize::from(decided.status == "accepted"));
        let audit = app.audit_rows("result.review_accepted", &id).len()
            + app.audit_rows("result.review_rejected", &id).len();
        assert_eq!(audit, 1);
    });
}

#[test]
fn accepting_across_orgs_is_not_found() {
    each_backend(|app| {
        let (id, order) = mismatch_item(app);
        let globex = reviewer(app, &app.world.other_org_id, "ops@globex.test");
        let err = review::accept(&mut app.conn(), &globex, &id, 1, &order, true, "x").unwrap_err();
        assert_eq!(err.to_string(), "Not Found");
        // A Northwind reviewer cannot put it on another org's order either.
        let globex_key = &app.world.other_team_key;
        let user = new_user(app, globex_key, "g-1");
        let mut b = body(&user, &test_id(app, globex_key, "quest-lipid-panel"), "IL");
        b["patient_address"]["zip"] = json!("60601");
        let globex_order = place(app, globex_key, &b).json()["order"]["id"]
            .as_str()
            .unwrap()
            .to_string();
        let ops = reviewer(app, &app.world.org_id, "ops@northwind.test");
        let err =
            review::accept(&mut app.conn(), &ops, &id, 1, &globex_order, true, "x").unwrap_err();
        assert_eq!(err.to_string(), "Not Found");
        assert_eq!(item(app, &id).status, "pending_customer_review");
        assert!(
            labdesk::db::results::versions(&mut app.conn(), &globex_order)
                .unwrap()
                .is_empty()
        );
    });
}

#[test]
fn reject_needs_a_note_and_escalate_hands_the_item_to_csms() {
    each_backend(|app| {
        let (id, order) = mismatch_item(app);
        let ops = reviewer(app, &app.world.org_id, "ops@northwind.test");
        assert!(review::reject(&mut app.conn(), &ops, &id, 1, "")
            .unwrap_err()
            .to_string()
            .contains("A note is required"));
        review::escalate(&mut app.conn(), &ops, &id, 1, "Not sure which order").unwrap();
        let escalated = item(app, &id);
        assert_eq!(
            (escalated.status.as_str(), escalated.version),
            ("pending_ops_review", 2)
        );
        assert_eq!(app.audit_rows("result.review_escalated", &id).len(), 1);
        // A stale version is refused.
        assert!(review::reject(&mut app.conn(), &ops, &id, 1, "late").is_err());
        let csm = Reviewer {
            actor: Actor::system("csm@labdesk.test"),
            org_ids: vec![app.world.org_id.clone()],
            sees_quarantine: true,
        };
        review::accept(
            &mut app.conn(),
            &csm,
            &id,
            2,
            &order,
            true,
            "Checked with the lab",
        )
        .unwrap();
        assert_eq!(item(app, &id).status, "accepted");
    });
}

#[test]
fn quarantine_is_for_csms_only() {
    each_backend(|app| {
        let order = jane_order(app);
        deliver(
            app,
            &fill(
                &fixture("final.hl7"),
                &Fill {
                    order: &order,
                    account: "00000000",
                    control_id: "Q-1",
                    last: "Doe",
                    dob: "19900101",
                    accession: "A",
                },
            ),
        );
        let q = latest_item(app);
        assert_eq!(q.decision_code, "quarantine");
        let ops = reviewer(app, &app.world.org_id, "ops");
        assert_eq!(
            review::reject(&mut app.conn(), &ops, &q.id, 1, "x")
                .unwrap_err()
                .to_string(),
            "Not Found"
        );
        let csm = Reviewer {
            actor: Actor::system("csm"),
            org_ids: vec![app.world.org_id.clone()],
            sees_quarantine: true,
        };
        review::accept(&mut app.conn(), &csm, &q.id, 1, &order, false, "").unwrap();
        assert_eq!(
            labdesk::db::results::versions(&mut app.conn(), &order)
                .unwrap()
                .len(),
            1
        );
    });
}

#[test]
fn only_the_team_of_the_order_sees_its_queue_item_through_the_api_even_on_another_teams_account() {
    each_backend(|app| {
        // Every count below is this test's own: the demo's items are gone.
        clear_queue(app);
        let c = app.client();
        let total = |key: &str, query: &str| -> i64 {
            let res = c.api_get(&format!("/v3/unmatched_result{query}"), TEAM, key);
            assert_eq!(res.status, 200, "{query}: {}", res.body);
            res.json()["total"].as_i64().unwrap()
        };
        let (pc, cardio) = (&app.world.team_key, &app.world.cardio_key);
        // Primary Care's order, delivered on Quest East: an account linked to Cardiology only.
        let (id, _) = mismatch_item(app);
        assert_eq!(
            app.linked_team_ids(app.world.account("97500002")),
            vec![app.world.team("Cardiology").to_string()]
        );
        let list = c.api_get("/v3/unmatched_result", TEAM, pc).json();
        assert_eq!(list["total"], 1, "{list}");
        assert_eq!(list["data"][0]["id"], id.as_str());
        assert_eq!(list["data"][0]["decision_code"], "lab_account_mismatch");
        assert_eq!(
            list["data"][0]["sub_reason_codes"],
            json!(["lab_account_mismatch"])
        );
        assert_eq!(list["data"][0]["status"], "pending_customer_review");
        assert_eq!(
            c.api_get(&format!("/v3/unmatched_result/{id}"), TEAM, pc)
                .status,
            200
        );
        // Cardiology's account received it, but it names Primary Care's patient and order:
        // not listed, not counted, not found. Another org's Team neither.
        for key in [cardio, &app.world.other_team_key] {
            let list = c.api_get("/v3/unmatched_result", TEAM, key).json();
            assert_eq!(
                (
                    list["total"].as_i64(),
                    list["data"].as_array().map(Vec::len)
                ),
                (Some(0), Some(0)),
                "{list}"
            );
            let res = c.api_get(&format!("/v3/unmatched_result/{id}"), TEAM, key);
            assert_eq!(res.status, 404, "{}", res.body);
        }
        // Filters and cursor pagination over exactly three items.
        let mut mine = vec![id];
        for _ in 0..2 {
            mine.push(mismatch_item(app).0);
        }
        let mut ids: Vec<String> = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let url = match &cursor {
                Some(c) => format!("/v3/unmatched_result?limit=2&next_cursor={c}"),
                None => "/v3/unmatched_result?limit=2".to_string(),
            };
            let page = c.api_get(&url, TEAM, pc).json();
            let data = page["data"].as_array().unwrap();
            assert!(data.len() <= 2 && !data.is_empty(), "{page}");
            assert_eq!(page["total"], 3);
            ids.extend(data.iter().map(|i| i["id"].as_str().unwrap().to_string()));
            match page["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_string()),
                None => break,
            }
            assert!(ids.len() < 100, "paging does not end");
        }
        // Newest first, each once.
        mine.reverse();
        assert_eq!(ids, mine);
        assert_eq!(total(pc, "?decision_code=lab_account_mismatch"), 3);
        assert_eq!(total(pc, "?decision_code=no_match"), 0);
        assert_eq!(total(pc, "?status=pending_customer_review"), 3);
        assert_eq!(total(pc, "?status=resolved"), 0);
        assert_eq!(total(pc, "?lab_slug=quest"), 3);
        assert_eq!(total(pc, "?lab_slug=labcorp"), 0);
        assert_eq!(total(cardio, ""), 0);
        for bad in [
            "limit=0",
            "status=done",
            "decision_code=maybe",
            "next_cursor=xyz",
        ] {
            assert_eq!(
                c.api_get(&format!("/v3/unmatched_result?{bad}"), TEAM, pc)
                    .status,
                422,
                "{bad}"
            );
        }
    });
}

#[test]
fn the_sandbox_moves_an_order_to_results_through_ingestion_and_the_result_api_reads_them() {
    each_backend(|app| {
        let key = &app.world.team_key;
        let order = jane_order(app);
        let c = app.client();
        assert_eq!(
            c.api_get(&format!("/v3/order/{order}/result"), TEAM, key)
                .status,
            404,
            "no result yet"
        );
        let step = c.api_post(TEAM, key, &format!("/v3/order/{order}/test"), "", None);
        assert_eq!(
            step.json()["order"]["last_event"]["status"],
            "received.walk_in_test.requisition_created"
        );
        let done = c.api_post(
            TEAM,
            key,
            &format!("/v3/order/{order}/test?final_status=completed"),
            "",
            None,
        );
        assert_eq!(done.status, 200, "{}", done.body);
        assert_eq!(done.json()["order"]["status"], "completed");
        let result = c
            .api_get(&format!("/v3/order/{order}/result"), TEAM, key)
            .json();
        assert_eq!(result["metadata"]["account_id"], "97500001");
        assert_eq!(result["metadata"]["patient"], "Jane Doe");
        assert_eq!(result["metadata"]["status"], "final");
        for field in ["age", "dob", "patient", "date_reported", "specimen_number"] {
            assert!(
                result["metadata"][field].is_string(),
                "{field}: {}",
                result["metadata"]
            );
        }
        let results = result["results"].as_array().unwrap();
        assert_eq!(results.len(), 4);
        for field in ["name", "result", "type"] {
            assert!(results[0].get(field).is_some());
        }
        let meta = c
            .api_get(&format!("/v3/order/{order}/result/metadata"), TEAM, key)
            .json();
        assert_eq!(meta["account_id"], "97500001");
        assert_eq!(app.audit_rows("result.viewed", &order).len(), 2);
        // Two versions: partial then final, both through the lab path.
        let versions = labdesk::db::results::versions(&mut app.conn(), &order).unwrap();
        assert_eq!(
            versions
                .iter()
                .map(|v| v.status.as_str())
                .collect::<Vec<_>>(),
            vec!["partial", "final"]
        );
        assert!(versions.iter().all(|v| v.source == "hl7"));
        let corrected = c.api_post(
            TEAM,
            key,
            &format!("/v3/order/{order}/test?final_status=corrected"),
            "",
            None,
        );
        assert_eq!(
            corrected.json()["order"]["last_event"]["status"],
            "completed.walk_in_test.corrected"
        );
        assert_eq!(
            labdesk::db::results::versions(&mut app.conn(), &order)
                .unwrap()
                .len(),
            3
        );
        // Another team's order is not found; a finished order says what to do.
        assert_eq!(
            c.api_post(
                TEAM,
                &app.world.cardio_key,
                &format!("/v3/order/{order}/test"),
                "",
                None
            )
            .status,
            404
        );
        assert_eq!(
            c.api_get(
                &format!("/v3/order/{order}/result"),
                TEAM,
                &app.world.cardio_key
            )
            .status,
            404
        );
        let finished = c.api_post(TEAM, key, &format!("/v3/order/{order}/test"), "", None);
        assert_eq!(finished.status, 400);
        assert_eq!(
            c.api_post(
                TEAM,
                key,
                &format!("/v3/order/{order}/test?final_status=shipped"),
                "",
                None
            )
            .status,
            422
        );
    });
}

#[test]
fn the_sandbox_endpoint_does_not_exist_in_production() {
    let app = TestApp::spawn_in(Backend::Sqlite, "production");
    let order = jane_order(&app);
    let res = app.client().api_post(
        TEAM,
        &app.world.team_key,
        &format!("/v3/order/{order}/test"),
        "",
        None,
    );
    assert_eq!(res.status, 404);
}
