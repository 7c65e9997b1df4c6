//! What each step of the wizard shows: what is saved, and what the step offers (the Team's
//! patients found, the active tests, the accounts with why each can or cannot take the order, the
//! billing types the account allows, the order as it will be placed).
use super::{open_at, Draft, Shown};
use crate::db::lab_tests::{self, LabTestRow};
use crate::db::patients::{self, PatientRow};
use crate::db::DbConnection;
use crate::domain::access::Principal;
use crate::domain::billing::BillingType;
use crate::domain::eligibility::{self, OrderNeeds, Refusal};
use crate::domain::ids::{DraftId, LabAccountId, LabTestId, OrgId};
use crate::domain::lab::{LabSlug, LabTestStatus};
use crate::domain::lab_account::LabAccount;
use crate::domain::order_input::{validate_physician, PatientInput, Physician};
use crate::domain::validation::FieldErrors;
use crate::domain::wizard::{account_needs, account_options, billing_options, BillingInput, Step};
use crate::error::AppError;

const SEARCH_LIMIT: i64 = 20;

/// A step to show, for the draft.
pub struct StepPage {
    pub draft: Draft,
    pub data: StepData,
}

impl StepPage {
    pub fn step(&self) -> Step {
        match self.data {
            StepData::Patient(_) => Step::Patient,
            StepData::Tests(_) => Step::Tests,
            StepData::Account(_) => Step::Account,
            StepData::Billing(_) => Step::Billing,
            StepData::Review(_) => Step::Review,
        }
    }
}

pub enum StepData {
    Patient(Box<PatientStep>),
    Tests(TestsStep),
    Account(AccountStep),
    Billing(Box<BillingStep>),
    Review(Box<ReviewStep>),
}

pub struct PatientStep {
    /// The name searched for (empty: no search).
    pub query: String,
    pub hits: Vec<PatientRow>,
    /// The existing patient picked, if any.
    pub chosen: Option<PatientRow>,
    pub input: PatientInput,
    pub errors: Option<FieldErrors>,
}

pub struct TestsStep {
    /// The active tests of the labs the Team can order from, in the catalogue's order.
    pub tests: Vec<LabTestRow>,
    /// Labs with active tests that the Team cannot order from for this patient, each with why.
    pub unavailable: Vec<String>,
    pub checked: Vec<LabTestId>,
    pub error: Option<String>,
}

/// An account the account step lists: eligible, or with why not.
pub struct AccountChoice {
    pub account: LabAccount,
    pub problem: Option<String>,
}

pub struct AccountStep {
    pub needs: OrderNeeds,
    /// In the order `resolve` considers them.
    pub choices: Vec<AccountChoice>,
    /// None is eligible: why (the wizard cannot go on).
    pub blocked: Option<Refusal>,
    pub error: Option<String>,
}

pub struct BillingStep {
    pub account: LabAccount,
    /// The billing types the account allows for the patient's state.
    pub options: Vec<BillingType>,
    pub input: BillingInput,
    pub errors: Option<FieldErrors>,
}

/// Another eligible account the review step offers.
pub struct SwitchChoice {
    pub account: LabAccount,
    /// Of another lab: choosing it clears the tests.
    pub other_lab: bool,
}

pub struct ReviewStep {
    pub needs: OrderNeeds,
    pub account: LabAccount,
    pub billing: BillingType,
    pub tests: Vec<LabTestRow>,
    pub physician: Option<Physician>,
    pub switch_choices: Vec<SwitchChoice>,
    /// The account can no longer take the order as it stands (checked again at submit).
    pub problem: Option<Refusal>,
    pub error: Option<String>,
}

/// What the step shows, or where the person goes instead.
pub fn show(
    conn: &mut DbConnection,
    p: &Principal,
    org_id: &OrgId,
    draft_id: &DraftId,
    step: Step,
) -> Result<Shown, AppError> {
    let draft = match open_at(conn, p, org_id, draft_id, step)? {
        Ok(draft) => draft,
        Err(next) => return Ok(Shown::Go(next)),
    };
    match step {
        Step::Patient => {
            let input = draft.state.patient.clone();
            patient(conn, draft, input, None)
        }
        Step::Tests => {
            let checked = draft.state.test_ids.clone();
            tests(conn, draft, checked, None)
        }
        Step::Account => account(conn, draft, None),
        Step::Billing => {
            let saved = BillingInput {
                billing_type: draft
                    .state
                    .billing_type
                    .map(|b| b.as_str().to_string())
                    .unwrap_or_default(),
                physician: draft.state.physician.clone(),
                clinical_notes: draft.state.clinical_notes.clone(),
            };
            billing(conn, draft, saved, None)
        }
        Step::Review => review(conn, draft, None),
    }
}

fn shown(draft: Draft, data: StepData) -> Result<Shown, AppError> {
    Ok(Shown::Step(Box::new(StepPage { draft, data })))
}

pub(super) fn patient(
    conn: &mut DbConnection,
    draft: Draft,
    input: PatientInput,
    errors: Option<FieldErrors>,
) -> Result<Shown, AppError> {
    let query = draft.state.patient_query.trim().to_string();
    let hits = if query.is_empty() {
        Vec::new()
    } else {
        patients::search(conn, &draft.team.id, &query, SEARCH_LIMIT)?
    };
    let chosen = match &draft.state.existing_patient_id {
        Some(id) => patients::find_in_team(conn, &draft.team.id, id)?,
        None => None,
    };
    let data = PatientStep {
        query,
        hits,
        chosen,
        input,
        errors,
    };
    shown(draft, StepData::Patient(Box::new(data)))
}

pub(super) fn tests(
    conn: &mut DbConnection,
    draft: Draft,
    checked: Vec<LabTestId>,
    error: Option<String>,
) -> Result<Shown, AppError> {
    let accounts = draft.accounts(conn)?;
    let orderable = draft.orderable_labs(&accounts);
    let (tests, others): (Vec<LabTestRow>, Vec<LabTestRow>) = lab_tests::list_tests(conn, None)?
        .into_iter()
        .filter(|t| t.status == LabTestStatus::Active)
        .partition(|t| orderable.contains(&t.lab_slug));
    let mut unavailable: Vec<LabSlug> = Vec::new();
    for t in &others {
        if !unavailable.contains(&t.lab_slug) {
            unavailable.push(t.lab_slug);
        }
    }
    let data = TestsStep {
        unavailable: unavailable
            .into_iter()
            .map(|lab| draft.not_orderable(lab))
            .collect(),
        tests,
        checked,
        error,
    };
    shown(draft, StepData::Tests(data))
}

pub(super) fn account(
    conn: &mut DbConnection,
    draft: Draft,
    error: Option<String>,
) -> Result<Shown, AppError> {
    let Some(needs) = draft.needs() else {
        let first = draft.state.first_incomplete();
        return Ok(Shown::Go(super::Next::Step(first)));
    };
    let accounts = draft.accounts(conn)?;
    let choices: Vec<AccountChoice> = account_options(&accounts, &needs)
        .into_iter()
        .map(|o| AccountChoice {
            account: o.account.clone(),
            problem: o.problem.map(|(_, message)| message),
        })
        .collect();
    let blocked = match choices.iter().any(|c| c.problem.is_none()) {
        true => None,
        false => eligibility::resolve(&accounts, None, &needs).err(),
    };
    let data = AccountStep {
        needs,
        choices,
        blocked,
        error,
    };
    shown(draft, StepData::Account(data))
}

/// The chosen account and its billing types, or None when the account is gone or offers none.
pub(super) fn account_and_options(
    conn: &mut DbConnection,
    draft: &Draft,
) -> Result<Option<(LabAccount, Vec<BillingType>, OrderNeeds)>, AppError> {
    let accounts = draft.accounts(conn)?;
    let (Some(needs), Some(account)) = (draft.needs(), draft.chosen_account(&accounts)) else {
        return Ok(None);
    };
    let options = billing_options(&account, &needs);
    Ok((!options.is_empty()).then_some((account, options, needs)))
}

pub(super) fn billing(
    conn: &mut DbConnection,
    draft: Draft,
    input: BillingInput,
    errors: Option<FieldErrors>,
) -> Result<Shown, AppError> {
    let Some((account, options, _)) = account_and_options(conn, &draft)? else {
        return draft.choose_again(conn);
    };
    let data = BillingStep {
        account,
        options,
        input,
        errors,
    };
    shown(draft, StepData::Billing(Box::new(data)))
}

/// Eligible accounts linked to the Team other than the chosen one, its own lab first.
fn switch_choices(
    draft: &Draft,
    accounts: &[LabAccount],
    needs: &OrderNeeds,
    current: &LabAccountId,
) -> Vec<SwitchChoice> {
    let mut labs: Vec<LabSlug> = vec![needs.lab];
    for a in accounts
        .iter()
        .filter(|a| a.team_ids.contains(&draft.team.id))
    {
        if !labs.contains(&a.lab) {
            labs.push(a.lab);
        }
    }
    let mut out = Vec::new();
    for lab in labs {
        let lab_needs = account_needs(&draft.team.id, &draft.org_id, lab, needs.state);
        for o in account_options(accounts, &lab_needs) {
            if o.problem.is_none() && o.account.id != *current {
                out.push(SwitchChoice {
                    account: o.account.clone(),
                    other_lab: lab != needs.lab,
                });
            }
        }
    }
    out
}

pub(super) fn review(
    conn: &mut DbConnection,
    draft: Draft,
    error: Option<String>,
) -> Result<Shown, AppError> {
    let accounts = draft.accounts(conn)?;
    let (Some(needs), Some(account), Some(billing)) = (
        draft.needs(),
        draft.chosen_account(&accounts),
        draft.state.billing_type,
    ) else {
        return draft.choose_again(conn);
    };
    let tests = lab_tests::find_tests(conn, &draft.state.test_ids)?;
    let physician = validate_physician(&draft.state.physician).ok().flatten();
    let full = OrderNeeds {
        billing: Some(billing),
        has_physician: physician.is_some(),
        ..needs.clone()
    };
    let problem = eligibility::resolve(&accounts, Some(&account.id), &full).err();
    let data = ReviewStep {
        switch_choices: switch_choices(&draft, &accounts, &needs, &account.id),
        needs,
        account,
        billing,
        tests,
        physician,
        problem,
        error,
    };
    shown(draft, StepData::Review(Box::new(data)))
}
