//! Loading a draft for a request: only its creator, a clinician of its Team, may use it; another
//! org's or Team's draft is "not found", a role that does not order is refused.
use super::{ProgressItem, StepView, WizardView};
use crate::db::drafts;
use crate::db::orgs::{self, Team};
use crate::db::DbConnection;
use crate::domain::access::{Action, Principal};
use crate::domain::eligibility::OrderNeeds;
use crate::domain::ids::{DraftId, OrderId, OrgId, TeamId};
use crate::domain::lab_account::LabAccount;
use crate::domain::wizard::{account_needs, DraftState, Step};
use crate::error::AppError;
use crate::service::policy;
use crate::service::{drafts as drafts_service, orders};
use crate::web::pages::Nav;
use crate::web::pages::{chrome, Chrome, Scope};
use crate::web::urls;

/// A draft its user may work on, with the layout of the page that shows it.
pub struct Ctx {
    pub org_id: OrgId,
    pub team: Team,
    pub draft_id: DraftId,
    /// Set once submitted.
    pub order_id: Option<OrderId>,
    pub state: DraftState,
    pub chrome: Chrome,
}

/// The Team of a new order, checked like a draft of it.
pub fn authorize_team(
    conn: &mut DbConnection,
    p: &Principal,
    org_id: &OrgId,
    team_id: &TeamId,
) -> Result<Team, AppError> {
    policy::authorize(p, Action::ViewOrg { org_id })?;
    let team = orgs::find_team(conn, team_id)?
        .filter(|t| t.org_id == *org_id)
        .ok_or(AppError::NotFound)?;
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

pub fn load(
    conn: &mut DbConnection,
    p: &Principal,
    csrf: &str,
    sandbox: bool,
    org_id: &OrgId,
    draft_id: &DraftId,
) -> Result<Ctx, AppError> {
    let chrome = chrome(
        conn,
        p,
        csrf,
        sandbox,
        Some(&Scope::Org(org_id.clone())),
        Nav::Orders,
    )?;
    let draft = drafts::find(conn, draft_id)?.ok_or(AppError::NotFound)?;
    let team = orgs::find_team(conn, &draft.team_id)?
        .filter(|t| t.org_id == *org_id)
        .ok_or(AppError::NotFound)?;
    policy::authorize(
        p,
        Action::PlaceOrder {
            org_id,
            team_id: &team.id,
            draft_creator: Some(&draft.created_by),
        },
    )?;
    Ok(Ctx {
        org_id: org_id.clone(),
        state: drafts_service::state_of(&draft)?,
        order_id: draft.order_id,
        draft_id: draft.id,
        team,
        chrome,
    })
}

impl Ctx {
    pub fn url(&self, step: Step) -> String {
        urls::draft_step(&self.org_id, &self.draft_id, step)
    }

    pub fn submit_url(&self) -> String {
        urls::submit_draft(&self.org_id, &self.draft_id)
    }

    pub fn save(&self, conn: &mut DbConnection) -> Result<(), AppError> {
        drafts_service::save(conn, &self.draft_id, &self.state)
    }

    /// What the account step asks of accounts, once the patient and the tests are saved.
    pub fn needs(&self) -> Option<OrderNeeds> {
        Some(account_needs(
            &self.team.id,
            &self.org_id,
            self.state.lab?,
            self.state.patient_state()?,
        ))
    }

    /// The accounts resolution reads: the org's own and the platform accounts linked to its Teams.
    pub fn accounts(&self, conn: &mut DbConnection) -> Result<Vec<LabAccount>, AppError> {
        orders::candidate_accounts(conn, &self.org_id)
    }

    /// The chosen account, if it is still visible to the org.
    pub fn chosen_account(&self, accounts: &[LabAccount]) -> Option<LabAccount> {
        let chosen = self.state.account.as_ref()?;
        accounts.iter().find(|a| a.id == chosen.id).cloned()
    }

    /// The wizard around one step, with the progress bar.
    pub fn view(self, shown: Step, step: StepView) -> (Chrome, WizardView) {
        let first = self.state.first_incomplete();
        let progress = Step::ALL
            .iter()
            .copied()
            .filter(|s| *s != Step::Account || self.state.shows_account_step())
            .map(|s| {
                let reachable = self.state.reachable(s) == s;
                ProgressItem {
                    label: s.label(),
                    url: reachable.then(|| self.url(s)),
                    current: s == shown,
                    done: reachable && s != first && s != Step::Review,
                }
            })
            .collect();
        let view = WizardView {
            csrf: self.chrome.csrf.clone(),
            team_name: self.team.name.clone(),
            team_url: urls::team(&self.org_id, &self.team.id),
            progress,
            step,
        };
        (self.chrome, view)
    }
}
