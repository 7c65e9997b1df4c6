//! Every read that returns patient data leaves an audit row saying who read which ids: the Team
//! API's order list, result and queue reads, and the dashboard's orders list and review queue.
//! The rows name ids only, never a patient's name or date of birth.
use std::collections::BTreeSet;

use diesel::prelude::*;
use serde_json::Value;

use labdesk::db::audit::AuditEvent;
use labdesk::domain::ids::OrgId;
use labdesk::domain::review::ReviewAction;
use labdesk::web::urls::{self, Scope};

use crate::support::data::{made_with_key, test_id};
use crate::support::orders::{api_order, order_body};
use crate::support::results::{clear_queue, deliver, fill, fixture, jane, jane_order_of, queue};
use crate::support::{each_backend, TestApp, CLINICIAN, CSM, OPS, PRIMARY_CARE, TEAM_KEY_HEADER};

/// Rows with this action, oldest first.
fn rows(app: &TestApp, action: &str) -> Vec<AuditEvent> {
    use labdesk::db::schema::audit_events::dsl as a;
    a::audit_events
        .filter(a::action.eq(action))
        .order(a::id.asc())
        .select(AuditEvent::as_select())
        .load(&mut app.conn())
        .unwrap()
}

/// The one row added by the step run in between, checked to name no patient.
fn one_new_row(app: &TestApp, action: &str, step: impl FnOnce()) -> AuditEvent {
    let before = rows(app, action).len();
    step();
    let after = rows(app, action);
    assert_eq!(after.len(), before + 1, "one {action} row per request");
    let row = after.last().unwrap().clone();
    let stored = format!("{} {}", row.summary, row.details);
    for phi in ["Jane", "Doe", "Roe", "1990"] {
        assert!(!stored.contains(phi), "{phi} in {action}: {stored}");
    }
    assert!(row.request_id.is_some(), "{action} names the request");
    row
}

fn details(row: &AuditEvent) -> Value {
    serde_json::from_str(&row.details).unwrap()
}

fn id_list(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not a list: {v}"))
        .iter()
        .map(|i| i.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn every_team_key_read_of_patient_data_is_audited_with_the_ids_it_returned() {
    each_backend(|app| {
        clear_queue(app);
        let key = &app.world.team_key;
        let team = app.world.team(PRIMARY_CARE);
        let c = app.client();
        let (user, order) = jane_order_of(app, PRIMARY_CARE, "AZ");
        let attached = deliver(app, &fill(&fixture("final.hl7"), &jane(&order, "RA-1")));
        assert_eq!(attached.status, 200, "{}", attached.body);
        // Four more of the Team's orders: a page of five is full whatever the demo holds.
        let test = test_id(app, "quest-lipid-panel");
        for _ in 0..4 {
            api_order(app, key, &order_body(&user, &test, "AZ"));
        }

        // GET /v3/orders: one row naming exactly the orders returned.
        let mut listed = Value::Null;
        let row = one_new_row(app, "order.listed", || {
            listed = c.api_get("/v3/orders?size=5", TEAM_KEY_HEADER, key).json();
        });
        let returned: Vec<String> = listed["orders"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["id"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(returned.len(), 5);
        assert_eq!(id_list(&details(&row)["order_ids"]), returned);
        assert!(made_with_key(&row, key), "{row:?}");
        assert_eq!(
            (
                row.entity_type.as_str(),
                row.entity_id.as_str(),
                row.org_id.as_ref().map(|i| i.as_str()),
                row.team_id.as_ref().map(|i| i.as_str())
            ),
            (
                "team",
                team.as_str(),
                Some(app.world.org_id.as_str()),
                Some(team.as_str())
            )
        );
        // Nothing returned, nothing read: no row.
        let before = rows(app, "order.listed").len();
        let none = c.api_get(
            &format!("/v3/orders?order_ids={}", uuid::Uuid::new_v4()),
            TEAM_KEY_HEADER,
            key,
        );
        assert_eq!(none.json()["total"], 0);
        assert_eq!(rows(app, "order.listed").len(), before);

        // The result and its metadata: the version read, and which part.
        let version = labdesk::db::results::versions(&mut app.conn(), &order)
            .unwrap()
            .pop()
            .unwrap();
        for (path, part) in [("result", "values"), ("result/metadata", "metadata")] {
            let row = one_new_row(app, "result.viewed", || {
                let res = c.api_get(&format!("/v3/order/{order}/{path}"), TEAM_KEY_HEADER, key);
                assert_eq!(res.status, 200, "{}", res.body);
            });
            assert!(made_with_key(&row, key));
            assert_eq!(
                (row.entity_type.as_str(), row.entity_id.as_str()),
                ("order", order.as_str())
            );
            assert_eq!(
                details(&row),
                serde_json::json!({"result_id": version.id, "result_version": 1, "part": part})
            );
        }

        // The queue: the list names the items returned, the item read names the item.
        let item = queue(
            app,
            "97500001",
            order.as_str(),
            "Roe",
            "match_sample_id_mismatch_demo",
        );
        let row = one_new_row(app, "result.review_listed", || {
            let list = c
                .api_get("/v3/unmatched_result", TEAM_KEY_HEADER, key)
                .json();
            assert_eq!(list["total"], 1);
        });
        assert!(made_with_key(&row, key));
        assert_eq!(
            (row.entity_type.as_str(), row.entity_id.as_str()),
            ("team", team.as_str())
        );
        assert_eq!(
            id_list(&details(&row)["unmatched_result_ids"]),
            vec![item.to_string()]
        );
        let row = one_new_row(app, "result.review_viewed", || {
            let res = c.api_get(
                &format!("/v3/unmatched_result/{item}"),
                TEAM_KEY_HEADER,
                key,
            );
            assert_eq!(res.status, 200);
        });
        assert!(made_with_key(&row, key));
        assert_eq!(
            (
                row.entity_type.as_str(),
                row.entity_id.as_str(),
                row.team_id.as_ref().map(|i| i.as_str())
            ),
            ("unmatched_result", item.as_str(), Some(team.as_str()))
        );
    });
}

/// Order ids the orders list page links to, in page order.
fn linked_orders(body: &str, org: &OrgId) -> Vec<String> {
    let marker = format!("{}/", urls::org_orders(org));
    let mut out: Vec<String> = Vec::new();
    for (at, _) in body.match_indices(&marker) {
        let id: String = body[at + marker.len()..].chars().take(36).collect();
        if uuid::Uuid::parse_str(&id).is_ok() && !out.contains(&id) {
            out.push(id);
        }
    }
    out
}

#[test]
fn the_dashboard_orders_list_and_review_queue_record_who_saw_which_ids() {
    each_backend(|app| {
        clear_queue(app);
        let org_id = &app.world.org_id;
        let org = org_id.as_str();
        let (_, order) = jane_order_of(app, PRIMARY_CARE, "AZ");
        // The orders list: the ids on the page, for an ops admin and for a clinician.
        for (who, scope_size) in [(OPS, "whole org"), (CLINICIAN, "Primary Care")] {
            let person = app.login(who);
            let mut page = String::new();
            let row = one_new_row(app, "order.listed", || {
                let res = person.get(&urls::org_orders(org_id));
                assert_eq!(res.status, 200);
                page = res.body;
            });
            let shown = linked_orders(&page, org_id);
            assert!(
                shown.contains(&order.to_string()),
                "{who}: the new order is on page one"
            );
            assert_eq!(
                id_list(&details(&row)["order_ids"]),
                shown,
                "{who} ({scope_size})"
            );
            assert_eq!(
                (
                    row.actor_label.as_str(),
                    row.entity_type.as_str(),
                    row.entity_id.as_str()
                ),
                (who, "org", org)
            );
            // The htmx table alone shows patients too.
            let row = one_new_row(app, "order.listed", || {
                let res = person.htmx_get(&format!("{}?status=ordered", urls::org_orders(org_id)));
                assert_eq!(res.status, 200);
            });
            assert!(id_list(&details(&row)["order_ids"]).contains(&order.to_string()));
        }

        // The review queue: nothing to show records nothing.
        let ops = app.login(OPS);
        let before = rows(app, "result.review_listed").len();
        let queue_page = urls::review_queue(&Scope::Org(org_id.clone()));
        assert_eq!(ops.get(&queue_page).status, 200);
        assert_eq!(rows(app, "result.review_listed").len(), before);
        let a = queue(
            app,
            "97500001",
            order.as_str(),
            "Roe",
            "match_sample_id_mismatch_demo",
        );
        let b = queue(
            app,
            "97500002",
            order.as_str(),
            "Doe",
            "lab_account_mismatch",
        );
        let quarantined = queue(app, "99999999", order.as_str(), "Doe", "quarantine");
        let row = one_new_row(app, "result.review_listed", || {
            assert_eq!(ops.get(&queue_page).status, 200);
        });
        assert_eq!(
            (
                row.actor_label.as_str(),
                row.entity_type.as_str(),
                row.entity_id.as_str(),
                row.org_id.as_ref().map(|i| i.as_str())
            ),
            (OPS, "org", org, Some(org))
        );
        let ids: BTreeSet<String> = id_list(&details(&row)["unmatched_result_ids"])
            .into_iter()
            .collect();
        assert_eq!(ids, [a.to_string(), b.to_string()].into_iter().collect());
        // A refused decision shows the item again, patient and all: another recorded view.
        let row = one_new_row(app, "result.review_viewed", || {
            let res = ops.post_form(
                &urls::decide_review_item(&Scope::Org(org_id.clone()), &a, ReviewAction::Reject),
                &[("version", "1"), ("note", "")],
            );
            assert_eq!(res.status, 422, "{}", res.body);
            assert!(res.body.contains("Roe"), "the item is shown again");
        });
        assert_eq!(
            (row.actor_label.as_str(), row.entity_id.as_str()),
            (OPS, a.as_str())
        );
        // A CSM's platform queue spans orgs and quarantine: one row per org, one for quarantine.
        let csm = app.login(CSM);
        let before = rows(app, "result.review_listed").len();
        assert_eq!(csm.get(&urls::review_queue(&Scope::Platform)).status, 200);
        let new: Vec<AuditEvent> = rows(app, "result.review_listed").split_off(before);
        assert_eq!(new.len(), 2, "{new:?}");
        let by_entity = |entity: &str| {
            let row = new
                .iter()
                .find(|r| r.entity_id == entity)
                .unwrap_or_else(|| panic!("no row for {entity}: {new:?}"));
            assert_eq!(row.actor_label, CSM);
            id_list(&details(row)["unmatched_result_ids"])
                .into_iter()
                .collect::<BTreeSet<_>>()
        };
        assert_eq!(
            by_entity(org),
            [a.to_string(), b.to_string()].into_iter().collect()
        );
        assert_eq!(
            by_entity("quarantine"),
            [quarantined.to_string()].into_iter().collect()
        );
    });
}
