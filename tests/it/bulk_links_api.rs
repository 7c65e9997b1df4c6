//! The Org Management API's bulk link extension: a dry run says what would change and changes
//! nothing; without it every change is made with its audit row, or nothing when any pair is
//! refused; bad input is a 422 with the location of each problem.
use serde_json::{json, Value};

use crate::bulk_links::link_audit;
use crate::support::{
    each_backend, TestApp, CARDIOLOGY, GLOBEX_DOWNTOWN, ORG_KEY_HEADER, TELEHEALTH_WEST,
};

const GLOBEX_QUEST: &str = "88100001";
const PLATFORM: &str = "LC-PLATFORM-1";

fn post(app: &TestApp, body: &Value) -> crate::support::Resp {
    app.client().api_post(
        &format!("/v1/org/{}/lab_account/bulk_link", app.world.org_id),
        ORG_KEY_HEADER,
        &app.world.org_key,
        &body.to_string(),
        None,
    )
}

/// (account, Team, outcome) of each pair of an answer.
fn outcomes(answer: &Value) -> Vec<(String, String, String)> {
    answer["pairs"]
        .as_array()
        .unwrap_or_else(|| panic!("no pairs: {answer}"))
        .iter()
        .map(|p| {
            (
                p["lab_account_id"].as_str().unwrap().to_string(),
                p["team_id"].as_str().unwrap().to_string(),
                p["outcome"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn bulk_link_api_dry_run_changes_nothing_and_the_apply_links_with_audit_rows() {
    each_backend(|app| {
        let (west, east) = (app.world.account("97500001"), app.world.account("97500002"));
        let (cardio, tele) = (app.world.team(CARDIOLOGY), app.world.team(TELEHEALTH_WEST));
        let body = |dry_run: bool| json!({"lab_account_ids": [west, east], "team_ids": [cardio, tele], "action": "link", "dry_run": dry_run});
        let (changes, links) = (link_audit(app), app.linked_team_ids(west));
        let res = post(app, &body(true));
        assert_eq!(res.status, 200, "{}", res.body);
        let dry = res.json();
        let expected = |o: [&str; 4]| {
            vec![
                (west.to_string(), cardio.to_string(), o[0].to_string()),
                (west.to_string(), tele.to_string(), o[1].to_string()),
                (east.to_string(), cardio.to_string(), o[2].to_string()),
                (east.to_string(), tele.to_string(), o[3].to_string()),
            ]
        };
        assert_eq!(
            outcomes(&dry),
            expected(["added", "already_linked", "already_linked", "added"])
        );
        assert_eq!(dry["dry_run"], true);
        assert_eq!(dry["bulk_id"], Value::Null);
        assert_eq!(link_audit(app), changes, "a dry run writes nothing");
        assert_eq!(app.linked_team_ids(west), links);

        let res = post(app, &body(false));
        assert_eq!(res.status, 200, "{}", res.body);
        let done = res.json();
        assert!(done["bulk_id"].is_string(), "{done}");
        assert_eq!(
            done["summary"],
            "Linked 2 accounts to 2 Teams: 2 new links, 2 already linked"
        );
        assert!(app.linked_team_ids(west).contains(&cardio.to_string()));
        assert!(app.linked_team_ids(east).contains(&tele.to_string()));
        let rows = app.audit_rows("lab_account.team_linked", west);
        let by_key: Vec<_> = rows
            .iter()
            .filter(|r| r.team_id.as_ref() == Some(cardio))
            .collect();
        assert_eq!(by_key.len(), 1, "one audit row for the link added");
        assert!(by_key[0].actor_label.contains("key"), "{:?}", by_key[0]);
        assert_eq!(link_audit(app).len(), changes.len() + 2);

        // The same again: everything is already linked, nothing changes.
        let again = post(app, &body(false)).json();
        assert_eq!(outcomes(&again), expected(["already_linked"; 4]));
        assert_eq!(link_audit(app).len(), changes.len() + 2);
    });
}

#[test]
fn bulk_unlink_api_reports_open_orders_and_refuses_other_orgs_accounts_as_a_whole() {
    each_backend(|app| {
        let west = app.world.account("97500001");
        let tele = app.world.team(TELEHEALTH_WEST);
        let dry = post(
            app,
            &json!({"lab_account_ids": [west], "team_ids": [tele], "action": "unlink", "dry_run": true}),
        )
        .json();
        let open =
            labdesk::db::account_links::open_orders_count(&mut app.conn(), west, tele).unwrap();
        assert_eq!(dry["pairs"][0]["outcome"], "removed");
        assert_eq!(dry["pairs"][0]["open_orders"], open);

        let (changes, links) = (link_audit(app), app.linked_team_ids(west));
        for (account, team, code) in [
            (app.world.account(GLOBEX_QUEST), tele, "unknown_lab_account"),
            (
                app.world.account(PLATFORM),
                tele,
                "platform_managed_account",
            ),
            (west, app.world.team(GLOBEX_DOWNTOWN), "unknown_team"),
        ] {
            let body = json!({"lab_account_ids": [west, account], "team_ids": [tele, team], "action": "unlink"});
            let dry = post(app, &json!({"dry_run": true, "lab_account_ids": body["lab_account_ids"], "team_ids": body["team_ids"], "action": "unlink"})).json();
            assert!(
                dry["pairs"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|p| p["code"] == code),
                "{code}: {dry}"
            );
            let (refusal, detail) = post(app, &body).refusal();
            assert_eq!(refusal, "bulk_link_refused");
            assert!(detail.ends_with("Nothing was changed."), "{detail}");
            assert_eq!(link_audit(app), changes, "{code}: nothing written");
            assert_eq!(
                app.linked_team_ids(west),
                links,
                "{code}: not even the allowed unlink"
            );
        }
    });
}

#[test]
fn bulk_link_api_answers_bad_input_with_422_and_the_location() {
    each_backend(|app| {
        let west = app.world.account("97500001").to_string();
        let tele = app.world.team(TELEHEALTH_WEST).to_string();
        let table: Vec<(Value, Vec<Value>)> = vec![
            (
                json!({"team_ids": [tele], "action": "link"}),
                vec![json!(["body", "lab_account_ids"])],
            ),
            (
                json!({"lab_account_ids": [west, "nope"], "team_ids": tele, "action": "link"}),
                vec![
                    json!(["body", "lab_account_ids", "1"]),
                    json!(["body", "team_ids"]),
                ],
            ),
            (
                json!({"lab_account_ids": [west], "team_ids": [tele], "action": "relink"}),
                vec![json!(["body", "action"])],
            ),
            (
                json!({"lab_account_ids": [west], "team_ids": [tele], "action": "link", "dry_run": "yes"}),
                vec![json!(["body", "dry_run"])],
            ),
            (
                json!({"lab_account_ids": [], "team_ids": [tele], "action": "link"}),
                vec![json!(["body", "lab_account_ids"])],
            ),
        ];
        let changes = link_audit(app);
        for (body, locs) in table {
            let res = post(app, &body);
            assert_eq!(res.status, 422, "{body}: {}", res.body);
            let got: Vec<Value> = res.json()["detail"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["loc"].clone())
                .collect();
            assert_eq!(got, locs, "{body}");
        }
        let res = app.client().api_post(
            &format!("/v1/org/{}/lab_account/bulk_link", app.world.org_id),
            ORG_KEY_HEADER,
            &app.world.org_key,
            "{not json",
            None,
        );
        assert_eq!(res.status, 422);
        assert_eq!(res.json()["detail"][0]["loc"], json!(["body"]));
        let other = app.client().api_post(
            &format!("/v1/org/{}/lab_account/bulk_link", app.world.other_org_id),
            ORG_KEY_HEADER,
            &app.world.org_key,
            "{}",
            None,
        );
        assert_eq!(other.status, 404, "another org's path");
        assert_eq!(link_audit(app), changes);
    });
}
