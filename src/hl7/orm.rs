//! ORM^O01 (HL7 v2.5.1): the message that tells a lab of a new order (`NW`) or of its
//! cancellation (`CA`). Where the lab account goes, so the lab bills and reports on it:
//!
//! - MSH-4 (sending facility) and ORC-21 (ordering facility, XON with the account number as its
//!   organization identifier, component 10): the lab account number, as labs identify a client;
//! - ORC-2 and OBR-2 (placer order number): labdesk's order id, which the lab's results quote back;
//! - OBR-4 (universal service id): the catalogue's test code, one OBR per test;
//! - ORC-12 and OBR-16 (ordering provider): the physician's NPI and name, or the lab account's
//!   physician network when the account orders under it;
//! - DG1: one per ICD-10 code;
//! - the billing type: `client_bill` bills the account in ORC-21 (no IN1/GT1);
//!   `patient_bill` adds GT1 with the patient as guarantor (self); `commercial_insurance` adds
//!   GT1 and an IN1 naming the patient as insured (plan details travel with the requisition).
use chrono::{NaiveDate, NaiveDateTime};

use super::escape::escape;

/// New order or cancellation (ORC-1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderControl {
    New,
    Cancel,
}

impl OrderControl {
    pub fn code(self) -> &'static str {
        match self {
            OrderControl::New => "NW",
            OrderControl::Cancel => "CA",
        }
    }
}

/// Who the lab bills (Junction's billing types).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bill {
    Client,
    Patient,
    Insurance,
}

pub struct Provider<'a> {
    pub npi: &'a str,
    pub last_name: &'a str,
    pub first_name: &'a str,
}

pub struct Patient<'a> {
    /// labdesk's patient id (PID-3).
    pub id: &'a str,
    pub last_name: &'a str,
    pub first_name: &'a str,
    pub dob: NaiveDate,
    /// F, M or U.
    pub sex: &'a str,
    pub street: &'a str,
    pub street2: &'a str,
    pub city: &'a str,
    pub state: &'a str,
    pub zip: &'a str,
    pub country: &'a str,
    pub phone: &'a str,
}

pub struct Test<'a> {
    pub code: &'a str,
    pub name: &'a str,
}

pub struct Orm<'a> {
    pub control_id: &'a str,
    pub control: OrderControl,
    /// The lab, as MSH-5/6 name it.
    pub lab: &'a str,
    pub account_number: &'a str,
    pub account_name: &'a str,
    pub placer_order_number: &'a str,
    pub at: NaiveDateTime,
    pub patient: Patient<'a>,
    pub provider: Provider<'a>,
    pub tests: Vec<Test<'a>>,
    pub icd_codes: Vec<&'a str>,
    pub bill: Bill,
    /// STAT (`S`) rather than routine (`R`).
    pub priority: bool,
    pub notes: Option<&'a str>,
}

fn ts(t: NaiveDateTime) -> String {
    t.format("%Y%m%d%H%M%S").to_string()
}

/// The message, segments separated by carriage returns.
pub fn write(m: &Orm<'_>) -> String {
    let e = escape;
    let p = &m.patient;
    let provider = format!(
        "{}^{}^{}^^^^^^NPI",
        e(m.provider.npi),
        e(m.provider.last_name),
        e(m.provider.first_name)
    );
    let facility = format!("{}^^^^^^^^^{}", e(m.account_name), e(m.account_number));
    let priority = if m.priority { "S" } else { "R" };
    let patient_name = format!("{}^{}", e(p.last_name), e(p.first_name));
    let address = format!(
        "{}^{}^{}^{}^{}^{}",
        e(p.street),
        e(p.street2),
        e(p.city),
        e(p.state),
        e(p.zip),
        e(p.country)
    );
    let mut lines = vec![
        format!(
            "MSH|^~\\&|LABDESK|{}|{}|{}|{}||ORM^O01^ORM_O01|{}|P|2.5.1",
            e(m.account_number),
            e(m.lab),
            e(m.lab),
            ts(m.at),
            e(m.control_id)
        ),
        format!(
            "PID|1||{}^^^LABDESK||{patient_name}||{}|{}|||{address}||{}",
            e(p.id),
            p.dob.format("%Y%m%d"),
            e(p.sex),
            e(p.phone)
        ),
        "PV1|1|O".to_string(),
    ];
    if m.bill != Bill::Client {
        lines.push(format!(
            "GT1|1||{patient_name}||{address}|{}|||||SEL",
            e(p.phone)
        ));
    }
    if m.bill == Bill::Insurance {
        lines.push(format!(
            "IN1|1|COMMERCIAL|||||||||||||||{patient_name}|SEL|{}|{address}",
            p.dob.format("%Y%m%d")
        ));
    }
    lines.push(format!(
        "ORC|{}|{}|||||^^^^^{priority}||{}|||{provider}|||||||||{facility}",
        m.control.code(),
        e(m.placer_order_number),
        ts(m.at)
    ));
    for (i, t) in m.tests.iter().enumerate() {
        lines.push(format!(
            "OBR|{}|{}||{}^{}^L|||{}|||||||||{provider}|||||||||||^^^^^{priority}",
            i + 1,
            e(m.placer_order_number),
            e(t.code),
            e(t.name),
            ts(m.at)
        ));
    }
    if let Some(notes) = m.notes.filter(|n| !n.trim().is_empty()) {
        lines.push(format!("NTE|1||{}", e(notes)));
    }
    for (i, code) in m.icd_codes.iter().enumerate() {
        lines.push(format!("DG1|{}||{}^^I10|||W", i + 1, e(code)));
    }
    lines.join("\r") + "\r"
}

#[cfg(test)]
#[path = "orm_tests.rs"]
mod tests;
