//! Route x role x tenant: every route registered in `src/routes.rs` has an entry here, and every
//! entry asks the route for an object of Northwind Health's Team Primary Care as someone who must
//! not get it: another org, another Team, a role that may not, no session or key, the wrong kind of
//! key. Each must be refused (404 for another tenant's object, the same as a missing one; 403 for a
//! role; 401 or the sign-in page without credentials) and nothing may change. A route added without
//! an entry fails `every_route_has_a_matrix_entry`.
mod table;

use std::collections::{BTreeSet, HashMap};

use self::table::*;
use crate::support::data::add_clinician;
use crate::support::orders::{named_patient, place_with};
use crate::support::results::mismatch_item;
use crate::support::{
    each_backend, Client, Resp, TestApp, CARDIOLOGY, CARDIO_CLINICIAN, CLINICIAN, CSM, OPS,
    ORG_KEY_HEADER, OTHER_OPS, PRIMARY_CARE, TEAM_KEY_HEADER,
};

/// Every registered route as (METHOD, PATH), from the same function that registers them.
fn registered_routes() -> BTreeSet<(String, String)> {
    labdesk::routes::table()
        .into_iter()
        .map(|(method, path)| (method.to_string(), path))
        .collect()
}

#[test]
fn every_route_has_a_matrix_entry() {
    let registered = registered_routes();
    assert!(
        registered.len() > 50,
        "the route table is incomplete: {registered:?}"
    );
    let listed: BTreeSet<(String, String)> = matrix()
        .iter()
        .map(|e| (e.method.to_string(), e.pattern.to_string()))
        .collect();
    let missing: Vec<_> = registered.difference(&listed).collect();
    let stale: Vec<_> = listed.difference(&registered).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "routes without a matrix entry: {missing:?}; entries without a route: {stale:?}"
    );
}

/// Primary Care's objects, by path parameter name, for one scope of routes.
struct Owner {
    params: HashMap<&'static str, String>,
    /// Ids that must never appear in another tenant's list.
    theirs: Vec<String>,
}

fn owner(app: &TestApp) -> (Owner, Owner) {
    use labdesk::domain::actor::Actor;
    use labdesk::service::api_keys::{self, KeyOwner};
    let mut conn = app.conn();
    let team = app.world.team(PRIMARY_CARE).clone();
    let order = place_with(app, PRIMARY_CARE, "Matrix", "Owner", "quest-lipid-panel");
    let patient = named_patient(app, PRIMARY_CARE, "Matrix", "Owner");
    let (item, _) = mismatch_item(app);
    let actor = Actor::system("test");
    let (team_key_id, _) = api_keys::create(
        &mut conn,
        &actor,
        &KeyOwner::Team {
            team_id: team.clone(),
            org_id: app.world.org_id.clone(),
        },
        "matrix",
    )
    .unwrap();
    let (lab_key_id, _) = api_keys::create(
        &mut conn,
        &actor,
        &KeyOwner::Lab {
            slug: labdesk::domain::lab::LabSlug::Quest,
        },
        "matrix",
    )
    .unwrap();
    let clinician = labdesk::db::users::find_by_email(&mut conn, CLINICIAN)
        .unwrap()
        .unwrap();
    let draft = labdesk::service::drafts::start(&mut conn, &team, &clinician.id).unwrap();
    let platform_account = labdesk::db::lab_accounts::list_platform(&mut conn, &Default::default())
        .unwrap()
        .into_iter()
        .next()
        .expect("a platform account")
        .id;
    // A bulk link of Northwind's (Quest West was already linked to Primary Care: it changed
    // nothing, so a refused undo could not show either).
    let bulk = {
        use labdesk::domain::bulk_links::BulkAction;
        use labdesk::service::bulk_links::{apply, BulkRequest, Requester};
        let request = BulkRequest::new(
            BulkAction::Link,
            &[app.world.account("97500001").clone()],
            std::slice::from_ref(&team),
        )
        .unwrap();
        apply(
            &mut conn,
            Requester::OrgKey,
            &actor,
            &app.world.org_id,
            &request,
        )
        .unwrap()
        .id
    };
    // A webhook endpoint of Primary Care with one delivery (a test event).
    let (endpoint, delivery) = {
        use labdesk::service::webhooks::endpoints::{self as hooks, EndpointInput, Manager};
        let who = Manager::OrgKey(&app.world.org_id);
        let input = EndpointInput {
            url: "https://hooks.example.com/matrix".into(),
            description: String::new(),
            event_types: vec!["labtest.order.created".into()],
            enabled: true,
        };
        let scope = (&app.world.org_id, &team);
        let made = hooks::create(&mut conn, &actor, who, scope, &input, false).unwrap();
        hooks::send_test(&mut conn, &actor, who, scope, &made.endpoint.id).unwrap();
        let delivery: String = {
            use diesel::prelude::*;
            use labdesk::db::schema::webhook_deliveries::dsl as d;
            d::webhook_deliveries
                .filter(d::endpoint_id.eq(&made.endpoint.id))
                .select(d::id)
                .first(&mut conn)
                .unwrap()
        };
        (made.endpoint.id.to_string(), delivery)
    };
    let common = [
        ("org", app.world.org_id.to_string()),
        ("org_id", app.world.org_id.to_string()),
        ("team", team.to_string()),
        ("order_id", order.to_string()),
        ("draft", draft.to_string()),
        ("step", "patient".to_string()),
        ("action", "reject".to_string()),
        ("user_id", patient.to_string()),
        ("raw_result_id", item.to_string()),
        ("account_id", app.world.account("97500001").to_string()),
        ("env", "sandbox".to_string()),
        ("region", "us".to_string()),
        ("bulk", bulk.to_string()),
        ("team_id", team.to_string()),
        ("lab", "quest".to_string()),
        ("endpoint", endpoint.clone()),
        ("endpoint_id", endpoint),
        ("delivery", delivery.clone()),
        ("delivery_id", delivery),
    ];
    let org_scope = Owner {
        params: common
            .iter()
            .cloned()
            .chain([
                ("id", app.world.account("97500001").to_string()),
                ("key", team_key_id.to_string()),
            ])
            .collect(),
        theirs: vec![order.to_string(), patient.to_string(), item.to_string()],
    };
    let mut platform = Owner {
        params: common.iter().cloned().collect(),
        theirs: vec![order.to_string(), patient.to_string(), item.to_string()],
    };
    platform.params.insert("id", platform_account.to_string());
    platform.params.insert("key", lab_key_id.to_string());
    // The platform account is linked to Cardiology, so that is the link there is to unlink.
    platform
        .params
        .insert("team", app.world.team(CARDIOLOGY).to_string());
    (org_scope, platform)
}

/// The concrete path: `{name}` and `{name:regex}` replaced by the owner's ids. Review routes use
/// the unmatched item as `{id}`.
fn concrete(pattern: &str, owner: &Owner, item: &str) -> String {
    let mut out = String::new();
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..].find('}').expect("closing brace") + open;
        let name = rest[open + 1..close].split(':').next().unwrap_or_default();
        let value = if name == "id" && pattern.contains("/review/") {
            item.to_string()
        } else {
            owner
                .params
                .get(name)
                .unwrap_or_else(|| panic!("no value for {{{name}}} in {pattern}"))
                .clone()
        };
        out.push_str(&value);
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

struct Callers {
    sessions: HashMap<Who, Client>,
    keys: HashMap<Who, (&'static str, String)>,
    anon: Client,
}

fn callers(app: &TestApp) -> Callers {
    add_clinician(app, CARDIO_CLINICIAN, CARDIOLOGY);
    let sessions = [
        (OtherOrgAdmin, OTHER_OPS),
        (OrgAdmin, OPS),
        (Clinician, CLINICIAN),
        (OtherTeamClinician, CARDIO_CLINICIAN),
        (Csm, CSM),
    ]
    .into_iter()
    .map(|(who, email)| (who, app.login(email)))
    .collect();
    let w = &app.world;
    let keys = [
        (OtherTeamKey, (TEAM_KEY_HEADER, w.cardio_key.clone())),
        (OtherOrgTeamKey, (TEAM_KEY_HEADER, w.other_team_key.clone())),
        (TeamKey, (TEAM_KEY_HEADER, w.team_key.clone())),
        (OrgKey, (ORG_KEY_HEADER, w.org_key.clone())),
        (OtherOrgKey, (ORG_KEY_HEADER, w.other_org_key.clone())),
    ]
    .into_iter()
    .collect();
    Callers {
        sessions,
        keys,
        anon: app.client(),
    }
}

fn call(c: &Callers, who: Who, entry: &Entry, path: &str, team: &str) -> Resp {
    let body = entry.body.replace("{team}", team);
    let is_api = ["/v1/", "/v2/", "/v3/", "/lab-interface/"]
        .iter()
        .any(|p| path.starts_with(p));
    if let Some((header, key)) = c.keys.get(&who) {
        return match entry.method {
            "GET" => c.anon.api_get(path, header, key),
            "PATCH" => c.anon.api_patch(path, header, key, &body),
            "DELETE" => c.anon.api_delete(path, header, key),
            _ => c.anon.api_post(path, header, key, &body, None),
        };
    }
    let client = match who {
        Anon => &c.anon,
        other => &c.sessions[&other],
    };
    let fields: Vec<(String, String)> = serde_urlencoded::from_str(&body).unwrap_or_default();
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    match (entry.method, is_api, who) {
        ("GET", _, _) => client.get(path),
        ("PATCH", _, _) => client.api_patch(path, "x-none", "", &body),
        ("DELETE", _, _) => client.api_delete(path, "x-none", ""),
        (_, true, _) => client.post_raw(
            path,
            &[("Content-Type", "application/json")],
            body.as_bytes(),
        ),
        (_, false, Anon) => client.post_form_raw(path, &fields),
        (_, false, _) => client.post_form(path, &fields),
    }
}

fn check(expect: Expect, res: &Resp, theirs: &[String]) -> Result<(), String> {
    let ok = match expect {
        Status(code) => res.status == code,
        SignIn => {
            res.status == 303
                && res
                    .header("location")
                    .is_some_and(|l| l == "/login" || l.starts_with("/login?next="))
        }
        NoneOfTheirs => res.status == 200 && !theirs.iter().any(|id| res.body.contains(id)),
    };
    if ok {
        Ok(())
    } else {
        let body: String = res.text().chars().take(160).collect();
        Err(format!("expected {expect:?}, got {} {body}", res.status))
    }
}

#[test]
fn no_route_answers_a_foreign_caller_and_nothing_changes() {
    each_backend(|app| {
        let (org_scope, platform) = owner(app);
        let callers = callers(app);
        let item = org_scope.params["raw_result_id"].clone();
        let team = org_scope.params["team"].clone();
        let changes_before = app.changes();
        let mut failures = Vec::new();
        let mut asked = 0;
        for entry in matrix() {
            let scope = if entry.pattern.starts_with("/platform/") {
                &platform
            } else {
                &org_scope
            };
            let path = concrete(entry.pattern, scope, &item);
            for (who, expect) in entry.cases.iter().chain(entry.extra) {
                asked += 1;
                let res = call(&callers, *who, &entry, &path, &team);
                if let Err(e) = check(*expect, &res, &scope.theirs) {
                    failures.push(format!(
                        "{} {} as {who:?}: {e}",
                        entry.method, entry.pattern
                    ));
                }
            }
        }
        assert!(asked > 150, "only {asked} foreign requests were made");
        assert!(
            failures.is_empty(),
            "{} of {asked} foreign requests were not refused as expected:\n{}",
            failures.len(),
            failures.join("\n")
        );
        // Lists scoped to a foreign caller return (and audit reading) its own data; anything else
        // written means a refused request changed something.
        assert_eq!(
            app.changes(),
            changes_before,
            "a refused request wrote audit rows"
        );

        // The same pages for the people they are for: the refusals above are not a route that
        // refuses everyone.
        let mut refused_owner = Vec::new();
        for entry in matrix().iter().filter(|e| e.method == "GET") {
            let Some(who) = rightful(entry.pattern) else {
                continue;
            };
            let scope = if entry.pattern.starts_with("/platform/") {
                &platform
            } else {
                &org_scope
            };
            let res = call(
                &callers,
                who,
                entry,
                &concrete(entry.pattern, scope, &item),
                &team,
            );
            if res.status != 200 {
                refused_owner.push(format!("GET {} as {who:?}: {}", entry.pattern, res.status));
            }
        }
        assert!(
            refused_owner.is_empty(),
            "the rightful caller was refused:\n{}",
            refused_owner.join("\n")
        );
    });
}
