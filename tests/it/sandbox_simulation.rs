//! `POST /v3/order/{order_id}/test` as Junction's sandbox runs it: the whole success lifecycle in
//! one call when no `final_status` is given, Junction's full status values (422 for another
//! method's), and `SimulationFlags` that really shape the results.
use serde_json::{json, Value};

use labdesk::domain::ids::OrderId;

use crate::support::orders::{event_count, order};
use crate::support::results::jane_order;
use crate::support::{each_backend, Client, Resp, TestApp, TEAM_KEY_HEADER};

fn simulate(app: &TestApp, order: &OrderId, query: &str, body: &str) -> Resp {
    app.client().api_post(
        &format!("/v3/order/{order}/test{query}"),
        TEAM_KEY_HEADER,
        &app.world.team_key,
        body,
        None,
    )
}

fn result(c: &Client, app: &TestApp, order: &OrderId) -> Value {
    let res = c.api_get(
        &format!("/v3/order/{order}/result"),
        TEAM_KEY_HEADER,
        &app.world.team_key,
    );
    assert_eq!(res.status, 200, "{}", res.body);
    res.json()
}

/// The order's event statuses, oldest first, as the order API shows them.
fn events(c: &Client, app: &TestApp, order: &OrderId) -> Vec<String> {
    let res = c.api_get(
        &format!("/v3/order/{order}"),
        TEAM_KEY_HEADER,
        &app.world.team_key,
    );
    res.json()["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| e["status"].as_str().unwrap().to_string())
        .collect()
}

fn locs(res: &Resp) -> Vec<String> {
    assert_eq!(res.status, 422, "{}", res.body);
    res.json()["detail"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            d["loc"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p.as_str().unwrap().to_string())
                .collect::<Vec<_>>()
                .join(".")
        })
        .collect()
}

#[test]
fn one_call_without_final_status_walks_the_whole_lifecycle_and_the_result_reads_at_once() {
    each_backend(|app| {
        let order = jane_order(app);
        let c = app.client();
        let res = simulate(app, &order, "", "");
        assert_eq!(res.status, 200, "{}", res.body);
        assert_eq!(res.json()["order"]["status"], "completed");
        assert_eq!(
            events(&c, app, &order),
            vec![
                "received.walk_in_test.ordered",
                "received.walk_in_test.requisition_created",
                "collecting_sample.walk_in_test.appointment_scheduled",
                "sample_with_lab.walk_in_test.partial_results",
                "completed.walk_in_test.completed",
            ]
        );
        let read = result(&c, app, &order);
        assert_eq!(read["metadata"]["status"], "final");
        assert_eq!(read["metadata"]["interpretation"], "normal");
        let values = read["results"].as_array().unwrap();
        assert_eq!(values.len(), 4, "{read}");
        for v in values {
            assert_eq!(v["type"], "numeric", "{v}");
            assert_eq!(v["interpretation"], "normal", "{v}");
            assert_ne!(v["is_above_max_range"], true, "{v}");
            assert_ne!(v["is_below_min_range"], true, "{v}");
        }
        assert_eq!(read["missing_results"], json!([]));
        // Each step is audited, results arrived through ingestion.
        assert_eq!(app.audit_rows("order.status_changed", &order).len(), 2);
        assert_eq!(app.audit_rows("result.attached", &order).len(), 2);
    });
}

#[test]
fn final_status_takes_junctions_values_and_refuses_another_methods_with_its_location() {
    each_backend(|app| {
        let c = app.client();
        let order = jane_order(app);
        let events_before = event_count(app, &order);
        for wrong in [
            "completed.testkit.completed",
            "collecting_sample.on_site_collection.appointment_scheduled",
            "received.walk_in_test.completed",
            "shipped",
        ] {
            let res = simulate(app, &order, &format!("?final_status={wrong}"), "");
            assert_eq!(locs(&res), vec!["query.final_status"], "{wrong}");
        }
        assert_eq!(event_count(app, &order), events_before, "nothing moved");

        // Stop at partial results: one partial version, half the values.
        let partial = "sample_with_lab.walk_in_test.partial_results";
        let res = simulate(app, &order, &format!("?final_status={partial}"), "");
        assert_eq!(res.status, 200, "{}", res.body);
        assert_eq!(res.json()["order"]["last_event"]["status"], partial);
        let read = result(&c, app, &order);
        assert_eq!(read["metadata"]["status"], "partial");
        assert_eq!(read["results"].as_array().unwrap().len(), 2);
        // Asked again: already there, nothing happens.
        let again = simulate(app, &order, &format!("?final_status={partial}"), "");
        assert_eq!(again.status, 200);
        assert_eq!(event_count(app, &order), events_before + 3);
        // Too late for a sample error, which follows the appointment.
        let late = simulate(
            app,
            &order,
            "?final_status=failed.walk_in_test.sample_error",
            "",
        );
        assert_eq!(late.refusal().0, "order_status_not_ahead");

        // Another order fails at the lab: no results, a failed order.
        let failing = jane_order(app);
        let res = simulate(
            app,
            &failing,
            "?final_status=failed.walk_in_test.sample_error",
            "",
        );
        assert_eq!(res.status, 200, "{}", res.body);
        assert_eq!(res.json()["order"]["status"], "failed");
        assert_eq!(order_low(app, &failing), "sample_error");
        assert!(labdesk::db::results::versions(&mut app.conn(), &failing)
            .unwrap()
            .is_empty());

        // And one is cancelled through the real cancellation.
        let stopped = jane_order(app);
        let res = simulate(
            app,
            &stopped,
            "?final_status=cancelled.walk_in_test.cancelled",
            "",
        );
        assert_eq!(res.status, 200, "{}", res.body);
        assert_eq!(order_low(app, &stopped), "cancelled");
        assert_eq!(app.audit_rows("order.cancelled", &stopped).len(), 1);
    });
}

fn order_low(app: &TestApp, id: &OrderId) -> String {
    order(app, id).status_low.to_string()
}

#[test]
fn simulation_flags_make_values_abnormal_or_critical_of_the_types_asked_with_one_missing() {
    each_backend(|app| {
        let c = app.client();
        let abnormal = jane_order(app);
        let res = simulate(app, &abnormal, "", r#"{"interpretation": "abnormal"}"#);
        assert_eq!(res.status, 200, "{}", res.body);
        let read = result(&c, app, &abnormal);
        assert_eq!(read["metadata"]["interpretation"], "abnormal");
        for v in read["results"].as_array().unwrap() {
            assert_eq!(v["interpretation"], "abnormal", "{v}");
            let outside = v["is_above_max_range"] == true || v["is_below_min_range"] == true;
            assert!(outside, "an abnormal value lies outside its range: {v}");
        }

        let critical = jane_order(app);
        let flags = json!({
            "interpretation": "critical",
            "result_types": ["numeric", "comment", "coded_value"],
            "has_missing_results": true,
        });
        // `delay` is accepted and not waited on.
        let res = simulate(app, &critical, "?delay=600", &flags.to_string());
        assert_eq!(res.status, 200, "{}", res.body);
        let read = result(&c, app, &critical);
        assert_eq!(read["metadata"]["interpretation"], "critical");
        let values = read["results"].as_array().unwrap();
        let kinds: Vec<&str> = values.iter().map(|v| v["type"].as_str().unwrap()).collect();
        assert_eq!(kinds, vec!["numeric", "comment", "coded_value"], "{read}");
        assert!(values.iter().all(|v| v["interpretation"] == "critical"));
        let missing = read["missing_results"].as_array().unwrap();
        assert_eq!(missing.len(), 1, "{read}");
        assert!(missing[0]["name"].is_string() && missing[0]["slug"].is_string());
        assert_eq!(missing[0]["inferred_failure_type"], "unknown_failure");
        let names: Vec<&str> = values.iter().map(|v| v["name"].as_str().unwrap()).collect();
        assert!(!names.contains(&missing[0]["name"].as_str().unwrap()));
    });
}

#[test]
fn a_bad_flag_or_delay_is_a_422_at_its_location_and_moves_nothing() {
    each_backend(|app| {
        let order = jane_order(app);
        let before = event_count(app, &order);
        let table: &[(&str, &str, &[&str])] = &[
            (
                "",
                r#"{"interpretation": "so-so"}"#,
                &["body.interpretation"],
            ),
            (
                "",
                r#"{"result_types": ["numeric", 7]}"#,
                &["body.result_types.1"],
            ),
            (
                "",
                r#"{"has_missing_results": "yes"}"#,
                &["body.has_missing_results"],
            ),
            ("", "[]", &["body"]),
            ("?delay=later", "", &["query.delay"]),
        ];
        for (query, body, expected) in table {
            let res = simulate(app, &order, query, body);
            assert_eq!(locs(&res), *expected, "{query} {body}");
        }
        assert_eq!(event_count(app, &order), before);
        assert!(app.audit_rows("order.status_changed", &order).is_empty());
    });
}
