//! Step 4: billing. Only the billing types the account allows in the patient's state, and the
//! ordering physician when the account's delegation needs one.
use super::account;
use super::draft::Ctx;
use super::{advance, value, Outcome, StepView};
use crate::db::DbConnection;
use crate::domain::billing::BillingType;
use crate::domain::lab_account::LabAccount;
use crate::domain::order_input::PhysicianInput;
use crate::domain::validation::FieldErrors;
use crate::domain::wizard::{account_label, billing_options, validate_billing, BillingInput, Step};
use crate::error::AppError;

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
    pub form_error: Option<String>,
}

fn view(
    ctx: &Ctx,
    account: &LabAccount,
    options: &[BillingType],
    input: BillingInput,
    errors: Option<&FieldErrors>,
) -> BillingView {
    let chosen = input.billing_type.trim().parse::<BillingType>().ok();
    let only = (options.len() == 1).then(|| options[0]);
    let get = |f: &str| errors.and_then(|e| e.for_last(f)).map(str::to_string);
    BillingView {
        action: ctx.url(Step::Billing),
        account_label: account_label(account),
        delegation: account.delegated_flow.label(),
        state: ctx.state.patient.state.trim().to_ascii_uppercase(),
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
        },
        form_error: errors
            .map(|_| "Billing was not saved: please correct the fields marked below.".to_string()),
    }
}

/// The chosen account and its billing types, or None when the account is gone or offers none.
fn account_and_options(
    conn: &mut DbConnection,
    ctx: &Ctx,
) -> Result<Option<(LabAccount, Vec<BillingType>)>, AppError> {
    let (Some(needs), Some(account)) = (ctx.needs(), ctx.chosen_account(&ctx.accounts(conn)?))
    else {
        return Ok(None);
    };
    let options = billing_options(&account, &needs);
    Ok((!options.is_empty()).then_some((account, options)))
}

pub fn show(conn: &mut DbConnection, ctx: Ctx) -> Result<Outcome, AppError> {
    let Some((account, options)) = account_and_options(conn, &ctx)? else {
        return account::choose_again(conn, ctx);
    };
    let saved = BillingInput {
        billing_type: ctx
            .state
            .billing_type
            .map(|b| b.as_str().to_string())
            .unwrap_or_default(),
        physician: ctx.state.physician.clone(),
        clinical_notes: ctx.state.clinical_notes.clone(),
    };
    let v = view(&ctx, &account, &options, saved, None);
    Ok(Outcome::show(ctx, Step::Billing, StepView::Billing(v)))
}

pub fn save(
    conn: &mut DbConnection,
    mut ctx: Ctx,
    form: &[(String, String)],
) -> Result<Outcome, AppError> {
    let Some((account, options)) = account_and_options(conn, &ctx)? else {
        return account::choose_again(conn, ctx);
    };
    let requires = account.delegated_flow.requires_physician();
    let input = BillingInput {
        billing_type: value(form, "billing_type").to_string(),
        physician: if requires {
            PhysicianInput {
                first_name: value(form, "physician_first_name").to_string(),
                last_name: value(form, "physician_last_name").to_string(),
                npi: value(form, "physician_npi").to_string(),
            }
        } else {
            PhysicianInput::default()
        },
        clinical_notes: value(form, "clinical_notes").to_string(),
    };
    match validate_billing(&input, &options, requires) {
        Ok((billing, _)) => {
            ctx.state
                .save_billing(billing, input.physician, input.clinical_notes);
            advance(conn, ctx, Step::Billing)
        }
        Err(errors) => {
            let v = view(&ctx, &account, &options, input, Some(&errors));
            Ok(Outcome::invalid(ctx, Step::Billing, StepView::Billing(v)))
        }
    }
}
