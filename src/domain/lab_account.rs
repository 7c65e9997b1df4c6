//! Lab account rules: the status lifecycle, delegation, ownership and linking.
use super::account_config::AccountConfigInput;
use super::billing::AllowedBilling;
use super::ids::{LabAccountId, OrgId, TeamId};
use super::lab::LabSlug;
use super::string_enum::string_enum;
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
    Org(OrgId),
    Platform,
}

impl Owner {
    /// The value of the `owner_key` column, which makes uniqueness one index on both backends.
    pub fn key(&self) -> &str {
        match self {
            Owner::Org(id) => id.as_str(),
            Owner::Platform => "platform",
        }
    }

    pub fn org_id(&self) -> Option<&OrgId> {
        match self {
            Owner::Org(id) => Some(id),
            Owner::Platform => None,
        }
    }
}

/// A lab account as the rules see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabAccount {
    pub id: LabAccountId,
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
    pub team_ids: Vec<TeamId>,
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
pub fn check_link(owner: &Owner, team_org_id: &OrgId) -> Result<(), LinkRefusal> {
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

    #[test]
    fn org_accounts_link_only_to_their_own_org() {
        let org = |id: &str| id.parse::<OrgId>().unwrap();
        let table = [
            (Owner::Org(org("o1")), "o1", Ok(())),
            (
                Owner::Org(org("o1")),
                "o2",
                Err(LinkRefusal::TeamOfAnotherOrg),
            ),
            (Owner::Platform, "o1", Ok(())),
            (Owner::Platform, "o2", Ok(())),
        ];
        for (owner, team_org, expected) in table {
            assert_eq!(
                check_link(&owner, &org(team_org)),
                expected,
                "{owner:?} {team_org}"
            );
        }
    }
}
