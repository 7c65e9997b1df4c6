//! The Team API's lab accounts (`x-vital-api-key`) in Junction's wire format, and which key
//! opens which API. What a list must hold is read from the tables, not from the demo's totals.
//! The Org Management API is in `api_org_management`.
use labdesk::domain::ids::LabAccountId;

use crate::support::client::org_accounts_path as org_path;
use crate::support::data::{account_rows, data_ids, ids_where, org_accounts, team_accounts};
use crate::support::{
    each_backend, TestApp, CARDIOLOGY, GLOBEX_DOWNTOWN, ORG_KEY_HEADER, PRIMARY_CARE,
    TEAM_KEY_HEADER, TELEHEALTH_WEST,
};

/// The Teams linked to an account, from the links table, sorted.
fn linked(app: &TestApp, account: &LabAccountId) -> Vec<String> {
    let mut teams = account_rows(app)
        .into_iter()
        .find(|a| a.id == account.as_str())
        .expect("the account")
        .teams;
    teams.sort();
    teams
}

#[test]
fn team_key_lists_only_that_teams_accounts_in_wire_format() {
    each_backend(|app| {
        let c = app.client();
        let res = c.api_get(
            "/v3/lab_test/lab_account",
            TEAM_KEY_HEADER,
            &app.world.team_key,
        );
        assert_eq!(res.status, 200, "{}", res.body);
        let body = res.json();
        let primary = app.world.team(PRIMARY_CARE);
        let theirs = ids_where(team_accounts(app, primary), |_| true);
        assert_eq!(data_ids(&body), theirs, "the Team's accounts, all of them");
        let data = body["data"].as_array().unwrap();
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
        assert_eq!(allow, linked(app, app.world.account("97500001")));
        assert!(
            allow.contains(&primary.as_str())
                && allow.contains(&app.world.team(TELEHEALTH_WEST).as_str())
        );

        let suspended = c
            .api_get(
                "/v3/lab_test/lab_account?status=suspended",
                TEAM_KEY_HEADER,
                &app.world.team_key,
            )
            .json();
        let want = ids_where(team_accounts(app, primary), |a| a.status == "suspended");
        assert!(!want.is_empty() && want.len() < theirs.len(), "{want:?}");
        assert_eq!(data_ids(&suspended), want);
        let by_id = c
            .api_get(
                &format!(
                    "/v3/lab_test/lab_account?lab_account_id={}",
                    app.world.account("97500001")
                ),
                TEAM_KEY_HEADER,
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
                TEAM_KEY_HEADER,
                &app.world.team_key,
            )
            .json();
        assert_eq!(foreign["data"], serde_json::json!([]));
        // The platform account linked to Cardiology shows with org_id null.
        let cardio = c
            .api_get(
                "/v3/lab_test/lab_account",
                TEAM_KEY_HEADER,
                &app.world.cardio_key,
            )
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
            serde_json::json!([app.world.team(CARDIOLOGY)])
        );
    });
}

#[test]
fn bad_query_values_get_a_422_detail_list() {
    each_backend(|app| {
        let c = app.client();
        let res = c.api_get(
            "/v3/lab_test/lab_account?status=dormant",
            TEAM_KEY_HEADER,
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
            TEAM_KEY_HEADER,
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
            ("/v3/lab_test/lab_account", TEAM_KEY_HEADER, "".to_string()),
            (
                "/v3/lab_test/lab_account",
                TEAM_KEY_HEADER,
                "ldk_team_nope".to_string(),
            ),
            (
                "/v3/lab_test/lab_account",
                TEAM_KEY_HEADER,
                app.world.org_key.clone(),
            ),
            (
                "/v3/lab_test/lab_account",
                ORG_KEY_HEADER,
                app.world.org_key.clone(),
            ),
        ];
        for (path, header, key) in &cases {
            let res = c.api_get(path, header, key);
            assert_eq!(res.status, 401, "{path} {header}");
            assert!(res.json()["detail"].is_string());
        }
        let res = c.api_get(
            &format!("/v1/org/{org}/team"),
            ORG_KEY_HEADER,
            &app.world.team_key,
        );
        assert_eq!(res.status, 401);

        // Revoking a key stops it on the very next request.
        assert_eq!(
            c.api_get(
                "/v3/lab_test/lab_account",
                TEAM_KEY_HEADER,
                &app.world.team_key
            )
            .status,
            200
        );
        let digest = labdesk::domain::api_key::digest(&app.world.team_key);
        let key = labdesk::db::api_keys::find_active(&mut app.conn(), &digest)
            .unwrap()
            .unwrap();
        labdesk::service::api_keys::revoke(
            &mut app.conn(),
            &labdesk::domain::actor::Actor::system("test"),
            &key.id,
        )
        .unwrap();
        assert_eq!(
            c.api_get(
                "/v3/lab_test/lab_account",
                TEAM_KEY_HEADER,
                &app.world.team_key
            )
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
fn the_other_orgs_keys_see_only_their_own_org() {
    each_backend(|app| {
        let c = app.client();
        let data = c
            .api_get(
                "/v3/lab_test/lab_account",
                TEAM_KEY_HEADER,
                &app.world.other_team_key,
            )
            .json();
        let downtown = app.world.team(GLOBEX_DOWNTOWN);
        assert_eq!(
            data_ids(&data),
            ids_where(team_accounts(app, downtown), |_| true)
        );
        assert!(data_ids(&data).contains(app.world.account("88100001").as_str()));
        let northwind = &app.world.org_id;
        let res = c.api_get(
            &org_path(northwind),
            ORG_KEY_HEADER,
            &app.world.other_org_key,
        );
        assert_eq!(res.status, 404);
        let quest_west = app.world.account("97500001");
        let before = app.linked_team_ids(quest_west);
        let res = c.api_patch(
            &format!("{}/{quest_west}", org_path(northwind)),
            ORG_KEY_HEADER,
            &app.world.other_org_key,
            r#"{"team_id_allowlist": []}"#,
        );
        assert_eq!(res.status, 404);
        assert_eq!(app.linked_team_ids(quest_west), before);
        let own = c
            .api_get(
                &org_path(&app.world.other_org_id),
                ORG_KEY_HEADER,
                &app.world.other_org_key,
            )
            .json();
        assert_eq!(
            data_ids(&own),
            ids_where(org_accounts(app, &app.world.other_org_id), |_| true)
        );
        assert!(!data_ids(&own).contains(quest_west.as_str()));
    });
}
