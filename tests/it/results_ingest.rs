//! Result deliveries through POST /lab-interface/v1/results: one test per matching outcome, from
//! ORU fixtures in tests/fixtures/oru, plus duplicates, versions and malformed input.
use diesel::prelude::*;
use serde_json::json;

use crate::support::data::count;
use crate::support::results::{
    deliver, deliver_json, fill, fixture, jane, jane_order, jane_order_of, msa, Fill,
};
use crate::support::{each_backend, TestApp, CARDIOLOGY, LAB_KEY_HEADER, PRIMARY_CARE};

fn order_status(app: &TestApp, order: &str) -> (String, Option<String>) {
    use labdesk::db::schema::orders::dsl as o;
    o::orders
        .find(order)
        .select((o::status_low, o::interpretation))
        .first(&mut app.conn())
        .unwrap()
}

/// Queued items of this test's deliveries (the demo's own review items left out).
fn unmatched(app: &TestApp) -> Vec<labdesk::db::unmatched::UnmatchedRow> {
    use labdesk::db::schema::unmatched_results::dsl as u;
    u::unmatched_results
        .filter(u::control_id.not_like(format!("{}%", labdesk::seed::demo_review::CONTROL_PREFIX)))
        .select(labdesk::db::unmatched::UnmatchedRow::as_select())
        .load(&mut app.conn())
        .unwrap()
}

#[test]
fn a_fitting_result_is_attached_and_moves_the_order() {
    each_backend(|app| {
        let order = jane_order(app);
        let res = deliver(app, &fill(&fixture("final.hl7"), &jane(&order, "C-1")));
        assert_eq!(res.status, 200, "{}", res.body);
        assert_eq!(
            res.header("content-type"),
            Some("application/hl7-v2; charset=utf-8")
        );
        let (code, text) = msa(&res);
        assert_eq!(code, "AA");
        assert!(text.starts_with("attached"), "{text}");
        let versions = labdesk::db::results::versions(&mut app.conn(), &order).unwrap();
        assert_eq!(versions.len(), 1);
        assert_eq!(versions[0].status.as_str(), "final");
        assert_eq!(
            versions[0].lab_account_id,
            app.world.account("97500001").clone()
        );
        let markers = labdesk::db::results::biomarkers(&mut app.conn(), &versions[0].id).unwrap();
        assert_eq!(markers.len(), 4);
        assert_eq!(
            (
                markers[0].result.as_str(),
                markers[0].interpretation.as_str()
            ),
            ("212", "abnormal")
        );
        assert_eq!(markers[1].interpretation.as_str(), "normal");
        assert_eq!(
            order_status(app, order.as_str()),
            ("completed".into(), Some("abnormal".into()))
        );
        assert_eq!(app.audit_rows("result.attached", &order).len(), 1);
        assert!(unmatched(app).is_empty());
    });
}

#[test]
fn the_same_message_control_id_twice_changes_nothing() {
    each_backend(|app| {
        let order = jane_order(app);
        let message = fill(&fixture("final.hl7"), &jane(&order, "C-1"));
        deliver(app, &message);
        let (results, audit) = (count(app, "results"), app.audit_total());
        let again = deliver(app, &message);
        assert_eq!(again.status, 200);
        let (code, text) = msa(&again);
        assert_eq!(code, "AA");
        assert!(text.starts_with("duplicate"), "{text}");
        assert_eq!(count(app, "results"), results);
        assert_eq!(app.audit_total(), audit);
    });
}

#[test]
fn partial_final_and_corrected_results_keep_every_version() {
    each_backend(|app| {
        let order = jane_order(app);
        for (file, id, status) in [
            ("partial.hl7", "C-1", "partial_results"),
            ("final.hl7", "C-2", "completed"),
            ("corrected.hl7", "C-3", "corrected"),
        ] {
            let res = deliver(app, &fill(&fixture(file), &jane(&order, id)));
            assert_eq!(msa(&res).0, "AA", "{file}: {}", res.body);
            assert_eq!(order_status(app, order.as_str()).0, status, "{file}");
        }
        let versions = labdesk::db::results::versions(&mut app.conn(), &order).unwrap();
        let summary: Vec<(i32, &str)> = versions
            .iter()
            .map(|v| (v.version, v.status.as_str()))
            .collect();
        assert_eq!(
            summary,
            vec![(1, "partial"), (2, "final"), (3, "corrected")]
        );
        assert_eq!(
            order_status(app, order.as_str()).1.as_deref(),
            Some("critical"),
            "the corrected LDL is flagged HH"
        );
        let events: Vec<String> = labdesk::db::orders::events(&mut app.conn(), &order)
            .unwrap()
            .into_iter()
            .map(|e| e.status)
            .collect();
        assert_eq!(
            events,
            vec![
                "received.walk_in_test.ordered",
                "sample_with_lab.walk_in_test.partial_results",
                "completed.walk_in_test.completed",
                "completed.walk_in_test.corrected"
            ]
        );
    });
}

#[test]
fn unknown_account_is_quarantined_for_csms_only() {
    each_backend(|app| {
        let order = jane_order(app);
        let res = deliver(
            app,
            &fill(
                &fixture("final.hl7"),
                &Fill {
                    account: "99999999",
                    ..jane(&order, "C-1")
                },
            ),
        );
        let (code, text) = msa(&res);
        assert_eq!(code, "AA");
        assert!(text.contains("queued for review: quarantine"), "{text}");
        let items = unmatched(app);
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].decision_code.as_str(), "quarantine");
        assert_eq!(items[0].org_id, None);
        assert_eq!(items[0].candidate_order_id, None);
        assert!(labdesk::db::results::versions(&mut app.conn(), &order)
            .unwrap()
            .is_empty());
        assert_eq!(app.audit_rows("result.queued", &items[0].id).len(), 1);
    });
}

#[test]
fn unknown_placer_order_is_no_match_for_the_accounts_org() {
    each_backend(|app| {
        let missing = uuid::Uuid::new_v4().to_string();
        for (placer, id) in [(missing.as_str(), "C-1"), ("not-a-labdesk-id", "C-2")] {
            let res = deliver(app, &fill(&fixture("final.hl7"), &jane(placer, id)));
            assert!(msa(&res).1.contains("no_match"), "{}", res.body);
        }
        let items = unmatched(app);
        assert!(items.iter().all(|i| i.decision_code.as_str() == "no_match"
            && i.org_id.as_ref().map(|i| i.as_str()) == Some(app.world.org_id.as_str())));
        assert_eq!(items.len(), 2);
    });
}

#[test]
fn an_order_delivered_on_another_account_is_never_attached() {
    each_backend(|app| {
        let order = jane_order(app);
        let res = deliver(
            app,
            &fill(
                &fixture("final.hl7"),
                &Fill {
                    account: "97500002",
                    ..jane(&order, "C-1")
                },
            ),
        );
        assert!(msa(&res).1.contains("lab_account_mismatch"), "{}", res.body);
        let items = unmatched(app);
        assert_eq!(
            items[0].candidate_order_id.as_ref().map(|i| i.as_str()),
            Some(order.as_str())
        );
        assert_eq!(
            items[0].lab_account_id.as_ref(),
            Some(app.world.account("97500002"))
        );
        assert!(labdesk::db::results::versions(&mut app.conn(), &order)
            .unwrap()
            .is_empty());
        assert_eq!(order_status(app, order.as_str()).0, "ordered");
    });
}

#[test]
fn different_demographics_are_queued_with_the_order_as_candidate() {
    each_backend(|app| {
        let order = jane_order(app);
        let res = deliver(
            app,
            &fill(
                &fixture("final.hl7"),
                &Fill {
                    last: "Roe",
                    dob: "19910101",
                    ..jane(&order, "C-1")
                },
            ),
        );
        assert!(
            msa(&res).1.contains("match_sample_id_mismatch_demo"),
            "{}",
            res.body
        );
        let items = unmatched(app);
        assert_eq!(
            items[0].candidate_order_id.as_ref().map(|i| i.as_str()),
            Some(order.as_str())
        );
        let reasons: Vec<String> = serde_json::from_str(&items[0].reasons).unwrap();
        assert_eq!(reasons, vec!["last_name_differs", "dob_differs"]);
        assert_eq!(
            items[0].team_id.as_ref(),
            Some(app.world.team(PRIMARY_CARE))
        );
    });
}

#[test]
fn the_same_accession_number_for_two_accounts_stays_with_each_accounts_order() {
    each_backend(|app| {
        let west_order = jane_order(app);
        let (_, east_order) = jane_order_of(app, CARDIOLOGY, "NY");
        deliver(
            app,
            &fill(
                &fixture("final.hl7"),
                &Fill {
                    accession: "SAME-ACC",
                    ..jane(&west_order, "W-1")
                },
            ),
        );
        deliver(
            app,
            &fill(
                &fixture("final.hl7"),
                &Fill {
                    account: "97500002",
                    accession: "SAME-ACC",
                    ..jane(&east_order, "E-1")
                },
            ),
        );
        for (order, account) in [(&west_order, "97500001"), (&east_order, "97500002")] {
            let versions = labdesk::db::results::versions(&mut app.conn(), order).unwrap();
            assert_eq!(versions.len(), 1, "{account}");
            assert_eq!(
                versions[0].lab_account_id,
                app.world.account(account).clone()
            );
        }
        assert!(unmatched(app).is_empty());
    });
}

#[test]
fn the_json_form_is_matched_the_same_way() {
    each_backend(|app| {
        let order = jane_order(app);
        let delivery = json!({
            "message_control_id": "J-1", "account_number": "97500001", "placer_order_number": order,
            "filler_order_number": "ACC-J", "status": "final",
            "patient": {"last_name": "Doe", "first_name": "Jane", "dob": "1990-01-01"},
            "collected_at": "2026-11-29T08:00:00Z", "reported_at": "2026-11-30T09:00:00Z",
            "observations": [{"code": "2345-7", "name": "Glucose", "value": "95", "unit": "mg/dL", "reference_range": "70-99", "loinc": true}]
        });
        let res = deliver_json(app, &delivery.to_string());
        assert_eq!(res.status, 200, "{}", res.body);
        let v = res.json();
        assert_eq!(
            (
                v["outcome"].as_str(),
                v["ack"].as_str(),
                v["order_id"].as_str()
            ),
            (Some("attached"), Some("AA"), Some(order.as_str()))
        );
        assert_eq!(
            order_status(app, order.as_str()),
            ("completed".into(), Some("normal".into()))
        );
        let bad = deliver_json(app, r#"{"status": "final"}"#);
        assert_eq!(bad.status, 400);
        assert_eq!(bad.json()["outcome"], "rejected");
    });
}

#[test]
fn deliveries_need_a_lab_interface_key() {
    each_backend(|app| {
        let c = app.client();
        for key in ["", "nope", app.world.team_key.as_str()] {
            let res = c.post_raw(
                "/lab-interface/v1/results",
                &[(LAB_KEY_HEADER, key)],
                b"MSH|^~\\&|",
            );
            assert_eq!(res.status, 401, "{key}");
        }
    });
}
