//! `POST /v3/order` input: each invalid field gets a 422 naming its location, a rule about the
//! tests themselves a 400, and nothing is placed.
use serde_json::{json, Value};

use crate::support::data::{order_count, patient, test_id};
use crate::support::orders::{order_body, post_order};
use crate::support::{each_backend, PRIMARY_CARE, TEAM_KEY_HEADER};

#[test]
fn invalid_input_gets_422_with_the_field_location() {
    each_backend(|app| {
        let key = &app.world.team_key;
        let user = patient(app, app.world.team(PRIMARY_CARE), "p-1");
        let test = test_id(app, "quest-lipid-panel");
        let other_test = test_id(app, "quest-cmp");
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
            let mut b = order_body(&user, &test, "AZ");
            tweak(&mut b);
            let res = post_order(app, key, &b);
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
            .api_post("/v3/order", TEAM_KEY_HEADER, key, "{not json", None);
        assert_eq!(res.status, 422);
        assert_eq!(res.json()["detail"][0]["loc"], json!(["body"]));
        // A rule about the tests themselves is a 400.
        let mut b = order_body(&user, &test, "AZ");
        b["order_set"] = json!({"lab_test_ids": [test, test_id(app, "labcorp-hba1c")]});
        assert_eq!(post_order(app, key, &b).refusal().0, "lab_tests_mixed");
        let mut b = order_body(&user, &other_test, "AZ");
        b["collection_method"] = json!("testkit");
        assert_eq!(
            post_order(app, key, &b).refusal().0,
            "collection_method_mismatch"
        );
        assert_eq!(order_count(app), before);
    });
}
