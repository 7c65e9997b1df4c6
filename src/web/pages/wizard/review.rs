//! Step 5: review, where the account can still be changed (one of another lab clears the tests),
//! and submit, which places the order through `service::drafts::submit` (eligibility checked
//! again in the transaction that inserts the order).
use super::account;
use super::draft::Ctx;
use super::lab_tests::method_label;
use super::{value, Outcome, StepView};
use crate::db::lab_tests;
use crate::db::DbConnection;
use crate::domain::actor::Actor;
use crate::domain::eligibility::{self, OrderNeeds};
use crate::domain::ids::LabAccountId;
use crate::domain::lab::LabSlug;
use crate::domain::lab_account::LabAccount;
use crate::domain::order_input::{validate_patient, validate_physician, OrderRequest};
use crate::domain::wizard::{account_label, account_needs, account_options, Step};
use crate::error::AppError;
use crate::service::drafts as drafts_service;
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

fn patient_lines(ctx: &Ctx) -> Vec<(&'static str, String)> {
    let p = &ctx.state.patient;
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
        ("Gender", p.gender.trim().to_string()),
        ("Phone", p.phone_number.trim().to_string()),
        ("Email", p.email.trim().to_string()),
        ("Address", address),
    ]
}

/// Eligible accounts linked to the Team other than the chosen one, its own lab first.
fn switch_options(
    ctx: &Ctx,
    accounts: &[LabAccount],
    needs: &OrderNeeds,
    current: &LabAccountId,
) -> Vec<SwitchOption> {
    let mut labs: Vec<LabSlug> = vec![needs.lab];
    for a in accounts
        .iter()
        .filter(|a| a.team_ids.contains(&ctx.team.id))
    {
        if !labs.contains(&a.lab) {
            labs.push(a.lab);
        }
    }
    let mut out = Vec::new();
    for lab in labs {
        let lab_needs = account_needs(&ctx.team.id, &ctx.org_id, lab, needs.state);
        for o in account_options(accounts, &lab_needs) {
            if o.problem.is_none() && o.account.id != *current {
                out.push(SwitchOption {
                    id: o.account.id.clone(),
                    label: format!("{} ({})", account_label(o.account), lab.display_name()),
                    other_lab: lab != needs.lab,
                });
            }
        }
    }
    out
}

fn view(
    conn: &mut DbConnection,
    ctx: &Ctx,
    error: Option<String>,
) -> Result<Option<ReviewView>, AppError> {
    let accounts = ctx.accounts(conn)?;
    let (Some(needs), Some(account), Some(billing)) = (
        ctx.needs(),
        ctx.chosen_account(&accounts),
        ctx.state.billing_type,
    ) else {
        return Ok(None);
    };
    let tests = lab_tests::find_tests(conn, &ctx.state.test_ids)?;
    let physician = validate_physician(&ctx.state.physician).ok().flatten();
    let full = OrderNeeds {
        billing: Some(billing),
        has_physician: physician.is_some(),
        ..needs.clone()
    };
    let problem = eligibility::resolve(&accounts, Some(&account.id), &full)
        .err()
        .map(|r| format!("{} Choose another lab account.", r.message()));
    let notes = ctx.state.clinical_notes.trim();
    Ok(Some(ReviewView {
        action: ctx.url(Step::Review),
        submit_url: ctx.submit_url(),
        patient_url: ctx.url(Step::Patient),
        tests_url: ctx.url(Step::Tests),
        account_url: ctx
            .state
            .shows_account_step()
            .then(|| ctx.url(Step::Account)),
        billing_url: ctx.url(Step::Billing),
        patient_lines: patient_lines(ctx),
        method: tests.first().map(|t| method_label(t.method)).unwrap_or(""),
        tests: tests.into_iter().map(|t| t.name).collect(),
        lab_name: needs.lab.display_name(),
        account_label: account_label(&account),
        account_automatic: ctx.state.account.as_ref().is_some_and(|a| a.automatic),
        delegation: account.delegated_flow.label(),
        billing_label: billing.label(),
        physician: physician.map(|p| format!("{} {} (NPI {})", p.first_name, p.last_name, p.npi)),
        notes: (!notes.is_empty()).then(|| notes.to_string()),
        switch_options: switch_options(ctx, &accounts, &needs, &account.id),
        problem,
        error,
    }))
}

pub fn show(conn: &mut DbConnection, ctx: Ctx) -> Result<Outcome, AppError> {
    match view(conn, &ctx, None)? {
        Some(v) => Ok(Outcome::show(ctx, Step::Review, StepView::Review(v))),
        None => account::choose_again(conn, ctx),
    }
}

/// Changes the account (`account_id`). One of the same lab keeps the tests and billing is
/// confirmed again; one of another lab clears the tests, with a notice on the tests step.
pub fn save(
    conn: &mut DbConnection,
    mut ctx: Ctx,
    form: &[(String, String)],
) -> Result<Outcome, AppError> {
    let accounts = ctx.accounts(conn)?;
    let id = LabAccountId::from_text(value(form, "account_id").trim());
    let target = accounts.iter().find(|a| a.id == id);
    let error = match (target, ctx.state.patient_state()) {
        (Some(target), Some(state)) => {
            let needs = account_needs(&ctx.team.id, &ctx.org_id, target.lab, state);
            match eligibility::resolve(&accounts, Some(&id), &needs) {
                Ok(account) => {
                    ctx.state.choose_account(account, false);
                    ctx.save(conn)?;
                    return Ok(Outcome::Redirect(ctx.url(ctx.state.first_incomplete())));
                }
                Err(refusal) => refusal.message(),
            }
        }
        _ => "Choose one of the accounts listed.".to_string(),
    };
    match view(conn, &ctx, Some(error))? {
        Some(v) => Ok(Outcome::invalid(ctx, Step::Review, StepView::Review(v))),
        None => account::choose_again(conn, ctx),
    }
}

/// The order the draft describes, or the step to fix first.
fn order_request(ctx: &Ctx) -> Result<OrderRequest, Step> {
    let s = &ctx.state;
    let patient =
        validate_patient(&s.patient, chrono::Utc::now().date_naive()).map_err(|_| Step::Patient)?;
    let user_id = s.patient_id().ok_or(Step::Patient)?.clone();
    let account = s.account.as_ref().ok_or(Step::Account)?;
    let billing = s.billing_type.ok_or(Step::Billing)?;
    let physician = validate_physician(&s.physician).map_err(|_| Step::Billing)?;
    let notes = s.clinical_notes.trim();
    Ok(OrderRequest {
        team_id: ctx.team.id.clone(),
        org_id: ctx.org_id.clone(),
        user_id,
        patient,
        test_ids: s.test_ids.clone(),
        lab_account_id: Some(account.id.clone()),
        billing,
        collection_method: None,
        physician,
        clinical_notes: (!notes.is_empty()).then(|| notes.to_string()),
        priority: false,
        icd_codes: None,
        passthrough: None,
        activate_by: None,
    })
}

/// Places the order once. An account refused meanwhile (suspended, unlinked, ...) sends the user
/// back to the account step with the reason; tests no longer orderable, back to the tests.
pub fn submit(conn: &mut DbConnection, mut ctx: Ctx, actor: &Actor) -> Result<Outcome, AppError> {
    if ctx.state.first_incomplete() != Step::Review {
        return Ok(Outcome::Redirect(ctx.url(ctx.state.first_incomplete())));
    }
    let req = match order_request(&ctx) {
        Ok(req) => req,
        Err(step) => return Ok(Outcome::Redirect(ctx.url(step))),
    };
    let back_to = match drafts_service::submit(conn, actor, &ctx.draft_id, &req) {
        Ok(done) => return Ok(Outcome::Redirect(urls::order(&ctx.org_id, done.order_id()))),
        Err(AppError::Rule { code, message }) if eligibility::is_account_refusal(code) => {
            ctx.state.refuse_account(message);
            Step::Account
        }
        // The account is no longer visible to the org (a platform account unlinked meanwhile).
        Err(AppError::NotFound) => {
            ctx.state.refuse_account(format!(
                "The lab account chosen is no longer available to Team {}. Choose another.",
                ctx.team.name
            ));
            Step::Account
        }
        Err(AppError::Rule { code, message }) if code.starts_with("lab_test") => {
            ctx.state.refuse_tests(message);
            Step::Tests
        }
        Err(e) => return Err(e),
    };
    ctx.save(conn)?;
    Ok(Outcome::Redirect(ctx.url(back_to)))
}
