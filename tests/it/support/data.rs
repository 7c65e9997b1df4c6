//! Test data made through the service layer (catalogue tests, patients, lab accounts and their
//! links, Teams, people), and reads of the tables a test checks against.
use std::collections::{BTreeMap, BTreeSet};

use chrono::Duration;
use diesel::prelude::*;
use labdesk::db::audit::AuditEvent;
use labdesk::domain::access::Role;
use labdesk::domain::account_config::AccountConfigInput;
use labdesk::domain::actor::Actor;
use labdesk::domain::actor::ActorKind;
use labdesk::domain::ids::{LabAccountId, LabTestId, OrgId, PatientId, TeamId};
use labdesk::domain::lab_account::{AccountStatus, Owner};
use labdesk::service::lab_accounts as accounts;
use labdesk::service::users::{self, CreateUser};

use super::app::TestApp;
use super::client::{Client, Resp};
use super::roles::PRIMARY_CARE;

fn actor() -> Actor {
    Actor::system("test setup")
}

/// A catalogue test's id by slug (e.g. `quest-lipid-panel`).
pub fn test_id(app: &TestApp, slug: &str) -> LabTestId {
    use labdesk::db::schema::lab_tests::dsl as t;
    t::lab_tests
        .filter(t::slug.eq(slug))
        .select(t::id)
        .first(&mut app.conn())
        .unwrap_or_else(|e| panic!("no test {slug}: {e}"))
}

/// How many rows a table has.
pub fn count(app: &TestApp, table: &str) -> i64 {
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {table}"))
        .get_result::<N>(&mut app.conn())
        .unwrap_or_else(|e| panic!("counting {table}: {e}"))
        .n
}

pub fn order_count(app: &TestApp) -> i64 {
    count(app, "orders")
}

/// The patient of a Team with this `client_user_id`, created on first use (as `POST /v2/user`
/// creates one).
pub fn patient(app: &TestApp, team_id: &TeamId, client_user_id: &str) -> PatientId {
    let mut conn = app.conn();
    if let Some(p) =
        labdesk::db::patients::find_by_client_id(&mut conn, team_id, client_user_id).unwrap()
    {
        return p.id;
    }
    let org = labdesk::db::orgs::find_team(&mut conn, team_id)
        .unwrap()
        .unwrap_or_else(|| panic!("no Team {team_id}"))
        .org_id;
    labdesk::service::patients::create(&mut conn, &actor(), &org, team_id, client_user_id)
        .expect("patient created")
        .id
}

/// A lab account for `add_account`. Start from `NewAccount::QUEST` and change what matters.
#[derive(Debug, Clone, Copy)]
pub struct NewAccount<'a> {
    pub lab: &'a str,
    pub number: &'a str,
    pub name: &'a str,
    pub flow: &'a str,
    /// Billing type -> the states it is allowed in.
    pub billing: &'a [(&'a str, &'a [&'a str])],
    pub status: AccountStatus,
    /// Team names of the demo org to link it to.
    pub teams: &'a [&'a str],
    /// A platform account rather than one of the demo org's.
    pub platform: bool,
}

impl NewAccount<'static> {
    /// Quest Central: an active Quest account of the demo org, client bill in CA, linked to
    /// Primary Care.
    pub const QUEST: NewAccount<'static> = NewAccount {
        lab: "quest",
        number: "97500077",
        name: "Quest Central",
        flow: "not_delegated",
        billing: &[("client_bill", &["CA"])],
        status: AccountStatus::Active,
        teams: &[PRIMARY_CARE],
        platform: false,
    };
}

/// Creates the account through the use cases (created, moved to its status, linked); its id.
pub fn add_account(app: &TestApp, a: &NewAccount<'_>) -> LabAccountId {
    let allowed: BTreeMap<String, Vec<String>> = a
        .billing
        .iter()
        .map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect()))
        .collect();
    let input = AccountConfigInput {
        lab: a.lab.into(),
        provider_account_id: a.number.into(),
        account_name: a.name.into(),
        delegated_flow: a.flow.into(),
        allowed_billing: allowed,
        ..AccountConfigInput::default()
    };
    let owner = if a.platform {
        Owner::Platform
    } else {
        Owner::Org(app.world.org_id.clone())
    };
    let id = accounts::create(&mut app.conn(), &actor(), &owner, &input).expect("account created");
    if a.status != AccountStatus::Pending {
        set_status(app, &id, a.status);
    }
    for team in a.teams {
        link_team(app, &id, team);
    }
    id
}

pub fn set_status(app: &TestApp, account_id: &LabAccountId, to: AccountStatus) {
    accounts::change_status(&mut app.conn(), &actor(), account_id, to, "test").expect("status");
}

/// Links a Team (by name) to the account.
pub fn link_team(app: &TestApp, account_id: &LabAccountId, team: &str) {
    let team_id = app.world.team(team);
    accounts::link_team(&mut app.conn(), &actor(), account_id, team_id).expect("link");
}

pub fn unlink_team(app: &TestApp, account_id: &LabAccountId, team: &str) {
    let team_id = app.world.team(team);
    accounts::unlink_team(&mut app.conn(), &actor(), account_id, team_id).expect("unlink");
}

/// A new Team of Northwind with Quest West linked and its own key, so nothing of the demo's is
/// its: (team id, key).
pub fn fresh_team(app: &TestApp, name: &str) -> (TeamId, String) {
    use labdesk::service::api_keys::{self, KeyOwner};
    let mut conn = app.conn();
    let team = labdesk::db::orgs::insert_team(&mut conn, &app.world.org_id, name).unwrap();
    accounts::link_team(&mut conn, &actor(), app.world.account("97500001"), &team.id).unwrap();
    let owner = KeyOwner::Team {
        team_id: team.id.clone(),
        org_id: app.world.org_id.clone(),
    };
    let (_, key) = api_keys::create(&mut conn, &actor(), &owner, "test").unwrap();
    (team.id, key)
}

/// Another clinician of the demo org, in `team`, who signs in with the demo password.
pub fn add_clinician(app: &TestApp, email: &str, team: &str) {
    let input = CreateUser {
        email: email.into(),
        name: "Another Clinician".into(),
        role: Role::Clinician,
        orgs: vec![app.world.org_id.to_string()],
        teams: vec![app.world.team(team).to_string()],
        password: labdesk::seed::demo::DEMO_PASSWORD.into(),
    };
    users::create(&mut app.conn(), &actor(), &input).expect("user created");
}

/// Lets the running claim of an idempotency key run out of lease, as if its holder had died a
/// while ago.
pub fn lapse(app: &TestApp, idem_key: &str) {
    use labdesk::db::schema::idempotency_keys::dsl as k;
    let at = labdesk::db::now() - Duration::seconds(1);
    diesel::update(k::idempotency_keys.filter(k::idem_key.eq(idem_key)))
        .set(k::lease_until.eq(at))
        .execute(&mut app.conn())
        .unwrap();
}

/// Whether an audit row was written for a request made with this API key (an API key actor
/// whose label carries the key's prefix).
pub fn made_with_key(row: &AuditEvent, key: &str) -> bool {
    row.actor_type == ActorKind::ApiKey
        && row
            .actor_label
            .strip_prefix("api key ")
            .is_some_and(|prefix| key.starts_with(prefix))
}

/// The secret of a key shown once on a page (`ldk_team_…`, `ldk_lab_…`).
pub fn secret_in(html: &str, prefix: &str) -> String {
    let marker = format!("{NEW_KEY_SECRET}{prefix}");
    let at = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {prefix} secret on the page"))
        + NEW_KEY_SECRET.len();
    html[at..].chars().take_while(|c| *c != '<').collect()
}

/// Follows a key creation's redirect to the key's page, which must show the secret (and may be
/// kept by no cache): the page and the secret.
pub fn shown_secret(c: &Client, created: &Resp, prefix: &str) -> (Resp, String) {
    let shown = c.follow(created);
    assert_eq!(shown.status, 200, "{}", shown.text());
    assert_eq!(shown.header("cache-control"), Some("private, no-store"));
    assert!(shown
        .text()
        .contains("Copy it now: it will not be shown again."));
    assert!(shown.body.contains("data-copy=\"#new-key-secret\""));
    let secret = secret_in(&shown.body, prefix);
    (shown, secret)
}

/// Where a new key's page shows its secret (the element its Copy button copies).
pub const NEW_KEY_SECRET: &str = "<code id=\"new-key-secret\" class=\"secret-text\">";

/// A lab account as its rows say, for working out what a list must show.
#[derive(Debug, Clone)]
pub struct AccountRow {
    pub id: String,
    pub name: String,
    pub lab: String,
    pub status: String,
    pub org_id: Option<String>,
    /// Ids of the Teams it is linked to.
    pub teams: Vec<String>,
}

/// Every lab account, read from the tables (not through the app's list queries).
pub fn account_rows(app: &TestApp) -> Vec<AccountRow> {
    use labdesk::db::schema::lab_account_teams::dsl as t;
    use labdesk::db::schema::lab_accounts::dsl as a;
    let mut conn = app.conn();
    type Row = (String, String, Option<String>, String, Option<String>);
    let rows: Vec<Row> = a::lab_accounts
        .select((a::id, a::lab_slug, a::account_name, a::status, a::org_id))
        .load(&mut conn)
        .unwrap();
    let links: Vec<(String, String)> = t::lab_account_teams
        .select((t::lab_account_id, t::team_id))
        .load(&mut conn)
        .unwrap();
    rows.into_iter()
        .map(|(id, lab, name, status, org_id)| AccountRow {
            teams: links
                .iter()
                .filter(|(a, _)| *a == id)
                .map(|(_, t)| t.clone())
                .collect(),
            name: name.unwrap_or_default(),
            id,
            lab,
            status,
            org_id,
        })
        .collect()
}

/// The lab accounts an org's admins see: the org's own, and the platform's linked to one of
/// its Teams.
pub fn org_accounts(app: &TestApp, org_id: &OrgId) -> Vec<AccountRow> {
    use labdesk::db::schema::teams::dsl as t;
    let org_teams: Vec<String> = t::teams
        .filter(t::org_id.eq(org_id))
        .select(t::id)
        .load(&mut app.conn())
        .unwrap();
    account_rows(app)
        .into_iter()
        .filter(|a| match &a.org_id {
            Some(owner) => owner == org_id.as_str(),
            None => a.teams.iter().any(|t| org_teams.contains(t)),
        })
        .collect()
}

/// The ids of `rows` that `keep` lets through.
pub fn ids_where(rows: Vec<AccountRow>, keep: impl Fn(&AccountRow) -> bool) -> BTreeSet<String> {
    rows.into_iter().filter(|a| keep(a)).map(|a| a.id).collect()
}

/// The ids of the items in a Junction list's `data`.
pub fn data_ids(list: &serde_json::Value) -> BTreeSet<String> {
    list["data"]
        .as_array()
        .unwrap_or_else(|| panic!("no data in {list}"))
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_string())
        .collect()
}

/// The lab accounts linked to a Team.
pub fn team_accounts(app: &TestApp, team_id: &TeamId) -> Vec<AccountRow> {
    account_rows(app)
        .into_iter()
        .filter(|a| a.teams.iter().any(|t| t == team_id.as_str()))
        .collect()
}

/// The names of an org's Teams in name order, as the database sorts them.
pub fn team_names(app: &TestApp, org: &OrgId) -> Vec<String> {
    use labdesk::db::schema::teams::dsl as t;
    t::teams
        .filter(t::org_id.eq(org))
        .order(t::name.asc())
        .select(t::name)
        .load(&mut app.conn())
        .unwrap()
}
