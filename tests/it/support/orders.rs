//! Orders for tests: placed through the real use case (`service::orders::create`) and moved
//! along their lifecycle, or posted to `POST /v3/order` as a program would; read back from the
//! database; found on the orders list page.
use chrono::NaiveDateTime;
use diesel::prelude::*;
use labdesk::db::orders::OrderRow;
use labdesk::domain::actor::Actor;
use labdesk::domain::billing::BillingType;
use labdesk::domain::ids::{LabTestId, OrderId, OrgId, PatientId, TeamId};
use labdesk::domain::order_input::{
    Gender, OrderRequest, Patient, PatientAddress, PatientDetails, Physician,
};
use labdesk::domain::order_status::LowStatus;
use labdesk::service::{order_progress, orders};
use serde_json::{json, Value};

use super::app::TestApp;
use super::client::Resp;
use super::data::{patient, test_id};
use super::roles::{CARDIOLOGY, GLOBEX_DOWNTOWN, PRIMARY_CARE, TEAM_KEY_HEADER, TELEHEALTH_WEST};

/// Where a Team's test orders go: (test slug, patient's state, needs a physician).
fn plan(team: &str) -> (&'static str, &'static str, bool) {
    match team {
        // Quest West: client bill in AZ.
        PRIMARY_CARE | TELEHEALTH_WEST => ("quest-lipid-panel", "AZ", false),
        // Quest East is order-delegated: a physician is required.
        CARDIOLOGY => ("quest-lipid-panel", "NY", true),
        GLOBEX_DOWNTOWN => ("quest-lipid-panel", "IL", false),
        other => panic!("no order plan for Team {other}"),
    }
}

fn team_org(app: &TestApp, team_id: &TeamId) -> OrgId {
    labdesk::db::orgs::find_team(&mut app.conn(), team_id)
        .unwrap()
        .unwrap()
        .org_id
}

/// The patient of this Team (by name) with this name, created on first use.
pub fn named_patient(app: &TestApp, team: &str, first: &str, last: &str) -> PatientId {
    let client_user_id = format!("test-{first}-{last}").to_lowercase();
    patient(app, app.world.team(team), &client_user_id)
}

/// Places an order for a Team with a patient of this name; returns the order id.
pub fn place_with(app: &TestApp, team: &str, first: &str, last: &str, slug: &str) -> OrderId {
    let (_, state, physician) = plan(team);
    let team_id = app.world.team(team).clone();
    let req = OrderRequest {
        org_id: team_org(app, &team_id),
        user_id: named_patient(app, team, first, last),
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

pub fn place(app: &TestApp, team: &str, first: &str, last: &str) -> OrderId {
    place_with(app, team, first, last, plan(team).0)
}

pub fn advance(app: &TestApp, order_id: &OrderId, to: LowStatus) {
    order_progress::advance(&mut app.conn(), &Actor::system("test"), order_id, to).unwrap();
}

pub fn cancel(app: &TestApp, team: &str, order_id: &OrderId) {
    let teams = vec![app.world.team(team).clone()];
    orders::cancel(&mut app.conn(), &Actor::system("test"), order_id, &teams).unwrap();
}

pub fn order(app: &TestApp, id: &OrderId) -> OrderRow {
    labdesk::db::orders::find(&mut app.conn(), id)
        .unwrap()
        .expect("order exists")
}

/// The ids of the catalogue tests on an order.
pub fn order_test_ids(app: &TestApp, id: &OrderId) -> Vec<LabTestId> {
    labdesk::db::orders::test_ids(&mut app.conn(), id).unwrap()
}

pub fn event_count(app: &TestApp, id: &OrderId) -> usize {
    labdesk::db::orders::events(&mut app.conn(), id)
        .unwrap()
        .len()
}

pub fn set_created_at(app: &TestApp, id: &OrderId, at: NaiveDateTime) {
    use labdesk::db::schema::orders::dsl as o;
    diesel::update(o::orders.find(id))
        .set(o::created_at.eq(at))
        .execute(&mut app.conn())
        .unwrap();
}

/// Every order of an org, newest first as the list orders them.
pub fn org_order_ids(app: &TestApp, org_id: &OrgId) -> Vec<OrderId> {
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
pub fn listed_ids(html: &str) -> Vec<OrderId> {
    let marker = "data-order-id=\"";
    html.match_indices(marker)
        .map(|(i, _)| {
            OrderId::from_text(
                html[i + marker.len()..]
                    .chars()
                    .take_while(|c| *c != '"')
                    .collect::<String>(),
            )
        })
        .collect()
}

/// The href of the link with this rel (`next` = older, `prev` = newer), unescaped.
pub fn rel_href(html: &str, rel: &str) -> Option<String> {
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

/// A valid `POST /v3/order` body for a patient in `state`: Jane Doe, born 1990-01-01.
/// `user_id` and `test_id` are ids, or any JSON a test sends instead.
pub fn order_body(
    user_id: &(impl serde::Serialize + ?Sized),
    test_id: &(impl serde::Serialize + ?Sized),
    state: &str,
) -> Value {
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

/// `POST /v3/order` with a Team key, whatever the answer.
pub fn post_order(app: &TestApp, key: &str, body: &Value) -> Resp {
    app.client()
        .api_post("/v3/order", TEAM_KEY_HEADER, key, &body.to_string(), None)
}

/// Places an order through the API; its id.
pub fn api_order(app: &TestApp, key: &str, body: &Value) -> OrderId {
    post_order(app, key, body).order_id()
}
