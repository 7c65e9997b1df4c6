//! Route x role x tenant: every route registered in `src/routes.rs` has an entry here, and every
//! entry asks the route for an object of Northwind Health's Team Primary Care as someone who must
//! not get it: another org, another Team, a role that may not, no session or key, the wrong kind of
//! key. Each must be refused (404 for another tenant's object, the same as a missing one; 403 for a
//! role; 401 or the sign-in page without credentials) and nothing may change. A route added without
//! an entry fails `every_route_has_a_matrix_entry`.
use std::collections::{BTreeSet, HashMap};

use crate::helpers::{each_backend, Client, Resp, TestApp};
use crate::order_fixtures::{place_with, CLINICIAN, CSM, OPS, OTHER_OPS};

/// Who asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Who {
    /// No session and no key.
    Anon,
    /// Globex's org admin.
    OtherOrgAdmin,
    /// Northwind's org admin (on CSM-only routes).
    OrgAdmin,
    /// Primary Care's clinician (on routes their role may not use).
    Clinician,
    /// A Cardiology clinician: same org, another Team.
    OtherTeamClinician,
    /// The CSM (on routes CSMs may not use).
    Csm,
    /// Cardiology's Team key: same org, another Team.
    OtherTeamKey,
    /// Globex Downtown's Team key.
    OtherOrgTeamKey,
    /// Northwind's management key (on Team routes).
    OrgKey,
    /// Globex's management key.
    OtherOrgKey,
    /// Primary Care's Team key (on management and lab routes).
    TeamKey,
}

/// What the answer must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Status(u16),
    /// A redirect to the sign-in page.
    SignIn,
    /// 200, but nothing of Primary Care's in the body (a list scoped to the caller).
    NoneOfTheirs,
}

use Expect::*;
use Who::*;

const OTHER_TEAM_CLINICIAN: &str = "cardio.clinician@northwind.test";

/// Foreign cases shared by kinds of routes.
const ORG_PAGE: &[(Who, Expect)] = &[(Anon, SignIn), (OtherOrgAdmin, Status(404))];
const ORG_FORM: &[(Who, Expect)] = &[(Anon, Status(403)), (OtherOrgAdmin, Status(404))];
const PLATFORM_PAGE: &[(Who, Expect)] = &[
    (Anon, SignIn),
    (OrgAdmin, Status(403)),
    (Clinician, Status(403)),
];
const PLATFORM_FORM: &[(Who, Expect)] = &[
    (Anon, Status(403)),
    (OrgAdmin, Status(403)),
    (Clinician, Status(403)),
];
const TEAM_API_OBJECT: &[(Who, Expect)] = &[
    (Anon, Status(401)),
    (OrgKey, Status(401)),
    (OtherTeamKey, Status(404)),
    (OtherOrgTeamKey, Status(404)),
];
const TEAM_API_LIST: &[(Who, Expect)] = &[
    (Anon, Status(401)),
    (OrgKey, Status(401)),
    (OtherTeamKey, NoneOfTheirs),
    (OtherOrgTeamKey, NoneOfTheirs),
];
const TEAM_API_PUBLIC_DATA: &[(Who, Expect)] = &[(Anon, Status(401)), (OrgKey, Status(401))];
const ORG_API: &[(Who, Expect)] = &[
    (Anon, Status(401)),
    (TeamKey, Status(401)),
    (OtherOrgKey, Status(404)),
];
const NONE: &[(Who, Expect)] = &[];

struct Entry {
    method: &'static str,
    pattern: &'static str,
    cases: &'static [(Who, Expect)],
    /// Cases of this route beyond its kind's.
    extra: &'static [(Who, Expect)],
    /// Form fields or a JSON body that get past input validation.
    body: &'static str,
}

const fn e(
    method: &'static str,
    pattern: &'static str,
    cases: &'static [(Who, Expect)],
    extra: &'static [(Who, Expect)],
) -> Entry {
    Entry {
        method,
        pattern,
        cases,
        extra,
        body: "",
    }
}

const fn with_body(entry: Entry, body: &'static str) -> Entry {
    Entry { body, ..entry }
}

const ADMIN_ONLY: &[(Who, Expect)] = &[(Clinician, Status(403))];
const CSM_ONLY: &[(Who, Expect)] = &[(Clinician, Status(403)), (OrgAdmin, Status(403))];
const OTHER_TEAM: &[(Who, Expect)] = &[(OtherTeamClinician, Status(404))];
const NOT_CSM_OTHER_TEAM: &[(Who, Expect)] =
    &[(OtherTeamClinician, Status(404)), (Csm, Status(403))];

fn matrix() -> Vec<Entry> {
    vec![
        e("GET", "/livez", NONE, NONE),
        e("GET", "/readyz", NONE, NONE),
        e("GET", "/login", NONE, NONE),
        e("POST", "/login", NONE, NONE),
        e("POST", "/logout", NONE, NONE),
        e("POST", "/logout/everywhere", &[(Anon, Status(403))], NONE),
        e("GET", "/", &[(Anon, SignIn)], NONE),
        e("GET", "/orgs", &[(Anon, SignIn)], NONE),
        // Lab accounts of an org
        e("GET", "/orgs/{org}/lab_accounts", ORG_PAGE, NONE),
        with_body(
            e("POST", "/orgs/{org}/lab_accounts", ORG_FORM, CSM_ONLY),
            "lab=labcorp&provider_account_id=LC-M1&account_name=Matrix&delegated_flow=not_delegated&billing:client_bill=TX",
        ),
        e("GET", "/orgs/{org}/lab_accounts/new", ORG_PAGE, CSM_ONLY),
        e("GET", "/orgs/{org}/lab_accounts/{id}", ORG_PAGE, NONE),
        e("GET", "/orgs/{org}/lab_accounts/{id}/edit", ORG_PAGE, CSM_ONLY),
        with_body(
            e("POST", "/orgs/{org}/lab_accounts/{id}/edit", ORG_FORM, CSM_ONLY),
            "provider_account_id=97500001&account_name=Changed&delegated_flow=not_delegated&billing:client_bill=AZ&version=1",
        ),
        with_body(
            e("POST", "/orgs/{org}/lab_accounts/{id}/status", ORG_FORM, CSM_ONLY),
            "to=suspended&reason=matrix",
        ),
        with_body(
            e("POST", "/orgs/{org}/lab_accounts/{id}/teams", ORG_FORM, ADMIN_ONLY),
            "team_id={team}",
        ),
        e("GET", "/orgs/{org}/lab_accounts/{id}/teams/{team}/unlink", ORG_PAGE, ADMIN_ONLY),
        e("POST", "/orgs/{org}/lab_accounts/{id}/teams/{team}/unlink", ORG_FORM, ADMIN_ONLY),
        // Platform-managed accounts
        e("GET", "/platform/lab_accounts", PLATFORM_PAGE, NONE),
        with_body(
            e("POST", "/platform/lab_accounts", PLATFORM_FORM, NONE),
            "lab=labcorp&provider_account_id=LC-M2&account_name=Matrix&delegated_flow=not_delegated&billing:client_bill=TX",
        ),
        e("GET", "/platform/lab_accounts/new", PLATFORM_PAGE, NONE),
        e("GET", "/platform/lab_accounts/{id}", PLATFORM_PAGE, NONE),
        e("GET", "/platform/lab_accounts/{id}/edit", PLATFORM_PAGE, NONE),
        e("POST", "/platform/lab_accounts/{id}/edit", PLATFORM_FORM, NONE),
        with_body(
            e("POST", "/platform/lab_accounts/{id}/status", PLATFORM_FORM, NONE),
            "to=suspended&reason=matrix",
        ),
        with_body(
            e("POST", "/platform/lab_accounts/{id}/teams", PLATFORM_FORM, NONE),
            "team_id={team}",
        ),
        e("GET", "/platform/lab_accounts/{id}/teams/{team}/unlink", PLATFORM_PAGE, NONE),
        e("POST", "/platform/lab_accounts/{id}/teams/{team}/unlink", PLATFORM_FORM, NONE),
        // Teams, keys, audit
        e("GET", "/orgs/{org}/teams", ORG_PAGE, NONE),
        e("GET", "/orgs/{org}/teams/{team}", ORG_PAGE, OTHER_TEAM),
        e("GET", "/orgs/{org}/teams/{team}/keys", ORG_PAGE, &[(Clinician, Status(403)), (Csm, Status(403))]),
        with_body(
            e("POST", "/orgs/{org}/teams/{team}/keys", ORG_FORM, &[(Clinician, Status(403)), (Csm, Status(403))]),
            "label=matrix",
        ),
        e("GET", "/orgs/{org}/teams/{team}/keys/{key}/revoke", ORG_PAGE, &[(Clinician, Status(403)), (Csm, Status(403))]),
        e("POST", "/orgs/{org}/teams/{team}/keys/{key}/revoke", ORG_FORM, &[(Clinician, Status(403)), (Csm, Status(403))]),
        e("GET", "/orgs/{org}/audit", ORG_PAGE, ADMIN_ONLY),
        e("GET", "/orgs/{org}/audit.csv", ORG_PAGE, ADMIN_ONLY),
        // Orders
        e("GET", "/orgs/{org}/orders", ORG_PAGE, NONE),
        e("GET", "/orgs/{org}/orders/{order_id:[0-9a-fA-F-]+}", ORG_PAGE, OTHER_TEAM),
        e("GET", "/orgs/{org}/orders/{order_id:[0-9a-fA-F-]+}/cancel", ORG_PAGE, NOT_CSM_OTHER_TEAM),
        e("POST", "/orgs/{org}/orders/{order_id:[0-9a-fA-F-]+}/cancel", ORG_FORM, NOT_CSM_OTHER_TEAM),
        e("POST", "/orgs/{org}/orders/{order_id:[0-9a-fA-F-]+}/sandbox/advance", ORG_FORM, NOT_CSM_OTHER_TEAM),
        // The order wizard
        e("GET", "/orgs/{org}/teams/{team}/orders/new", ORG_PAGE, NOT_CSM_OTHER_TEAM),
        e("POST", "/orgs/{org}/teams/{team}/orders/new", ORG_FORM, NOT_CSM_OTHER_TEAM),
        e("POST", "/orgs/{org}/drafts/{draft}/submit", ORG_FORM, NOT_CSM_OTHER_TEAM),
        e("GET", "/orgs/{org}/drafts/{draft}/{step}", ORG_PAGE, NOT_CSM_OTHER_TEAM),
        e("POST", "/orgs/{org}/drafts/{draft}/{step}", ORG_FORM, NOT_CSM_OTHER_TEAM),
        // Review queue
        e("GET", "/orgs/{org}/review", ORG_PAGE, ADMIN_ONLY),
        e("GET", "/orgs/{org}/review/{id:[0-9a-fA-F-]+}", ORG_PAGE, ADMIN_ONLY),
        with_body(
            e("POST", "/orgs/{org}/review/{id:[0-9a-fA-F-]+}/{action:accept|reject|escalate}", ORG_FORM, ADMIN_ONLY),
            "note=matrix&version=1",
        ),
        e("GET", "/platform/review", PLATFORM_PAGE, NONE),
        e("GET", "/platform/review/{id:[0-9a-fA-F-]+}", PLATFORM_PAGE, NONE),
        with_body(
            e("POST", "/platform/review/{id:[0-9a-fA-F-]+}/{action:accept|reject|escalate}", PLATFORM_FORM, NONE),
            "note=matrix&version=1",
        ),
        // Lab interface keys
        e("GET", "/platform/lab_keys", PLATFORM_PAGE, NONE),
        with_body(e("POST", "/platform/lab_keys", PLATFORM_FORM, NONE), "lab=quest&label=matrix"),
        e("GET", "/platform/lab_keys/{key}/revoke", PLATFORM_PAGE, NONE),
        e("POST", "/platform/lab_keys/{key}/revoke", PLATFORM_FORM, NONE),
        // Team API
        e("GET", "/v3/lab_test/lab_account", TEAM_API_LIST, NONE),
        with_body(e("POST", "/v2/user", TEAM_API_PUBLIC_DATA, NONE), r#"{"client_user_id": "matrix"}"#),
        e("GET", "/v2/user/{user_id}", TEAM_API_OBJECT, NONE),
        e("POST", "/v3/order", TEAM_API_PUBLIC_DATA, NONE),
        e("GET", "/v3/order/{order_id}", TEAM_API_OBJECT, NONE),
        e("POST", "/v3/order/{order_id}/cancel", TEAM_API_OBJECT, NONE),
        e("GET", "/v3/orders", TEAM_API_LIST, NONE),
        e("GET", "/v3/order/{order_id}/result", TEAM_API_OBJECT, NONE),
        e("GET", "/v3/order/{order_id}/result/metadata", TEAM_API_OBJECT, NONE),
        e("POST", "/v3/order/{order_id}/test", TEAM_API_OBJECT, NONE),
        e("GET", "/v3/unmatched_result", TEAM_API_LIST, NONE),
        e("GET", "/v3/unmatched_result/{raw_result_id}", TEAM_API_OBJECT, NONE),
        e("GET", "/v3/lab_tests", TEAM_API_PUBLIC_DATA, NONE),
        e("GET", "/v3/lab_tests/labs", TEAM_API_PUBLIC_DATA, NONE),
        // Lab interface
        e("POST", "/lab-interface/v1/results", &[(Anon, Status(401)), (TeamKey, Status(401)), (OrgKey, Status(401))], NONE),
        // Org Management API
        e("GET", "/v1/org/{org_id}/team", ORG_API, NONE),
        e("GET", "/v1/org/{org_id}/lab_account/{env}/{region}", ORG_API, NONE),
        with_body(
            e("PATCH", "/v1/org/{org_id}/lab_account/{env}/{region}/{account_id}", ORG_API, NONE),
            r#"{"team_id_allowlist": []}"#,
        ),
    ]
}

/// Every `.route("PATH", web::METHOD()...)` in src/routes.rs, as (METHOD, PATH).
fn registered_routes() -> BTreeSet<(String, String)> {
    let source = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/routes.rs"))
        .expect("src/routes.rs");
    let mut found = BTreeSet::new();
    let mut rest = source.as_str();
    while let Some(at) = rest.find(".route(") {
        rest = &rest[at + ".route(".len()..];
        let Some(open) = rest.find('"') else { break };
        let after = &rest[open + 1..];
        let Some(close) = after.find('"') else { break };
        let path = after[..close].to_string();
        let tail = &after[close + 1..];
        let Some(web) = tail.find("web::") else { break };
        let method: String = tail[web + "web::".len()..]
            .chars()
            .take_while(|c| c.is_ascii_alphabetic())
            .collect();
        found.insert((method.to_uppercase(), path));
        rest = tail;
    }
    found
}

#[test]
fn every_route_has_a_matrix_entry() {
    let registered = registered_routes();
    assert!(
        registered.len() > 50,
        "routes.rs was not read: {registered:?}"
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
    use labdesk::db::audit::Actor;
    use labdesk::service::api_keys::{self, KeyOwner};
    let mut conn = app.conn();
    let team = app.world.team("Primary Care").to_string();
    let order = place_with(app, "Primary Care", "Matrix", "Owner", "quest-lipid-panel");
    let patient = crate::order_fixtures::patient_id(app, "Primary Care", "Matrix", "Owner");
    let (item, _) = crate::review::mismatch_item(app);
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
            slug: "quest".into(),
        },
        "matrix",
    )
    .unwrap();
    let clinician = labdesk::db::users::find_by_email(&mut conn, CLINICIAN)
        .unwrap()
        .unwrap();
    let draft = labdesk::service::drafts::start(&mut conn, &team, &clinician.id).unwrap();
    let platform_account = labdesk::db::lab_accounts::list_platform(&mut conn)
        .unwrap()
        .into_iter()
        .next()
        .expect("a platform account")
        .id;
    let common = [
        ("org", app.world.org_id.clone()),
        ("org_id", app.world.org_id.clone()),
        ("team", team.clone()),
        ("order_id", order.clone()),
        ("draft", draft),
        ("step", "patient".to_string()),
        ("action", "reject".to_string()),
        ("user_id", patient.clone()),
        ("raw_result_id", item.clone()),
        ("account_id", app.world.account("97500001").to_string()),
        ("env", "sandbox".to_string()),
        ("region", "us".to_string()),
    ];
    let org_scope = Owner {
        params: common
            .iter()
            .cloned()
            .chain([
                ("id", app.world.account("97500001").to_string()),
                ("key", team_key_id.clone()),
            ])
            .collect(),
        theirs: vec![order.clone(), patient.clone(), item.clone()],
    };
    let mut platform = Owner {
        params: common.iter().cloned().collect(),
        theirs: vec![order, patient, item.clone()],
    };
    platform.params.insert("id", platform_account);
    platform.params.insert("key", lab_key_id);
    // The platform account is linked to Cardiology, so that is the link there is to unlink.
    platform
        .params
        .insert("team", app.world.team("Cardiology").to_string());
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
    crate::wizard::support::add_clinician(app, OTHER_TEAM_CLINICIAN, "Cardiology");
    let sessions = [
        (OtherOrgAdmin, OTHER_OPS),
        (OrgAdmin, OPS),
        (Clinician, CLINICIAN),
        (OtherTeamClinician, OTHER_TEAM_CLINICIAN),
        (Csm, CSM),
    ]
    .into_iter()
    .map(|(who, email)| (who, app.login(email)))
    .collect();
    let w = &app.world;
    let keys = [
        (OtherTeamKey, ("x-vital-api-key", w.cardio_key.clone())),
        (
            OtherOrgTeamKey,
            ("x-vital-api-key", w.other_team_key.clone()),
        ),
        (TeamKey, ("x-vital-api-key", w.team_key.clone())),
        (OrgKey, ("X-Management-Key", w.org_key.clone())),
        (OtherOrgKey, ("X-Management-Key", w.other_org_key.clone())),
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
            _ => c.anon.api_post_json(path, header, key, &body),
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
        SignIn => res.status == 303 && res.header("location") == Some("/login"),
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
        let changes_before = changes(app);
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
            changes(app),
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

/// Audit rows other than reads (which are audited too, as PHI access).
fn changes(app: &TestApp) -> Vec<(String, String)> {
    use diesel::prelude::*;
    use labdesk::db::schema::audit_events::dsl as a;
    a::audit_events
        .filter(a::action.not_like("%.listed"))
        .filter(a::action.not_like("%.viewed"))
        .filter(a::action.not_like("%_listed"))
        .filter(a::action.not_like("%_viewed"))
        .select((a::action, a::entity_id))
        .order(a::id)
        .load(&mut app.conn())
        .expect("audit rows")
}

/// Who may read a route's page or object (None: public, or nothing to read yet).
fn rightful(pattern: &str) -> Option<Who> {
    if pattern.ends_with("/result") || pattern.ends_with("/metadata") {
        return None; // the owner's order has no result yet
    }
    if pattern.starts_with("/platform/")
        || pattern.ends_with("/lab_accounts/new")
        || pattern.ends_with("/edit")
    {
        Some(Csm)
    } else if pattern.starts_with("/v1/") {
        Some(OrgKey)
    } else if pattern.starts_with("/v2/") || pattern.starts_with("/v3/") {
        Some(TeamKey)
    } else if pattern.contains("/drafts/") || pattern.ends_with("/orders/new") {
        Some(Clinician)
    } else if pattern.starts_with("/orgs/") {
        Some(OrgAdmin)
    } else {
        None
    }
}
