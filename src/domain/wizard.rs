//! The order wizard's state (kept as JSON in `order_drafts`) and the rules of moving through it:
//! which step comes next, what a change undoes, what the account and billing steps offer. Plain
//! functions over plain data; the pages only load, call these, save and render.
use serde::{Deserialize, Serialize};

use super::billing::{BillingType, UsState};
use super::eligibility::{self, Ineligible, OrderNeeds};
use super::ids::{LabAccountId, LabTestId, OrgId, PatientId, TeamId};
use super::lab::LabSlug;
use super::lab_account::LabAccount;
use super::order_input::{validate_physician, PatientInput, Physician, PhysicianInput};
use super::string_enum::string_enum;
use super::validation::FieldErrors;

string_enum!(
    Step {
        Patient => "patient",
        Tests => "tests",
        Account => "account",
        Billing => "billing",
        Review => "review",
    }
);

impl Step {
    pub fn label(self) -> &'static str {
        match self {
            Step::Patient => "Patient",
            Step::Tests => "Tests",
            Step::Account => "Lab account",
            Step::Billing => "Billing",
            Step::Review => "Review",
        }
    }

    fn index(self) -> usize {
        Step::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }

    fn after(self) -> Step {
        Step::ALL
            .get(self.index() + 1)
            .copied()
            .unwrap_or(Step::Review)
    }
}

/// The account the order will use, and whether the wizard chose it (the only eligible one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChosenAccount {
    pub id: LabAccountId,
    pub lab: LabSlug,
    pub automatic: bool,
}

/// Everything the wizard has saved so far. Unknown or missing fields read as empty, so a draft
/// saved by an older version still opens.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DraftState {
    /// The name last searched for on the patient step (kept here, not in the URL: no patient
    /// data in URLs).
    pub patient_query: String,
    /// A patient of the Team picked from the search.
    pub existing_patient_id: Option<PatientId>,
    /// The patient this draft created for a new person; reused if the details are typed again.
    pub created_patient_id: Option<PatientId>,
    pub patient: PatientInput,
    /// The patient details were valid when saved.
    pub patient_done: bool,
    pub test_ids: Vec<LabTestId>,
    /// The lab of the saved tests.
    pub lab: Option<LabSlug>,
    pub account: Option<ChosenAccount>,
    pub billing_type: Option<BillingType>,
    pub physician: PhysicianInput,
    pub clinical_notes: String,
    pub billing_done: bool,
    /// Shown on the tests step until tests are chosen again (e.g. cleared by a change of lab).
    pub tests_notice: Option<String>,
    /// Shown on the account step until an account is chosen again (e.g. refused at submit).
    pub account_notice: Option<String>,
    /// A step was changed from the review step: "Continue" goes back there as soon as nothing
    /// else has to change, instead of through every step after it.
    pub return_to_review: bool,
}

impl DraftState {
    pub fn from_json(text: &str) -> Result<DraftState, String> {
        serde_json::from_str(text).map_err(|e| format!("unreadable draft: {e}"))
    }

    pub fn to_json(&self) -> String {
        // A struct of strings, lists and options always serializes.
        serde_json::to_string(self).unwrap_or_else(|_| "{}".to_string())
    }

    /// The patient the order is for, once their details are saved.
    pub fn patient_id(&self) -> Option<&PatientId> {
        if !self.patient_done {
            return None;
        }
        self.existing_patient_id
            .as_ref()
            .or(self.created_patient_id.as_ref())
    }

    /// The saved patient's state, which decides the accounts and billing types on offer.
    pub fn patient_state(&self) -> Option<UsState> {
        self.patient_done
            .then(|| UsState::parse(&self.patient.state).ok())
            .flatten()
    }

    /// An existing patient was picked: their last known details prefill the form.
    pub fn pick_patient(&mut self, id: &PatientId, details: PatientInput) {
        self.existing_patient_id = Some(id.clone());
        self.replace_patient(details, false);
    }

    /// Starts over with a new patient (a patient this draft already created is reused).
    pub fn start_new_patient(&mut self) {
        self.existing_patient_id = None;
        self.replace_patient(PatientInput::default(), false);
    }

    /// Saves validated details. A new state can change the eligible accounts and billing types,
    /// so the account is chosen again.
    pub fn save_patient(&mut self, details: PatientInput) {
        self.replace_patient(details, true);
    }

    fn replace_patient(&mut self, details: PatientInput, done: bool) {
        let before = self.patient_state();
        self.patient = details;
        self.patient_done = done;
        if done && before.is_some() && before != self.patient_state() {
            self.account = None;
            self.billing_done = false;
        }
    }

    pub fn set_created_patient(&mut self, id: &PatientId) {
        self.created_patient_id = Some(id.clone());
    }

    /// Saves checked tests. Tests of another lab than the chosen account's undo the account.
    pub fn set_tests(&mut self, test_ids: Vec<LabTestId>, lab: LabSlug) {
        self.test_ids = test_ids;
        self.lab = Some(lab);
        self.tests_notice = None;
        if self.account.as_ref().is_some_and(|a| a.lab != lab) {
            self.account = None;
            self.billing_done = false;
        }
    }

    /// Chooses an account. One of another lab than the tests clears the tests, with a notice
    /// saying why; one of the same lab keeps them. Returns whether the tests were cleared.
    pub fn choose_account(&mut self, account: &LabAccount, automatic: bool) -> bool {
        let same = self.account.as_ref().is_some_and(|a| a.id == account.id);
        if !same {
            self.billing_done = false;
        }
        self.account = Some(ChosenAccount {
            id: account.id.clone(),
            lab: account.lab,
            automatic,
        });
        self.account_notice = None;
        let other_lab = self.lab.is_some_and(|lab| lab != account.lab);
        if other_lab && !self.test_ids.is_empty() {
            self.test_ids.clear();
            self.lab = None;
            self.tests_notice = Some(format!(
                "Your tests were cleared: {} is a {} account. Choose {} tests.",
                account_label(account),
                account.lab.display_name(),
                account.lab.display_name()
            ));
            return true;
        }
        false
    }

    /// The account can no longer take the order (found at submit, or on the review page):
    /// the user is sent back to choose again, with the reason.
    pub fn refuse_account(&mut self, reason: String) {
        self.account = None;
        self.account_notice = Some(reason);
    }

    /// The tests can no longer be ordered (found at submit): choose them again, with the reason.
    pub fn refuse_tests(&mut self, reason: String) {
        self.test_ids.clear();
        self.lab = None;
        self.tests_notice = Some(reason);
    }

    pub fn save_billing(&mut self, billing: BillingType, physician: PhysicianInput, notes: String) {
        self.billing_type = Some(billing);
        self.physician = physician;
        self.clinical_notes = notes;
        self.billing_done = true;
    }

    /// The first step that still needs something.
    pub fn first_incomplete(&self) -> Step {
        if self.patient_id().is_none() {
            Step::Patient
        } else if self.test_ids.is_empty() || self.lab.is_none() {
            Step::Tests
        } else if self.account.is_none() {
            Step::Account
        } else if !self.billing_done {
            Step::Billing
        } else {
            Step::Review
        }
    }

    /// The step to show when `wanted` is asked for: a later step than the first incomplete one
    /// would show half a draft, so it becomes the first incomplete one.
    pub fn reachable(&self, wanted: Step) -> Step {
        let first = self.first_incomplete();
        if wanted.index() <= first.index() {
            wanted
        } else {
            first
        }
    }

    /// Where "Continue" on `step` leads: the next step, or an earlier one still incomplete. A
    /// change made from the review step leads to the first step that still needs something,
    /// which is the review step itself when the change undid nothing.
    pub fn next_after(&self, step: Step) -> Step {
        if self.return_to_review {
            self.first_incomplete()
        } else {
            self.reachable(step.after())
        }
    }

    /// Arriving at `step` after a save: the way back to review is done once there.
    pub fn arrive(&mut self, step: Step) {
        if step == Step::Review {
            self.return_to_review = false;
        }
    }

    /// After the account changed on the way back to review: the billing saved before still
    /// holds when the new account allows its type and, if it orders through the customer's
    /// physicians, one is saved. Otherwise billing is asked for again.
    pub fn keep_billing(&mut self, allowed: &[BillingType], requires_physician: bool) {
        if !self.return_to_review || self.billing_done {
            return;
        }
        let type_allowed = self.billing_type.is_some_and(|b| allowed.contains(&b));
        let physician_ok = match requires_physician {
            true => matches!(validate_physician(&self.physician), Ok(Some(_))),
            false => true,
        };
        if type_allowed && physician_ok {
            if !requires_physician {
                self.physician = PhysicianInput::default();
            }
            self.billing_done = true;
        }
    }

    /// Whether the progress bar lists the account step (not when the wizard chose the account).
    pub fn shows_account_step(&self) -> bool {
        self.account.as_ref().is_none_or(|a| !a.automatic)
    }
}

/// "Quest West, 97500001": how the wizard names an account.
pub fn account_label(a: &LabAccount) -> String {
    format!("{}, {}", a.display_name(), a.provider_account_id)
}

/// What the account step asks of an account: the billing type is chosen after it (any type the
/// account allows in the patient's state qualifies), and the physician is asked for on the
/// billing step when the account needs one, so it counts as given here. `create` checks both
/// for real at submit.
pub fn account_needs(team_id: &TeamId, org_id: &OrgId, lab: LabSlug, state: UsState) -> OrderNeeds {
    OrderNeeds {
        team_id: team_id.clone(),
        org_id: org_id.clone(),
        lab,
        billing: None,
        state,
        has_physician: true,
    }
}

/// One account on the account step: eligible, or greyed out with the reason.
pub struct AccountOption<'a> {
    pub account: &'a LabAccount,
    pub problem: Option<(Ineligible, String)>,
}

/// The accounts the step lists, in the order `resolve` considers them.
pub fn account_options<'a>(
    accounts: &'a [LabAccount],
    needs: &OrderNeeds,
) -> Vec<AccountOption<'a>> {
    eligibility::candidates(accounts, needs)
        .into_iter()
        .map(|account| AccountOption {
            account,
            problem: eligibility::check(account, needs)
                .err()
                .map(|r| (r, r.message(account, needs))),
        })
        .collect()
}

/// The labs the Team can order from for a patient in `state`: those for which the account step
/// would offer at least one eligible account. The tests step lists only these labs' tests.
pub fn orderable_labs(
    accounts: &[LabAccount],
    team_id: &TeamId,
    org_id: &OrgId,
    state: UsState,
) -> Vec<LabSlug> {
    LabSlug::ALL
        .iter()
        .copied()
        .filter(|lab| {
            let needs = account_needs(team_id, org_id, *lab, state);
            account_options(accounts, &needs)
                .iter()
                .any(|o| o.problem.is_none())
        })
        .collect()
}

/// The billing types `account` allows for a patient in `needs.state`, by the eligibility rule.
pub fn billing_options(account: &LabAccount, needs: &OrderNeeds) -> Vec<BillingType> {
    BillingType::ALL
        .iter()
        .copied()
        .filter(|b| {
            let with_billing = OrderNeeds {
                billing: Some(*b),
                ..needs.clone()
            };
            eligibility::check(account, &with_billing).is_ok()
        })
        .collect()
}

/// The billing step's form as typed.
#[derive(Debug, Clone, Default)]
pub struct BillingInput {
    pub billing_type: String,
    pub physician: PhysicianInput,
    pub clinical_notes: String,
}

/// Validates the billing step: a billing type on offer, the physician when the account needs
/// one (otherwise none is sent), notes of at most 1,000 characters.
pub fn validate_billing(
    input: &BillingInput,
    options: &[BillingType],
    requires_physician: bool,
) -> Result<(BillingType, Option<Physician>), FieldErrors> {
    let mut e = FieldErrors::default();
    let billing = input.billing_type.trim().parse::<BillingType>().ok();
    let billing = match billing {
        Some(b) if options.contains(&b) => Some(b),
        Some(_) => {
            e.push(
                "billing_type",
                "This account does not allow that billing type for the patient's state.",
                "value_error",
            );
            None
        }
        None => {
            e.push("billing_type", "Choose a billing type.", "missing");
            None
        }
    };
    let mut physician = None;
    if requires_physician {
        match validate_physician(&input.physician) {
            Ok(Some(p)) => physician = Some(p),
            Ok(None) => {
                for f in ["first_name", "last_name", "npi"] {
                    e.push_at(
                        &["body", "physician", f],
                        "Required: this account orders through your own physicians.",
                        "missing",
                    );
                }
            }
            Err(errors) => e.extend(errors),
        }
    }
    if input.clinical_notes.chars().count() > 1000 {
        e.push(
            "clinical_notes",
            "String should have at most 1000 characters",
            "string_too_long",
        );
    }
    match billing {
        Some(b) if e.is_empty() => Ok((b, physician)),
        _ => Err(e),
    }
}

#[path = "wizard_words.rs"]
pub mod words;

#[cfg(test)]
#[path = "wizard_tests.rs"]
mod tests;
