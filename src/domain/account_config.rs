//! The configuration of a lab account: validation of what a person or program typed, and the
//! uniqueness rule.
use std::collections::BTreeMap;

use super::billing::AllowedBilling;
use super::ids::LabAccountId;
use super::lab::LabSlug;
use super::lab_account::DelegatedFlow;
use super::validation::FieldErrors;

/// The editable configuration of an account, as typed by a person or sent by a program.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountConfigInput {
    pub lab: String,
    pub provider_account_id: String,
    pub account_name: String,
    pub delegated_flow: String,
    pub allowed_billing: BTreeMap<String, Vec<String>>,
    pub business_units: String,
    pub default_clinical_notes: String,
}

/// A validated configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountConfig {
    pub lab: LabSlug,
    pub provider_account_id: String,
    pub account_name: Option<String>,
    pub delegated_flow: DelegatedFlow,
    pub allowed_billing: AllowedBilling,
    pub business_units: Option<Vec<String>>,
    pub default_clinical_notes: Option<String>,
}

fn optional(text: &str) -> Option<String> {
    let t = text.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// Validates everything at once so a form can show every problem next to its field.
pub fn validate_config(input: &AccountConfigInput) -> Result<AccountConfig, FieldErrors> {
    let mut errors = FieldErrors::default();
    let lab = match input.lab.trim() {
        "" => {
            errors.push("lab", "Choose the lab.", "value_error.missing");
            None
        }
        text => match text.parse::<LabSlug>() {
            Ok(l) => Some(l),
            Err(e) => {
                errors.push("lab", format!("Lab {e}."), "type_error.enum");
                None
            }
        },
    };
    let provider_account_id = input.provider_account_id.trim().to_string();
    if provider_account_id.is_empty() {
        errors.push(
            "provider_account_id",
            "Enter the account number the lab gave you.",
            "value_error.missing",
        );
    } else if provider_account_id.len() > 64
        || !provider_account_id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        errors.push(
            "provider_account_id",
            "Use up to 64 letters, digits, '-', '_' or '.'.",
            "value_error.str.regex",
        );
    }
    let account_name = optional(&input.account_name);
    if account_name
        .as_ref()
        .is_some_and(|n| n.chars().count() > 120)
    {
        errors.push(
            "account_name",
            "The name may be at most 120 characters.",
            "value_error.too_long",
        );
    }
    let delegated_flow = match input.delegated_flow.trim().parse::<DelegatedFlow>() {
        Ok(d) => Some(d),
        Err(e) => {
            errors.push(
                "delegated_flow",
                format!("Delegation {e}."),
                "type_error.enum",
            );
            None
        }
    };
    let allowed_billing = match AllowedBilling::parse(&input.allowed_billing) {
        Ok(ab) => Some(ab),
        Err(problems) => {
            errors.push(
                "allowed_billing",
                format!("{}.", problems.join("; ")),
                "value_error",
            );
            None
        }
    };
    let business_units: Option<Vec<String>> = optional(&input.business_units).map(|t| {
        t.split([',', '\n'])
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    });
    if business_units
        .as_ref()
        .is_some_and(|units| units.iter().any(|u| u.chars().count() > 80))
    {
        errors.push(
            "business_units",
            "Each business unit may be at most 80 characters.",
            "value_error.too_long",
        );
    }
    let default_clinical_notes = optional(&input.default_clinical_notes);
    if default_clinical_notes
        .as_ref()
        .is_some_and(|n| n.chars().count() > 1000)
    {
        errors.push(
            "default_clinical_notes",
            "Default clinical notes may be at most 1000 characters.",
            "value_error.too_long",
        );
    }
    match (lab, delegated_flow, allowed_billing) {
        (Some(lab), Some(delegated_flow), Some(allowed_billing)) if errors.is_empty() => {
            Ok(AccountConfig {
                lab,
                provider_account_id,
                account_name,
                delegated_flow,
                allowed_billing,
                business_units,
                default_clinical_notes,
            })
        }
        _ => Err(errors),
    }
}

/// An account already held by the same owner, as far as uniqueness is concerned.
#[derive(Debug, Clone)]
pub struct ExistingAccount<'a> {
    pub id: &'a LabAccountId,
    pub lab: LabSlug,
    pub provider_account_id: &'a str,
}

/// (lab, provider_account_id) is unique within an owner; `editing` is the account being changed.
pub fn check_unique(
    config: &AccountConfig,
    editing: Option<&LabAccountId>,
    same_owner: &[ExistingAccount<'_>],
) -> Result<(), FieldErrors> {
    let clash = same_owner.iter().any(|a| {
        Some(a.id) != editing
            && a.lab == config.lab
            && a.provider_account_id
                .eq_ignore_ascii_case(&config.provider_account_id)
    });
    let mut errors = FieldErrors::default();
    if clash {
        errors.push(
            "provider_account_id",
            format!(
                "{} account {} already exists for this owner.",
                config.lab.display_name(),
                config.provider_account_id
            ),
            "value_error.duplicate",
        );
    }
    errors.into_result(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> AccountConfigInput {
        AccountConfigInput {
            lab: "quest".into(),
            provider_account_id: " 97500001 ".into(),
            account_name: "Quest West".into(),
            delegated_flow: "not_delegated".into(),
            allowed_billing: [("client_bill".to_string(), vec!["AZ".to_string()])].into(),
            business_units: "west, , east".into(),
            default_clinical_notes: "".into(),
        }
    }

    #[test]
    fn valid_config_is_trimmed_and_split() {
        let c = validate_config(&input()).unwrap();
        assert_eq!(c.provider_account_id, "97500001");
        assert_eq!(
            c.business_units,
            Some(vec!["west".to_string(), "east".to_string()])
        );
        assert_eq!(c.default_clinical_notes, None);
    }

    #[test]
    fn each_bad_field_is_reported_against_that_field() {
        type Mutate = fn(&mut AccountConfigInput);
        let table: &[(Mutate, &str)] = &[
            (|i| i.lab = "".into(), "lab"),
            (|i| i.lab = "acme".into(), "lab"),
            (
                |i| i.provider_account_id = "  ".into(),
                "provider_account_id",
            ),
            (
                |i| i.provider_account_id = "97 5".into(),
                "provider_account_id",
            ),
            (|i| i.account_name = "n".repeat(121), "account_name"),
            (|i| i.delegated_flow = "sometimes".into(), "delegated_flow"),
            (
                |i| i.allowed_billing = [("cash".to_string(), vec![])].into(),
                "allowed_billing",
            ),
            (|i| i.business_units = "u".repeat(81), "business_units"),
            (
                |i| i.default_clinical_notes = "n".repeat(1001),
                "default_clinical_notes",
            ),
        ];
        for (mutate, field) in table {
            let mut i = input();
            mutate(&mut i);
            let err = validate_config(&i).unwrap_err();
            assert!(err.for_field(field).is_some(), "{field}: {err:?}");
            assert_eq!(err.0.len(), 1, "{field}: {err:?}");
        }
    }

    #[test]
    fn provider_account_id_is_unique_per_lab_within_an_owner() {
        let config = validate_config(&input()).unwrap();
        let a: LabAccountId = "a".parse().unwrap();
        let table: &[(&[ExistingAccount], Option<&LabAccountId>, bool)] = &[
            (&[], None, true),
            (
                &[ExistingAccount {
                    id: &a,
                    lab: LabSlug::Quest,
                    provider_account_id: "97500001",
                }],
                None,
                false,
            ),
            (
                &[ExistingAccount {
                    id: &a,
                    lab: LabSlug::Quest,
                    provider_account_id: "97500001",
                }],
                Some(&a),
                true,
            ),
            (
                &[ExistingAccount {
                    id: &a,
                    lab: LabSlug::Labcorp,
                    provider_account_id: "97500001",
                }],
                None,
                true,
            ),
            (
                &[ExistingAccount {
                    id: &a,
                    lab: LabSlug::Quest,
                    provider_account_id: "97500002",
                }],
                None,
                true,
            ),
        ];
        for (existing, editing, ok) in table {
            assert_eq!(
                check_unique(&config, *editing, existing).is_ok(),
                *ok,
                "{existing:?} editing {editing:?}"
            );
        }
    }
}
