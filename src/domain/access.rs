//! Who may see and do what. Every dashboard and API route asks these functions (through
//! `web::policy`), so the rules live in one place.
use super::ids::{OrgId, TeamId, UserId};
use super::string_enum::string_enum;

string_enum!(
    Role {
        Csm => "csm",
        OrgAdmin => "org_admin",
        Clinician => "clinician",
    }
);

impl Role {
    pub fn label(self) -> &'static str {
        match self {
            Role::Csm => "Customer success manager",
            Role::OrgAdmin => "Operations admin",
            Role::Clinician => "Clinician",
        }
    }
}

/// The person behind a dashboard request, with everything access decisions need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user_id: UserId,
    pub email: String,
    pub name: String,
    pub role: Role,
    /// The org of an org_admin or clinician; None for CSMs.
    pub org_id: Option<OrgId>,
    /// Teams a clinician belongs to.
    pub team_ids: Vec<TeamId>,
    /// Orgs a CSM looks after.
    pub csm_org_ids: Vec<OrgId>,
}

/// What a request wants to do. Objects carry the org (and team) they belong to.
#[derive(Debug, Clone, Copy)]
pub enum Action<'a> {
    ViewOrg {
        org_id: &'a OrgId,
    },
    ViewTeam {
        org_id: &'a OrgId,
        team_id: &'a TeamId,
    },
    /// `linked_teams` are the account's linked Teams within the org being looked at.
    ViewAccount {
        owner_org: Option<&'a OrgId>,
        viewing_org: &'a OrgId,
        linked_teams: &'a [TeamId],
    },
    ViewPlatformAccounts,
    ManageAccounts {
        owner_org: Option<&'a OrgId>,
    },
    LinkTeam {
        owner_org: Option<&'a OrgId>,
        team_org: &'a OrgId,
    },
    ViewAudit {
        org_id: &'a OrgId,
    },
    /// The org's orders list (which orders it shows: `order_visibility`).
    ViewOrders {
        org_id: &'a OrgId,
    },
    /// One order of a Team (a PHI read).
    ViewOrder {
        org_id: &'a OrgId,
        team_id: &'a TeamId,
    },
    /// Cancelling an order of a Team (whether its status allows it is the order's rule).
    CancelOrder {
        org_id: &'a OrgId,
        team_id: &'a TeamId,
    },
    /// Sandbox deployments only: moving an order of a Team one step forward (results included)
    /// or sending a corrected result for it.
    AdvanceSandboxOrder {
        org_id: &'a OrgId,
        team_id: &'a TeamId,
    },
    /// Listing, creating and revoking a Team's API keys.
    ManageTeamKeys {
        org_id: &'a OrgId,
        team_id: &'a TeamId,
    },
    /// Adding, changing and watching a Team's webhook endpoints (their events carry the Team's
    /// patient data, as its API keys read it).
    ManageWebhooks {
        org_id: &'a OrgId,
        team_id: &'a TeamId,
    },
    /// Placing an order for a Team through the wizard; `draft_creator` is the user who started
    /// the draft being used (None when starting a new one). A draft is its creator's alone.
    PlaceOrder {
        org_id: &'a OrgId,
        team_id: &'a TeamId,
        draft_creator: Option<&'a UserId>,
    },
    /// Working the review queue of results that did not fit: an org's items, or (None) the
    /// quarantine of deliveries on unknown accounts, which belongs to no org.
    ReviewResults {
        org_id: Option<&'a OrgId>,
    },
    /// Listing, creating and revoking the labs' result delivery keys.
    ManageLabKeys,
    /// Setting how each lab takes orders (MLLP, file drop, none): the platform's CSMs.
    ManageLabConnections,
}

/// Which of an org's orders a person sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrderVisibility {
    /// Org admins and the org's CSMs: every Team's orders.
    WholeOrg,
    /// Clinicians: their Teams' orders only.
    Teams(Vec<TeamId>),
}

pub fn order_visibility(p: &Principal) -> OrderVisibility {
    match p.role {
        Role::Clinician => OrderVisibility::Teams(p.team_ids.clone()),
        Role::OrgAdmin | Role::Csm => OrderVisibility::WholeOrg,
    }
}

/// Which of an org's lab accounts a person sees in the org's list and pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountVisibility {
    /// Org admins and the org's CSMs: the org's accounts and the platform accounts linked to its
    /// Teams.
    WholeOrg,
    /// Clinicians: the accounts linked to one of their Teams (what they can order on).
    LinkedTo(Vec<TeamId>),
}

pub fn account_visibility(p: &Principal) -> AccountVisibility {
    match p.role {
        Role::Clinician => AccountVisibility::LinkedTo(p.team_ids.clone()),
        Role::OrgAdmin | Role::Csm => AccountVisibility::WholeOrg,
    }
}

/// Who a review-queue item (a delivered result that did not fit) belongs to, as far as a Team's
/// access to it goes.
#[derive(Debug, Clone, Copy)]
pub struct QueueItemOwner<'a> {
    /// The org it was routed to; None for quarantine (deliveries on unknown accounts).
    pub org_id: Option<&'a OrgId>,
    /// The Team of its candidate order, when the matching found one.
    pub team_id: Option<&'a TeamId>,
    /// Whether the account it was delivered on is linked to the Team asking.
    pub account_linked: bool,
}

/// Whether a Team (through its API key) sees a review-queue item. An item about a Team's order
/// is that Team's alone, even when the account it came in on is shared with other Teams: it
/// names the Team's patient. Only an item that belongs to no Team falls back to the account's
/// links. Another org's item and quarantine never. `db::unmatched`'s Team filter is this rule
/// in SQL.
pub fn team_sees_queue_item(org_id: &OrgId, team_id: &TeamId, item: QueueItemOwner<'_>) -> bool {
    if item.org_id != Some(org_id) {
        return false;
    }
    match item.team_id {
        Some(owner) => owner == team_id,
        None => item.account_linked,
    }
}

/// The answer to a request: allowed, or refused as if the object did not exist (another org's or
/// team's object), or refused because the role may not do it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    NotFound,
    Forbidden,
}

impl Principal {
    pub fn is_member_of_org(&self, org_id: &OrgId) -> bool {
        match self.role {
            Role::Csm => self.csm_org_ids.contains(org_id),
            Role::OrgAdmin | Role::Clinician => self.org_id.as_ref() == Some(org_id),
        }
    }

    fn in_team(&self, team_id: &TeamId) -> bool {
        self.team_ids.contains(team_id)
    }
}

pub fn decide(p: &Principal, action: Action<'_>) -> Decision {
    use Decision::*;
    let allow_if = |ok: bool, otherwise: Decision| if ok { Allow } else { otherwise };
    match action {
        Action::ViewOrg { org_id } => allow_if(p.is_member_of_org(org_id), NotFound),
        Action::ViewTeam { org_id, team_id } => {
            if !p.is_member_of_org(org_id) {
                return NotFound;
            }
            allow_if(p.role != Role::Clinician || p.in_team(team_id), NotFound)
        }
        Action::ViewAccount {
            owner_org,
            viewing_org,
            linked_teams,
        } => {
            if !p.is_member_of_org(viewing_org) {
                return NotFound;
            }
            let owned_here = owner_org == Some(viewing_org);
            match p.role {
                Role::Csm => allow_if(owned_here || owner_org.is_none(), NotFound),
                Role::OrgAdmin => allow_if(owned_here || !linked_teams.is_empty(), NotFound),
                Role::Clinician => allow_if(linked_teams.iter().any(|t| p.in_team(t)), NotFound),
            }
        }
        Action::ViewPlatformAccounts => allow_if(p.role == Role::Csm, Forbidden),
        Action::ManageAccounts { owner_org } => match (p.role, owner_org) {
            (Role::Csm, None) => Allow,
            (Role::Csm, Some(org)) => allow_if(p.is_member_of_org(org), NotFound),
            (_, Some(org)) if !p.is_member_of_org(org) => NotFound,
            _ => Forbidden,
        },
        Action::LinkTeam {
            owner_org,
            team_org,
        } => {
            if !p.is_member_of_org(team_org) {
                return NotFound;
            }
            match (p.role, owner_org) {
                (Role::Csm, _) => Allow,
                (Role::OrgAdmin, Some(org)) => allow_if(org == team_org, NotFound),
                _ => Forbidden,
            }
        }
        Action::ViewAudit { org_id } => {
            if !p.is_member_of_org(org_id) {
                return NotFound;
            }
            allow_if(p.role != Role::Clinician, Forbidden)
        }
        Action::ViewOrders { org_id } => allow_if(p.is_member_of_org(org_id), NotFound),
        Action::ViewOrder { org_id, team_id } => decide(p, Action::ViewTeam { org_id, team_id }),
        // Clinicians of the Team and the org's admins; CSMs read orders but take no clinical
        // action on a customer's order.
        Action::CancelOrder { org_id, team_id } => {
            match decide(p, Action::ViewTeam { org_id, team_id }) {
                Allow => allow_if(p.role != Role::Csm, Forbidden),
                other => other,
            }
        }
        // The same people as cancelling: it acts on the customer's order (fake results are still
        // results a clinician reads), so platform staff do not.
        Action::AdvanceSandboxOrder { org_id, team_id } => {
            decide(p, Action::CancelOrder { org_id, team_id })
        }
        // A Team key reads the Team's patients and orders: only the customer's own admins hold
        // them, not platform staff (CSMs) and not clinicians.
        Action::ManageTeamKeys { org_id, team_id } | Action::ManageWebhooks { org_id, team_id } => {
            match decide(p, Action::ViewTeam { org_id, team_id }) {
                Allow => allow_if(p.role == Role::OrgAdmin, Forbidden),
                other => other,
            }
        }
        Action::PlaceOrder {
            org_id,
            team_id,
            draft_creator,
        } => {
            if !p.is_member_of_org(org_id) {
                return NotFound;
            }
            if p.role != Role::Clinician {
                return Forbidden;
            }
            let own_draft = draft_creator.is_none_or(|c| *c == p.user_id);
            allow_if(p.in_team(team_id) && own_draft, NotFound)
        }
        // Ops staff work their org's queue; the org's CSMs too, and only CSMs see quarantine
        // (a delivery on an unknown account may be any org's: nobody's org may read it).
        Action::ReviewResults {
            org_id: Some(org_id),
        } => {
            if !p.is_member_of_org(org_id) {
                return NotFound;
            }
            allow_if(p.role != Role::Clinician, Forbidden)
        }
        Action::ReviewResults { org_id: None } => allow_if(p.role == Role::Csm, Forbidden),
        // A lab key delivers results for every org: platform staff only.
        Action::ManageLabKeys | Action::ManageLabConnections => {
            allow_if(p.role == Role::Csm, Forbidden)
        }
    }
}

#[cfg(test)]
#[path = "access_tests.rs"]
mod tests;
