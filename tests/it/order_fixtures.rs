//! Orders placed for tests through the real use cases (`service::orders::create`), moved along
//! their lifecycle, and read back from the database.
use chrono::NaiveDateTime;
use diesel::prelude::*;
use labdesk::db::audit::Actor;
use labdesk::db::orders::OrderRow;
use labdesk::domain::billing::BillingType;
use labdesk::domain::order_input::{
    Gender, OrderRequest, Patient, PatientAddress, PatientDetails, Physician,
};
use labdesk::domain::order_status::LowStatus;
use labdesk::service::{order_progress, orders, patients};

use crate::helpers::TestApp;

pub const OPS: &str = "ops@northwind.test";
pub const CSM: &str = "csm@labdesk.test";
pub const CLINICIAN: &str = "clinician@northwind.test";
pub const OTHER_OPS: &str = "ops@globex.test";

/// Where a Team's test orders go: (test slug, patient's state, needs a physician).
fn plan(team: &str) -> (&'static str, &'static str, bool) {
    match team {
        // Quest West: client bill in AZ.
        "Primary Care" | "Telehealth West" => ("quest-lipid-panel", "AZ", false),
        // Quest East is order-delegated: a physician is required.
        "Cardiology" => ("quest-lipid-panel", "NY", true),
        "Globex Downtown" => ("quest-lipid-panel", "IL", false),
        other => panic!("no order plan for Team {other}"),
    }
}

pub fn test_id(app: &TestApp, slug: &str) -> String {
    labdesk::db::lab_tests::list_tests(&mut app.conn(), None)
        .unwrap()
        .into_iter()
        .find(|t| t.slug == slug)
        .unwrap_or_else(|| panic!("no test {slug}"))
        .id
}

fn team_org(app: &TestApp, team_id: &str) -> String {
    labdesk::db::orgs::find_team(&mut app.conn(), team_id)
        .unwrap()
        .unwrap()
        .org_id
}

/// The patient of this Team with this name, created on first use.
pub fn patient_id(app: &TestApp, team: &str, first: &str, last: &str) -> String {
    let team_id = app.world.team(team).to_string();
    let client_user_id = format!("test-{first}-{last}").to_lowercase();
    let mut conn = app.conn();
    if let Some(p) =
        labdesk::db::patients::find_by_client_id(&mut conn, &team_id, &client_user_id).unwrap()
    {
        return p.id;
    }
    let org = team_org(app, &team_id);
    patients::create(
        &mut conn,
        &Actor::system("test"),
        &org,
        &team_id,
        &client_user_id,
    )
    .unwrap()
    .id
}

/// Places an order for a Team with a patient of this name; returns the order id.
pub fn place_with(app: &TestApp, team: &str, first: &str, last: &str, slug: &str) -> String {
    let (_, state, physician) = plan(team);
    let team_id = app.world.team(team).to_string();
    let req = OrderRequest {
        org_id: team_org(app, &team_id),
        user_id: patient_id(app, team, first, last),
        team_id,
        patient: Patient {
            details: PatientDetails {
                first_name: first.into(),
                last_name: last.into(),
                dob: chrono::NaiveDate::from_ymd_opt(1980, 2, 29).unwrap(),
                gender: Gender::Female,
                phone_number: "+15555550123".into(),
                email: "patient@example.com".into(),
            },
            address: PatientAddress {
                first_line: "1 Test Way".into(),
                second_line: None,
                city: "Testville".into(),
                state: state.into(),
                zip: "85001".into(),
                country: "US".into(),
                receiver_name: None,
                access_notes: None,
            },
        },
        test_ids: vec![test_id(app, slug)],
        lab_account_id: None,
        billing: BillingType::ClientBill,
        collection_method: None,
        physician: physician.then(|| Physician {
            first_name: "Priya".into(),
            last_name: "Shah".into(),
            npi: "1234567893".into(),
        }),
        clinical_notes: None,
        priority: false,
        icd_codes: None,
        passthrough: None,
        activate_by: None,
    };
    orders::create(&mut app.conn(), &Actor::system("test"), &req).expect("order placed")
}

pub fn place(app: &TestApp, team: &str, first: &str, last: &str) -> String {
    place_with(app, team, first, last, plan(team).0)
}

pub fn advance(app: &TestApp, order_id: &str, to: LowStatus) {
    order_progress::advance(&mut app.conn(), &Actor::system("test"), order_id, to).unwrap();
}

pub fn cancel(app: &TestApp, team: &str, order_id: &str) {
    let teams = vec![app.world.team(team).to_string()];
    orders::cancel(&mut app.conn(), &Actor::system("test"), order_id, &teams).unwrap();
}

pub fn order(app: &TestApp, id: &str) -> OrderRow {
    labdesk::db::orders::find(&mut app.conn(), id)
        .unwrap()
        .expect("order exists")
}

pub fn event_count(app: &TestApp, id: &str) -> usize {
    labdesk::db::orders::events(&mut app.conn(), id)
        .unwrap()
        .len()
}

pub fn set_created_at(app: &TestApp, id: &str, at: NaiveDateTime) {
    use labdesk::db::schema::orders::dsl as o;
    diesel::update(o::orders.find(id))
        .set(o::created_at.eq(at))
        .execute(&mut app.conn())
        .unwrap();
}

/// Every order of an org, newest first as the list orders them.
pub fn org_order_ids(app: &TestApp, org_id: &str) -> Vec<String> {
    use labdesk::db::schema::orders::dsl as o;
    o::orders
        .filter(o::org_id.eq(org_id))
        .order((o::created_at.desc(), o::id.desc()))
        .select(o::id)
        .load(&mut app.conn())
        .unwrap()
}

pub fn at(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f").unwrap()
}

/// The order ids a list page shows, in order.
pub fn listed_ids(html: &str) -> Vec<String> {
    let marker = "data-order-id=\"";
    html.match_indices(marker)
        .map(|(i, _)| {
            html[i + marker.len()..]
                .chars()
                .take_while(|c| *c != '"')
                .collect()
        })
        .collect()
}

/// The href of the link with this rel (`next` = older, `prev` = newer), unescaped.
pub fn link(html: &str, rel: &str) -> Option<String> {
    let marker = format!("rel=\"{rel}\"");
    let at = html.find(&marker)?;
    let start = html[..at].rfind("href=\"")? + "href=\"".len();
    let href: String = html[start..].chars().take_while(|c| *c != '"').collect();
    Some(
        href.replace("&amp;", "&")
            .replace("&#38;", "&")
            .replace("&#43;", "+"),
    )
}

pub fn org_url(app: &TestApp, rest: &str) -> String {
    format!("/orgs/{}{rest}", app.world.org_id)
}
