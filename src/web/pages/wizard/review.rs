//! Step 5: review, where the account can still be changed (one of another lab clears the tests),
//! and submit, which places the order through `service::drafts::submit` (eligibility checked
//! again in the transaction that inserts the order; a refusal comes back here as the step to
//! fix, with its reason).
use super::lab_tests::method_label;
use super::patient::gender_label;
use super::{step_url, value, FROM_REVIEW};
use crate::domain::eligibility::{Ineligible, Refusal};
use crate::domain::ids::LabAccountId;
use crate::domain::order_input::Gender;
use crate::domain::wizard::{account_label, Step};
use crate::service::drafts::{Draft, ReviewStep, StepInput};
use crate::web::urls;

/// Another account the order could use.
pub struct SwitchOption {
    pub id: LabAccountId,
    pub label: String,
    /// Choosing it clears the tests.
    pub other_lab: bool,
}

pub struct ReviewView {
    pub action: String,
    pub submit_url: String,
    pub patient_url: String,
    pub tests_url: String,
    pub account_url: Option<String>,
    /// Where a problem with the account is fixed (also when the wizard chose it).
    pub choose_account_url: String,
    pub billing_url: String,
    pub patient_lines: Vec<(&'static str, String)>,
    pub tests: Vec<String>,
    pub lab_name: &'static str,
    pub method: &'static str,
    pub account_label: String,
    pub account_automatic: bool,
    pub delegation: &'static str,
    pub billing_label: &'static str,
    pub physician: Option<String>,
    pub notes: Option<String>,
    pub switch_options: Vec<SwitchOption>,
    /// The account can no longer take this order as it stands (checked again at submit).
    pub problem: Option<String>,
    pub error: Option<String>,
}

fn patient_lines(draft: &Draft) -> Vec<(&'static str, String)> {
    let p = &draft.state.patient;
    let address = [
        p.first_line.trim(),
        p.second_line.trim(),
        p.city.trim(),
        &format!("{} {}", p.state.trim().to_ascii_uppercase(), p.zip.trim()),
    ]
    .iter()
    .filter(|s| !s.is_empty())
    .copied()
    .collect::<Vec<_>>()
    .join(", ");
    vec![
        (
            "Name",
            format!("{} {}", p.first_name.trim(), p.last_name.trim()),
        ),
        ("Date of birth", p.dob.trim().to_string()),
        (
            "Sex",
            p.gender
                .trim()
                .parse::<Gender>()
                .map(|g| gender_label(g).to_string())
                .unwrap_or_default(),
        ),
        ("Phone", p.phone_number.trim().to_string()),
        ("Email", p.email.trim().to_string()),
        ("Address", address),
    ]
}

/// Why the account cannot take the order as it stands, with billing types named as people read
/// them (the shared message, which the API also sends, names them by their codes).
fn problem_text(r: &Refusal, d: &ReviewStep) -> String {
    let name = d.account.display_name();
    let billing = d.billing.label().to_lowercase();
    let reason = match r {
        Refusal::Ineligible {
            reason: Ineligible::BillingNotSupported,
            ..
        } => format!("Lab account {name} does not support {billing}."),
        Refusal::Ineligible {
            reason: Ineligible::StateNotAllowed,
            ..
        } => format!(
            "Lab account {name} does not allow {billing} for patients in {}.",
            d.needs.state.as_str()
        ),
        Refusal::Ineligible {
            reason: Ineligible::PhysicianRequired,
            ..
        } => format!(
            "Lab account {name} orders through your own physicians: the order must name the ordering physician."
        ),
        other => other.message(),
    };
    format!("{reason} Choose another lab account.")
}

/// A step opened from here: saving it comes back here when nothing else has to change.
fn change_url(draft: &Draft, step: Step) -> String {
    format!("{}?from={FROM_REVIEW}", step_url(draft, step))
}

pub fn view(draft: &Draft, d: ReviewStep) -> ReviewView {
    let problem = d.problem.as_ref().map(|r| problem_text(r, &d));
    let notes = draft.state.clinical_notes.trim();
    ReviewView {
        action: step_url(draft, Step::Review),
        submit_url: urls::submit_draft(&draft.org_id, &draft.id),
        patient_url: change_url(draft, Step::Patient),
        tests_url: change_url(draft, Step::Tests),
        account_url: draft
            .state
            .shows_account_step()
            .then(|| change_url(draft, Step::Account)),
        choose_account_url: change_url(draft, Step::Account),
        billing_url: change_url(draft, Step::Billing),
        patient_lines: patient_lines(draft),
        method: d
            .tests
            .first()
            .map(|t| method_label(t.method))
            .unwrap_or(""),
        tests: d.tests.into_iter().map(|t| t.name).collect(),
        lab_name: d.needs.lab.display_name(),
        account_label: account_label(&d.account),
        account_automatic: draft.state.account.as_ref().is_some_and(|a| a.automatic),
        delegation: d.account.delegated_flow.label(),
        billing_label: d.billing.label(),
        physician: d
            .physician
            .map(|p| format!("{} {} (NPI {})", p.first_name, p.last_name, p.npi)),
        notes: (!notes.is_empty()).then(|| notes.to_string()),
        switch_options: d
            .switch_choices
            .into_iter()
            .map(|c| SwitchOption {
                label: format!(
                    "{} ({})",
                    account_label(&c.account),
                    c.account.lab.display_name()
                ),
                id: c.account.id,
                other_lab: c.other_lab,
            })
            .collect(),
        problem,
        error: d.error,
    }
}

/// Another account chosen (`account_id`).
pub fn read(form: &[(String, String)]) -> StepInput {
    StepInput::Review(LabAccountId::from_text(value(form, "account_id").trim()))
}
