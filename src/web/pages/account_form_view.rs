//! The lab account form: parsing what was posted and building the page that shows it again.
use std::collections::BTreeMap;

use askama::Template;

use super::{Chrome, Scope, SelectOption};
use crate::domain::account_config::AccountConfigInput;
use crate::domain::billing::{BillingType, US_STATES};
use crate::domain::ids::LabAccountId;
use crate::domain::lab::LabSlug;
use crate::domain::lab_account::DelegatedFlow;
use crate::domain::validation::FieldErrors;
use crate::web::urls;

const BILLING_PREFIX: &str = "billing:";

#[derive(Default)]
pub struct FormErrors {
    lab: Option<String>,
    provider_account_id: Option<String>,
    account_name: Option<String>,
    delegated_flow: Option<String>,
    allowed_billing: Option<String>,
    business_units: Option<String>,
    default_clinical_notes: Option<String>,
}

impl From<&FieldErrors> for FormErrors {
    fn from(e: &FieldErrors) -> Self {
        let get = |f: &str| e.for_field(f).map(str::to_string);
        FormErrors {
            lab: get("lab"),
            provider_account_id: get("provider_account_id"),
            account_name: get("account_name"),
            delegated_flow: get("delegated_flow"),
            allowed_billing: get("allowed_billing"),
            business_units: get("business_units"),
            default_clinical_notes: get("default_clinical_notes"),
        }
    }
}

pub struct BillingCell {
    name: String,
    label: String,
    checked: bool,
}

pub struct BillingRow {
    state: &'static str,
    cells: Vec<BillingCell>,
}

#[derive(Template)]
#[template(path = "lab_accounts/form.html")]
pub struct FormPage {
    chrome: Chrome,
    heading: String,
    action: String,
    back_url: String,
    submit_label: &'static str,
    version: Option<i32>,
    input: AccountConfigInput,
    errors: FormErrors,
    form_error: Option<String>,
    unsaved: Vec<(&'static str, String)>,
    lab_options: Vec<SelectOption>,
    delegation_options: Vec<SelectOption>,
    billing_columns: Vec<&'static str>,
    billing_rows: Vec<BillingRow>,
}

/// The form's fields; billing checkboxes arrive as repeated `billing:<type>=<state>` pairs.
pub fn parse_form(pairs: &[(String, String)]) -> (AccountConfigInput, Option<i32>) {
    let mut input = AccountConfigInput::default();
    let mut billing: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut version = None;
    for (k, v) in pairs {
        match k.as_str() {
            "lab" => input.lab = v.clone(),
            "provider_account_id" => input.provider_account_id = v.clone(),
            "account_name" => input.account_name = v.clone(),
            "delegated_flow" => input.delegated_flow = v.clone(),
            "business_units" => input.business_units = v.clone(),
            "default_clinical_notes" => input.default_clinical_notes = v.clone(),
            "version" => version = v.trim().parse().ok(),
            other => {
                if let Some(billing_type) = other.strip_prefix(BILLING_PREFIX) {
                    billing
                        .entry(billing_type.to_string())
                        .or_default()
                        .push(v.clone());
                }
            }
        }
    }
    input.allowed_billing = billing;
    (input, version)
}

pub struct FormState {
    pub input: AccountConfigInput,
    pub version: Option<i32>,
    pub errors: FormErrors,
    pub form_error: Option<String>,
    pub unsaved: Vec<(&'static str, String)>,
}

pub fn form_page(
    chrome: Chrome,
    scope: &Scope,
    editing: Option<&LabAccountId>,
    s: FormState,
) -> FormPage {
    let (heading, action, back_url, submit_label) = match editing {
        Some(id) => (
            "Edit lab account".to_string(),
            urls::edit_lab_account(scope, id),
            urls::lab_account(scope, id),
            "Save changes",
        ),
        None => {
            let heading = if *scope == Scope::Platform {
                "New platform-managed lab account"
            } else {
                "New lab account"
            };
            (
                heading.to_string(),
                urls::lab_accounts(scope),
                urls::lab_accounts(scope),
                "Create lab account",
            )
        }
    };
    let lab_options = LabSlug::ALL
        .iter()
        .map(|l| SelectOption::new(l.as_str(), l.display_name(), Some(s.input.lab.as_str())))
        .collect();
    let delegation_current = if s.input.delegated_flow.is_empty() {
        "not_delegated"
    } else {
        s.input.delegated_flow.as_str()
    };
    let delegation_options = DelegatedFlow::ALL
        .iter()
        .map(|d| SelectOption::new(d.as_str(), d.label(), Some(delegation_current)))
        .collect();
    let billing_rows = US_STATES
        .iter()
        .map(|state| BillingRow {
            state,
            cells: BillingType::ALL
                .iter()
                .map(|b| BillingCell {
                    name: format!("{BILLING_PREFIX}{}", b.as_str()),
                    label: format!("{} in {state}", b.label()),
                    checked: s
                        .input
                        .allowed_billing
                        .get(b.as_str())
                        .is_some_and(|v| v.iter().any(|x| x.eq_ignore_ascii_case(state))),
                })
                .collect(),
        })
        .collect();
    FormPage {
        chrome,
        heading,
        action,
        back_url,
        submit_label,
        version: s.version,
        input: s.input,
        errors: s.errors,
        form_error: s.form_error,
        unsaved: s.unsaved,
        lab_options,
        delegation_options,
        billing_columns: BillingType::ALL.iter().map(|b| b.label()).collect(),
        billing_rows,
    }
}

/// The typed values that differ from the current ones, to show next to a refused stale edit.
pub fn unsaved_changes(
    typed: &AccountConfigInput,
    current: &AccountConfigInput,
) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let mut diff = |label: &'static str, a: &str, b: &str| {
        if a.trim() != b.trim() {
            out.push((
                label,
                if a.trim().is_empty() {
                    "(empty)".to_string()
                } else {
                    a.trim().to_string()
                },
            ));
        }
    };
    diff("Lab", &typed.lab, &current.lab);
    diff(
        "Account number",
        &typed.provider_account_id,
        &current.provider_account_id,
    );
    diff("Account name", &typed.account_name, &current.account_name);
    diff("Delegation", &typed.delegated_flow, &current.delegated_flow);
    diff(
        "Business units",
        &typed.business_units,
        &current.business_units,
    );
    diff(
        "Default clinical notes",
        &typed.default_clinical_notes,
        &current.default_clinical_notes,
    );
    let fmt_billing = |b: &BTreeMap<String, Vec<String>>| {
        b.iter()
            .map(|(k, v)| format!("{k}: {}", v.join(" ")))
            .collect::<Vec<_>>()
            .join("; ")
    };
    let (tb, cb) = (
        fmt_billing(&typed.allowed_billing),
        fmt_billing(&current.allowed_billing),
    );
    diff("Allowed billing", &tb, &cb);
    out
}
