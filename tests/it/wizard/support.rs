//! Driving the order wizard over HTTP, and setting up accounts through the service layer, for the
//! wizard's integration and browser tests.
use std::collections::BTreeMap;

use diesel::prelude::*;
use labdesk::db::audit::Actor;
use labdesk::db::drafts::{self, DraftRow};
use labdesk::db::orders::{self as orders_db, OrderRow};
use labdesk::domain::access::Role;
use labdesk::domain::account_config::AccountConfigInput;
use labdesk::domain::lab_account::{AccountStatus, Owner};
use labdesk::domain::wizard::DraftState;
use labdesk::service::lab_accounts as accounts;
use labdesk::service::users::{self, CreateUser};

use crate::helpers::{Client, Resp, TestApp};

pub const CLINICIAN: &str = "clinician@northwind.test";
pub const TEAM: &str = "Primary Care";

fn actor() -> Actor {
    Actor::system("wizard test setup")
}

/// The Location of a redirect, asserting it is one.
pub fn location(res: &Resp) -> String {
    assert_eq!(res.status, 303, "expected a redirect, got: {}", res.text());
    res.header("location").expect("a Location").to_string()
}

pub fn test_id(app: &TestApp, slug: &str) -> String {
    use labdesk::db::schema::lab_tests::dsl as t;
    t::lab_tests
        .filter(t::slug.eq(slug))
        .select(t::id)
        .first(&mut app.conn())
        .unwrap_or_else(|e| panic!("no test {slug}: {e}"))
}

pub fn order_count(app: &TestApp) -> i64 {
    use labdesk::db::schema::orders::dsl as o;
    o::orders.count().get_result(&mut app.conn()).unwrap()
}

pub fn order(app: &TestApp, id: &str) -> OrderRow {
    orders_db::find(&mut app.conn(), id)
        .unwrap()
        .expect("the order exists")
}

pub fn order_test_ids(app: &TestApp, id: &str) -> Vec<String> {
    orders_db::test_ids(&mut app.conn(), id).unwrap()
}

/// Creates an active (or other status) account of the demo org and links it to `team`.
pub fn add_account(
    app: &TestApp,
    (lab, pid, name, flow): (&str, &str, &str, &str),
    billing: &[(&str, &[&str])],
    status: AccountStatus,
    team: Option<&str>,
) -> String {
    let allowed: BTreeMap<String, Vec<String>> = billing
        .iter()
        .map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect()))
        .collect();
    let input = AccountConfigInput {
        lab: lab.into(),
        provider_account_id: pid.into(),
        account_name: name.into(),
        delegated_flow: flow.into(),
        allowed_billing: allowed,
        business_units: String::new(),
        default_clinical_notes: String::new(),
    };
    let conn = &mut app.conn();
    let owner = Owner::Org(app.world.org_id.clone());
    let id = accounts::create(conn, &actor(), &owner, &input).expect("account created");
    if status != AccountStatus::Pending {
        accounts::change_status(conn, &actor(), &id, status, "test").expect("status");
    }
    if let Some(team) = team {
        link(app, &id, team);
    }
    id
}

/// A second active Quest account for Primary Care, client bill in CA.
pub fn add_quest_central(app: &TestApp) -> String {
    add_account(
        app,
        ("quest", "97500077", "Quest Central", "not_delegated"),
        &[("client_bill", &["CA"])],
        AccountStatus::Active,
        Some(TEAM),
    )
}

pub fn set_status(app: &TestApp, account_id: &str, to: AccountStatus) {
    accounts::change_status(&mut app.conn(), &actor(), account_id, to, "test").expect("status");
}

pub fn link(app: &TestApp, account_id: &str, team: &str) {
    let team_id = app.world.team(team).to_string();
    accounts::link_team(&mut app.conn(), &actor(), account_id, &team_id).expect("link");
}

pub fn unlink(app: &TestApp, account_id: &str, team: &str) {
    let team_id = app.world.team(team).to_string();
    accounts::unlink_team(&mut app.conn(), &actor(), account_id, &team_id).expect("unlink");
}

/// Another clinician, of `team`.
pub fn add_clinician(app: &TestApp, email: &str, team: &str) {
    let input = CreateUser {
        email: email.into(),
        name: "Another Clinician".into(),
        role: Role::Clinician,
        orgs: vec![app.world.org_id.clone()],
        teams: vec![app.world.team(team).to_string()],
        password: labdesk::seed::demo::DEMO_PASSWORD.into(),
    };
    users::create(&mut app.conn(), &actor(), &input).expect("user created");
}

/// A valid patient living in `state`, as the patient form posts it.
pub fn patient_fields(state: &str) -> Vec<(&'static str, String)> {
    let state = state.to_string();
    vec![
        ("first_name", "Ada".into()),
        ("last_name", "Lovelace".into()),
        ("dob", "1985-12-10".into()),
        ("gender", "female".into()),
        ("phone_number", "+1 415 555 0100".into()),
        ("email", "ada@example.com".into()),
        ("first_line", "1 Market St".into()),
        ("city", "Somewhere".into()),
        ("state", state),
        ("zip", "94105".into()),
    ]
}

/// One draft of the demo clinician (or another signed-in client) for a Team.
pub struct Wizard<'a> {
    pub app: &'a TestApp,
    pub c: Client,
    pub draft_id: String,
}

impl<'a> Wizard<'a> {
    /// Signs in as the demo clinician and starts a Primary Care order.
    pub fn start(app: &'a TestApp) -> Wizard<'a> {
        Wizard::start_as(app, app.login(CLINICIAN), TEAM)
    }

    pub fn start_as(app: &'a TestApp, c: Client, team: &str) -> Wizard<'a> {
        let res = c.post_form(&new_order_url(app, team), &[]);
        let to = location(&res);
        let prefix = format!("/orgs/{}/drafts/", app.world.org_id);
        let draft_id = to
            .strip_prefix(&prefix)
            .and_then(|rest| rest.strip_suffix("/patient"))
            .unwrap_or_else(|| panic!("a new draft opens its patient step, not {to}"))
            .to_string();
        Wizard { app, c, draft_id }
    }

    pub fn url(&self, step: &str) -> String {
        format!(
            "/orgs/{}/drafts/{}/{step}",
            self.app.world.org_id, self.draft_id
        )
    }

    pub fn get(&self, step: &str) -> Resp {
        self.c.get(&self.url(step))
    }

    pub fn post(&self, step: &str, fields: &[(&str, &str)]) -> Resp {
        self.c.post_form(&self.url(step), fields)
    }

    pub fn post_patient(&self, state: &str) -> Resp {
        let fields = patient_fields(state);
        let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        self.post("patient", &borrowed)
    }

    pub fn post_tests(&self, slugs: &[&str]) -> Resp {
        let ids: Vec<String> = slugs.iter().map(|s| test_id(self.app, s)).collect();
        let fields: Vec<(&str, &str)> = ids.iter().map(|id| ("test_id", id.as_str())).collect();
        self.post("tests", &fields)
    }

    pub fn post_billing(&self, billing_type: &str) -> Resp {
        self.post("billing", &[("billing_type", billing_type)])
    }

    pub fn submit(&self) -> Resp {
        self.c.post_form(&self.url("submit"), &[])
    }

    pub fn draft(&self) -> DraftRow {
        drafts::find(&mut self.app.conn(), &self.draft_id)
            .unwrap()
            .expect("the draft exists")
    }

    pub fn state(&self) -> DraftState {
        DraftState::from_json(&self.draft().data).expect("a readable draft")
    }

    /// Patient in `state`, Quest Lipid Panel: where the wizard goes next.
    pub fn through_tests(&self, state: &str) -> String {
        assert_eq!(location(&self.post_patient(state)), self.url("tests"));
        location(&self.post_tests(&["quest-lipid-panel"]))
    }

    /// A CA patient, Lipid Panel on Quest West (the only eligible account), client bill.
    pub fn to_review(&self) {
        assert_eq!(self.through_tests("CA"), self.url("billing"));
        assert_eq!(
            location(&self.post_billing("client_bill")),
            self.url("review")
        );
    }

    /// Submits and returns the new order's id from the redirect.
    pub fn place(&self) -> String {
        let to = location(&self.submit());
        let prefix = format!("/orgs/{}/orders/", self.app.world.org_id);
        to.strip_prefix(&prefix)
            .unwrap_or_else(|| panic!("submit opens the order, not {to}"))
            .to_string()
    }
}

pub fn new_order_url(app: &TestApp, team: &str) -> String {
    format!(
        "/orgs/{}/teams/{}/orders/new",
        app.world.org_id,
        app.world.team(team)
    )
}
