//! POST /v3/order and friends: every resolution outcome, every refusal reason, field errors and
//! cross-team 404s (idempotency keys: `idempotency.rs`).
use serde_json::{json, Value};

use crate::helpers::{each_backend, TestApp};
use crate::order_helpers::{body, fresh_team, new_user, order_count, place, test_id, TEAM};
use labdesk::db::audit::Actor;
use labdesk::domain::account_config::AccountConfigInput;
use labdesk::domain::lab_account::{AccountStatus, Owner};
use labdesk::service::lab_accounts as accounts;

const NPI: &str = "1234567893";

/// Adds an active account for `lab` allowing client_bill in `states`, linked to `teams`.
fn add_account(
    app: &TestApp,
    lab: &str,
    pid: &str,
    flow: &str,
    states: &[&str],
    teams: &[&str],
) -> String {
    let mut conn = app.conn();
    let actor = Actor::system("test");
    let input = AccountConfigInput {
        lab: lab.into(),
        provider_account_id: pid.into(),
        account_name: format!("Test {pid}"),
        delegated_flow: flow.into(),
        allowed_billing: [(
            "client_bill".to_string(),
            states.iter().map(|s| s.to_string()).collect(),
        )]
        .into(),
        ..AccountConfigInput::default()
    };
    let id = accounts::create(
        &mut conn,
        &actor,
        &Owner::Org(app.world.org_id.clone()),
        &input,
    )
    .unwrap();
    accounts::change_status(&mut conn, &actor, &id, AccountStatus::Active, "test").unwrap();
    for t in teams {
        accounts::link_team(&mut conn, &actor, &id, app.world.team(t)).unwrap();
    }
    id
}

fn refusal(res: &crate::helpers::Resp) -> (String, String) {
    assert_eq!(res.status, 400, "{}", res.body);
    let v = res.json();
    (
        v["code"].as_str().unwrap().to_string(),
        v["detail"].as_str().unwrap().to_string(),
    )
}

#[test]
fn the_one_eligible_account_is_used_and_recorded_on_the_order() {
    each_backend(|app| {
        let key = &app.world.team_key;
        let user = new_user(app, key, "p-1");
        let test = test_id(app, key, "quest-lipid-panel");
        let res = place(app, key, &body(&user, &test, "AZ"));
        assert_eq!(res.status, 200, "{}", res.body);
        let v = res.json();
        assert_eq!(v["status"], "success");
        let order = &v["order"];
        assert_eq!(order["lab_account_id"], app.world.account("97500001"));
        assert_eq!(
            order["events"][0]["status"],
            "received.walk_in_test.ordered"
        );
        assert_eq!(order["last_event"]["id"], 1);
        assert_eq!(order["status"], "received");
        assert_eq!(order["patient_details"]["dob"], "1990-01-01T00:00:00Z");
        for field in [
            "id",
            "user_id",
            "team_id",
            "patient_details",
            "patient_address",
            "lab_test",
            "details",
            "sample_id",
            "notes",
            "created_at",
            "updated_at",
            "events",
            "last_event",
            "health_insurance_id",
            "requisition_form_url",
            "shipping_details",
            "has_abn",
        ] {
            assert!(order.get(field).is_some(), "missing {field}");
        }
        let id = order["id"].as_str().unwrap();
        use diesel::prelude::*;
        use labdesk::db::schema::orders::dsl as o;
        let (account, team): (String, String) = o::orders
            .find(id)
            .select((o::lab_account_id, o::team_id))
            .first(&mut app.conn())
            .unwrap();
        assert_eq!(account, app.world.account("97500001"));
        assert_eq!(team, app.world.team("Primary Care"));
        assert_eq!(app.audit_rows("order.created", id).len(), 1);
        // Reading it back gives the same lab account and writes a PHI-read audit row.
        let read = app.client().api_get(&format!("/v3/order/{id}"), TEAM, key);
        assert_eq!(read.json()["lab_account_id"], app.world.account("97500001"));
        assert_eq!(app.audit_rows("order.viewed", id).len(), 1);
    });
}

#[test]
fn two_eligible_accounts_need_lab_account_id_and_then_use_it() {
    each_backend(|app| {
        let key = &app.world.team_key;
        let second = add_account(
            app,
            "quest",
            "Q-2",
            "not_delegated",
            &["AZ"],
            &["Primary Care"],
        );
        let user = new_user(app, key, "p-1");
        let test = test_id(app, key, "quest-lipid-panel");
        let before = order_count(app);
        let (code, detail) = refusal(&place(app, key, &body(&user, &test, "AZ")));
        assert_eq!(code, "lab_account_id_required");
        assert!(
            detail.starts_with("lab_account_id is required")
                && detail.contains(&second)
                && detail.contains(app.world.account("97500001")),
            "{detail}"
        );
        assert_eq!(order_count(app), before);
        let mut b = body(&user, &test, "AZ");
        b["lab_account_id"] = json!(second);
        assert_eq!(
            place(app, key, &b).json()["order"]["lab_account_id"],
            second
        );
        let mut b = body(&user, &test, "AZ");
        b["order_set"] = json!({"lab_test_ids": [test], "lab_account_id": second});
        b.as_object_mut().unwrap().remove("lab_test_id");
        assert_eq!(
            place(app, key, &b).json()["order"]["lab_account_id"],
            second
        );
    });
}

#[test]
fn platform_account_is_the_fallback_only_when_no_org_account_is_linked_for_the_lab() {
    each_backend(|app| {
        let cardio = &app.world.cardio_key;
        let user = new_user(app, cardio, "c-1");
        let labcorp = test_id(app, cardio, "labcorp-hba1c");
        let res = place(app, cardio, &body(&user, &labcorp, "AZ"));
        assert_eq!(
            res.json()["order"]["lab_account_id"],
            app.world.account("LC-PLATFORM-1"),
            "{}",
            res.body
        );
        // Once an org Labcorp account is linked, it decides, even when it cannot take the order.
        let pending = app.world.account("LC-220011");
        accounts::link_team(
            &mut app.conn(),
            &Actor::system("test"),
            pending,
            app.world.team("Cardiology"),
        )
        .unwrap();
        let (code, detail) = refusal(&place(app, cardio, &body(&user, &labcorp, "AZ")));
        assert_eq!(code, "no_eligible_lab_account");
        assert!(detail.contains("Labcorp National is pending"), "{detail}");
        // A Team with nothing linked for the lab (and no platform link) is refused.
        let key = &app.world.team_key;
        let user = new_user(app, key, "p-1");
        let (code, detail) = refusal(&place(app, key, &body(&user, &labcorp, "AZ")));
        assert_eq!(code, "no_lab_account");
        assert!(
            detail.contains("No Labcorp lab account is linked to this Team"),
            "{detail}"
        );
    });
}

#[test]
fn linked_accounts_that_cannot_take_the_order_are_refused_with_each_reason() {
    each_backend(|app| {
        let key = &app.world.team_key;
        let user = new_user(app, key, "p-1");
        let bioref = test_id(app, key, "bioref-cbc");
        let (code, detail) = refusal(&place(app, key, &body(&user, &bioref, "NY")));
        assert_eq!(code, "no_eligible_lab_account");
        assert!(
            detail.contains("BioReference NY is suspended and does not take new orders."),
            "{detail}"
        );
    });
}

#[test]
fn an_explicit_account_is_refused_with_its_specific_reason() {
    each_backend(|app| {
        let key = &app.world.team_key;
        let cardio = &app.world.cardio_key;
        let user = new_user(app, key, "p-1");
        let cardio_user = new_user(app, cardio, "c-1");
        let quest = test_id(app, key, "quest-lipid-panel");
        let labcorp = test_id(app, key, "labcorp-hba1c");
        let bioref = test_id(app, key, "bioref-cbc");
        let west = app.world.account("97500001");
        let east = app.world.account("97500002");
        let with =
            |user: &str, test: &str, state: &str, account: &str, tweak: &dyn Fn(&mut Value)| {
                let mut b = body(user, test, state);
                b["lab_account_id"] = json!(account);
                tweak(&mut b);
                b
            };
        let none = |_: &mut Value| {};
        let cases: Vec<(&str, &String, Value, &str, &str)> = vec![
            (
                "not linked",
                key,
                with(&user, &quest, "NY", east, &none),
                "lab_account_not_linked",
                "is not linked to this Team",
            ),
            (
                "not active",
                key,
                with(&user, &bioref, "NY", app.world.account("BR-7781"), &none),
                "lab_account_not_active",
                "is suspended",
            ),
            (
                "wrong lab",
                key,
                with(&user, &labcorp, "AZ", west, &none),
                "lab_account_wrong_lab",
                "is a Quest Diagnostics account; the tests are from Labcorp",
            ),
            (
                "billing type",
                key,
                with(&user, &quest, "AZ", west, &|b| {
                    b["billing_type"] = json!("patient_bill")
                }),
                "billing_type_not_supported",
                "does not support billing type patient_bill",
            ),
            (
                "state",
                key,
                with(&user, &quest, "NY", west, &none),
                "state_not_allowed",
                "does not allow client_bill for patients in NY",
            ),
            (
                "physician",
                cardio,
                with(&cardio_user, &quest, "NY", east, &none),
                "physician_required",
                "must name the ordering physician",
            ),
        ];
        let before = order_count(app);
        for (name, k, b, code, text) in cases {
            let res = place(app, k, &b);
            let (got_code, detail) = refusal(&res);
            assert_eq!(got_code, code, "{name}");
            assert!(detail.contains(text), "{name}: {detail}");
        }
        // Another org's account is "not found".
        let res = place(
            app,
            key,
            &with(&user, &quest, "AZ", app.world.account("88100001"), &none),
        );
        assert_eq!(res.status, 404);
        assert_eq!(res.json(), json!({"detail": "Not Found"}));
        assert_eq!(order_count(app), before);
        // With a physician the delegated account takes it, and its default notes are joined.
        let mut b = with(&cardio_user, &quest, "NY", east, &none);
        b["physician"] = json!({"first_name": "Ann", "last_name": "Lee", "npi": NPI});
        b["clinical_notes"] = json!("Check iron");
        let res = place(app, cardio, &b);
        assert_eq!(res.status, 200, "{}", res.body);
        let order = &res.json()["order"];
        assert_eq!(
            order["clinical_notes"],
            "Fasting required unless stated otherwise.\nCheck iron"
        );
        assert_eq!(order["physician"]["npi"], NPI);
    });
}

#[test]
fn invalid_input_gets_422_with_the_field_location() {
    each_backend(|app| {
        let key = &app.world.team_key;
        let user = new_user(app, key, "p-1");
        let test = test_id(app, key, "quest-lipid-panel");
        let other_test = test_id(app, key, "quest-cmp");
        type Tweak = Box<dyn Fn(&mut Value)>;
        let cases: Vec<(Tweak, Vec<&str>)> = vec![
            (
                Box::new(|b| {
                    b.as_object_mut().unwrap().remove("user_id");
                }),
                vec!["body", "user_id"],
            ),
            (
                Box::new(|b| b["user_id"] = json!("nope")),
                vec!["body", "user_id"],
            ),
            (
                Box::new(|b| {
                    b.as_object_mut().unwrap().remove("patient_address");
                }),
                vec!["body", "patient_address"],
            ),
            (
                Box::new(|b| b["patient_details"]["first_name"] = json!("")),
                vec!["body", "patient_details", "first_name"],
            ),
            (
                Box::new(|b| b["patient_details"]["last_name"] = json!("x".repeat(51))),
                vec!["body", "patient_details", "last_name"],
            ),
            (
                Box::new(|b| b["patient_details"]["dob"] = json!("1990-13-01")),
                vec!["body", "patient_details", "dob"],
            ),
            (
                Box::new(|b| b["patient_details"]["gender"] = json!("F")),
                vec!["body", "patient_details", "gender"],
            ),
            (
                Box::new(|b| b["patient_details"]["email"] = json!("jane")),
                vec!["body", "patient_details", "email"],
            ),
            (
                Box::new(|b| b["patient_details"]["phone_number"] = json!(42)),
                vec!["body", "patient_details", "phone_number"],
            ),
            (
                Box::new(|b| b["patient_address"]["zip"] = json!("8500")),
                vec!["body", "patient_address", "zip"],
            ),
            (
                Box::new(|b| b["patient_address"]["state"] = json!("ZZ")),
                vec!["body", "patient_address", "state"],
            ),
            (
                Box::new(|b| b["billing_type"] = json!("cash")),
                vec!["body", "billing_type"],
            ),
            (
                Box::new(|b| b["collection_method"] = json!("drone")),
                vec!["body", "collection_method"],
            ),
            (
                Box::new(|b| {
                    b["physician"] =
                        json!({"first_name": "A", "last_name": "B", "npi": "1234567890"})
                }),
                vec!["body", "physician", "npi"],
            ),
            (
                // Ten digits with a valid check digit, but not ten characters.
                Box::new(|b| {
                    b["physician"] =
                        json!({"first_name": "A", "last_name": "B", "npi": "12345-67893"})
                }),
                vec!["body", "physician", "npi"],
            ),
            (
                Box::new(|b| b["clinical_notes"] = json!("n".repeat(1001))),
                vec!["body", "clinical_notes"],
            ),
            (
                Box::new(|b| b["priority"] = json!("yes")),
                vec!["body", "priority"],
            ),
            (
                Box::new(|b| b["lab_test_id"] = json!("x")),
                vec!["body", "lab_test_id"],
            ),
            (
                Box::new(move |b| {
                    b["lab_account_id"] = json!(uuid::Uuid::new_v4().to_string());
                    b["order_set"] = json!({"lab_account_id": uuid::Uuid::new_v4().to_string()});
                }),
                vec!["body", "lab_account_id"],
            ),
            (
                Box::new(|b| {
                    b.as_object_mut().unwrap().remove("lab_test_id");
                }),
                vec!["body", "lab_test_id"],
            ),
            (
                Box::new(|b| b["order_set"] = json!({"lab_test_ids": ["x"]})),
                vec!["body", "order_set", "lab_test_ids", "0"],
            ),
        ];
        let before = order_count(app);
        for (tweak, loc) in cases {
            let mut b = body(&user, &test, "AZ");
            tweak(&mut b);
            let res = place(app, key, &b);
            assert_eq!(res.status, 422, "{loc:?}: {}", res.body);
            let detail = res.json()["detail"].clone();
            let locs: Vec<Value> = detail
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["loc"].clone())
                .collect();
            assert!(locs.contains(&json!(loc)), "{loc:?} not in {detail}");
            assert!(detail[0]["msg"].is_string() && detail[0]["type"].is_string());
        }
        let res = app
            .client()
            .api_post(TEAM, key, "/v3/order", "{not json", None);
        assert_eq!(res.status, 422);
        assert_eq!(res.json()["detail"][0]["loc"], json!(["body"]));
        // A rule about the tests themselves is a 400.
        let mut b = body(&user, &test, "AZ");
        b["order_set"] = json!({"lab_test_ids": [test, test_id(app, key, "labcorp-hba1c")]});
        assert_eq!(refusal(&place(app, key, &b)).0, "lab_tests_mixed");
        let mut b = body(&user, &other_test, "AZ");
        b["collection_method"] = json!("testkit");
        assert_eq!(
            refusal(&place(app, key, &b)).0,
            "collection_method_mismatch"
        );
        assert_eq!(order_count(app), before);
    });
}

#[test]
fn ids_of_another_team_answer_404() {
    each_backend(|app| {
        let key = &app.world.team_key;
        let cardio = &app.world.cardio_key;
        let user = new_user(app, key, "p-1");
        let cardio_user = new_user(app, cardio, "c-1");
        let test = test_id(app, key, "quest-lipid-panel");
        let order = place(app, key, &body(&user, &test, "AZ")).json()["order"]["id"]
            .as_str()
            .unwrap()
            .to_string();
        let c = app.client();
        let res = place(app, key, &body(&cardio_user, &test, "AZ"));
        assert_eq!(res.status, 404, "another team's user: {}", res.body);
        for path in [format!("/v3/order/{order}"), format!("/v2/user/{user}")] {
            let res = c.api_get(&path, TEAM, cardio);
            assert_eq!(res.status, 404, "{path}");
            assert_eq!(res.json(), json!({"detail": "Not Found"}));
        }
        let res = c.api_post(TEAM, cardio, &format!("/v3/order/{order}/cancel"), "", None);
        assert_eq!(res.status, 404);
        let listed = c
            .api_get(&format!("/v3/orders?order_ids={order}"), TEAM, cardio)
            .json();
        assert_eq!(listed["orders"], json!([]));
        assert_eq!(listed["total"], 0);
        assert_eq!(
            c.api_get(
                &format!("/v3/order/{order}"),
                TEAM,
                &app.world.other_team_key
            )
            .status,
            404
        );
        assert!(
            app.audit_rows("order.viewed", &order).is_empty(),
            "refused reads are not PHI reads"
        );
    });
}

#[test]
fn cancel_is_allowed_only_from_early_states() {
    each_backend(|app| {
        let key = &app.world.team_key;
        let user = new_user(app, key, "p-1");
        let test = test_id(app, key, "quest-lipid-panel");
        let id = place(app, key, &body(&user, &test, "AZ")).json()["order"]["id"]
            .as_str()
            .unwrap()
            .to_string();
        let c = app.client();
        let res = c.api_post(TEAM, key, &format!("/v3/order/{id}/cancel"), "", None);
        assert_eq!(res.status, 200, "{}", res.body);
        let v = res.json();
        assert_eq!(v["order"]["status"], "cancelled");
        assert_eq!(
            v["order"]["last_event"]["status"],
            "cancelled.walk_in_test.cancelled"
        );
        assert_eq!(v["order"]["events"].as_array().unwrap().len(), 2);
        assert_eq!(app.audit_rows("order.cancelled", &id).len(), 1);
        let again = c.api_post(TEAM, key, &format!("/v3/order/{id}/cancel"), "", None);
        let (code, detail) = refusal(&again);
        assert_eq!(code, "order_not_cancellable");
        assert!(detail.contains("cancelled cannot be cancelled"), "{detail}");
        assert_eq!(app.audit_rows("order.cancelled", &id).len(), 1);
    });
}

#[test]
fn orders_list_filters_and_pages() {
    each_backend(|app| {
        let (_, key) = fresh_team(app, "Listing");
        let key = &key;
        let user = new_user(app, key, "p-1");
        let user2 = new_user(app, key, "p-2");
        let test = test_id(app, key, "quest-lipid-panel");
        let mut ids = Vec::new();
        for u in [&user, &user, &user2] {
            ids.push(
                place(app, key, &body(u, &test, "AZ")).json()["order"]["id"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            );
        }
        let c = app.client();
        c.api_post(TEAM, key, &format!("/v3/order/{}/cancel", ids[0]), "", None);
        let all = c.api_get("/v3/orders?size=2", TEAM, key).json();
        assert_eq!(all["total"], 3);
        assert_eq!(all["orders"].as_array().unwrap().len(), 2);
        assert_eq!(
            (all["page"].clone(), all["size"].clone()),
            (json!(1), json!(2))
        );
        let page2 = c.api_get("/v3/orders?size=2&page=2", TEAM, key).json();
        assert_eq!(page2["orders"].as_array().unwrap().len(), 1);
        let cancelled = c.api_get("/v3/orders?status=cancelled", TEAM, key).json();
        assert_eq!(cancelled["orders"][0]["id"], ids[0].as_str());
        let both = c
            .api_get("/v3/orders?status=cancelled&status=ordered", TEAM, key)
            .json();
        assert_eq!(both["total"], 3);
        let by_user = c
            .api_get(&format!("/v3/orders?user_id={user2}"), TEAM, key)
            .json();
        assert_eq!(by_user["total"], 1);
        let by_account = c
            .api_get(
                &format!(
                    "/v3/orders?lab_account_id={}",
                    app.world.account("97500001")
                ),
                TEAM,
                key,
            )
            .json();
        assert_eq!(by_account["total"], 3);
        let none = c
            .api_get(
                &format!("/v3/orders?lab_account_id={}", app.world.account("BR-7781")),
                TEAM,
                key,
            )
            .json();
        assert_eq!(none["total"], 0);
        let asc = c
            .api_get("/v3/orders?order_direction=asc", TEAM, key)
            .json();
        assert_eq!(asc["orders"][0]["id"], ids[0].as_str());
        let future = c
            .api_get("/v3/orders?start_date=2999-01-01", TEAM, key)
            .json();
        assert_eq!(future["total"], 0);
        for bad in [
            "size=0",
            "size=101",
            "page=0",
            "status=shipped",
            "order_direction=up",
            "start_date=soon",
        ] {
            assert_eq!(
                c.api_get(&format!("/v3/orders?{bad}"), TEAM, key).status,
                422,
                "{bad}"
            );
        }
    });
}

#[test]
fn users_and_catalogue_endpoints() {
    each_backend(|app| {
        let key = &app.world.team_key;
        let c = app.client();
        let res = c.api_post(TEAM, key, "/v2/user", r#"{"client_user_id": "abc"}"#, None);
        assert_eq!(res.status, 200);
        let user = res.json();
        for field in [
            "user_id",
            "team_id",
            "client_user_id",
            "created_on",
            "connected_sources",
            "fallback_time_zone",
        ] {
            assert!(user.get(field).is_some(), "{field}");
        }
        assert_eq!(user["team_id"], app.world.team("Primary Care"));
        let dup = c.api_post(TEAM, key, "/v2/user", r#"{"client_user_id": "abc"}"#, None);
        assert_eq!(dup.status, 400);
        // The same client_user_id in another Team is fine.
        assert_eq!(
            c.api_post(
                TEAM,
                &app.world.cardio_key,
                "/v2/user",
                r#"{"client_user_id": "abc"}"#,
                None
            )
            .status,
            200
        );
        assert_eq!(c.api_post(TEAM, key, "/v2/user", r#"{}"#, None).status, 422);
        let got = c
            .api_get(
                &format!("/v2/user/{}", user["user_id"].as_str().unwrap()),
                TEAM,
                key,
            )
            .json();
        assert_eq!(got, user);

        let labs = c.api_get("/v3/lab_tests/labs", TEAM, key).json();
        let slugs: Vec<&str> = labs
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["slug"].as_str().unwrap())
            .collect();
        assert!(slugs.contains(&"quest") && slugs.contains(&"labcorp"));
        for l in labs.as_array().unwrap() {
            for field in [
                "id",
                "slug",
                "name",
                "first_line_address",
                "city",
                "zipcode",
                "collection_methods",
                "sample_types",
            ] {
                assert!(l.get(field).is_some(), "{field}");
            }
        }
        let quest = c
            .api_get("/v3/lab_tests?lab_slug=quest&name=lipid", TEAM, key)
            .json();
        assert_eq!(quest.as_array().unwrap().len(), 1);
        assert_eq!(quest[0]["lab"]["slug"], "quest");
        assert_eq!(quest[0]["markers"][0]["unit"], "mg/dL");
        let kits = c
            .api_get("/v3/lab_tests?collection_method=testkit", TEAM, key)
            .json();
        assert!(kits
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["method"] == "testkit"));
        assert_eq!(
            c.api_get("/v3/lab_tests?lab_slug=acme", TEAM, key).status,
            422
        );
    });
}
