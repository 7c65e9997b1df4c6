//! Which lab account an order uses: one function for the order wizard and `POST /v3/order`.
use super::billing::{BillingType, UsState};
use super::ids::{LabAccountId, OrgId, TeamId};
use super::lab::LabSlug;
use super::lab_account::{LabAccount, Owner};

/// What an order needs from its account. `billing` is None in the wizard's account step, which
/// comes before billing: there an account qualifies when it allows any billing type in the state.
#[derive(Debug, Clone)]
pub struct OrderNeeds {
    pub team_id: TeamId,
    pub org_id: OrgId,
    pub lab: LabSlug,
    pub billing: Option<BillingType>,
    pub state: UsState,
    pub has_physician: bool,
}

/// Why an account cannot take this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ineligible {
    NotLinked,
    NotActive,
    WrongLab,
    BillingNotSupported,
    StateNotAllowed,
    PhysicianRequired,
}

impl Ineligible {
    pub const ALL: [Ineligible; 6] = [
        Ineligible::NotLinked,
        Ineligible::NotActive,
        Ineligible::WrongLab,
        Ineligible::BillingNotSupported,
        Ineligible::StateNotAllowed,
        Ineligible::PhysicianRequired,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Ineligible::NotLinked => "lab_account_not_linked",
            Ineligible::NotActive => "lab_account_not_active",
            Ineligible::WrongLab => "lab_account_wrong_lab",
            Ineligible::BillingNotSupported => "billing_type_not_supported",
            Ineligible::StateNotAllowed => "state_not_allowed",
            Ineligible::PhysicianRequired => "physician_required",
        }
    }

    /// A sentence a person can act on.
    pub fn message(self, a: &LabAccount, needs: &OrderNeeds) -> String {
        let name = a.display_name();
        match self {
            Ineligible::NotLinked => format!("Lab account {name} is not linked to this Team."),
            Ineligible::NotActive => format!("Lab account {name} is {} and does not take new orders.", a.status.label().to_lowercase()),
            Ineligible::WrongLab => format!(
                "Lab account {name} is a {} account; the tests are from {}.",
                a.lab.display_name(),
                needs.lab.display_name()
            ),
            Ineligible::BillingNotSupported => format!(
                "Lab account {name} does not support billing type {}.",
                needs.billing.map(|b| b.as_str()).unwrap_or("(none)")
            ),
            Ineligible::StateNotAllowed => match needs.billing {
                Some(b) => format!("Lab account {name} does not allow {} for patients in {}.", b.as_str(), needs.state.as_str()),
                None => format!("Lab account {name} allows no billing type for patients in {}.", needs.state.as_str()),
            },
            Ineligible::PhysicianRequired => format!(
                "Lab account {name} is {}: the order must name the ordering physician (first name, last name, NPI).",
                a.delegated_flow.as_str()
            ),
        }
    }
}

/// Checks one account, in the order a person would fix things.
pub fn check(a: &LabAccount, needs: &OrderNeeds) -> Result<(), Ineligible> {
    if !a.team_ids.contains(&needs.team_id) {
        return Err(Ineligible::NotLinked);
    }
    if !a.status.takes_orders() {
        return Err(Ineligible::NotActive);
    }
    if a.lab != needs.lab {
        return Err(Ineligible::WrongLab);
    }
    match needs.billing {
        Some(billing) => {
            if a.allowed_billing.states(billing).is_none() {
                return Err(Ineligible::BillingNotSupported);
            }
            if !a.allowed_billing.allows(billing, needs.state) {
                return Err(Ineligible::StateNotAllowed);
            }
        }
        None => {
            if !a
                .allowed_billing
                .types()
                .any(|b| a.allowed_billing.allows(b, needs.state))
            {
                return Err(Ineligible::StateNotAllowed);
            }
        }
    }
    if a.delegated_flow.requires_physician() && !needs.has_physician {
        return Err(Ineligible::PhysicianRequired);
    }
    Ok(())
}

/// Why no account could be chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The given id is unknown, or belongs to another org.
    NotFound,
    /// The given account cannot take this order.
    Ineligible {
        account_id: LabAccountId,
        reason: Ineligible,
        message: String,
    },
    /// Nothing is linked to the Team for this lab (and no platform account fits).
    NoAccount { message: String },
    /// Several accounts fit: the caller must say which.
    Ambiguous { eligible: Vec<LabAccountId> },
    /// Accounts are linked for this lab but none fits; each with its reason.
    NoneEligible {
        reasons: Vec<(LabAccountId, Ineligible, String)>,
    },
}

impl Refusal {
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::NotFound => "lab_account_not_found",
            Refusal::Ineligible { reason, .. } => reason.code(),
            Refusal::NoAccount { .. } => "no_lab_account",
            Refusal::Ambiguous { .. } => "lab_account_id_required",
            Refusal::NoneEligible { .. } => "no_eligible_lab_account",
        }
    }

    pub fn message(&self) -> String {
        match self {
            Refusal::NotFound => "Lab account not found.".to_string(),
            Refusal::Ineligible { message, .. } | Refusal::NoAccount { message } => message.clone(),
            Refusal::Ambiguous { eligible } => format!(
                "lab_account_id is required: more than one lab account can take this order ({}).",
                eligible
                    .iter()
                    .map(LabAccountId::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Refusal::NoneEligible { reasons } => format!(
                "No linked lab account can take this order: {}",
                reasons
                    .iter()
                    .map(|(_, _, m)| m.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
        }
    }
}

/// Whether an account belongs to the order's org, or is a platform account linked to its Team.
fn visible(a: &LabAccount, needs: &OrderNeeds) -> bool {
    match &a.owner {
        Owner::Org(org) => *org == needs.org_id,
        Owner::Platform => a.team_ids.contains(&needs.team_id),
    }
}

/// The accounts `resolve` chooses among when no id is given: the org's own accounts linked to the
/// Team for the order's lab, or, only when there are none, the platform accounts linked to it.
/// The wizard lists these (eligible or not, each with its reason) on its account step.
pub fn candidates<'a>(accounts: &'a [LabAccount], needs: &OrderNeeds) -> Vec<&'a LabAccount> {
    let linked_for_lab = |platform: bool| -> Vec<&'a LabAccount> {
        accounts
            .iter()
            .filter(|a| a.is_platform_managed() == platform && a.lab == needs.lab)
            .filter(|a| a.team_ids.contains(&needs.team_id) && visible(a, needs))
            .collect()
    };
    let own = linked_for_lab(false);
    if own.is_empty() {
        linked_for_lab(true)
    } else {
        own
    }
}

/// Picks the account for an order. `accounts` are the org's own accounts and the platform
/// accounts linked to the Team, each with its linked Teams.
pub fn resolve<'a>(
    accounts: &'a [LabAccount],
    explicit: Option<&LabAccountId>,
    needs: &OrderNeeds,
) -> Result<&'a LabAccount, Refusal> {
    if let Some(id) = explicit {
        let a = accounts
            .iter()
            .find(|a| a.id == *id && visible(a, needs))
            .ok_or(Refusal::NotFound)?;
        return check(a, needs)
            .map(|_| a)
            .map_err(|reason| Refusal::Ineligible {
                account_id: a.id.clone(),
                reason,
                message: reason.message(a, needs),
            });
    }
    let (eligible, ineligible): (Vec<&LabAccount>, Vec<&LabAccount>) = candidates(accounts, needs)
        .into_iter()
        .partition(|a| check(a, needs).is_ok());
    match eligible.as_slice() {
        [one] => Ok(one),
        [] if ineligible.is_empty() => Err(Refusal::NoAccount {
            message: format!(
                "No {} lab account is linked to this Team. Ask your ops admin to link one.",
                needs.lab.display_name()
            ),
        }),
        [] => Err(Refusal::NoneEligible {
            reasons: ineligible
                .iter()
                .filter_map(|a| {
                    check(a, needs)
                        .err()
                        .map(|r| (a.id.clone(), r, r.message(a, needs)))
                })
                .collect(),
        }),
        many => Err(Refusal::Ambiguous {
            eligible: many.iter().map(|a| a.id.clone()).collect(),
        }),
    }
}

#[cfg(test)]
#[path = "eligibility_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "eligibility_candidates_tests.rs"]
mod candidates_tests;
