//! Lab account rules: the status lifecycle, configuration validation, uniqueness and linking.
use std::collections::BTreeMap;

use super::billing::AllowedBilling;
use super::lab::{string_enum, LabSlug};
use super::validation::FieldErrors;

string_enum!(
    AccountStatus {
        Pending => "pending",
        ReadyToLaunch => "ready_to_launch",
        Active => "active",
        Suspended => "suspended",
    }
);

string_enum!(
    DelegatedFlow {
        OrderDelegated => "order_delegated",
        ResultDelegated => "result_delegated",
        FullyDelegated => "fully_delegated",
        NotDelegated => "not_delegated",
    }
);

impl AccountStatus {
    pub fn label(self) -> &'static str {
        match self {
            AccountStatus::Pending => "Pending",
            AccountStatus::ReadyToLaunch => "Ready to launch",
            AccountStatus::Active => "Active",
            AccountStatus::Suspended => "Suspended",
        }
    }

    /// The statuses this one may move to, in the order a person would consider them.
    pub fn next_statuses(self) -> &'static [AccountStatus] {
        use AccountStatus::*;
        match self {
            Pending => &[ReadyToLaunch, Active],
            ReadyToLaunch => &[Active],
            Active => &[Suspended],
            Suspended => &[Active],
        }
    }

    /// Only active accounts take new orders.
    pub fn takes_orders(self) -> bool {
        self == AccountStatus::Active
    }
}

impl DelegatedFlow {
    pub fn label(self) -> &'static str {
        match self {
            DelegatedFlow::OrderDelegated => "Order delegated",
            DelegatedFlow::ResultDelegated => "Result delegated",
            DelegatedFlow::FullyDelegated => "Fully delegated",
            DelegatedFlow::NotDelegated => "Not delegated",
        }
    }

    /// Customer's own physicians order on these accounts, so an order must name one.
    pub fn requires_physician(self) -> bool {
        matches!(
            self,
            DelegatedFlow::OrderDelegated | DelegatedFlow::FullyDelegated
        )
    }
}

/// A status change request, checked against the lifecycle.
pub fn check_status_move(
    from: AccountStatus,
    to: AccountStatus,
    reason: &str,
) -> Result<(), FieldErrors> {
    let mut errors = FieldErrors::default();
    if from == to {
        errors.push(
            "status",
            format!("The account is already {}.", from.label().to_lowercase()),
            "value_error.status_unchanged",
        );
    } else if !from.next_statuses().contains(&to) {
        let allowed: Vec<&str> = from.next_statuses().iter().map(|s| s.as_str()).collect();
        errors.push(
            "status",
            format!(
                "A {} account cannot move to {}; allowed: {}.",
                from.as_str(),
                to.as_str(),
                allowed.join(", ")
            ),
            "value_error.status_move",
        );
    }
    let reason = reason.trim();
    if reason.is_empty() {
        errors.push(
            "reason",
            "Give a reason for the status change.",
            "value_error.missing",
        );
    } else if reason.chars().count() > 500 {
        errors.push(
            "reason",
            "The reason may be at most 500 characters.",
            "value_error.too_long",
        );
    }
    errors.into_result(())
}

/// Who owns an account: an organization, or the platform (linked to Teams of any org by CSMs).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Owner {
    Org(String),
    Platform,
}

impl Owner {
    /// The value of the `owner_key` column, which makes uniqueness one index on both backends.
    pub fn key(&self) -> &str {
        match self {
            Owner::Org(id) => id,
            Owner::Platform => "platform",
        }
    }

    pub fn org_id(&self) -> Option<&str> {
        match self {
            Owner::Org(id) => Some(id),
            Owner::Platform => None,
        }
    }
}

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

/// A lab account as the rules see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabAccount {
    pub id: String,
    pub lab: LabSlug,
    pub owner: Owner,
    pub provider_account_id: String,
    pub account_name: Option<String>,
    pub status: AccountStatus,
    pub delegated_flow: DelegatedFlow,
    pub allowed_billing: AllowedBilling,
    pub business_units: Option<Vec<String>>,
    pub default_clinical_notes: Option<String>,
    pub version: i32,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
    /// Linked Teams, limited to what the reader may see.
    pub team_ids: Vec<String>,
}

impl LabAccount {
    pub fn is_platform_managed(&self) -> bool {
        self.owner == Owner::Platform
    }

    /// "Quest West (97500001)", or the lab's name when the account has none.
    pub fn display_name(&self) -> String {
        match &self.account_name {
            Some(name) => name.clone(),
            None => format!("{} {}", self.lab.display_name(), self.provider_account_id),
        }
    }

    pub fn config_input(&self) -> AccountConfigInput {
        AccountConfigInput {
            lab: self.lab.as_str().to_string(),
            provider_account_id: self.provider_account_id.clone(),
            account_name: self.account_name.clone().unwrap_or_default(),
            delegated_flow: self.delegated_flow.as_str().to_string(),
            allowed_billing: self
                .allowed_billing
                .types()
                .map(|t| {
                    let states = self
                        .allowed_billing
                        .states(t)
                        .unwrap_or_default()
                        .iter()
                        .map(|s| s.as_str().to_string())
                        .collect();
                    (t.as_str().to_string(), states)
                })
                .collect(),
            business_units: self.business_units.clone().unwrap_or_default().join(", "),
            default_clinical_notes: self.default_clinical_notes.clone().unwrap_or_default(),
        }
    }
}

/// An account already held by the same owner, as far as uniqueness is concerned.
#[derive(Debug, Clone)]
pub struct ExistingAccount<'a> {
    pub id: &'a str,
    pub lab: LabSlug,
    pub provider_account_id: &'a str,
}

/// (lab, provider_account_id) is unique within an owner; `editing` is the account being changed.
pub fn check_unique(
    config: &AccountConfig,
    editing: Option<&str>,
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

/// Why a Team may not be linked to an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkRefusal {
    TeamOfAnotherOrg,
}

impl LinkRefusal {
    pub fn code(&self) -> &'static str {
        match self {
            LinkRefusal::TeamOfAnotherOrg => "team_of_another_org",
        }
    }

    pub fn message(&self) -> &'static str {
        match self {
            LinkRefusal::TeamOfAnotherOrg => {
                "An organization's lab account can only be linked to Teams of that organization."
            }
        }
    }
}

/// An org account links only to its own org's Teams; a platform account to a Team of any org.
pub fn check_link(owner: &Owner, team_org_id: &str) -> Result<(), LinkRefusal> {
    match owner {
        Owner::Org(org) if org != team_org_id => Err(LinkRefusal::TeamOfAnotherOrg),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use AccountStatus::*;

    #[test]
    fn status_moves_follow_the_lifecycle() {
        let table = [
            (Pending, ReadyToLaunch, true),
            (Pending, Active, true),
            (Pending, Suspended, false),
            (Pending, Pending, false),
            (ReadyToLaunch, Active, true),
            (ReadyToLaunch, Pending, false),
            (ReadyToLaunch, Suspended, false),
            (ReadyToLaunch, ReadyToLaunch, false),
            (Active, Suspended, true),
            (Active, Pending, false),
            (Active, ReadyToLaunch, false),
            (Active, Active, false),
            (Suspended, Active, true),
            (Suspended, Pending, false),
            (Suspended, ReadyToLaunch, false),
            (Suspended, Suspended, false),
        ];
        assert_eq!(table.len(), AccountStatus::ALL.len().pow(2));
        for (from, to, allowed) in table {
            let got = check_status_move(from, to, "contract signed");
            assert_eq!(got.is_ok(), allowed, "{from} -> {to}");
            if let Err(e) = got {
                assert!(e.for_field("status").is_some(), "{from} -> {to}: {e:?}");
            }
        }
    }

    #[test]
    fn refused_move_names_the_allowed_ones() {
        let err = check_status_move(Suspended, Pending, "x").unwrap_err();
        assert_eq!(
            err.for_field("status"),
            Some("A suspended account cannot move to pending; allowed: active.")
        );
    }

    #[test]
    fn status_move_needs_a_reason() {
        for reason in ["", "   ", &"x".repeat(501)] {
            let err = check_status_move(Active, Suspended, reason).unwrap_err();
            assert!(err.for_field("reason").is_some(), "{reason:?}");
        }
    }

    #[test]
    fn only_active_accounts_take_orders() {
        for s in AccountStatus::ALL {
            assert_eq!(s.takes_orders(), *s == Active);
        }
    }

    #[test]
    fn delegation_decides_whether_a_physician_is_needed() {
        let table = [
            (DelegatedFlow::OrderDelegated, true),
            (DelegatedFlow::FullyDelegated, true),
            (DelegatedFlow::ResultDelegated, false),
            (DelegatedFlow::NotDelegated, false),
        ];
        for (flow, needed) in table {
            assert_eq!(flow.requires_physician(), needed, "{flow}");
        }
    }

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
        let table: &[(&[ExistingAccount], Option<&str>, bool)] = &[
            (&[], None, true),
            (
                &[ExistingAccount {
                    id: "a",
                    lab: LabSlug::Quest,
                    provider_account_id: "97500001",
                }],
                None,
                false,
            ),
            (
                &[ExistingAccount {
                    id: "a",
                    lab: LabSlug::Quest,
                    provider_account_id: "97500001",
                }],
                Some("a"),
                true,
            ),
            (
                &[ExistingAccount {
                    id: "a",
                    lab: LabSlug::Labcorp,
                    provider_account_id: "97500001",
                }],
                None,
                true,
            ),
            (
                &[ExistingAccount {
                    id: "a",
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

    #[test]
    fn org_accounts_link_only_to_their_own_org() {
        let table = [
            (Owner::Org("o1".into()), "o1", Ok(())),
            (
                Owner::Org("o1".into()),
                "o2",
                Err(LinkRefusal::TeamOfAnotherOrg),
            ),
            (Owner::Platform, "o1", Ok(())),
            (Owner::Platform, "o2", Ok(())),
        ];
        for (owner, team_org, expected) in table {
            assert_eq!(
                check_link(&owner, team_org),
                expected,
                "{owner:?} {team_org}"
            );
        }
    }
}
