//! Every list runs as many database statements for many rows as for a few: each list page and
//! list API is read at two data sizes and the count a sandbox reports in `x-db-statements` must
//! not grow with the rows shown (one statement per row is how lists stop answering at scale).
use labdesk::web::urls;

use crate::support::data::{add_account, fresh_team, NewAccount};
use crate::support::orders::place;
use crate::support::results::queue;
use crate::support::{
    each_backend, Client, Resp, TestApp, CARDIOLOGY, CLINICIAN, CSM, OPS, ORG_KEY_HEADER,
    PRIMARY_CARE, TEAM_KEY_HEADER,
};

/// More of everything a list shows: orders in two Teams, accounts (an org's and the platform's,
/// linked), review items, Teams linked to one account, and the audit rows all of that writes.
fn grow(app: &TestApp, from: usize, to: usize) {
    for i in from..to {
        place(app, PRIMARY_CARE, &format!("Ada{i}"), "Lovelace");
        place(app, CARDIOLOGY, &format!("Grace{i}"), "Hopper");
        let org_number = format!("9751{i:04}");
        add_account(
            app,
            &NewAccount {
                number: &org_number,
                name: "Quest Growth",
                teams: &[PRIMARY_CARE, CARDIOLOGY],
                ..NewAccount::QUEST
            },
        );
        let platform_number = format!("9752{i:04}");
        add_account(
            app,
            &NewAccount {
                number: &platform_number,
                name: "Platform Growth",
                teams: &[PRIMARY_CARE],
                platform: true,
                ..NewAccount::QUEST
            },
        );
        queue(app, "97500001", &format!("unknown-{i}"), "Doe", "no_match");
        // Quest West gains a linked Team (the account page counts each one's open orders).
        fresh_team(app, &format!("Growth Team {i:02}"));
    }
}

fn statements(what: &str, res: &Resp) -> u64 {
    assert_eq!(res.status, 200, "{what}: {}", res.body);
    res.header("x-db-statements")
        .unwrap_or_else(|| panic!("{what}: no x-db-statements header"))
        .parse()
        .unwrap_or_else(|e| panic!("{what}: {e}"))
}

/// The statements of the second of two reads (the first may renew the session).
fn twice(what: &str, read: impl Fn() -> Resp) -> (String, u64) {
    read();
    (what.to_string(), statements(what, &read()))
}

fn measure(app: &TestApp, ops: &Client, clinician: &Client, csm: &Client) -> Vec<(String, u64)> {
    let org = &app.world.org_id;
    let scope = app.world.org();
    let team = app.world.team(PRIMARY_CARE);
    let key = app.world.team_key.as_str();
    let org_key = app.world.org_key.as_str();
    vec![
        twice("orders page (ops)", || ops.get(&urls::org_orders(org))),
        twice("orders page (clinician)", || {
            clinician.get(&urls::org_orders(org))
        }),
        twice("lab accounts page (ops)", || {
            ops.get(&urls::lab_accounts(scope))
        }),
        twice("lab accounts page (clinician)", || {
            clinician.get(&urls::lab_accounts(scope))
        }),
        twice("platform lab accounts page (csm)", || {
            csm.get(&urls::lab_accounts(
                &labdesk::domain::scope::Scope::Platform,
            ))
        }),
        twice("teams page (ops)", || ops.get(&urls::teams(org))),
        twice("lab account page with its linked Teams (ops)", || {
            ops.get(&urls::lab_account(scope, app.world.account("97500001")))
        }),
        twice("team page (ops)", || ops.get(&urls::team(org, team))),
        twice("review queue (ops)", || ops.get(&urls::review_queue(scope))),
        twice("platform review queue (csm)", || {
            csm.get(&urls::review_queue(
                &labdesk::domain::scope::Scope::Platform,
            ))
        }),
        twice("audit page (ops)", || ops.get(&urls::audit(org))),
        twice("team keys page (ops)", || {
            ops.get(&urls::team_keys(org, team))
        }),
        twice("lab keys page (csm)", || csm.get(&urls::lab_keys())),
        twice("GET /v3/orders", || {
            app.client()
                .api_get("/v3/orders?size=50", TEAM_KEY_HEADER, key)
        }),
        twice("GET /v3/lab_test/lab_account", || {
            app.client()
                .api_get("/v3/lab_test/lab_account", TEAM_KEY_HEADER, key)
        }),
        twice("GET /v3/unmatched_result", || {
            app.client()
                .api_get("/v3/unmatched_result", TEAM_KEY_HEADER, key)
        }),
        twice("GET /v1/org/{org}/lab_account", || {
            app.client().api_get(
                &format!("/v1/org/{org}/lab_account/sandbox/us"),
                ORG_KEY_HEADER,
                org_key,
            )
        }),
        twice("GET /v1/org/{org}/team", || {
            app.client()
                .api_get(&format!("/v1/org/{org}/team"), ORG_KEY_HEADER, org_key)
        }),
        twice("home page (ops)", || ops.get(&urls::org_home(org))),
        twice("home page (clinician)", || {
            clinician.get(&urls::org_home(org))
        }),
    ]
}

#[test]
fn every_list_runs_as_many_statements_for_many_rows_as_for_few() {
    each_backend(|app| {
        let (ops, clinician, csm) = (app.login(OPS), app.login(CLINICIAN), app.login(CSM));
        grow(app, 0, 2);
        let few = measure(app, &ops, &clinician, &csm);
        grow(app, 2, 14);
        let many = measure(app, &ops, &clinician, &csm);
        let grew: Vec<String> = few
            .iter()
            .zip(&many)
            .filter(|((_, a), (_, b))| a != b)
            .map(|((what, a), (_, b))| format!("{what}: {a} -> {b}"))
            .collect();
        assert!(
            grew.is_empty(),
            "statements grew with the rows shown: {grew:#?}"
        );
    });
}
