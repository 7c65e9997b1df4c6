//! The Team API over results: the review queue items of the Team's own orders (even when they
//! arrived on another Team's account), result reads, and the sandbox endpoint that produces
//! results through ingestion.
use serde_json::json;

use labdesk::domain::ids::ReviewItemId;

use crate::support::results::{clear_queue, jane_order, mismatch_item, results_of};
use crate::support::{each_backend, Backend, TestApp, CARDIOLOGY, TEAM_KEY_HEADER};

#[test]
fn only_the_team_of_the_order_sees_its_queue_item_through_the_api_even_on_another_teams_account() {
    each_backend(|app| {
        // Every count below is this test's own: the demo's items are gone.
        clear_queue(app);
        let c = app.client();
        let total = |key: &str, query: &str| -> i64 {
            let res = c.api_get(
                &format!("/v3/unmatched_result{query}"),
                TEAM_KEY_HEADER,
                key,
            );
            assert_eq!(res.status, 200, "{query}: {}", res.body);
            res.json()["total"].as_i64().unwrap()
        };
        let (pc, cardio) = (&app.world.team_key, &app.world.cardio_key);
        // Primary Care's order, delivered on Quest East: an account linked to Cardiology only.
        let (id, _) = mismatch_item(app);
        assert_eq!(
            app.linked_team_ids(app.world.account("97500002")),
            vec![app.world.team(CARDIOLOGY).to_string()]
        );
        let list = c
            .api_get("/v3/unmatched_result", TEAM_KEY_HEADER, pc)
            .json();
        assert_eq!(list["total"], 1, "{list}");
        assert_eq!(list["data"][0]["id"], id.as_str());
        assert_eq!(list["data"][0]["decision_code"], "lab_account_mismatch");
        assert_eq!(
            list["data"][0]["sub_reason_codes"],
            json!(["lab_account_mismatch"])
        );
        assert_eq!(list["data"][0]["status"], "pending_customer_review");
        assert_eq!(
            c.api_get(&format!("/v3/unmatched_result/{id}"), TEAM_KEY_HEADER, pc)
                .status,
            200
        );
        // Cardiology's account received it, but it names Primary Care's patient and order:
        // not listed, not counted, not found. Another org's Team neither.
        for key in [cardio, &app.world.other_team_key] {
            let list = c
                .api_get("/v3/unmatched_result", TEAM_KEY_HEADER, key)
                .json();
            assert_eq!(
                (
                    list["total"].as_i64(),
                    list["data"].as_array().map(Vec::len)
                ),
                (Some(0), Some(0)),
                "{list}"
            );
            let res = c.api_get(&format!("/v3/unmatched_result/{id}"), TEAM_KEY_HEADER, key);
            assert_eq!(res.status, 404, "{}", res.body);
        }
        // Filters and cursor pagination over exactly three items.
        let mut mine = vec![id];
        for _ in 0..2 {
            mine.push(mismatch_item(app).0);
        }
        let mut ids: Vec<ReviewItemId> = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let url = match &cursor {
                Some(c) => format!("/v3/unmatched_result?limit=2&next_cursor={c}"),
                None => "/v3/unmatched_result?limit=2".to_string(),
            };
            let page = c.api_get(&url, TEAM_KEY_HEADER, pc).json();
            let data = page["data"].as_array().unwrap();
            assert!(data.len() <= 2 && !data.is_empty(), "{page}");
            assert_eq!(page["total"], 3);
            ids.extend(
                data.iter()
                    .map(|i| ReviewItemId::from_text(i["id"].as_str().unwrap())),
            );
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
                c.api_get(&format!("/v3/unmatched_result?{bad}"), TEAM_KEY_HEADER, pc)
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
            c.api_get(&format!("/v3/order/{order}/result"), TEAM_KEY_HEADER, key)
                .status,
            404,
            "no result yet"
        );
        let step = c.api_post(
            &format!(
                "/v3/order/{order}/test?final_status=received.walk_in_test.requisition_created"
            ),
            TEAM_KEY_HEADER,
            key,
            "",
            None,
        );
        assert_eq!(
            step.json()["order"]["last_event"]["status"],
            "received.walk_in_test.requisition_created"
        );
        // No final status: the rest of the way, with results.
        let done = c.api_post(
            &format!("/v3/order/{order}/test"),
            TEAM_KEY_HEADER,
            key,
            "",
            None,
        );
        assert_eq!(done.status, 200, "{}", done.body);
        assert_eq!(done.json()["order"]["status"], "completed");
        let result = c
            .api_get(&format!("/v3/order/{order}/result"), TEAM_KEY_HEADER, key)
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
            .api_get(
                &format!("/v3/order/{order}/result/metadata"),
                TEAM_KEY_HEADER,
                key,
            )
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
            &format!("/v3/order/{order}/test?final_status=corrected"),
            TEAM_KEY_HEADER,
            key,
            "",
            None,
        );
        assert_eq!(
            corrected.json()["order"]["last_event"]["status"],
            "completed.walk_in_test.corrected"
        );
        assert_eq!(results_of(app, &order), 3);
        // Another team's order is not found; a finished order says what to do.
        assert_eq!(
            c.api_post(
                &format!("/v3/order/{order}/test"),
                TEAM_KEY_HEADER,
                &app.world.cardio_key,
                "",
                None
            )
            .status,
            404
        );
        assert_eq!(
            c.api_get(
                &format!("/v3/order/{order}/result"),
                TEAM_KEY_HEADER,
                &app.world.cardio_key
            )
            .status,
            404
        );
        let finished = c.api_post(
            &format!("/v3/order/{order}/test"),
            TEAM_KEY_HEADER,
            key,
            "",
            None,
        );
        assert_eq!(finished.status, 400);
        assert_eq!(
            c.api_post(
                &format!("/v3/order/{order}/test?final_status=shipped"),
                TEAM_KEY_HEADER,
                key,
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
        &format!("/v3/order/{order}/test"),
        TEAM_KEY_HEADER,
        &app.world.team_key,
        "",
        None,
    );
    assert_eq!(res.status, 404);
}
