//! Reads the `POST /v3/order` body into a validated `OrderRequest`, reporting every problem with
//! its location as Junction's 422 does.
use serde_json::Value;

use crate::domain::billing::BillingType;
use crate::domain::ids::{LabAccountId, LabTestId, OrgId, PatientId, TeamId};
use crate::domain::lab::CollectionMethod;
use crate::domain::order_input::{
    unique_test_ids, validate_patient, validate_physician, OrderRequest, PatientInput,
    PhysicianInput, MAX_TESTS_PER_ORDER,
};
use crate::domain::validation::FieldErrors;
use crate::error::AppError;

struct Reader<'a> {
    body: &'a Value,
    errors: FieldErrors,
}

fn loc<'p>(path: &[&'p str]) -> Vec<&'p str> {
    let mut l = vec!["body"];
    l.extend_from_slice(path);
    l
}

impl<'a> Reader<'a> {
    fn get(&self, path: &[&str]) -> Option<&'a Value> {
        let mut v = self.body;
        for p in path {
            v = v.get(*p)?;
        }
        (!v.is_null()).then_some(v)
    }

    /// A string field ("" when absent, so required-ness is the validator's call).
    fn text(&mut self, path: &[&str]) -> String {
        match self.get(path) {
            None => String::new(),
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            Some(_) => {
                self.errors
                    .push_at(&loc(path), "Input should be a valid string", "string_type");
                String::new()
            }
        }
    }

    fn opt_text(&mut self, path: &[&str], max: usize) -> Option<String> {
        let t = self.text(path);
        if t.chars().count() > max {
            self.errors.push_at(
                &loc(path),
                format!("String should have at most {max} characters"),
                "string_too_long",
            );
        }
        let t = t.trim().to_string();
        (!t.is_empty()).then_some(t)
    }

    fn uuid<T: From<uuid::Uuid>>(&mut self, path: &[&str]) -> Option<T> {
        let t = self.text(path);
        if t.is_empty() {
            return None;
        }
        match uuid::Uuid::parse_str(t.trim()) {
            Ok(u) => Some(T::from(u)),
            Err(_) => {
                self.errors
                    .push_at(&loc(path), "Input should be a valid UUID", "uuid_parsing");
                None
            }
        }
    }

    fn enumeration<T: std::str::FromStr<Err = String>>(&mut self, path: &[&str]) -> Option<T> {
        let t = self.text(path);
        if t.is_empty() {
            return None;
        }
        match t.parse::<T>() {
            Ok(v) => Some(v),
            Err(msg) => {
                self.errors.push_at(
                    &loc(path),
                    format!("Input should be one of the allowed values: {msg}"),
                    "enum",
                );
                None
            }
        }
    }

    fn boolean(&mut self, path: &[&str]) -> bool {
        match self.get(path) {
            None => false,
            Some(Value::Bool(b)) => *b,
            Some(_) => {
                self.errors
                    .push_at(&loc(path), "Input should be a valid boolean", "bool_type");
                false
            }
        }
    }

    /// A list of at most `max` UUIDs; a longer list is refused before any item is read.
    fn uuid_list<T: From<uuid::Uuid>>(&mut self, path: &[&str], max: usize) -> Vec<T> {
        match self.get(path) {
            None => Vec::new(),
            Some(Value::Array(items)) if items.len() > max => {
                self.too_many(path, max);
                Vec::new()
            }
            Some(Value::Array(items)) => {
                let mut out = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    match item.as_str().and_then(|s| uuid::Uuid::parse_str(s).ok()) {
                        Some(u) => out.push(T::from(u)),
                        None => {
                            let idx = i.to_string();
                            let mut l = loc(path);
                            l.push(&idx);
                            self.errors
                                .push_at(&l, "Input should be a valid UUID", "uuid_parsing");
                        }
                    }
                }
                out
            }
            Some(_) => {
                self.errors
                    .push_at(&loc(path), "Input should be a valid list", "list_type");
                Vec::new()
            }
        }
    }

    fn too_many(&mut self, path: &[&str], max: usize) {
        self.errors.push_at(
            &loc(path),
            format!("List should have at most {max} items"),
            "too_long",
        );
    }

    fn string_list(&mut self, path: &[&str]) -> Option<Vec<String>> {
        match self.get(path) {
            None => None,
            Some(Value::Array(items)) if items.iter().all(Value::is_string) => Some(
                items
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect(),
            ),
            Some(_) => {
                self.errors
                    .push_at(&loc(path), "Input should be a list of strings", "list_type");
                None
            }
        }
    }

    fn object(&mut self, path: &[&str], required: bool) {
        match self.get(path) {
            None if required => self.errors.push_at(&loc(path), "Field required", "missing"),
            Some(v) if !v.is_object() => self.errors.push_at(
                &loc(path),
                "Input should be a valid dictionary or object",
                "dict_type",
            ),
            _ => {}
        }
    }
}

/// A date of birth sent as a date or as a midnight timestamp.
fn date_part(text: &str) -> String {
    text.trim().split('T').next().unwrap_or("").to_string()
}

/// The validated request; `team_id`/`org_id` come from the key. Its cost grows with the body
/// (up to the body size limit), so it runs on a blocking thread, never on an async worker.
pub fn parse(body: &[u8], team_id: &TeamId, org_id: &OrgId) -> Result<OrderRequest, AppError> {
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        let mut errors = FieldErrors::default();
        errors.push_at(&["body"], format!("JSON decode error: {e}"), "json_invalid");
        AppError::invalid(errors)
    })?;
    if !value.is_object() {
        let mut errors = FieldErrors::default();
        errors.push_at(
            &["body"],
            "Input should be a valid dictionary or object",
            "dict_type",
        );
        return Err(AppError::invalid(errors));
    }
    let mut r = Reader {
        body: &value,
        errors: FieldErrors::default(),
    };
    let user_id: Option<PatientId> = r.uuid(&["user_id"]);
    if r.get(&["user_id"]).is_none() {
        r.errors
            .push_at(&["body", "user_id"], "Field required", "missing");
    }
    r.object(&["patient_details"], true);
    r.object(&["patient_address"], true);
    let d = |f: &'static str| ["patient_details", f];
    let a = |f: &'static str| ["patient_address", f];
    let patient_input = PatientInput {
        first_name: r.text(&d("first_name")),
        last_name: r.text(&d("last_name")),
        dob: date_part(&r.text(&d("dob"))),
        gender: r.text(&d("gender")),
        phone_number: r.text(&d("phone_number")),
        email: r.text(&d("email")),
        first_line: r.text(&a("first_line")),
        second_line: r.text(&a("second_line")),
        city: r.text(&a("city")),
        state: r.text(&a("state")),
        zip: r.text(&a("zip")),
        country: r.text(&a("country")),
        receiver_name: r.text(&a("receiver_name")),
        access_notes: r.text(&a("access_notes")),
    };
    let patient = match (
        r.get(&["patient_details"]).is_some(),
        r.get(&["patient_address"]).is_some(),
    ) {
        (true, true) => validate_patient(&patient_input, chrono::Utc::now().date_naive())
            .map_err(|e| r.errors.extend(e))
            .ok(),
        _ => None,
    };
    let single: Option<LabTestId> = r.uuid(&["lab_test_id"]);
    r.object(&["order_set"], false);
    let set = r.uuid_list(&["order_set", "lab_test_ids"], MAX_TESTS_PER_ORDER);
    let test_ids = unique_test_ids(single.into_iter().chain(set));
    if test_ids.len() > MAX_TESTS_PER_ORDER {
        r.too_many(&["order_set", "lab_test_ids"], MAX_TESTS_PER_ORDER);
    }
    let top_account: Option<LabAccountId> = r.uuid(&["lab_account_id"]);
    let set_account: Option<LabAccountId> = r.uuid(&["order_set", "lab_account_id"]);
    let lab_account_id = match (top_account, set_account) {
        (Some(a), Some(b)) if a != b => {
            r.errors.push_at(
                &["body", "lab_account_id"],
                "lab_account_id and order_set.lab_account_id must be equal when both are given",
                "value_error",
            );
            None
        }
        (a, b) => a.or(b),
    };
    let billing = r
        .enumeration::<BillingType>(&["billing_type"])
        .unwrap_or(BillingType::ClientBill);
    let collection_method = r.enumeration::<CollectionMethod>(&["collection_method"]);
    r.object(&["physician"], false);
    let physician_input = PhysicianInput {
        first_name: r.text(&["physician", "first_name"]),
        last_name: r.text(&["physician", "last_name"]),
        npi: r.text(&["physician", "npi"]),
    };
    let physician = validate_physician(&physician_input)
        .map_err(|e| r.errors.extend(e))
        .ok()
        .flatten();
    let clinical_notes = r.opt_text(&["clinical_notes"], 1000);
    let priority = r.boolean(&["priority"]);
    let icd_codes = r.string_list(&["icd_codes"]);
    let passthrough = r.opt_text(&["passthrough"], 1000);
    let activate_by = r.opt_text(&["activate_by"], 40);
    if test_ids.is_empty() && r.errors.is_empty() {
        r.errors.push_at(
            &["body", "lab_test_id"],
            "Give lab_test_id or order_set.lab_test_ids",
            "missing",
        );
    }
    let errors = r.errors;
    match (user_id, patient) {
        (Some(user_id), Some(patient)) if errors.is_empty() => Ok(OrderRequest {
            team_id: team_id.clone(),
            org_id: org_id.clone(),
            user_id,
            patient,
            test_ids,
            lab_account_id,
            billing,
            collection_method,
            physician,
            clinical_notes,
            priority,
            icd_codes,
            passthrough,
            activate_by,
        }),
        _ => Err(AppError::invalid(errors)),
    }
}
