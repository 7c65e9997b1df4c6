//! What an order needs from the person or program placing it, validated field by field. The
//! wizard's forms and `POST /v3/order` share these rules; errors carry Junction's locations.
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::billing::UsState;
use super::ids::{LabAccountId, LabTestId, OrgId, PatientId, TeamId};
use super::npi::is_valid_npi;
use super::string_enum::string_enum;
use super::validation::FieldErrors;

string_enum!(
    Gender {
        Female => "female",
        Male => "male",
        Other => "other",
        Unknown => "unknown",
    }
);

/// The patient's details and address as typed (all text, so a form can show them again).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PatientInput {
    pub first_name: String,
    pub last_name: String,
    pub dob: String,
    pub gender: String,
    pub phone_number: String,
    pub email: String,
    pub first_line: String,
    pub second_line: String,
    pub city: String,
    pub state: String,
    pub zip: String,
    pub country: String,
    pub receiver_name: String,
    pub access_notes: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatientDetails {
    pub first_name: String,
    pub last_name: String,
    pub dob: NaiveDate,
    pub gender: Gender,
    pub phone_number: String,
    pub email: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatientAddress {
    pub first_line: String,
    pub second_line: Option<String>,
    pub city: String,
    pub state: String,
    pub zip: String,
    pub country: String,
    pub receiver_name: Option<String>,
    pub access_notes: Option<String>,
}

impl PatientAddress {
    pub fn us_state(&self) -> Option<UsState> {
        UsState::parse(&self.state).ok()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Patient {
    pub details: PatientDetails,
    pub address: PatientAddress,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PhysicianInput {
    pub first_name: String,
    pub last_name: String,
    pub npi: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Physician {
    pub first_name: String,
    pub last_name: String,
    pub npi: String,
}

fn optional(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

fn required(errors: &mut FieldErrors, loc: &[&str], value: &str, max: usize) -> String {
    let v = value.trim();
    if v.is_empty() {
        errors.push_at(loc, "Field required", "missing");
    } else if v.chars().count() > max {
        errors.push_at(
            loc,
            format!("String should have at most {max} characters"),
            "string_too_long",
        );
    }
    v.to_string()
}

fn is_zip(zip: &str) -> bool {
    let b = zip.as_bytes();
    let digits = |s: &[u8]| s.iter().all(u8::is_ascii_digit);
    match b.len() {
        5 => digits(b),
        10 => digits(&b[..5]) && b[5] == b'-' && digits(&b[6..]),
        _ => false,
    }
}

/// Validates the patient part of an order; `today` bounds the date of birth.
pub fn validate_patient(input: &PatientInput, today: NaiveDate) -> Result<Patient, FieldErrors> {
    let mut e = FieldErrors::default();
    let d = |f: &'static str| ["body", "patient_details", f];
    let a = |f: &'static str| ["body", "patient_address", f];
    let first_name = required(&mut e, &d("first_name"), &input.first_name, 50);
    let last_name = required(&mut e, &d("last_name"), &input.last_name, 50);
    let dob = match NaiveDate::parse_from_str(input.dob.trim(), "%Y-%m-%d") {
        Ok(dob) if dob > today => {
            e.push_at(
                &d("dob"),
                "Date of birth cannot be in the future",
                "value_error",
            );
            None
        }
        Ok(dob) if dob < NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(dob) => {
            e.push_at(
                &d("dob"),
                "Date of birth must be after 1900-01-01",
                "value_error",
            );
            None
        }
        Ok(dob) => Some(dob),
        Err(_) if input.dob.trim().is_empty() => {
            e.push_at(&d("dob"), "Field required", "missing");
            None
        }
        Err(_) => {
            e.push_at(
                &d("dob"),
                "Input should be a valid date in the format YYYY-MM-DD",
                "date_from_datetime_parsing",
            );
            None
        }
    };
    let gender = match input.gender.trim().parse::<Gender>() {
        Ok(g) => Some(g),
        Err(_) => {
            e.push_at(
                &d("gender"),
                "Input should be 'female', 'male', 'other' or 'unknown'",
                "enum",
            );
            None
        }
    };
    let phone_number = required(&mut e, &d("phone_number"), &input.phone_number, 20);
    let digits = phone_number.chars().filter(char::is_ascii_digit).count();
    if !phone_number.is_empty()
        && (!(10..=15).contains(&digits)
            || !phone_number
                .chars()
                .all(|c| c.is_ascii_digit() || "+-() .".contains(c)))
    {
        e.push_at(
            &d("phone_number"),
            "Enter a phone number with 10 to 15 digits, e.g. +15555550100",
            "value_error",
        );
    }
    let email = required(&mut e, &d("email"), &input.email, 254);
    let email_looks_valid =
        email.contains('@') && email.rsplit('@').next().is_some_and(|h| h.contains('.'));
    if !email.is_empty() && !email_looks_valid {
        e.push_at(
            &d("email"),
            "Enter an email address like name@example.com",
            "value_error",
        );
    }
    let first_line = required(&mut e, &a("first_line"), &input.first_line, 100);
    let city = required(&mut e, &a("city"), &input.city, 60);
    let state = match UsState::parse(&input.state) {
        Ok(s) => s.as_str().to_string(),
        Err(_) if input.state.trim().is_empty() => {
            e.push_at(&a("state"), "Field required", "missing");
            String::new()
        }
        Err(msg) => {
            e.push_at(&a("state"), msg, "value_error");
            String::new()
        }
    };
    let zip = input.zip.trim().to_string();
    if zip.is_empty() {
        e.push_at(&a("zip"), "Field required", "missing");
    } else if !is_zip(&zip) {
        e.push_at(
            &a("zip"),
            "Enter a ZIP code like 12345 or 12345-6789",
            "value_error",
        );
    }
    let country = if input.country.trim().is_empty() {
        "US".to_string()
    } else {
        input.country.trim().to_uppercase()
    };
    if country != "US" {
        e.push_at(
            &a("country"),
            "Only US addresses are supported",
            "value_error",
        );
    }
    let access_notes = optional(&input.access_notes);
    if access_notes
        .as_ref()
        .is_some_and(|n| n.chars().count() > 500)
    {
        e.push_at(
            &a("access_notes"),
            "String should have at most 500 characters",
            "string_too_long",
        );
    }
    match (dob, gender) {
        (Some(dob), Some(gender)) if e.is_empty() => Ok(Patient {
            details: PatientDetails {
                first_name,
                last_name,
                dob,
                gender,
                phone_number,
                email,
            },
            address: PatientAddress {
                first_line,
                second_line: optional(&input.second_line),
                city,
                state,
                zip,
                country,
                receiver_name: optional(&input.receiver_name),
                access_notes,
            },
        }),
        _ => Err(e),
    }
}

/// A physician is optional; when any field is given all three must be valid.
pub fn validate_physician(input: &PhysicianInput) -> Result<Option<Physician>, FieldErrors> {
    if input.first_name.trim().is_empty()
        && input.last_name.trim().is_empty()
        && input.npi.trim().is_empty()
    {
        return Ok(None);
    }
    let mut e = FieldErrors::default();
    let p = |f: &'static str| ["body", "physician", f];
    let first_name = required(&mut e, &p("first_name"), &input.first_name, 50);
    let last_name = required(&mut e, &p("last_name"), &input.last_name, 50);
    let npi = input.npi.trim().to_string();
    if npi.is_empty() {
        e.push_at(&p("npi"), "Field required", "missing");
    } else if !is_valid_npi(&npi) {
        e.push_at(
            &p("npi"),
            "NPI must be 10 digits with a valid check digit",
            "value_error",
        );
    }
    e.into_result(Some(Physician {
        first_name,
        last_name,
        npi,
    }))
}

/// Clinical notes of the order, with the account's default notes joined by a newline.
pub fn join_clinical_notes(account_default: Option<&str>, order: Option<&str>) -> Option<String> {
    let parts: Vec<&str> = [account_default, order]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    (!parts.is_empty()).then(|| parts.join("\n"))
}

/// The most lab tests one order may carry. Real orders carry a handful (the largest panel
/// bundles in the catalogues labs publish stay under 30); the cap keeps what one request makes
/// the server do, and what one order stores and sends to a lab, small and predictable.
pub const MAX_TESTS_PER_ORDER: usize = 50;

/// The test ids in the order first given, each once (a set, so the cost is linear).
pub fn unique_test_ids<T: Clone + Eq + std::hash::Hash>(
    ids: impl IntoIterator<Item = T>,
) -> Vec<T> {
    let mut seen = std::collections::HashSet::new();
    ids.into_iter()
        .filter(|id| seen.insert(id.clone()))
        .collect()
}

/// A validated order request, from the wizard or the API.
#[derive(Debug, Clone)]
pub struct OrderRequest {
    pub team_id: TeamId,
    pub org_id: OrgId,
    /// The patient (the wire's `user_id`).
    pub user_id: PatientId,
    pub patient: Patient,
    pub test_ids: Vec<LabTestId>,
    pub lab_account_id: Option<LabAccountId>,
    pub billing: super::billing::BillingType,
    pub collection_method: Option<super::lab::CollectionMethod>,
    pub physician: Option<Physician>,
    pub clinical_notes: Option<String>,
    pub priority: bool,
    pub icd_codes: Option<Vec<String>>,
    pub passthrough: Option<String>,
    pub activate_by: Option<String>,
}

#[cfg(test)]
#[path = "order_input_tests.rs"]
mod tests;
