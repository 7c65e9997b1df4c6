//! Wire objects of orders, patients and the test catalogue (API.md "Objects").
use serde_json::{json, Value};

use super::wire::rfc3339;
use crate::db::lab_tests::{LabRow, LabTestRow};
use crate::db::patients::PatientRow;
use crate::domain::lab::LabTestStatus;
use crate::service::orders::OrderView;

fn json_list(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| json!([]))
}

/// ClientFacingLab
pub fn lab(l: &LabRow) -> Value {
    json!({
        "id": l.id,
        "slug": l.slug,
        "name": l.name,
        "first_line_address": l.first_line_address,
        "city": l.city,
        "zipcode": l.zipcode,
        "collection_methods": json_list(&l.collection_methods),
        "sample_types": json_list(&l.sample_types),
    })
}

/// ClientFacingLabTest
pub fn lab_test(t: &LabTestRow, l: Option<&LabRow>) -> Value {
    json!({
        "id": t.id,
        "slug": t.slug,
        "name": t.name,
        "sample_type": t.sample_type,
        "method": t.method,
        "price": t.price,
        "is_active": t.status == LabTestStatus::Active,
        "status": t.status,
        "fasting": false,
        "lab": l.map(lab),
        "markers": json_list(&t.markers),
        "is_delegated": false,
        "auto_generated": false,
    })
}

/// The order's `lab_test`: the test itself, or for an order set one test that carries all markers.
fn order_lab_test(o: &OrderView) -> Value {
    match o.tests.as_slice() {
        [one] => lab_test(one, o.lab.as_ref()),
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
            v
        }
        [] => Value::Null,
    }
}

/// ClientFacingOrder
pub fn order(o: &OrderView) -> Value {
    let r = &o.row;
    let events: Vec<Value> = o
        .events
        .iter()
        .map(|e| json!({"id": e.seq, "created_at": rfc3339(&e.created_at), "status": e.status}))
        .collect();
    let d = &o.details;
    let a = &o.address;
    json!({
        "id": r.id,
        "user_id": r.user_id,
        "team_id": r.team_id,
        "patient_details": {
            "first_name": d.first_name,
            "last_name": d.last_name,
            "dob": format!("{}T00:00:00Z", d.dob.format("%Y-%m-%d")),
            "gender": d.gender.as_str(),
            "phone_number": d.phone_number,
            "email": d.email,
        },
        "patient_address": {
            "receiver_name": a.receiver_name.clone().unwrap_or_else(|| format!("{} {}", d.first_name, d.last_name)),
            "first_line": a.first_line,
            "second_line": a.second_line,
            "city": a.city,
            "state": a.state,
            "zip": a.zip,
            "country": a.country,
            "access_notes": a.access_notes,
        },
        "lab_test": order_lab_test(o),
        "details": {"type": r.collection_method, "data": null},
        "sample_id": r.sample_id,
        "notes": r.notes,
        "clinical_notes": r.clinical_notes,
        "created_at": rfc3339(&r.created_at),
        "updated_at": rfc3339(&r.updated_at),
        "events": events,
        "last_event": events.last().cloned().unwrap_or(Value::Null),
        "status": r.status_high,
        "physician": o.physician.as_ref().map(|p| json!({"first_name": p.first_name, "last_name": p.last_name, "npi": p.npi})),
        "health_insurance_id": null,
        "requisition_form_url": null,
        "priority": r.priority,
        "shipping_details": null,
        "activate_by": r.activate_by,
        "passthrough": r.passthrough,
        "billing_type": r.billing_type,
        "icd_codes": r.icd_codes.as_deref().map(json_list),
        "has_abn": false,
        "interpretation": r.interpretation,
        "has_missing_results": null,
        "origin": r.origin,
        "lab_account_id": r.lab_account_id,
    })
}

/// PostOrderResponse
pub fn post_order_response(o: &OrderView, message: &str) -> Value {
    json!({"order": order(o), "status": "success", "message": message})
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
