//! Shared steps of the order tests: patients, tests and order bodies through the real API.
use serde_json::{json, Value};

use crate::helpers::{Resp, TestApp};

pub const TEAM: &str = "x-vital-api-key";

pub fn new_user(app: &TestApp, key: &str, client_user_id: &str) -> String {
    let res = app.client().api_post(
        TEAM,
        key,
        "/v2/user",
        &json!({"client_user_id": client_user_id}).to_string(),
        None,
    );
    assert_eq!(res.status, 200, "{}", res.body);
    res.json()["user_id"].as_str().unwrap().to_string()
}

/// A catalogue test id by slug (e.g. `quest-lipid-panel`).
pub fn test_id(app: &TestApp, key: &str, slug: &str) -> String {
    let res = app.client().api_get("/v3/lab_tests", TEAM, key);
    assert_eq!(res.status, 200, "{}", res.body);
    res.json()
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["slug"] == slug)
        .unwrap_or_else(|| panic!("no test {slug}"))["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// A valid order body for a patient in `state`.
pub fn body(user_id: &str, test_id: &str, state: &str) -> Value {
    json!({
        "user_id": user_id,
        "lab_test_id": test_id,
        "patient_details": {
            "first_name": "Jane", "last_name": "Doe", "dob": "1990-01-01", "gender": "female",
            "phone_number": "+15555550100", "email": "jane@example.com"
        },
        "patient_address": {"first_line": "1 Main St", "city": "Springfield", "state": state, "zip": "85001", "country": "US"}
    })
}

pub fn place(app: &TestApp, key: &str, body: &Value) -> Resp {
    app.client()
        .api_post(TEAM, key, "/v3/order", &body.to_string(), None)
}

pub fn order_count(app: &TestApp) -> i64 {
    use diesel::prelude::*;
    use labdesk::db::schema::orders::dsl as o;
    o::orders.count().get_result(&mut app.conn()).unwrap()
}

/// A new Team of Northwind with Quest West linked and its own key: a Team with no demo orders.
pub fn fresh_team(app: &TestApp, name: &str) -> (String, String) {
    use labdesk::db::audit::Actor;
    let mut conn = app.conn();
    let team = labdesk::db::orgs::insert_team(&mut conn, &app.world.org_id, name).unwrap();
    let actor = Actor::system("test");
    labdesk::service::lab_accounts::link_team(
        &mut conn,
        &actor,
        app.world.account("97500001"),
        &team.id,
    )
    .unwrap();
    let owner = labdesk::service::api_keys::KeyOwner::Team {
        team_id: team.id.clone(),
        org_id: app.world.org_id.clone(),
    };
    let (_, key) = labdesk::service::api_keys::create(&mut conn, &actor, &owner, "test").unwrap();
    (team.id, key)
}
