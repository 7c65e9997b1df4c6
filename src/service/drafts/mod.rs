//! The order wizard's drafts: started per Team, saved after each step, and submitted once. Only
//! its creator, a clinician of its Team, may use a draft; another org's or Team's draft is "not
//! found", a role that does not order is refused. Each use case answers where the person goes
//! next (`Shown::Go`) or a step to show with what it needs (`Shown::Step`); the rules of moving
//! through the steps are `domain::wizard`'s, the choice of account `domain::eligibility`'s.
mod saving;
mod steps;
mod submit;

pub use saving::{save, PatientAction, StepInput};
pub use steps::{
    show, AccountChoice, AccountStep, BillingStep, PatientStep, ReviewStep, StepData, StepPage,
    SwitchChoice, TestsStep,
};
pub use submit::{place, submit, SubmitDraftError};

use crate::db::drafts::{self, DraftRow};
use crate::db::orgs::{self, Team};
use crate::db::DbConnection;
use crate::domain::access::{Action, Principal};
use crate::domain::eligibility::{self, OrderNeeds};
use crate::domain::ids::{DraftId, OrderId, OrgId, TeamId, UserId};
use crate::domain::lab::LabSlug;
use crate::domain::lab_account::LabAccount;
use crate::domain::wizard::{account_needs, billing_options, orderable_labs, DraftState, Step};
use crate::error::AppError;
use crate::service::{orders, policy};

/// A draft its user may work on.
pub struct Draft {
    pub org_id: OrgId,
    pub team: Team,
    pub id: DraftId,
    pub state: DraftState,
}

/// Where the person goes next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    Step(Step),
    /// The draft's order (placed now, or before).
    Order(OrderId),
}

/// What a request on a draft leads to.
pub enum Shown {
    Go(Next),
    /// A step to show: on a save, the step again with what was typed and why it was not saved.
    Step(Box<StepPage>),
}

/// Starts an empty draft for a Team; returns its id.
pub fn start(
    conn: &mut DbConnection,
    team_id: &TeamId,
    user_id: &UserId,
) -> Result<DraftId, AppError> {
    drafts::insert(conn, team_id, user_id, &DraftState::default().to_json())
}

/// The Team of a new order, if the person may order for it.
pub fn team_to_order_for(
    conn: &mut DbConnection,
    p: &Principal,
    org_id: &OrgId,
    team_id: &TeamId,
) -> Result<Team, AppError> {
    policy::authorize(p, Action::ViewOrg { org_id })?;
    let team = orgs::find_team_of_org(conn, org_id, team_id)?.ok_or(AppError::NotFound)?;
    policy::authorize(
        p,
        Action::PlaceOrder {
            org_id,
            team_id: &team.id,
            draft_creator: None,
        },
    )?;
    Ok(team)
}

/// Starts a draft for a Team the person may order for; returns its id.
pub fn start_for(
    conn: &mut DbConnection,
    p: &Principal,
    org_id: &OrgId,
    team_id: &TeamId,
) -> Result<DraftId, AppError> {
    let team = team_to_order_for(conn, p, org_id, team_id)?;
    start(conn, &team.id, &p.user_id)
}

pub fn state_of(draft: &DraftRow) -> Result<DraftState, AppError> {
    DraftState::from_json(&draft.data).map_err(AppError::Internal)
}

/// A draft, or the order it placed once submitted.
enum Opened {
    Draft(Box<Draft>),
    Submitted(OrderId),
}

/// The draft, if the person may use it.
fn open(
    conn: &mut DbConnection,
    p: &Principal,
    org_id: &OrgId,
    draft_id: &DraftId,
) -> Result<Opened, AppError> {
    let draft = drafts::find(conn, draft_id)?.ok_or(AppError::NotFound)?;
    let team = orgs::find_team_of_org(conn, org_id, &draft.team_id)?.ok_or(AppError::NotFound)?;
    policy::authorize(
        p,
        Action::PlaceOrder {
            org_id,
            team_id: &team.id,
            draft_creator: Some(&draft.created_by),
        },
    )?;
    if let Some(order_id) = draft.order_id {
        return Ok(Opened::Submitted(order_id));
    }
    Ok(Opened::Draft(Box::new(Draft {
        org_id: org_id.clone(),
        state: state_of(&draft)?,
        id: draft.id,
        team,
    })))
}

/// The draft at `step`, or where the person goes instead: the order once submitted, the first
/// incomplete step when `step` is beyond it.
fn open_at(
    conn: &mut DbConnection,
    p: &Principal,
    org_id: &OrgId,
    draft_id: &DraftId,
    step: Step,
) -> Result<Result<Draft, Next>, AppError> {
    let draft = match open(conn, p, org_id, draft_id)? {
        Opened::Submitted(order_id) => return Ok(Err(Next::Order(order_id))),
        Opened::Draft(draft) => *draft,
    };
    let reachable = draft.state.reachable(step);
    if reachable != step {
        return Ok(Err(Next::Step(reachable)));
    }
    Ok(Ok(draft))
}

impl Draft {
    fn save(&self, conn: &mut DbConnection) -> Result<(), AppError> {
        drafts::save(conn, &self.id, &self.state.to_json())
    }

    /// What the account step asks of accounts, once the patient and the tests are saved.
    fn needs(&self) -> Option<OrderNeeds> {
        Some(account_needs(
            &self.team.id,
            &self.org_id,
            self.state.lab?,
            self.state.patient_state()?,
        ))
    }

    /// The accounts resolution reads: those linked to the Team, and the one chosen earlier.
    fn accounts(&self, conn: &mut DbConnection) -> Result<Vec<LabAccount>, AppError> {
        let chosen = self.state.account.as_ref().map(|a| &a.id);
        orders::candidate_accounts(conn, &self.org_id, &self.team.id, chosen)
    }

    /// The chosen account, if it is still visible to the org.
    fn chosen_account(&self, accounts: &[LabAccount]) -> Option<LabAccount> {
        let chosen = self.state.account.as_ref()?;
        accounts.iter().find(|a| a.id == chosen.id).cloned()
    }

    /// The labs whose tests the Team can order for the saved patient (none before the patient).
    fn orderable_labs(&self, accounts: &[LabAccount]) -> Vec<LabSlug> {
        match self.state.patient_state() {
            Some(state) => orderable_labs(accounts, &self.team.id, &self.org_id, state),
            None => Vec::new(),
        }
    }

    /// Why the tests of `lab` cannot be ordered for this Team and patient.
    fn not_orderable(&self, lab: LabSlug) -> String {
        let name = lab.display_name();
        format!(
            "{name} tests cannot be ordered for Team {}: no active {name} lab account linked to it serves patients in {}.",
            self.team.name,
            self.state.patient.state.trim().to_ascii_uppercase(),
        )
    }

    /// The account to use without asking, when exactly one is eligible.
    fn only_eligible(&self, conn: &mut DbConnection) -> Result<Option<LabAccount>, AppError> {
        let Some(needs) = self.needs() else {
            return Ok(None);
        };
        let accounts = self.accounts(conn)?;
        Ok(eligibility::resolve(&accounts, None, &needs).ok().cloned())
    }

    /// Chooses an account; on the way back to review, billing saved for the account before is
    /// kept when the new one allows it too.
    fn choose(&mut self, account: &LabAccount, automatic: bool) {
        self.state.choose_account(account, automatic);
        if let Some(needs) = self.needs() {
            let allowed = billing_options(account, &needs);
            let requires = account.delegated_flow.requires_physician();
            self.state.keep_billing(&allowed, requires);
        }
    }

    /// Saves the draft and goes to the step after `from`; the account step is skipped when
    /// exactly one account is eligible (the wizard chooses it).
    fn advance(mut self, conn: &mut DbConnection, from: Step) -> Result<Shown, AppError> {
        let mut next = self.state.next_after(from);
        if next == Step::Account {
            if let Some(only) = self.only_eligible(conn)? {
                self.choose(&only, true);
                next = self.state.next_after(Step::Account);
            }
        }
        self.state.arrive(next);
        self.save(conn)?;
        Ok(Shown::Go(Next::Step(next)))
    }

    /// Saves the draft and shows `step` again (a search, a patient picked but incomplete).
    fn stay(self, conn: &mut DbConnection, step: Step) -> Result<Shown, AppError> {
        self.save(conn)?;
        Ok(Shown::Go(Next::Step(step)))
    }

    /// The chosen account can no longer be used (gone from the Team, or offering nothing here):
    /// back to the account step to choose again.
    fn choose_again(mut self, conn: &mut DbConnection) -> Result<Shown, AppError> {
        self.state.refuse_account(
            "The lab account chosen can no longer take this order; choose another.".into(),
        );
        let first = self.state.first_incomplete();
        self.stay(conn, first)
    }
}
