//! Wire objects of orders, patients and the test catalogue (API.md "Objects").
use std::borrow::Cow;

use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::{json, Value};

use super::rfc3339;
use crate::db::lab_tests::{LabRow, LabTestRow};
use crate::db::orders::OrderEvent;
use crate::db::patients::PatientRow;
use crate::domain::billing::BillingType;
use crate::domain::ids::{LabAccountId, LabTestId, OrderId, PatientId, TeamId};
use crate::domain::lab::{CollectionMethod, LabSlug, LabTestStatus, SampleType};
use crate::domain::order_status::HighStatus;
use crate::domain::result_values::Interpretation;
use crate::service::orders::OrderView;

fn json_list(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| json!([]))
}

// The objects below are written straight to the response by serde: a page of 50 orders spent
// half its CPU building and dropping `serde_json::Value` trees. Fields are in alphabetical order,
// as the `Value` maps wrote them, so the bytes do not change.

/// A JSON list stored as text (markers, collection methods, ICD codes), written as it is stored;
/// text that is not JSON is written as an empty list.
struct StoredList<'a>(&'a str);

impl serde::Serialize for StoredList<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match serde_json::from_str::<&RawValue>(self.0) {
            Ok(raw) => raw.serialize(s),
            Err(_) => Vec::<()>::new().serialize(s),
        }
    }
}

/// ClientFacingLab
#[derive(Serialize)]
struct WireLab<'a> {
    city: &'a str,
    collection_methods: StoredList<'a>,
    first_line_address: &'a str,
    id: i32,
    name: &'a str,
    sample_types: StoredList<'a>,
    slug: LabSlug,
    zipcode: &'a str,
}

impl<'a> WireLab<'a> {
    fn of(l: &'a LabRow) -> Self {
        WireLab {
            city: &l.city,
            collection_methods: StoredList(&l.collection_methods),
            first_line_address: &l.first_line_address,
            id: l.id,
            name: &l.name,
            sample_types: StoredList(&l.sample_types),
            slug: l.slug,
            zipcode: &l.zipcode,
        }
    }
}

/// ClientFacingLabTest
#[derive(Serialize)]
struct WireLabTest<'a> {
    auto_generated: bool,
    fasting: bool,
    id: &'a LabTestId,
    is_active: bool,
    is_delegated: bool,
    lab: Option<WireLab<'a>>,
    markers: StoredList<'a>,
    method: CollectionMethod,
    name: &'a str,
    price: f64,
    sample_type: SampleType,
    slug: &'a str,
    status: LabTestStatus,
}

impl<'a> WireLabTest<'a> {
    fn of(t: &'a LabTestRow, l: Option<&'a LabRow>) -> Self {
        WireLabTest {
            auto_generated: false,
            fasting: false,
            id: &t.id,
            is_active: t.status == LabTestStatus::Active,
            is_delegated: false,
            lab: l.map(WireLab::of),
            markers: StoredList(&t.markers),
            method: t.method,
            name: &t.name,
            price: t.price,
            sample_type: t.sample_type,
            slug: &t.slug,
            status: t.status,
        }
    }
}

/// ClientFacingLab
pub fn lab(l: &LabRow) -> Value {
    serde_json::to_value(WireLab::of(l)).unwrap_or(Value::Null)
}

/// ClientFacingLabTest
pub fn lab_test(t: &LabTestRow, l: Option<&LabRow>) -> Value {
    serde_json::to_value(WireLabTest::of(t, l)).unwrap_or(Value::Null)
}

/// The order's `lab_test`: the test itself, or for an order set one test that carries all markers.
#[derive(Serialize)]
#[serde(untagged)]
enum OrderLabTest<'a> {
    One(WireLabTest<'a>),
    Set(Value),
    None(Option<()>),
}

impl<'a> OrderLabTest<'a> {
    fn of(o: &'a OrderView) -> Self {
        match o.tests.as_slice() {
            [one] => OrderLabTest::One(WireLabTest::of(one, o.lab.as_ref())),
            [first, ..] => {
                let mut v = lab_test(first, o.lab.as_ref());
                v["name"] = json!(o
                    .tests
                    .iter()
                    .map(|t| t.name.as_str())
                    .collect::<Vec<_>>()
                    .join(" + "));
                v["markers"] = json!(o
                    .tests
                    .iter()
                    .flat_map(|t| json_list(&t.markers)
                        .as_array()
                        .cloned()
                        .unwrap_or_default())
                    .collect::<Vec<_>>());
                OrderLabTest::Set(v)
            }
            [] => OrderLabTest::None(None),
        }
    }
}

#[derive(Serialize)]
struct WireEvent<'a> {
    created_at: String,
    id: i32,
    status: &'a str,
}

#[derive(Serialize)]
struct WirePatientDetails<'a> {
    dob: String,
    email: &'a str,
    first_name: &'a str,
    gender: &'a str,
    last_name: &'a str,
    phone_number: &'a str,
}

#[derive(Serialize)]
struct WirePatientAddress<'a> {
    access_notes: Option<&'a str>,
    city: &'a str,
    country: &'a str,
    first_line: &'a str,
    receiver_name: Cow<'a, str>,
    second_line: Option<&'a str>,
    state: &'a str,
    zip: &'a str,
}

#[derive(Serialize)]
struct WirePhysician<'a> {
    first_name: &'a str,
    last_name: &'a str,
    npi: &'a str,
}

#[derive(Serialize)]
struct WireDetails {
    data: Option<()>,
    #[serde(rename = "type")]
    kind: CollectionMethod,
}

/// ClientFacingOrder
#[derive(Serialize)]
pub struct WireOrder<'a> {
    activate_by: Option<&'a str>,
    billing_type: BillingType,
    clinical_notes: Option<&'a str>,
    created_at: String,
    details: WireDetails,
    events: Vec<WireEvent<'a>>,
    has_abn: bool,
    has_missing_results: Option<()>,
    health_insurance_id: Option<()>,
    icd_codes: Option<StoredList<'a>>,
    id: &'a OrderId,
    interpretation: Option<Interpretation>,
    lab_account_id: &'a LabAccountId,
    lab_test: OrderLabTest<'a>,
    last_event: Option<WireEvent<'a>>,
    notes: Option<&'a str>,
    origin: &'a str,
    passthrough: Option<&'a str>,
    patient_address: WirePatientAddress<'a>,
    patient_details: WirePatientDetails<'a>,
    physician: Option<WirePhysician<'a>>,
    priority: bool,
    requisition_form_url: Option<()>,
    sample_id: Option<&'a str>,
    shipping_details: Option<()>,
    status: HighStatus,
    team_id: &'a TeamId,
    updated_at: String,
    user_id: &'a PatientId,
}

fn wire_event(e: &OrderEvent) -> WireEvent<'_> {
    WireEvent {
        created_at: rfc3339(&e.created_at),
        id: e.seq,
        status: &e.status,
    }
}

/// ClientFacingOrder, written by serde (`order` gives it as a `Value`).
pub fn wire_order(o: &OrderView) -> WireOrder<'_> {
    let r = &o.row;
    let d = &o.details;
    let a = &o.address;
    WireOrder {
        activate_by: r.activate_by.as_deref(),
        billing_type: r.billing_type,
        clinical_notes: r.clinical_notes.as_deref(),
        created_at: rfc3339(&r.created_at),
        details: WireDetails {
            data: None,
            kind: r.collection_method,
        },
        events: o.events.iter().map(wire_event).collect(),
        has_abn: false,
        has_missing_results: None,
        health_insurance_id: None,
        icd_codes: r.icd_codes.as_deref().map(StoredList),
        id: &r.id,
        interpretation: r.interpretation,
        lab_account_id: &r.lab_account_id,
        lab_test: OrderLabTest::of(o),
        last_event: o.events.last().map(wire_event),
        notes: r.notes.as_deref(),
        origin: &r.origin,
        passthrough: r.passthrough.as_deref(),
        patient_address: WirePatientAddress {
            access_notes: a.access_notes.as_deref(),
            city: &a.city,
            country: &a.country,
            first_line: &a.first_line,
            receiver_name: match &a.receiver_name {
                Some(name) => Cow::Borrowed(name.as_str()),
                None => Cow::Owned(format!("{} {}", d.first_name, d.last_name)),
            },
            second_line: a.second_line.as_deref(),
            state: &a.state,
            zip: &a.zip,
        },
        patient_details: WirePatientDetails {
            dob: format!("{}T00:00:00Z", d.dob.format("%Y-%m-%d")),
            email: &d.email,
            first_name: &d.first_name,
            gender: d.gender.as_str(),
            last_name: &d.last_name,
            phone_number: &d.phone_number,
        },
        physician: o.physician.as_ref().map(|p| WirePhysician {
            first_name: &p.first_name,
            last_name: &p.last_name,
            npi: &p.npi,
        }),
        priority: r.priority,
        requisition_form_url: None,
        sample_id: r.sample_id.as_deref(),
        shipping_details: None,
        status: r.status_high,
        team_id: &r.team_id,
        updated_at: rfc3339(&r.updated_at),
        user_id: &r.user_id,
    }
}

/// ClientFacingOrder
pub fn order(o: &OrderView) -> Value {
    serde_json::to_value(wire_order(o)).unwrap_or(Value::Null)
}

#[derive(Serialize)]
struct PostOrderResponse<'a> {
    message: &'a str,
    order: WireOrder<'a>,
    status: &'static str,
}

/// PostOrderResponse
pub fn post_order_response(o: &OrderView, message: &str) -> Value {
    serde_json::to_value(PostOrderResponse {
        message,
        order: wire_order(o),
        status: "success",
    })
    .unwrap_or(Value::Null)
}

/// PostOrderResponse, as the response body.
pub fn post_order_json(o: &OrderView, message: &str) -> Result<String, serde_json::Error> {
    serde_json::to_string(&PostOrderResponse {
        message,
        order: wire_order(o),
        status: "success",
    })
}

/// ClientFacingUser
pub fn user(p: &PatientRow) -> Value {
    json!({
        "user_id": p.id,
        "team_id": p.team_id,
        "client_user_id": p.client_user_id,
        "created_on": rfc3339(&p.created_at),
        "connected_sources": [],
        "fallback_time_zone": null,
        "fallback_birth_date": null,
        "ingestion_start": null,
        "ingestion_end": null,
    })
}
