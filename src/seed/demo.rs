//! The demo organization: Teams, people in every role, accounts in every status, a platform
//! account, patients and orders in several states, and a second org that nobody in the first
//! may see. Written through the same use cases as the dashboard, so the audit log and status
//! history are real.
use super::demo_history::TeamPlan;
use crate::db::{orgs, write_tx, DbConnection};
use crate::domain::access::Role;
use crate::domain::account_config::AccountConfigInput;
use crate::domain::actor::Actor;
use crate::domain::ids::{LabAccountId, OrgId, TeamId};
use crate::domain::lab::LabSlug;
use crate::domain::lab_account::{AccountStatus, Owner};
use crate::error::AppError;
use crate::service::api_keys::{self, KeyOwner};
use crate::service::lab_accounts as accounts;
use crate::service::users::{self, CreateUser};

pub const DEMO_ORG: &str = "Northwind Health";
pub const OTHER_ORG: &str = "Globex Clinics";
pub const DEMO_PASSWORD: &str = "labdesk-demo-2026";
pub const DEMO_TEAM: &str = "Primary Care";

/// (email, role, what they can do)
pub const DEMO_LOGINS: &[(&str, &str, &str)] = &[
    (
        "csm@labdesk.test",
        "csm",
        "creates and configures Northwind's lab accounts and platform accounts",
    ),
    (
        "ops@northwind.test",
        "org_admin",
        "sees all of Northwind, links accounts to Teams, reads the audit log",
    ),
    (
        "clinician@northwind.test",
        "clinician",
        "member of Primary Care: reads that Team's accounts and orders, cancels its orders",
    ),
    (
        "ops@globex.test",
        "org_admin",
        "the second org: sees none of Northwind's data",
    ),
];

/// What the demo prints after starting.
pub struct DemoKeys {
    pub org_id: OrgId,
    pub team_id: TeamId,
    pub team_key: String,
    pub org_key: String,
    pub lab_key: String,
}

fn billing(pairs: &[(&str, &[&str])]) -> std::collections::BTreeMap<String, Vec<String>> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect()))
        .collect()
}

fn input(
    lab: &str,
    pid: &str,
    name: &str,
    flow: &str,
    allowed: &[(&str, &[&str])],
    notes: &str,
) -> AccountConfigInput {
    AccountConfigInput {
        lab: lab.into(),
        provider_account_id: pid.into(),
        account_name: name.into(),
        delegated_flow: flow.into(),
        allowed_billing: billing(allowed),
        business_units: String::new(),
        default_clinical_notes: notes.into(),
    }
}

fn account(
    conn: &mut DbConnection,
    actor: &Actor,
    owner: &Owner,
    config: AccountConfigInput,
    moves: &[(AccountStatus, &str)],
    teams: &[&orgs::Team],
) -> Result<LabAccountId, AppError> {
    let id = accounts::create(conn, actor, owner, &config)?;
    for (to, reason) in moves {
        accounts::change_status(conn, actor, &id, *to, reason)?;
    }
    for t in teams {
        accounts::link_team(conn, actor, &id, &t.id)?;
    }
    Ok(id)
}

/// Seeds the demo data (catalogue, orgs, accounts, people, orders) unless it is there, and mints
/// no keys: a database seeded this way can be copied and each copy given keys of its own.
pub fn ensure_demo_data(conn: &mut DbConnection) -> Result<orgs::Org, AppError> {
    super::catalogue::seed_labs(conn)?;
    super::catalogue::seed_tests(conn)?;
    match orgs::find_org_by_id_or_name(conn, DEMO_ORG)? {
        Some(org) => Ok(org),
        // One transaction: one commit for the whole demo, which keeps start-up quick.
        None => write_tx(conn, |conn| seed(conn, &Actor::system("demo seed"))),
    }
}

/// Seeds the demo data once; later runs only mint fresh demo keys.
pub fn ensure_demo(conn: &mut DbConnection) -> Result<DemoKeys, AppError> {
    let org = ensure_demo_data(conn)?;
    let actor = Actor::system("demo seed");
    let team = orgs::list_teams(conn, &org.id)?
        .into_iter()
        .find(|t| t.name == DEMO_TEAM)
        .ok_or_else(|| AppError::Config(format!("the demo org has no team '{DEMO_TEAM}'")))?;
    let (_, team_key) = api_keys::create(
        conn,
        &actor,
        &KeyOwner::Team {
            team_id: team.id.clone(),
            org_id: org.id.clone(),
        },
        "demo team key",
    )?;
    let (_, org_key) = api_keys::create(
        conn,
        &actor,
        &KeyOwner::Org {
            org_id: org.id.clone(),
        },
        "demo management key",
    )?;
    let (_, lab_key) = api_keys::create(
        conn,
        &actor,
        &KeyOwner::Lab {
            slug: LabSlug::Quest,
        },
        "demo lab interface key",
    )?;
    Ok(DemoKeys {
        org_id: org.id,
        team_id: team.id,
        team_key,
        org_key,
        lab_key,
    })
}

fn seed(conn: &mut DbConnection, actor: &Actor) -> Result<orgs::Org, AppError> {
    let (org, primary, cardio, tele, other, other_team) = write_tx(conn, |conn| {
        let org = orgs::insert_org(conn, DEMO_ORG)?;
        let primary = orgs::insert_team(conn, &org.id, DEMO_TEAM)?;
        let cardio = orgs::insert_team(conn, &org.id, "Cardiology")?;
        let tele = orgs::insert_team(conn, &org.id, "Telehealth West")?;
        let other = orgs::insert_org(conn, OTHER_ORG)?;
        let other_team = orgs::insert_team(conn, &other.id, "Globex Downtown")?;
        Ok::<_, AppError>((org, primary, cardio, tele, other, other_team))
    })?;
    let person =
        |email: &str, name: &str, role: Role, orgs: Vec<String>, teams: Vec<String>| CreateUser {
            email: email.into(),
            name: name.into(),
            role,
            orgs,
            teams,
            password: DEMO_PASSWORD.into(),
        };
    users::create(
        conn,
        actor,
        &person(
            "csm@labdesk.test",
            "Casey Morgan",
            Role::Csm,
            vec![org.id.to_string()],
            vec![],
        ),
    )?;
    users::create(
        conn,
        actor,
        &person(
            "ops@northwind.test",
            "Olivia Park",
            Role::OrgAdmin,
            vec![org.id.to_string()],
            vec![],
        ),
    )?;
    users::create(
        conn,
        actor,
        &person(
            "clinician@northwind.test",
            "Dr. Sam Rivera",
            Role::Clinician,
            vec![org.id.to_string()],
            vec![primary.id.to_string()],
        ),
    )?;
    users::create(
        conn,
        actor,
        &person(
            "ops@globex.test",
            "Gus Lee",
            Role::OrgAdmin,
            vec![other.id.to_string()],
            vec![],
        ),
    )?;

    let nw = Owner::Org(org.id.clone());
    let launch = [
        (AccountStatus::ReadyToLaunch, "Contract signed"),
        (AccountStatus::Active, "Go-live"),
    ];
    account(
        conn,
        actor,
        &nw,
        input(
            "quest",
            "97500001",
            "Quest West",
            "not_delegated",
            &[
                ("client_bill", &["AZ", "CA", "NV"]),
                ("commercial_insurance", &["CA"]),
            ],
            "",
        ),
        &launch,
        &[&primary, &tele],
    )?;
    account(
        conn,
        actor,
        &nw,
        input(
            "quest",
            "97500002",
            "Quest East",
            "order_delegated",
            &[
                ("client_bill", &["NJ", "NY", "PA"]),
                ("patient_bill", &["NY"]),
            ],
            "Fasting required unless stated otherwise.",
        ),
        &launch,
        &[&cardio],
    )?;
    account(
        conn,
        actor,
        &nw,
        input(
            "labcorp",
            "LC-220011",
            "Labcorp National",
            "result_delegated",
            &[("client_bill", &["TX"])],
            "",
        ),
        &[],
        &[],
    )?;
    account(
        conn,
        actor,
        &nw,
        input(
            "bioreference",
            "BR-7781",
            "BioReference NY",
            "not_delegated",
            &[("client_bill", &["NY"])],
            "",
        ),
        &[
            (AccountStatus::Active, "Go-live"),
            (AccountStatus::Suspended, "Billing dispute with the lab"),
        ],
        &[&primary],
    )?;
    account(
        conn,
        actor,
        &nw,
        input(
            "sonora_quest",
            "SQ-4410",
            "Sonora Quest Phoenix",
            "order_delegated",
            &[("client_bill", &["AZ"])],
            "",
        ),
        &[(AccountStatus::Active, "Go-live")],
        &[&tele],
    )?;
    account(
        conn,
        actor,
        &Owner::Platform,
        input(
            "labcorp",
            "LC-PLATFORM-1",
            "Labcorp (platform)",
            "not_delegated",
            &[("client_bill", &["AZ", "CA", "FL", "NY", "TX"])],
            "",
        ),
        &[(AccountStatus::Active, "Platform account live")],
        &[&cardio],
    )?;
    account(
        conn,
        actor,
        &Owner::Org(other.id.clone()),
        input(
            "quest",
            "88100001",
            "Globex Quest",
            "not_delegated",
            &[("client_bill", &["IL"])],
            "",
        ),
        &[(AccountStatus::Active, "Go-live")],
        &[&other_team],
    )?;
    let placed = super::demo_orders::seed(conn, actor, &primary, &cardio, &tele, &other_team)?;
    // One result of each kind that does not fit, queued for review like a lab's delivery.
    super::demo_review::seed(conn, &placed)?;
    super::demo_history::seed(
        conn,
        &[
            TeamPlan {
                team: &primary,
                orders: 80,
                patients: 24,
                tests: &["quest-lipid-panel", "quest-cmp"],
                places: &[
                    ("Phoenix", "AZ", "85004"),
                    ("San Jose", "CA", "95113"),
                    ("Las Vegas", "NV", "89101"),
                    ("Tucson", "AZ", "85701"),
                    ("Sacramento", "CA", "95814"),
                ],
                physician: false,
            },
            // Quest East delegates ordering to the customer's physicians.
            TeamPlan {
                team: &cardio,
                orders: 36,
                patients: 12,
                tests: &["labcorp-hba1c", "quest-lipid-panel", "quest-cmp"],
                places: &[("Buffalo", "NY", "14202"), ("Rochester", "NY", "14604")],
                physician: true,
            },
            TeamPlan {
                team: &tele,
                orders: 30,
                patients: 10,
                tests: &["sonora-vitamin-d", "quest-lipid-panel"],
                places: &[
                    ("Phoenix", "AZ", "85004"),
                    ("Scottsdale", "AZ", "85251"),
                    ("Flagstaff", "AZ", "86001"),
                ],
                physician: true,
            },
            TeamPlan {
                team: &other_team,
                orders: 10,
                patients: 4,
                tests: &["quest-lipid-panel"],
                places: &[("Chicago", "IL", "60601"), ("Evanston", "IL", "60201")],
                physician: false,
            },
        ],
    )?;
    Ok(org)
}
