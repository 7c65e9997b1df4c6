//! What result matching needs from an ORU^R01 message, or the reason it cannot be used.
use chrono::{NaiveDate, NaiveDateTime};

use super::message::{self, Delimiters, Message, Segment};
use super::refusal::Refusal;
use super::time::{parse_date, parse_datetime};
use crate::domain::result_values::ResultStatus;

pub const SUPPORTED_VERSIONS: [&str; 5] = ["2.3", "2.3.1", "2.4", "2.5", "2.5.1"];

/// The result status an OBR-25 / OBX-11 code stands for.
fn status_of_code(code: &str) -> Option<ResultStatus> {
    match code.trim() {
        "P" | "I" | "S" | "A" | "R" => Some(ResultStatus::Preliminary),
        "F" => Some(ResultStatus::Final),
        "C" => Some(ResultStatus::Corrected),
        _ => None,
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    pub set_id: String,
    pub value_type: String,
    pub code: String,
    pub name: String,
    pub coding_system: String,
    pub value: String,
    pub units: String,
    pub reference_range: String,
    pub abnormal_flags: Vec<String>,
    pub status: Option<ResultStatus>,
    /// OBX-11 `X`: the lab could not obtain this result (it is listed as missing, not as a value).
    pub missing: bool,
    pub observed_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OruOrder {
    /// ORC-2 or OBR-2: the order number labdesk gave the lab.
    pub placer_order_number: Option<String>,
    /// OBR-3 or ORC-3: the lab's accession number.
    pub filler_order_number: Option<String>,
    pub service_code: String,
    pub service_name: String,
    pub status: Option<ResultStatus>,
    pub collected_at: Option<NaiveDateTime>,
    pub reported_at: Option<NaiveDateTime>,
    pub observations: Vec<Observation>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OruPatient {
    pub last_name: Option<String>,
    pub first_name: Option<String>,
    pub dob: Option<NaiveDate>,
    pub sex: Option<String>,
    pub id: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OruMessage {
    pub version: String,
    pub control_id: String,
    pub sending_application: String,
    pub sending_facility: String,
    pub receiving_application: String,
    /// MSH-6: the account number at the lab.
    pub receiving_facility: String,
    pub sent_at: Option<NaiveDateTime>,
    pub patient: OruPatient,
    pub orders: Vec<OruOrder>,
}

impl OruMessage {
    /// The status of the message as a whole: corrected if any order is, else partial if any is,
    /// else final.
    pub fn status(&self) -> ResultStatus {
        let statuses: Vec<ResultStatus> = self
            .orders
            .iter()
            .flat_map(|o| {
                o.status
                    .into_iter()
                    .chain(o.observations.iter().filter_map(|x| x.status))
            })
            .collect();
        if statuses.contains(&ResultStatus::Corrected) {
            ResultStatus::Corrected
        } else if statuses.contains(&ResultStatus::Preliminary) || statuses.is_empty() {
            ResultStatus::Preliminary
        } else {
            ResultStatus::Final
        }
    }

    /// The placer order number of the first order that has one.
    pub fn placer_order_number(&self) -> Option<&str> {
        self.orders
            .iter()
            .find_map(|o| o.placer_order_number.as_deref())
    }
}

fn non_empty(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

fn optional_time(seg: &Segment, d: &Delimiters, n: usize) -> Option<NaiveDateTime> {
    parse_datetime(&seg.component(d, n, 1))
}

/// Reads one message. Refusals say what is wrong in words a lab's interface analyst can act on,
/// and separately (for the audit log) where and what kind, without the values sent.
pub fn read(text: &str) -> Result<OruMessage, Refusal> {
    let m: Message = message::parse(text)?;
    let d = &m.delimiters;
    let msh = m.first("MSH").ok_or_else(|| {
        Refusal::new(
            "MSH",
            "missing or not first",
            "the message must start with an MSH segment",
        )
    })?;
    if msh.field_count() < 12 {
        return Err(Refusal::new(
            "MSH",
            "truncated",
            format!(
                "the MSH segment is truncated: it has {} fields, and MSH-9 to MSH-12 are required",
                msh.field_count()
            ),
        ));
    }
    let kind = (msh.component(d, 9, 1), msh.component(d, 9, 2));
    if kind != ("ORU".to_string(), "R01".to_string()) {
        return Err(Refusal::new(
            "MSH-9",
            "not ORU^R01",
            format!(
                "MSH-9 message type is {}^{}; only ORU^R01 results are accepted",
                kind.0, kind.1
            ),
        ));
    }
    let version = msh.component(d, 12, 1);
    if !SUPPORTED_VERSIONS.contains(&version.as_str()) {
        return Err(Refusal::new(
            "MSH-12",
            "version not supported",
            format!("MSH-12 version {version:?} is not supported; send 2.3 to 2.5.1"),
        ));
    }
    let control_id = msh.component(d, 10, 1);
    if control_id.is_empty() {
        return Err(Refusal::new(
            "MSH-10",
            "missing",
            "MSH-10 message control id is missing",
        ));
    }
    let sent_raw = msh.component(d, 7, 1);
    let sent_at = match sent_raw.as_str() {
        "" => None,
        raw => Some(parse_datetime(raw).ok_or_else(|| {
            Refusal::new(
                "MSH-7",
                "not a date/time",
                format!("MSH-7 date/time {raw:?} is not a valid HL7 date"),
            )
        })?),
    };
    let missing = |id: &'static str, message: &'static str| {
        let at = m.segments.iter().position(|s| s.id == id);
        at.ok_or_else(|| Refusal::new(id, "missing segment", message))
    };
    let pid_at = missing("PID", "missing PID segment")?;
    let first_obr = missing("OBR", "missing OBR segment")?;
    if first_obr < pid_at {
        return Err(Refusal::new(
            "OBR",
            "comes before PID",
            format!(
                "segment order: OBR (segment {}) comes before PID (segment {})",
                first_obr + 1,
                pid_at + 1
            ),
        )
        .in_segment(first_obr + 1));
    }
    let pid = &m.segments[pid_at];
    let dob_raw = pid.component(d, 7, 1);
    let dob = match dob_raw.as_str() {
        "" => None,
        raw => Some(parse_date(raw).ok_or_else(|| {
            Refusal::new(
                "PID-7",
                "not a date",
                format!("PID-7 date of birth {raw:?} is not a valid HL7 date (YYYYMMDD)"),
            )
        })?),
    };
    // PID-5 may repeat; the first repetition with a family name is the patient's name.
    let names = pid.repetitions(d, 5);
    let name = names
        .iter()
        .find(|n| n.first().is_some_and(|f| !f.is_empty()));
    let patient = OruPatient {
        last_name: name.and_then(|n| n.first().cloned()).and_then(non_empty),
        first_name: name.and_then(|n| n.get(1).cloned()).and_then(non_empty),
        dob,
        sex: non_empty(pid.component(d, 8, 1)),
        id: non_empty(pid.component(d, 3, 1)),
    };

    let mut orders: Vec<OruOrder> = Vec::new();
    let mut pending_orc: Option<&Segment> = None;
    for seg in &m.segments {
        match seg.id.as_str() {
            "ORC" => pending_orc = Some(seg),
            "OBR" => {
                let orc = pending_orc;
                let from =
                    |s: Option<&Segment>, n| s.map(|s| s.component(d, n, 1)).unwrap_or_default();
                let placer = non_empty(from(orc, 2)).or_else(|| non_empty(seg.component(d, 2, 1)));
                let filler = non_empty(seg.component(d, 3, 1)).or_else(|| non_empty(from(orc, 3)));
                orders.push(OruOrder {
                    placer_order_number: placer,
                    filler_order_number: filler,
                    service_code: seg.component(d, 4, 1),
                    service_name: seg.component(d, 4, 2),
                    status: status_of_code(&seg.component(d, 25, 1)),
                    collected_at: optional_time(seg, d, 7),
                    reported_at: optional_time(seg, d, 22),
                    observations: Vec::new(),
                });
            }
            "OBX" => {
                let order = orders.last_mut().ok_or_else(|| {
                    Refusal::new(
                        "OBX",
                        "not inside an OBR group",
                        format!(
                            "segment order: OBX (segment {}) is not inside an OBR group",
                            seg.line
                        ),
                    )
                    .in_segment(seg.line)
                })?;
                order.observations.push(Observation {
                    set_id: seg.component(d, 1, 1),
                    value_type: seg.component(d, 2, 1),
                    code: seg.component(d, 3, 1),
                    name: seg.component(d, 3, 2),
                    coding_system: seg.component(d, 3, 3),
                    value: observation_value(seg, d),
                    units: seg.component(d, 6, 1),
                    reference_range: seg.component(d, 7, 1),
                    abnormal_flags: seg
                        .repetitions(d, 8)
                        .into_iter()
                        .filter_map(|r| r.into_iter().next())
                        .filter(|f| !f.is_empty())
                        .collect(),
                    status: status_of_code(&seg.component(d, 11, 1)),
                    missing: seg.component(d, 11, 1).trim() == "X",
                    observed_at: optional_time(seg, d, 14),
                });
            }
            _ => {}
        }
    }
    Ok(OruMessage {
        version,
        control_id,
        sending_application: msh.component(d, 3, 1),
        sending_facility: msh.component(d, 4, 1),
        receiving_application: msh.component(d, 5, 1),
        receiving_facility: msh.component(d, 6, 1),
        sent_at,
        patient,
        orders,
    })
}

/// OBX-5 as text: numbers as sent, structured values (SN `>^4`, CWE `code^text`) in a readable form.
fn observation_value(seg: &Segment, d: &Delimiters) -> String {
    let reps = seg.repetitions(d, 5);
    let Some(first) = reps.first() else {
        return String::new();
    };
    match seg.component(d, 2, 1).as_str() {
        "SN" => first
            .iter()
            .filter(|c| !c.is_empty())
            .cloned()
            .collect::<Vec<_>>()
            .join(""),
        "CE" | "CWE" | "CNE" => reps
            .iter()
            .map(|r| {
                r.get(1)
                    .filter(|t| !t.is_empty())
                    .or(r.first())
                    .cloned()
                    .unwrap_or_default()
            })
            .collect::<Vec<_>>()
            .join("; "),
        _ => seg.text(d, 5),
    }
}

#[cfg(test)]
#[path = "oru_tests.rs"]
mod tests;
