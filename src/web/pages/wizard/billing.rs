//! Step 4: billing. Only the billing types the account allows in the patient's state, and the
//! ordering physician when the account's delegation needs one.
use super::{step_url, value};
use crate::domain::billing::BillingType;
use crate::domain::order_input::PhysicianInput;
use crate::domain::wizard::words::plain_error;
use crate::domain::wizard::{account_label, BillingInput, Step};
use crate::service::drafts::{BillingStep, Draft, StepInput};

pub struct BillingChoice {
    pub value: &'static str,
    pub label: &'static str,
    pub checked: bool,
}

#[derive(Default)]
pub struct BillingErrors {
    pub billing_type: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub npi: Option<String>,
    pub clinical_notes: Option<String>,
    /// (id of the input, message), in the form's order.
    pub summary: Vec<(&'static str, String)>,
}

pub struct BillingView {
    pub action: String,
    pub account_label: String,
    pub delegation: &'static str,
    pub state: String,
    pub choices: Vec<BillingChoice>,
    pub requires_physician: bool,
    pub physician: PhysicianInput,
    pub clinical_notes: String,
    pub errors: BillingErrors,
}

pub fn view(draft: &Draft, d: BillingStep) -> BillingView {
    let BillingStep {
        account,
        options,
        input,
        errors,
    } = d;
    let chosen = input.billing_type.trim().parse::<BillingType>().ok();
    let only = (options.len() == 1).then(|| options[0]);
    let get = |f: &str| {
        errors
            .as_ref()
            .and_then(|e| {
                e.0.iter()
                    .find(|x| x.loc.last().map(String::as_str) == Some(f))
            })
            .map(plain_error)
    };
    let summary = [
        ("billing_type", "billing_type"),
        ("first_name", "physician_first_name"),
        ("last_name", "physician_last_name"),
        ("npi", "physician_npi"),
        ("clinical_notes", "clinical_notes"),
    ]
    .into_iter()
    .filter_map(|(field, input)| get(field).map(|m| (input, m)))
    .collect();
    BillingView {
        action: step_url(draft, Step::Billing),
        account_label: account_label(&account),
        delegation: account.delegated_flow.label(),
        state: draft.state.patient.state.trim().to_ascii_uppercase(),
        choices: options
            .iter()
            .map(|b| BillingChoice {
                value: b.as_str(),
                label: b.label(),
                checked: chosen.or(only) == Some(*b),
            })
            .collect(),
        requires_physician: account.delegated_flow.requires_physician(),
        physician: input.physician,
        clinical_notes: input.clinical_notes,
        errors: BillingErrors {
            billing_type: get("billing_type"),
            first_name: get("first_name"),
            last_name: get("last_name"),
            npi: get("npi"),
            clinical_notes: get("clinical_notes"),
            summary,
        },
    }
}

/// The billing form as typed; the physician's fields count only for an account that needs one.
pub fn read(form: &[(String, String)]) -> StepInput {
    StepInput::Billing(BillingInput {
        billing_type: value(form, "billing_type").to_string(),
        physician: PhysicianInput {
            first_name: value(form, "physician_first_name").to_string(),
            last_name: value(form, "physician_last_name").to_string(),
            npi: value(form, "physician_npi").to_string(),
        },
        clinical_notes: value(form, "clinical_notes").to_string(),
    })
}
