//! Step 3: the lab account, decided by `domain::eligibility` with the billing type left open. The
//! wizard only comes here when there is a choice (or none): the accounts linked to the Team for
//! the tests' lab are listed, ineligible ones greyed out with their reason.
use super::draft::Ctx;
use super::{advance, value, Outcome, StepView};
use crate::db::DbConnection;
use crate::domain::eligibility::{self, OrderNeeds, Refusal};
use crate::domain::ids::LabAccountId;
use crate::domain::lab_account::LabAccount;
use crate::domain::wizard::{account_label, account_options, Step};
use crate::error::AppError;

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
    pub lab_name: &'static str,
    pub state: &'static str,
    pub choices: Vec<AccountChoice>,
    /// No account can take the order: why, and whom to ask. The wizard cannot go on.
    pub blocked: Option<String>,
    /// Why the user is back here (e.g. the account was suspended before submit).
    pub notice: Option<String>,
    pub error: Option<String>,
}

/// The account to use without asking, when exactly one is eligible (`resolve` without an id).
pub fn only_eligible(conn: &mut DbConnection, ctx: &Ctx) -> Result<Option<LabAccount>, AppError> {
    let Some(needs) = ctx.needs() else {
        return Ok(None);
    };
    let accounts = ctx.accounts(conn)?;
    Ok(eligibility::resolve(&accounts, None, &needs).ok().cloned())
}

/// The chosen account can no longer be used (gone from the Team, or offering nothing here):
/// back to the account step to choose again.
pub fn choose_again(conn: &mut DbConnection, mut ctx: Ctx) -> Result<Outcome, AppError> {
    ctx.state.refuse_account(
        "The lab account chosen can no longer take this order; choose another.".into(),
    );
    ctx.save(conn)?;
    Ok(Outcome::Redirect(ctx.url(ctx.state.first_incomplete())))
}

/// Why nothing can be ordered, and whom to ask.
pub fn blocked_message(refusal: &Refusal, needs: &OrderNeeds, team_name: &str) -> String {
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

fn view(
    ctx: &Ctx,
    accounts: &[LabAccount],
    needs: &OrderNeeds,
    error: Option<String>,
) -> AccountView {
    let options = account_options(accounts, needs);
    let eligible = options.iter().filter(|o| o.problem.is_none()).count();
    let chosen = ctx.state.account.as_ref().map(|a| &a.id);
    let blocked = match eligible {
        0 => eligibility::resolve(accounts, None, needs)
            .err()
            .map(|r| blocked_message(&r, needs, &ctx.team.name)),
        _ => None,
    };
    let choices = options
        .iter()
        .map(|o| {
            let ok = o.problem.is_none();
            AccountChoice {
                id: o.account.id.clone(),
                label: account_label(o.account),
                platform: o.account.is_platform_managed(),
                delegation: o.account.delegated_flow.label(),
                reason: o.problem.as_ref().map(|(_, message)| message.clone()),
                checked: ok
                    && (chosen == Some(&o.account.id) || (chosen.is_none() && eligible == 1)),
            }
        })
        .collect();
    AccountView {
        action: ctx.url(Step::Account),
        lab_name: needs.lab.display_name(),
        state: needs.state.as_str(),
        choices,
        blocked,
        notice: ctx.state.account_notice.clone(),
        error,
    }
}

pub fn show(conn: &mut DbConnection, ctx: Ctx) -> Result<Outcome, AppError> {
    let Some(needs) = ctx.needs() else {
        return Ok(Outcome::Redirect(ctx.url(ctx.state.first_incomplete())));
    };
    let accounts = ctx.accounts(conn)?;
    let v = view(&ctx, &accounts, &needs, None);
    Ok(Outcome::show(ctx, Step::Account, StepView::Account(v)))
}

/// Chooses `account_id`, if the eligibility rule lets it take the order.
pub fn save(
    conn: &mut DbConnection,
    mut ctx: Ctx,
    form: &[(String, String)],
) -> Result<Outcome, AppError> {
    let Some(needs) = ctx.needs() else {
        return Ok(Outcome::Redirect(ctx.url(ctx.state.first_incomplete())));
    };
    let accounts = ctx.accounts(conn)?;
    let id = value(form, "account_id").trim();
    let error = if id.is_empty() {
        "Choose a lab account.".to_string()
    } else {
        match eligibility::resolve(&accounts, Some(&LabAccountId::from_text(id)), &needs) {
            Ok(account) => {
                ctx.state.choose_account(account, false);
                return advance(conn, ctx, Step::Account);
            }
            Err(Refusal::NotFound) => "Choose one of the accounts listed.".to_string(),
            Err(refusal) => refusal.message(),
        }
    };
    let v = view(&ctx, &accounts, &needs, Some(error));
    Ok(Outcome::invalid(ctx, Step::Account, StepView::Account(v)))
}
