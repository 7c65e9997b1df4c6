//! The Org Management API (`X-Management-Key`): an org's lab accounts and Teams, and replacing
//! an account's Team allowlist as one change. What a list must hold is read from the tables.
use crate::support::client::org_accounts_path as org_path;
use crate::support::data::{data_ids, ids_where, org_accounts, team_names};
use crate::support::{
    each_backend, CARDIOLOGY, GLOBEX_DOWNTOWN, ORG_KEY_HEADER, PRIMARY_CARE, TELEHEALTH_WEST,
};

#[test]
fn management_key_lists_the_orgs_accounts_and_teams() {
    each_backend(|app| {
        let c = app.client();
        let org = &app.world.org_id;
        let res = c.api_get(&org_path(org), ORG_KEY_HEADER, &app.world.org_key);
        assert_eq!(res.status, 200, "{}", res.body);
        let list = res.json();
        let data = list["data"].as_array().unwrap().clone();
        assert_eq!(
            data_ids(&list),
            ids_where(org_accounts(app, org), |_| true),
            "the org's own accounts and the platform's linked to its Teams"
        );
        assert!(
            data.iter().any(|a| a["org_id"].is_null()),
            "a platform account"
        );
        assert!(data.iter().all(|a| a["provider_account_id"] != "88100001"));
        let team = app.world.team(TELEHEALTH_WEST);
        let filtered = c
            .api_get(
                &format!("{}?team_id={team}&status=active", org_path(org)),
                ORG_KEY_HEADER,
                &app.world.org_key,
            )
            .json();
        let want = ids_where(org_accounts(app, org), |a| {
            a.status == "active" && a.teams.iter().any(|t| t == team.as_str())
        });
        assert!(!want.is_empty(), "the filter must keep something");
        assert_eq!(data_ids(&filtered), want);

        let teams = c
            .api_get(
                &format!("/v1/org/{org}/team"),
                ORG_KEY_HEADER,
                &app.world.org_key,
            )
            .json();
        let names: Vec<&str> = teams["teams"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, team_names(app, org), "the org's Teams by name");
        assert!(names.contains(&CARDIOLOGY) && !names.contains(&GLOBEX_DOWNTOWN));
        assert_eq!(teams["next_cursor"], serde_json::Value::Null);
        assert!(teams["teams"][0]["created_on"]
            .as_str()
            .unwrap()
            .ends_with('Z'));

        // Another org's id, or another env/region, is 404.
        for path in [
            org_path(&app.world.other_org_id),
            format!("/v1/org/{org}/lab_account/production/us"),
            format!("/v1/org/{org}/lab_account/sandbox/eu"),
            format!("/v1/org/{}/team", app.world.other_org_id),
        ] {
            let res = c.api_get(&path, ORG_KEY_HEADER, &app.world.org_key);
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
        let path = format!("{}/{id}", org_path(org));
        let cardio = app.world.team(CARDIOLOGY);
        let primary = app.world.team(PRIMARY_CARE);
        let body = serde_json::json!({"team_id_allowlist": [cardio, primary, cardio]}).to_string();
        let res = c.api_patch(&path, ORG_KEY_HEADER, &app.world.org_key, &body);
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
            ORG_KEY_HEADER,
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
        let body = serde_json::json!({"team_id_allowlist": [app.world.team(CARDIOLOGY), app.world.team(GLOBEX_DOWNTOWN)]}).to_string();
        let res = c.api_patch(
            &format!("{}/{id}", org_path(org)),
            ORG_KEY_HEADER,
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
        let globex_before = app.linked_team_ids(globex);
        assert!(!globex_before.is_empty());
        let res = c.api_patch(
            &format!("{}/{globex}", org_path(org)),
            ORG_KEY_HEADER,
            &app.world.org_key,
            r#"{"team_id_allowlist": []}"#,
        );
        assert_eq!(res.status, 404);
        assert_eq!(app.linked_team_ids(globex), globex_before);
        let platform = app.world.account("LC-PLATFORM-1");
        let res = c.api_patch(
            &format!("{}/{platform}", org_path(org)),
            ORG_KEY_HEADER,
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
                &format!("{}/{id}", org_path(org)),
                ORG_KEY_HEADER,
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
