//! Results as a lab delivers them (the ORU fixtures in tests/fixtures/oru, or the JSON form),
//! the review queue items that deliveries which do not fit become, and the order page's results.
use diesel::prelude::*;
use labdesk::db::unmatched::UnmatchedRow;
use labdesk::domain::ids::{OrderId, PatientId, ReviewItemId};
use labdesk::web::urls;
use serde_json::json;

use super::app::TestApp;
use super::client::Resp;
use super::data::{patient, test_id};
use super::orders::{api_order, order_body};
use super::roles::{LAB_KEY_HEADER, PRIMARY_CARE};

/// An ORU fixture with its `{{PLACEHOLDERS}}`.
pub fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/oru/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// What goes into a fixture's placeholders.
pub struct Fill<'a> {
    pub order: &'a str,
    pub account: &'a str,
    pub control_id: &'a str,
    pub last: &'a str,
    pub dob: &'a str,
    pub accession: &'a str,
}

pub fn fill(template: &str, f: &Fill<'_>) -> String {
    template
        .replace("{{ORDER}}", f.order)
        .replace("{{ACCOUNT}}", f.account)
        .replace("{{CONTROL_ID}}", f.control_id)
        .replace("{{LAST}}", f.last)
        .replace("{{DOB}}", f.dob)
        .replace("{{ACCESSION}}", f.accession)
}

/// Jane Doe (1990-01-01) on Quest West: the delivery that fits a `jane_order`.
pub fn jane<'a>(order: &'a (impl AsRef<str> + ?Sized), control_id: &'a str) -> Fill<'a> {
    Fill {
        order: order.as_ref(),
        account: "97500001",
        control_id,
        last: "Doe",
        dob: "19900101",
        accession: "ACC-1",
    }
}

/// An order for Jane Doe (a new patient) placed by Primary Care on Quest West.
pub fn jane_order(app: &TestApp) -> OrderId {
    jane_order_of(app, PRIMARY_CARE, "AZ").1
}

/// An order for Jane Doe, a new patient of `team` living in `state`, through the API with the
/// Team's key (a physician named for NY, where Quest East needs one): (patient id, order id).
pub fn jane_order_of(app: &TestApp, team: &str, state: &str) -> (PatientId, OrderId) {
    let user = patient(
        app,
        app.world.team(team),
        &format!("jane-{}", uuid::Uuid::new_v4()),
    );
    let mut body = order_body(&user, &test_id(app, "quest-lipid-panel"), state);
    if state == "NY" {
        body["physician"] = json!({"first_name": "Ann", "last_name": "Lee", "npi": "1234567893"});
    }
    let order = api_order(app, app.world.key(team), &body);
    (user, order)
}

/// A delivery to the lab interface with this key and content type.
pub fn deliver_as(app: &TestApp, key: &str, content_type: &str, body: &[u8]) -> Resp {
    app.client().post_raw(
        "/lab-interface/v1/results",
        &[(LAB_KEY_HEADER, key), ("Content-Type", content_type)],
        body,
    )
}

/// An HL7 delivery with Quest's key.
pub fn deliver(app: &TestApp, message: &str) -> Resp {
    deliver_as(
        app,
        &app.world.lab_key,
        "application/hl7-v2",
        message.as_bytes(),
    )
}

/// A JSON delivery with Quest's key.
pub fn deliver_json(app: &TestApp, body: &str) -> Resp {
    deliver_as(app, &app.world.lab_key, "application/json", body.as_bytes())
}

/// The acknowledgement code and text of an HL7 answer.
pub fn msa(res: &Resp) -> (String, String) {
    let parsed = labdesk::hl7::message::parse(&res.body)
        .unwrap_or_else(|e| panic!("ACK does not parse ({e}): {:?}", res.body));
    let msa = parsed.first("MSA").expect("MSA");
    (msa.raw(1).to_string(), msa.raw(3).to_string())
}

/// How many result versions an order has.
pub fn results_of(app: &TestApp, order: &OrderId) -> usize {
    labdesk::db::results::versions(&mut app.conn(), order)
        .unwrap()
        .len()
}

/// Empties the review queue (the demo's items included), so every count is the test's own.
pub fn clear_queue(app: &TestApp) {
    use labdesk::db::schema::unmatched_results::dsl as u;
    diesel::delete(u::unmatched_results)
        .execute(&mut app.conn())
        .unwrap();
}

/// A JSON delivery for Jane that does not fit, queued with decision `code`; the item's id.
pub fn queue(app: &TestApp, account: &str, placer: &str, last: &str, code: &str) -> ReviewItemId {
    let delivery = json!({
        "message_control_id": format!("ISO-{}", uuid::Uuid::new_v4().simple()),
        "account_number": account, "placer_order_number": placer, "status": "final",
        "patient": {"last_name": last, "first_name": "Jane", "dob": "1990-01-01"},
        "observations": [{"code": "2345-7", "name": "Glucose", "value": "95", "unit": "mg/dL"}]
    });
    let v = deliver_json(app, &delivery.to_string()).json();
    assert_eq!(
        (v["outcome"].as_str(), v["decision_code"].as_str()),
        (Some("queued_for_review"), Some(code)),
        "{v}"
    );
    ReviewItemId::from_text(v["unmatched_result_id"].as_str().unwrap())
}

/// A lab_account_mismatch item for a fresh Jane order (delivered on Quest East's number):
/// (item id, order id).
pub fn mismatch_item(app: &TestApp) -> (ReviewItemId, OrderId) {
    let order = jane_order(app);
    let control = format!("M-{}", uuid::Uuid::new_v4().simple());
    let fits = Fill {
        account: "97500002",
        accession: "A",
        ..jane(&order, &control)
    };
    deliver(app, &fill(&fixture("final.hl7"), &fits));
    let item = latest_item(app);
    assert_eq!(item.decision_code.as_str(), "lab_account_mismatch");
    (item.id, order)
}

/// The newest review queue item.
pub fn latest_item(app: &TestApp) -> UnmatchedRow {
    use labdesk::db::schema::unmatched_results::dsl as u;
    u::unmatched_results
        .order(u::created_at.desc())
        .select(UnmatchedRow::as_select())
        .first(&mut app.conn())
        .unwrap()
}

pub fn item(app: &TestApp, id: &ReviewItemId) -> UnmatchedRow {
    labdesk::db::unmatched::find(&mut app.conn(), id)
        .unwrap()
        .unwrap()
}

/// The item ids of the rows of a review queue page, in order.
pub fn review_row_ids(page: &Resp) -> Vec<ReviewItemId> {
    page.body
        .split("data-item-id=\"")
        .skip(1)
        .map(|s| ReviewItemId::from_text(s.chars().take_while(|c| *c != '"').collect::<String>()))
        .collect()
}

/// The demo's review items, by the end of their control ids.
pub const QUARANTINE: &str = "Q-1001";
pub const NO_MATCH: &str = "N-1002";
pub const MISMATCH: &str = "M-1003";
pub const DEMOGRAPHICS: &str = "D-1004";

/// A demo review item by the end of its control id (e.g. `MISMATCH`).
pub fn demo_item(app: &TestApp, control: &str) -> UnmatchedRow {
    use labdesk::db::schema::unmatched_results::dsl as u;
    u::unmatched_results
        .filter(u::control_id.eq(format!("DEMO-{control}")))
        .select(UnmatchedRow::as_select())
        .first(&mut app.conn())
        .unwrap()
}

/// A lab message for an order placed by Primary Care on Quest West for Jane Doe (1990-01-01).
pub fn message(file: &str, order: &(impl AsRef<str> + ?Sized), control_id: &str) -> String {
    fill(&fixture(file), &jane(order, control_id))
}

/// Delivers a fixture for the order and checks it was attached.
pub fn delivered(app: &TestApp, file: &str, order: &OrderId) {
    let control_id = format!("{order}-{file}");
    let res = deliver(app, &message(file, order, &control_id));
    assert!(res.body.contains("attached"), "{file}: {}", res.body);
}

/// The order's page as one of the demo people sees it.
pub fn order_page(app: &TestApp, who: &str, order: &OrderId) -> Resp {
    app.login(who).get(&urls::order(&app.world.org_id, order))
}

/// Text with the entities askama writes turned back into characters.
pub fn unescape(s: &str) -> String {
    s.replace("&#60;", "<")
        .replace("&#62;", ">")
        .replace("&#43;", "+")
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&#38;", "&")
}

/// The table row of one biomarker, as HTML.
pub fn row(html: &str, name: &str) -> String {
    let cell = format!("<td>{name}</td>");
    let at = html.find(&cell).unwrap_or_else(|| panic!("no row {name}"));
    let start = html[..at].rfind("<tr").unwrap();
    let end = at + html[at..].find("</tr>").unwrap();
    html[start..end].to_string()
}
