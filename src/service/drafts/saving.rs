//! Saving a step of the wizard: what was typed or chosen is checked by the same rules the order
//! is placed with, saved, and the person moves on; or the step is shown again with why not.
use super::steps::{self, account_and_options};
use super::{open_at, Draft, Next, Shown};
use crate::db::patients::{self, PatientRow};
use crate::db::{write_tx, DbConnection};
use crate::domain::access::Principal;
use crate::domain::actor::Actor;
use crate::domain::eligibility::{self, Refusal};
use crate::domain::ids::{DraftId, LabAccountId, LabTestId, OrgId, PatientId};
use crate::domain::order_input::{validate_patient, PatientAddress, PatientInput};
use crate::domain::wizard::{account_needs, validate_billing, BillingInput, Step};
use crate::error::AppError;
use crate::service::order_errors::PlaceOrderError;
use crate::service::{orders, patients as patients_service};

/// What the patient step's forms ask for.
pub enum PatientAction {
    /// Look the Team's patients up by name.
    Search(String),
    /// Order for a patient found.
    Pick(PatientId),
    /// Start over with a new patient.
    New,
    /// The patient's details as typed.
    Save(Box<PatientInput>),
}

/// A step's form, read.
pub enum StepInput {
    Patient(PatientAction),
    Tests(Vec<LabTestId>),
    /// None: nothing chosen.
    Account(Option<LabAccountId>),
    /// Physician fields are read whether or not the account needs them; they are kept only
    /// when it does.
    Billing(BillingInput),
    /// Another account chosen on the review step.
    Review(LabAccountId),
}

impl StepInput {
    pub fn step(&self) -> Step {
        match self {
            StepInput::Patient(_) => Step::Patient,
            StepInput::Tests(_) => Step::Tests,
            StepInput::Account(_) => Step::Account,
            StepInput::Billing(_) => Step::Billing,
            StepInput::Review(_) => Step::Review,
        }
    }
}

/// Saves a step and says where the person goes next, or shows the step again. `from_review`:
/// the step was opened from the review step, which "Continue" returns to when it can.
pub fn save(
    conn: &mut DbConnection,
    actor: &Actor,
    p: &Principal,
    org_id: &OrgId,
    draft_id: &DraftId,
    input: StepInput,
    from_review: bool,
) -> Result<Shown, AppError> {
    let mut draft = match open_at(conn, p, org_id, draft_id, input.step())? {
        Ok(draft) => draft,
        Err(next) => return Ok(Shown::Go(next)),
    };
    if from_review {
        draft.state.return_to_review = true;
    }
    match input {
        StepInput::Patient(action) => patient(conn, actor, draft, action),
        StepInput::Tests(ids) => tests(conn, draft, ids),
        StepInput::Account(id) => account(conn, draft, id),
        StepInput::Billing(input) => billing(conn, draft, input),
        StepInput::Review(id) => switch_account(conn, draft, id),
    }
}

fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

/// The details last known for a patient, to prefill the form.
fn details_of(p: &PatientRow) -> PatientInput {
    let address: Option<PatientAddress> = p
        .address
        .as_deref()
        .and_then(|a| serde_json::from_str(a).ok());
    let address = address.as_ref();
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let line = |f: fn(&PatientAddress) -> Option<String>| address.and_then(f).unwrap_or_default();
    PatientInput {
        first_name: text(&p.first_name),
        last_name: text(&p.last_name),
        dob: p.dob.map(|d| d.to_string()).unwrap_or_default(),
        gender: p.gender.map(|g| g.as_str().to_string()).unwrap_or_default(),
        phone_number: text(&p.phone_number),
        email: text(&p.email),
        first_line: line(|a| Some(a.first_line.clone())),
        second_line: line(|a| a.second_line.clone()),
        city: line(|a| Some(a.city.clone())),
        state: line(|a| Some(a.state.clone())),
        zip: line(|a| Some(a.zip.clone())),
        country: line(|a| Some(a.country.clone())),
        receiver_name: line(|a| a.receiver_name.clone()),
        access_notes: line(|a| a.access_notes.clone()),
    }
}

fn patient(
    conn: &mut DbConnection,
    actor: &Actor,
    mut draft: Draft,
    action: PatientAction,
) -> Result<Shown, AppError> {
    match action {
        PatientAction::Search(query) => {
            draft.state.patient_query = query.trim().to_string();
            draft.stay(conn, Step::Patient)
        }
        PatientAction::Pick(id) => {
            let patient =
                patients::find_in_team(conn, &draft.team.id, &id)?.ok_or(AppError::NotFound)?;
            let details = details_of(&patient);
            draft.state.pick_patient(&patient.id, details.clone());
            // Complete details from an earlier order go straight on; others are completed here.
            if validate_patient(&details, today()).is_ok() {
                draft.state.save_patient(details);
                return draft.advance(conn, Step::Patient);
            }
            draft.stay(conn, Step::Patient)
        }
        PatientAction::New => {
            draft.state.start_new_patient();
            draft.stay(conn, Step::Patient)
        }
        PatientAction::Save(input) => {
            if let Err(errors) = validate_patient(&input, today()) {
                return steps::patient(conn, draft, *input, Some(errors));
            }
            // The patient a new person becomes is created with the draft's save, or not at all.
            write_tx(conn, |conn| {
                let state = &draft.state;
                if state.existing_patient_id.is_none() && state.created_patient_id.is_none() {
                    let client_user_id = format!("wizard-{}", crate::db::new_id());
                    let created = patients_service::create(
                        conn,
                        actor,
                        &draft.org_id,
                        &draft.team.id,
                        &client_user_id,
                    )?;
                    draft.state.set_created_patient(&created.id);
                }
                draft.state.save_patient(*input);
                draft.advance(conn, Step::Patient)
            })
        }
    }
}

fn tests(
    conn: &mut DbConnection,
    mut draft: Draft,
    ids: Vec<LabTestId>,
) -> Result<Shown, AppError> {
    let mut unique: Vec<LabTestId> = Vec::new();
    for id in ids {
        if !unique.contains(&id) {
            unique.push(id);
        }
    }
    if unique.is_empty() {
        let error = Some("Choose at least one test.".to_string());
        return steps::tests(conn, draft, unique, error);
    }
    match orders::check_tests(conn, &unique, None) {
        Ok((lab, _, _)) => {
            let accounts = draft.accounts(conn)?;
            if !draft.orderable_labs(&accounts).contains(&lab) {
                let error = Some(draft.not_orderable(lab));
                return steps::tests(conn, draft, unique, error);
            }
            draft.state.set_tests(unique, lab);
            draft.advance(conn, Step::Tests)
        }
        Err(PlaceOrderError::TestsRefused(refused)) => {
            steps::tests(conn, draft, unique, Some(refused.to_string()))
        }
        Err(other) => Err(other.into()),
    }
}

/// Chooses the account, if the eligibility rule lets it take the order.
fn account(
    conn: &mut DbConnection,
    mut draft: Draft,
    id: Option<LabAccountId>,
) -> Result<Shown, AppError> {
    let Some(needs) = draft.needs() else {
        let first = draft.state.first_incomplete();
        return Ok(Shown::Go(Next::Step(first)));
    };
    let Some(id) = id else {
        return steps::account(conn, draft, Some("Choose a lab account.".into()));
    };
    let accounts = draft.accounts(conn)?;
    let error = match eligibility::resolve(&accounts, Some(&id), &needs) {
        Ok(account) => {
            let account = account.clone();
            draft.choose(&account, false);
            return draft.advance(conn, Step::Account);
        }
        Err(Refusal::NotFound) => "Choose one of the accounts listed.".to_string(),
        Err(refusal) => refusal.message(),
    };
    steps::account(conn, draft, Some(error))
}

fn billing(
    conn: &mut DbConnection,
    mut draft: Draft,
    typed: BillingInput,
) -> Result<Shown, AppError> {
    let Some((account, options, _)) = account_and_options(conn, &draft)? else {
        return draft.choose_again(conn);
    };
    let requires = account.delegated_flow.requires_physician();
    let input = BillingInput {
        physician: if requires {
            typed.physician
        } else {
            Default::default()
        },
        ..typed
    };
    match validate_billing(&input, &options, requires) {
        Ok((billing, _)) => {
            draft
                .state
                .save_billing(billing, input.physician, input.clinical_notes);
            draft.advance(conn, Step::Billing)
        }
        Err(errors) => steps::billing(conn, draft, input, Some(errors)),
    }
}

/// Changes the account on the review step. One of the same lab keeps the tests and billing is
/// confirmed again; one of another lab clears the tests, with a notice on the tests step.
fn switch_account(
    conn: &mut DbConnection,
    mut draft: Draft,
    id: LabAccountId,
) -> Result<Shown, AppError> {
    let accounts = draft.accounts(conn)?;
    let target = accounts.iter().find(|a| a.id == id);
    let error = match (target, draft.state.patient_state()) {
        (Some(target), Some(state)) => {
            let needs = account_needs(&draft.team.id, &draft.org_id, target.lab, state);
            match eligibility::resolve(&accounts, Some(&id), &needs) {
                Ok(account) => {
                    draft.state.choose_account(account, false);
                    let first = draft.state.first_incomplete();
                    return draft.stay(conn, first);
                }
                Err(refusal) => refusal.message(),
            }
        }
        _ => "Choose one of the accounts listed.".to_string(),
    };
    steps::review(conn, draft, Some(error))
}
