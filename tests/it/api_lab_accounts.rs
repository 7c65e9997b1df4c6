//! The team and org management lab-account APIs, in Junction's wire format.
use crate::helpers::{each_backend, TestApp};

const TEAM: &str = "x-vital-api-key";
const ORG: &str = "X-Management-Key";

fn org_path(app: &TestApp, org: &str) -> String {
    let _ = app;
    format!("/v1/org/{org}/lab_account/sandbox/us")
}

#[test]
fn team_key_lists_only_that_teams_accounts_in_wire_format() {
    each_backend(|app| {
        let c = app.client();
        let res = c.api_get("/v3/lab_test/lab_account", TEAM, &app.world.team_key);
        assert_eq!(res.status, 200, "{}", res.body);
        let body = res.json();
        let data = body["data"].as_array().unwrap();
        let mut pids: Vec<&str> = data
            .iter()
            .map(|a| a["provider_account_id"].as_str().unwrap())
            .collect();
        pids.sort();
        assert_eq!(pids, vec!["97500001", "BR-7781"]);
        let west = data
            .iter()
            .find(|a| a["provider_account_id"] == "97500001")
            .unwrap();
        for field in [
            "id",
            "lab",
            "org_id",
            "status",
            "delegated_flow",
            "provider_account_id",
            "account_name",
            "default_clinical_notes",
            "business_units",
            "allowed_billing",
            "team_id_allowlist",
        ] {
            assert!(west.get(field).is_some(), "missing {field}: {west}");
        }
        assert_eq!(west["lab"], "quest");
        assert_eq!(
            west["allowed_billing"],
            serde_json::json!({"client_bill": ["AZ", "CA", "NV"], "commercial_insurance": ["CA"]})
        );
        let mut allow: Vec<&str> = west["team_id_allowlist"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        allow.sort();
        let mut expected = vec![
            app.world.team("Primary Care"),
            app.world.team("Telehealth West"),
        ];
        expected.sort();
        assert_eq!(allow, expected);

        let suspended = c
            .api_get(
                "/v3/lab_test/lab_account?status=suspended",
                TEAM,
                &app.world.team_key,
            )
            .json();
        assert_eq!(suspended["data"].as_array().unwrap().len(), 1);
        let by_id = c
            .api_get(
                &format!(
                    "/v3/lab_test/lab_account?lab_account_id={}",
                    app.world.account("97500001")
                ),
                TEAM,
                &app.world.team_key,
            )
            .json();
        assert_eq!(by_id["data"][0]["account_name"], "Quest West");
        // Another team's account id filters to nothing rather than leaking it.
        let foreign = c
            .api_get(
                &format!(
                    "/v3/lab_test/lab_account?lab_account_id={}",
                    app.world.account("97500002")
                ),
                TEAM,
                &app.world.team_key,
            )
            .json();
        assert_eq!(foreign["data"], serde_json::json!([]));
        // The platform account linked to Cardiology shows with org_id null.
        let cardio = c
            .api_get("/v3/lab_test/lab_account", TEAM, &app.world.cardio_key)
            .json();
        let platform = cardio["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["provider_account_id"] == "LC-PLATFORM-1")
            .unwrap()
            .clone();
        assert_eq!(platform["org_id"], serde_json::Value::Null);
        assert_eq!(
            platform["team_id_allowlist"],
            serde_json::json!([app.world.team("Cardiology")])
        );
    });
}

#[test]
fn bad_query_values_get_a_422_detail_list() {
    each_backend(|app| {
        let c = app.client();
        let res = c.api_get(
            "/v3/lab_test/lab_account?status=dormant",
            TEAM,
            &app.world.team_key,
        );
        assert_eq!(res.status, 422);
        let d = res.json();
        assert_eq!(
            d["detail"][0]["loc"],
            serde_json::json!(["query", "status"])
        );
        let res = c.api_get(
            "/v3/lab_test/lab_account?lab_account_id=123",
            TEAM,
            &app.world.team_key,
        );
        assert_eq!(res.status, 422);
        assert_eq!(res.json()["detail"][0]["type"], "uuid_parsing");
    });
}

#[test]
fn missing_wrong_or_revoked_keys_get_401_and_scopes_do_not_mix() {
    each_backend(|app| {
        let c = app.client();
        let org = &app.world.org_id;
        let cases = [
            ("/v3/lab_test/lab_account", TEAM, "".to_string()),
            (
                "/v3/lab_test/lab_account",
                TEAM,
                "ldk_team_nope".to_string(),
            ),
            ("/v3/lab_test/lab_account", TEAM, app.world.org_key.clone()),
            ("/v3/lab_test/lab_account", ORG, app.world.org_key.clone()),
        ];
        for (path, header, key) in &cases {
            let res = c.api_get(path, header, key);
            assert_eq!(res.status, 401, "{path} {header}");
            assert!(res.json()["detail"].is_string());
        }
        let res = c.api_get(&format!("/v1/org/{org}/team"), ORG, &app.world.team_key);
        assert_eq!(res.status, 401);

        // Revoking a key stops it on the very next request.
        assert_eq!(
            c.api_get("/v3/lab_test/lab_account", TEAM, &app.world.team_key)
                .status,
            200
        );
        let digest = labdesk::domain::api_key::digest(&app.world.team_key);
        let key = labdesk::db::api_keys::find_active(&mut app.conn(), &digest)
            .unwrap()
            .unwrap();
        labdesk::service::api_keys::revoke(
            &mut app.conn(),
            &labdesk::db::audit::Actor::system("test"),
            &key.id,
        )
        .unwrap();
        assert_eq!(
            c.api_get("/v3/lab_test/lab_account", TEAM, &app.world.team_key)
                .status,
            401
        );
        assert_eq!(app.audit_rows("api_key.revoked", &key.id).len(), 1);
        // Only digests are stored.
        use diesel::prelude::*;
        use labdesk::db::schema::api_keys::dsl as k;
        let digests: Vec<String> = k::api_keys.select(k::digest).load(&mut app.conn()).unwrap();
        assert!(digests.iter().all(|d| d.len() == 64 && !d.contains("ldk_")));
    });
}

#[test]
fn management_key_lists_the_orgs_accounts_and_teams() {
    each_backend(|app| {
        let c = app.client();
        let org = &app.world.org_id;
        let res = c.api_get(&org_path(app, org), ORG, &app.world.org_key);
        assert_eq!(res.status, 200, "{}", res.body);
        let data = res.json()["data"].as_array().unwrap().clone();
        assert_eq!(
            data.len(),
            6,
            "five own accounts and the linked platform account"
        );
        assert!(data.iter().all(|a| a["provider_account_id"] != "88100001"));
        let team = app.world.team("Telehealth West");
        let filtered = c
            .api_get(
                &format!("{}?team_id={team}&status=active", org_path(app, org)),
                ORG,
                &app.world.org_key,
            )
            .json();
        assert_eq!(filtered["data"].as_array().unwrap().len(), 2);

        let teams = c
            .api_get(&format!("/v1/org/{org}/team"), ORG, &app.world.org_key)
            .json();
        let names: Vec<&str> = teams["teams"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, vec!["Cardiology", "Primary Care", "Telehealth West"]);
        assert_eq!(teams["next_cursor"], serde_json::Value::Null);
        assert!(teams["teams"][0]["created_on"]
            .as_str()
            .unwrap()
            .ends_with('Z'));

        // Another org's id, or another env/region, is 404.
        for path in [
            org_path(app, &app.world.other_org_id),
            format!("/v1/org/{org}/lab_account/production/us"),
            format!("/v1/org/{org}/lab_account/sandbox/eu"),
            format!("/v1/org/{}/team", app.world.other_org_id),
        ] {
            let res = c.api_get(&path, ORG, &app.world.org_key);
            assert_eq!(res.status, 404, "{path}");
            assert_eq!(res.json(), serde_json::json!({"detail": "Not Found"}));
        }
    });
}

#[test]
fn patch_replaces_the_whole_allowlist_atomically_with_one_audit_row() {
    each_backend(|app| {
        let c = app.client();
        let org = &app.world.org_id;
        let id = app.world.account("97500001");
        let path = format!("{}/{id}", org_path(app, org));
        let cardio = app.world.team("Cardiology");
        let primary = app.world.team("Primary Care");
        let body = serde_json::json!({"team_id_allowlist": [cardio, primary, cardio]}).to_string();
        let res = c.api_patch(&path, ORG, &app.world.org_key, &body);
        assert_eq!(res.status, 200, "{}", res.body);
        let mut expected = vec![cardio.to_string(), primary.to_string()];
        expected.sort();
        let mut got: Vec<String> = res.json()["lab_account"]["team_id_allowlist"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect();
        got.sort();
        assert_eq!(got, expected);
        assert_eq!(app.linked_team_ids(id), expected);
        let rows = app.audit_rows("lab_account.allowlist_replaced", id);
        assert_eq!(rows.len(), 1);
        assert!(rows[0].actor_label.starts_with("api key ldk_org_"));
        // Empty list unlinks everything.
        let res = c.api_patch(
            &path,
            ORG,
            &app.world.org_key,
            r#"{"team_id_allowlist": []}"#,
        );
        assert_eq!(res.status, 200);
        assert!(app.linked_team_ids(id).is_empty());
        assert_eq!(
            app.audit_rows("lab_account.allowlist_replaced", id).len(),
            2
        );
    });
}

#[test]
fn patch_with_a_team_of_another_org_changes_nothing() {
    each_backend(|app| {
        let c = app.client();
        let org = &app.world.org_id;
        let id = app.world.account("97500001");
        let before = app.linked_team_ids(id);
        let audit = app.audit_total();
        let body = serde_json::json!({"team_id_allowlist": [app.world.team("Cardiology"), app.world.team("Globex Downtown")]}).to_string();
        let res = c.api_patch(
            &format!("{}/{id}", org_path(app, org)),
            ORG,
            &app.world.org_key,
            &body,
        );
        assert_eq!(res.status, 400, "{}", res.body);
        let detail = res.json();
        assert!(detail["detail"]
            .as_str()
            .unwrap()
            .contains("is not a Team of this organization. Nothing was changed."));
        assert_eq!(detail["code"], "team_of_another_org");
        assert_eq!(app.linked_team_ids(id), before);
        assert_eq!(app.audit_total(), audit);
        // Another org's account, a platform account, bad bodies.
        let globex = app.world.account("88100001");
        let res = c.api_patch(
            &format!("{}/{globex}", org_path(app, org)),
            ORG,
            &app.world.org_key,
            r#"{"team_id_allowlist": []}"#,
        );
        assert_eq!(res.status, 404);
        assert_eq!(app.linked_team_ids(globex).len(), 1);
        let platform = app.world.account("LC-PLATFORM-1");
        let res = c.api_patch(
            &format!("{}/{platform}", org_path(app, org)),
            ORG,
            &app.world.org_key,
            r#"{"team_id_allowlist": []}"#,
        );
        assert_eq!(res.status, 400);
        assert_eq!(res.json()["code"], "platform_managed_account");
        for (bad, loc) in [
            (r#"{}"#, serde_json::json!(["body", "team_id_allowlist"])),
            (
                r#"{"team_id_allowlist": "x"}"#,
                serde_json::json!(["body", "team_id_allowlist"]),
            ),
            (
                r#"{"team_id_allowlist": ["nope"]}"#,
                serde_json::json!(["body", "team_id_allowlist", "0"]),
            ),
            ("not json", serde_json::json!(["body"])),
        ] {
            let res = c.api_patch(
                &format!("{}/{id}", org_path(app, org)),
                ORG,
                &app.world.org_key,
                bad,
            );
            assert_eq!(res.status, 422, "{bad}");
            assert_eq!(res.json()["detail"][0]["loc"], loc, "{bad}");
        }
        assert_eq!(app.linked_team_ids(id), before);
        assert_eq!(app.audit_total(), audit);
    });
}

#[test]
fn the_other_orgs_keys_see_only_their_own_org() {
    each_backend(|app| {
        let c = app.client();
        let data = c
            .api_get("/v3/lab_test/lab_account", TEAM, &app.world.other_team_key)
            .json();
        let pids: Vec<&str> = data["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["provider_account_id"].as_str().unwrap())
            .collect();
        assert_eq!(pids, vec!["88100001"]);
        let northwind = &app.world.org_id;
        let res = c.api_get(&org_path(app, northwind), ORG, &app.world.other_org_key);
        assert_eq!(res.status, 404);
        let quest_west = app.world.account("97500001");
        let before = app.linked_team_ids(quest_west);
        let res = c.api_patch(
            &format!("{}/{quest_west}", org_path(app, northwind)),
            ORG,
            &app.world.other_org_key,
            r#"{"team_id_allowlist": []}"#,
        );
        assert_eq!(res.status, 404);
        assert_eq!(app.linked_team_ids(quest_west), before);
        let own = c
            .api_get(
                &org_path(app, &app.world.other_org_id),
                ORG,
                &app.world.other_org_key,
            )
            .json();
        assert_eq!(own["data"].as_array().unwrap().len(), 1);
    });
}
