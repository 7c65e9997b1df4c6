//! Step 3: the lab account, decided by `domain::eligibility` with the billing type left open. The
//! wizard only comes here when there is a choice (or none): the accounts linked to the Team for
//! the tests' lab are listed, ineligible ones greyed out with their reason.
use super::{step_url, value};
use crate::domain::eligibility::{OrderNeeds, Refusal};
use crate::domain::ids::LabAccountId;
use crate::domain::wizard::{account_label, Step};
use crate::service::drafts::{AccountStep, Draft, StepInput};

pub struct AccountChoice {
    pub id: LabAccountId,
    pub label: String,
    pub platform: bool,
    pub delegation: &'static str,
    /// Why it cannot take this order (shown greyed out), or None when it can.
    pub reason: Option<String>,
    pub checked: bool,
}

pub struct AccountView {
    pub action: String,
    /// Where a blocked order is changed: other tests, or the patient's state.
    pub tests_url: String,
    pub patient_url: String,
    pub lab_name: &'static str,
    pub state: &'static str,
    pub choices: Vec<AccountChoice>,
    /// No account can take the order: why, and whom to ask. The wizard cannot go on.
    pub blocked: Option<String>,
    /// Why the user is back here (e.g. the account was suspended before submit).
    pub notice: Option<String>,
    pub error: Option<String>,
}

/// Why nothing can be ordered, and whom to ask.
fn blocked_message(refusal: &Refusal, needs: &OrderNeeds, team_name: &str) -> String {
    match refusal {
        Refusal::NoAccount { message } => message.clone(),
        other => format!(
            "{} Ask your ops admin to link an active {} account that serves patients in {} to Team {team_name}.",
            other.message(),
            needs.lab.display_name(),
            needs.state.as_str()
        ),
    }
}

pub fn view(draft: &Draft, d: AccountStep) -> AccountView {
    let eligible = d.choices.iter().filter(|c| c.problem.is_none()).count();
    let chosen = draft.state.account.as_ref().map(|a| &a.id);
    let choices = d
        .choices
        .into_iter()
        .map(|c| {
            let ok = c.problem.is_none();
            let a = c.account;
            AccountChoice {
                checked: ok && (chosen == Some(&a.id) || (chosen.is_none() && eligible == 1)),
                label: account_label(&a),
                platform: a.is_platform_managed(),
                delegation: a.delegated_flow.label(),
                reason: c.problem,
                id: a.id,
            }
        })
        .collect();
    AccountView {
        action: step_url(draft, Step::Account),
        tests_url: step_url(draft, Step::Tests),
        patient_url: step_url(draft, Step::Patient),
        lab_name: d.needs.lab.display_name(),
        state: d.needs.state.as_str(),
        choices,
        blocked: d
            .blocked
            .map(|r| blocked_message(&r, &d.needs, &draft.team.name)),
        notice: draft.state.account_notice.clone(),
        error: d.error,
    }
}

/// The account chosen (`account_id`), if any.
pub fn read(form: &[(String, String)]) -> StepInput {
    let id = value(form, "account_id").trim();
    StepInput::Account((!id.is_empty()).then(|| LabAccountId::from_text(id)))
}
