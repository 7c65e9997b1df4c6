//! Reading orders back through the Team API (one order, the list with its filters and pages),
//! cancelling, cross-team 404s, and the users and catalogue endpoints.
use serde_json::json;

use crate::support::data::{fresh_team, patient, test_id};
use crate::support::orders::{order_body, post_order};
use crate::support::{each_backend, CARDIOLOGY, PRIMARY_CARE, TEAM_KEY_HEADER};

#[test]
fn ids_of_another_team_answer_404() {
    each_backend(|app| {
        let key = &app.world.team_key;
        let cardio = &app.world.cardio_key;
        let user = patient(app, app.world.team(PRIMARY_CARE), "p-1");
        let cardio_user = patient(app, app.world.team(CARDIOLOGY), "c-1");
        let test = test_id(app, "quest-lipid-panel");
        let order = post_order(app, key, &order_body(&user, &test, "AZ")).order_id();
        let c = app.client();
        let res = post_order(app, key, &order_body(&cardio_user, &test, "AZ"));
        assert_eq!(res.status, 404, "another team's user: {}", res.body);
        for path in [format!("/v3/order/{order}"), format!("/v2/user/{user}")] {
            let res = c.api_get(&path, TEAM_KEY_HEADER, cardio);
            assert_eq!(res.status, 404, "{path}");
            assert_eq!(res.json(), json!({"detail": "Not Found"}));
        }
        let res = c.api_post(
            &format!("/v3/order/{order}/cancel"),
            TEAM_KEY_HEADER,
            cardio,
            "",
            None,
        );
        assert_eq!(res.status, 404);
        let listed = c
            .api_get(
                &format!("/v3/orders?order_ids={order}"),
                TEAM_KEY_HEADER,
                cardio,
            )
            .json();
        assert_eq!(listed["orders"], json!([]));
        assert_eq!(listed["total"], 0);
        assert_eq!(
            c.api_get(
                &format!("/v3/order/{order}"),
                TEAM_KEY_HEADER,
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
        let user = patient(app, app.world.team(PRIMARY_CARE), "p-1");
        let test = test_id(app, "quest-lipid-panel");
        let id = post_order(app, key, &order_body(&user, &test, "AZ")).order_id();
        let c = app.client();
        let res = c.api_post(
            &format!("/v3/order/{id}/cancel"),
            TEAM_KEY_HEADER,
            key,
            "",
            None,
        );
        assert_eq!(res.status, 200, "{}", res.body);
        let v = res.json();
        assert_eq!(v["order"]["status"], "cancelled");
        assert_eq!(
            v["order"]["last_event"]["status"],
            "cancelled.walk_in_test.cancelled"
        );
        assert_eq!(v["order"]["events"].as_array().unwrap().len(), 2);
        assert_eq!(app.audit_rows("order.cancelled", &id).len(), 1);
        let again = c.api_post(
            &format!("/v3/order/{id}/cancel"),
            TEAM_KEY_HEADER,
            key,
            "",
            None,
        );
        let (code, detail) = again.refusal();
        assert_eq!(code, "order_not_cancellable");
        assert!(detail.contains("cancelled cannot be cancelled"), "{detail}");
        assert_eq!(app.audit_rows("order.cancelled", &id).len(), 1);
    });
}

#[test]
fn orders_list_filters_and_pages() {
    each_backend(|app| {
        let (team, key) = fresh_team(app, "Listing");
        let key = &key;
        let user = patient(app, &team, "p-1");
        let user2 = patient(app, &team, "p-2");
        let test = test_id(app, "quest-lipid-panel");
        let mut ids = Vec::new();
        for u in [&user, &user, &user2] {
            ids.push(post_order(app, key, &order_body(u, &test, "AZ")).order_id());
        }
        let c = app.client();
        c.api_post(
            &format!("/v3/order/{}/cancel", ids[0]),
            TEAM_KEY_HEADER,
            key,
            "",
            None,
        );
        let all = c.api_get("/v3/orders?size=2", TEAM_KEY_HEADER, key).json();
        assert_eq!(all["total"], 3);
        assert_eq!(all["orders"].as_array().unwrap().len(), 2);
        assert_eq!(
            (all["page"].clone(), all["size"].clone()),
            (json!(1), json!(2))
        );
        let page2 = c
            .api_get("/v3/orders?size=2&page=2", TEAM_KEY_HEADER, key)
            .json();
        assert_eq!(page2["orders"].as_array().unwrap().len(), 1);
        let cancelled = c
            .api_get("/v3/orders?status=cancelled", TEAM_KEY_HEADER, key)
            .json();
        assert_eq!(cancelled["orders"][0]["id"], ids[0].as_str());
        let both = c
            .api_get(
                "/v3/orders?status=cancelled&status=ordered",
                TEAM_KEY_HEADER,
                key,
            )
            .json();
        assert_eq!(both["total"], 3);
        let by_user = c
            .api_get(&format!("/v3/orders?user_id={user2}"), TEAM_KEY_HEADER, key)
            .json();
        assert_eq!(by_user["total"], 1);
        let by_account = c
            .api_get(
                &format!(
                    "/v3/orders?lab_account_id={}",
                    app.world.account("97500001")
                ),
                TEAM_KEY_HEADER,
                key,
            )
            .json();
        assert_eq!(by_account["total"], 3);
        let none = c
            .api_get(
                &format!("/v3/orders?lab_account_id={}", app.world.account("BR-7781")),
                TEAM_KEY_HEADER,
                key,
            )
            .json();
        assert_eq!(none["total"], 0);
        let asc = c
            .api_get("/v3/orders?order_direction=asc", TEAM_KEY_HEADER, key)
            .json();
        assert_eq!(asc["orders"][0]["id"], ids[0].as_str());
        let future = c
            .api_get("/v3/orders?start_date=2999-01-01", TEAM_KEY_HEADER, key)
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
                c.api_get(&format!("/v3/orders?{bad}"), TEAM_KEY_HEADER, key)
                    .status,
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
        let res = c.api_post(
            "/v2/user",
            TEAM_KEY_HEADER,
            key,
            r#"{"client_user_id": "abc"}"#,
            None,
        );
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
        assert_eq!(user["team_id"], app.world.team(PRIMARY_CARE).as_str());
        let dup = c.api_post(
            "/v2/user",
            TEAM_KEY_HEADER,
            key,
            r#"{"client_user_id": "abc"}"#,
            None,
        );
        assert_eq!(dup.status, 400);
        // The same client_user_id in another Team is fine.
        assert_eq!(
            c.api_post(
                "/v2/user",
                TEAM_KEY_HEADER,
                &app.world.cardio_key,
                r#"{"client_user_id": "abc"}"#,
                None
            )
            .status,
            200
        );
        assert_eq!(
            c.api_post("/v2/user", TEAM_KEY_HEADER, key, r#"{}"#, None)
                .status,
            422
        );
        let got = c
            .api_get(
                &format!("/v2/user/{}", user["user_id"].as_str().unwrap()),
                TEAM_KEY_HEADER,
                key,
            )
            .json();
        assert_eq!(got, user);

        let labs = c.api_get("/v3/lab_tests/labs", TEAM_KEY_HEADER, key).json();
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
            .api_get(
                "/v3/lab_tests?lab_slug=quest&name=lipid",
                TEAM_KEY_HEADER,
                key,
            )
            .json();
        assert_eq!(quest.as_array().unwrap().len(), 1);
        assert_eq!(quest[0]["lab"]["slug"], "quest");
        assert_eq!(quest[0]["markers"][0]["unit"], "mg/dL");
        let kits = c
            .api_get(
                "/v3/lab_tests?collection_method=testkit",
                TEAM_KEY_HEADER,
                key,
            )
            .json();
        assert!(kits
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["method"] == "testkit"));
        assert_eq!(
            c.api_get("/v3/lab_tests?lab_slug=acme", TEAM_KEY_HEADER, key)
                .status,
            422
        );
    });
}
