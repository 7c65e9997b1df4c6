//! `POST /v3/order`: the lab account each order goes to (the one eligible, the one named, the
//! platform's as the fallback) and every reason an account is refused. Field errors are in
//! `api_orders_input`, reads, lists and cancel in `api_orders_read`, idempotency keys in
//! `idempotency`.
use labdesk::domain::ids::{LabAccountId, LabTestId, PatientId};
use serde_json::{json, Value};

use crate::support::data::{add_account, link_team, order_count, patient, test_id, NewAccount};
use crate::support::orders::{order_body, post_order};
use crate::support::{each_backend, CARDIOLOGY, PRIMARY_CARE, TEAM_KEY_HEADER};

const NPI: &str = "1234567893";

#[test]
fn the_one_eligible_account_is_used_and_recorded_on_the_order() {
    each_backend(|app| {
        let key = &app.world.team_key;
        let user = patient(app, app.world.team(PRIMARY_CARE), "p-1");
        let test = test_id(app, "quest-lipid-panel");
        let res = post_order(app, key, &order_body(&user, &test, "AZ"));
        assert_eq!(res.status, 200, "{}", res.body);
        let v = res.json();
        assert_eq!(v["status"], "success");
        let order = &v["order"];
        assert_eq!(
            order["lab_account_id"],
            app.world.account("97500001").as_str()
        );
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
        assert_eq!(account, app.world.account("97500001").as_str());
        assert_eq!(team, app.world.team(PRIMARY_CARE).as_str());
        assert_eq!(app.audit_rows("order.created", id).len(), 1);
        // Reading it back gives the same lab account and writes a PHI-read audit row.
        let read = app
            .client()
            .api_get(&format!("/v3/order/{id}"), TEAM_KEY_HEADER, key);
        assert_eq!(
            read.json()["lab_account_id"],
            app.world.account("97500001").as_str()
        );
        assert_eq!(app.audit_rows("order.viewed", id).len(), 1);
    });
}

#[test]
fn two_eligible_accounts_need_lab_account_id_and_then_use_it() {
    each_backend(|app| {
        let key = &app.world.team_key;
        let second = add_account(
            app,
            &NewAccount {
                number: "Q-2",
                name: "Test Q-2",
                billing: &[("client_bill", &["AZ"])],
                ..NewAccount::QUEST
            },
        );
        let user = patient(app, app.world.team(PRIMARY_CARE), "p-1");
        let test = test_id(app, "quest-lipid-panel");
        let before = order_count(app);
        let (code, detail) = post_order(app, key, &order_body(&user, &test, "AZ")).refusal();
        assert_eq!(code, "lab_account_id_required");
        assert!(
            detail.starts_with("lab_account_id is required")
                && detail.contains(second.as_str())
                && detail.contains(app.world.account("97500001").as_str()),
            "{detail}"
        );
        assert_eq!(order_count(app), before);
        let mut b = order_body(&user, &test, "AZ");
        b["lab_account_id"] = json!(second);
        assert_eq!(
            post_order(app, key, &b).json()["order"]["lab_account_id"],
            second.as_str()
        );
        let mut b = order_body(&user, &test, "AZ");
        b["order_set"] = json!({"lab_test_ids": [test], "lab_account_id": second});
        b.as_object_mut().unwrap().remove("lab_test_id");
        assert_eq!(
            post_order(app, key, &b).json()["order"]["lab_account_id"],
            second.as_str()
        );
    });
}

#[test]
fn platform_account_is_the_fallback_only_when_no_org_account_is_linked_for_the_lab() {
    each_backend(|app| {
        let cardio = &app.world.cardio_key;
        let user = patient(app, app.world.team(CARDIOLOGY), "c-1");
        let labcorp = test_id(app, "labcorp-hba1c");
        let res = post_order(app, cardio, &order_body(&user, &labcorp, "AZ"));
        assert_eq!(
            res.json()["order"]["lab_account_id"],
            app.world.account("LC-PLATFORM-1").as_str(),
            "{}",
            res.body
        );
        // Once an org Labcorp account is linked, it decides, even when it cannot take the order.
        let pending = app.world.account("LC-220011");
        link_team(app, pending, CARDIOLOGY);
        let (code, detail) = post_order(app, cardio, &order_body(&user, &labcorp, "AZ")).refusal();
        assert_eq!(code, "no_eligible_lab_account");
        assert!(detail.contains("Labcorp National is pending"), "{detail}");
        // A Team with nothing linked for the lab (and no platform link) is refused.
        let key = &app.world.team_key;
        let user = patient(app, app.world.team(PRIMARY_CARE), "p-1");
        let (code, detail) = post_order(app, key, &order_body(&user, &labcorp, "AZ")).refusal();
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
        let user = patient(app, app.world.team(PRIMARY_CARE), "p-1");
        let bioref = test_id(app, "bioref-cbc");
        let (code, detail) = post_order(app, key, &order_body(&user, &bioref, "NY")).refusal();
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
        let user = patient(app, app.world.team(PRIMARY_CARE), "p-1");
        let cardio_user = patient(app, app.world.team(CARDIOLOGY), "c-1");
        let quest = test_id(app, "quest-lipid-panel");
        let labcorp = test_id(app, "labcorp-hba1c");
        let bioref = test_id(app, "bioref-cbc");
        let west = app.world.account("97500001");
        let east = app.world.account("97500002");
        let with = |user: &PatientId,
                    test: &LabTestId,
                    state: &str,
                    account: &LabAccountId,
                    tweak: &dyn Fn(&mut Value)| {
            let mut b = order_body(user, test, state);
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
            let res = post_order(app, k, &b);
            let (got_code, detail) = res.refusal();
            assert_eq!(got_code, code, "{name}");
            assert!(detail.contains(text), "{name}: {detail}");
        }
        // Another org's account is "not found".
        let res = post_order(
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
        let res = post_order(app, cardio, &b);
        assert_eq!(res.status, 200, "{}", res.body);
        let order = &res.json()["order"];
        assert_eq!(
            order["clinical_notes"],
            "Fasting required unless stated otherwise.\nCheck iron"
        );
        assert_eq!(order["physician"]["npi"], NPI);
    });
}
