//! The JSON form of a delivery (the same content as an ORU message), and the summary of a parsed
//! message kept on review-queue items.
use serde::Deserialize;
use serde_json::error::Category;
use serde_json::{json, Value};

use crate::domain::result_values::ResultStatus;
use crate::hl7::oru::{Observation, OruMessage, OruOrder, OruPatient};
use crate::hl7::refusal::Refusal;
use crate::hl7::time::{parse_date, parse_datetime};

#[derive(Deserialize)]
struct JsonPatient {
    last_name: Option<String>,
    first_name: Option<String>,
    dob: Option<String>,
    sex: Option<String>,
    id: Option<String>,
}

#[derive(Deserialize)]
struct JsonObservation {
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    value: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    reference_range: String,
    #[serde(default)]
    flags: Vec<String>,
    #[serde(default)]
    value_type: Option<String>,
    #[serde(default)]
    loinc: bool,
}

#[derive(Deserialize)]
struct JsonDelivery {
    message_control_id: String,
    account_number: String,
    placer_order_number: Option<String>,
    filler_order_number: Option<String>,
    status: String,
    patient: JsonPatient,
    collected_at: Option<String>,
    reported_at: Option<String>,
    #[serde(default)]
    observations: Vec<JsonObservation>,
}

/// Dates in the JSON form are ISO (`1990-01-01`, `2026-11-30T10:00:00Z`) or HL7 (`19900101`).
fn date_time(text: &str) -> Option<chrono::NaiveDateTime> {
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|d| d.naive_utc())
        .ok()
        .or_else(|| {
            chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
        })
        .or_else(|| parse_datetime(text))
}

/// Reads the JSON form, refusing with a reason like the HL7 reader does (the lab's sentence may
/// quote what was sent; the audit form does not).
pub fn read_json(body: &[u8]) -> Result<OruMessage, Refusal> {
    let d: JsonDelivery = serde_json::from_slice(body).map_err(|e| {
        let kind = match e.classify() {
            Category::Data => "does not match the delivery format",
            Category::Syntax | Category::Eof | Category::Io => "not valid JSON",
        };
        Refusal::new("body", kind, format!("the JSON delivery is not valid: {e}"))
    })?;
    if d.message_control_id.trim().is_empty() {
        return Err(Refusal::new(
            "message_control_id",
            "missing",
            "message_control_id is missing",
        ));
    }
    let status = match d.status.as_str() {
        "partial" => ResultStatus::Preliminary,
        "final" => ResultStatus::Final,
        "corrected" => ResultStatus::Corrected,
        other => {
            return Err(Refusal::new(
                "status",
                "not partial, final or corrected",
                format!("status {other:?} is not one of partial, final, corrected"),
            ))
        }
    };
    let dob = match d.patient.dob.as_deref() {
        None | Some("") => None,
        Some(t) => Some(
            chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d")
                .ok()
                .or_else(|| parse_date(t))
                .ok_or_else(|| {
                    Refusal::new(
                        "patient.dob",
                        "not a date",
                        format!("patient.dob {t:?} is not a date (YYYY-MM-DD)"),
                    )
                })?,
        ),
    };
    let time = |field: &'static str,
                v: &Option<String>|
     -> Result<Option<chrono::NaiveDateTime>, Refusal> {
        match v.as_deref() {
            None | Some("") => Ok(None),
            Some(t) => date_time(t).map(Some).ok_or_else(|| {
                Refusal::new(
                    field,
                    "not a date/time",
                    format!("{field} {t:?} is not a date/time"),
                )
            }),
        }
    };
    let collected_at = time("collected_at", &d.collected_at)?;
    let reported_at = time("reported_at", &d.reported_at)?;
    Ok(OruMessage {
        version: "json".into(),
        control_id: d.message_control_id,
        sending_application: String::new(),
        sending_facility: String::new(),
        receiving_application: String::new(),
        receiving_facility: d.account_number,
        sent_at: reported_at,
        patient: OruPatient {
            last_name: d.patient.last_name,
            first_name: d.patient.first_name,
            dob,
            sex: d.patient.sex,
            id: d.patient.id,
        },
        orders: vec![OruOrder {
            placer_order_number: d.placer_order_number,
            filler_order_number: d.filler_order_number,
            service_code: String::new(),
            service_name: String::new(),
            status: Some(status),
            collected_at,
            reported_at,
            observations: d
                .observations
                .into_iter()
                .enumerate()
                .map(|(i, o)| Observation {
                    set_id: (i + 1).to_string(),
                    value_type: o.value_type.unwrap_or_else(|| {
                        if o.value.trim().parse::<f64>().is_ok() {
                            "NM".into()
                        } else {
                            "ST".into()
                        }
                    }),
                    coding_system: if o.loinc { "LN".into() } else { String::new() },
                    code: o.code,
                    name: o.name,
                    value: o.value,
                    units: o.unit,
                    reference_range: o.reference_range,
                    abnormal_flags: o.flags,
                    status: Some(status),
                    missing: false,
                    observed_at: collected_at,
                })
                .collect(),
        }],
    })
}

/// What reviewers compare with the candidate order.
pub fn parsed_summary(m: &OruMessage) -> Value {
    json!({
        "control_id": m.control_id,
        "account_number": m.receiving_facility,
        "placer_order_number": m.placer_order_number(),
        "filler_order_number": m.orders.first().and_then(|o| o.filler_order_number.clone()),
        "status": m.status().as_str(),
        "patient": {
            "last_name": m.patient.last_name,
            "first_name": m.patient.first_name,
            "dob": m.patient.dob.map(|d| d.format("%Y-%m-%d").to_string()),
            "sex": m.patient.sex,
        },
        "observations": m.orders.iter().flat_map(|o| o.observations.iter()).map(|o| json!({
            "code": o.code, "name": o.name, "value": o.value, "unit": o.units, "reference_range": o.reference_range, "flags": o.abnormal_flags,
        })).collect::<Vec<_>>(),
    })
}
