//! Who may see and do what. Every dashboard and API route asks these functions (through
//! `web::policy`), so the rules live in one place.
use super::lab::string_enum;

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
            Role::OrgAdmin => "Ops (org admin)",
            Role::Clinician => "Clinician",
        }
    }
}

/// The person behind a dashboard request, with everything access decisions need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user_id: String,
    pub email: String,
    pub name: String,
    pub role: Role,
    /// The org of an org_admin or clinician; None for CSMs.
    pub org_id: Option<String>,
    /// Teams a clinician belongs to.
    pub team_ids: Vec<String>,
    /// Orgs a CSM looks after.
    pub csm_org_ids: Vec<String>,
}

/// What a request wants to do. Objects carry the org (and team) they belong to.
#[derive(Debug, Clone, Copy)]
pub enum Action<'a> {
    ViewOrg {
        org_id: &'a str,
    },
    ViewTeam {
        org_id: &'a str,
        team_id: &'a str,
    },
    /// `linked_teams` are the account's linked Teams within the org being looked at.
    ViewAccount {
        owner_org: Option<&'a str>,
        viewing_org: &'a str,
        linked_teams: &'a [String],
    },
    ViewPlatformAccounts,
    ManageAccounts {
        owner_org: Option<&'a str>,
    },
    LinkTeam {
        owner_org: Option<&'a str>,
        team_org: &'a str,
    },
    ViewAudit {
        org_id: &'a str,
    },
    /// Placing an order for a Team through the wizard; `draft_creator` is the user who started
    /// the draft being used (None when starting a new one). A draft is its creator's alone.
    PlaceOrder {
        org_id: &'a str,
        team_id: &'a str,
        draft_creator: Option<&'a str>,
    },
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
    pub fn is_member_of_org(&self, org_id: &str) -> bool {
        match self.role {
            Role::Csm => self.csm_org_ids.iter().any(|o| o == org_id),
            Role::OrgAdmin | Role::Clinician => self.org_id.as_deref() == Some(org_id),
        }
    }

    fn in_team(&self, team_id: &str) -> bool {
        self.team_ids.iter().any(|t| t == team_id)
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
            let own_draft = draft_creator.is_none_or(|c| c == p.user_id);
            allow_if(p.in_team(team_id) && own_draft, NotFound)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Decision::*;

    fn person(role: Role) -> Principal {
        Principal {
            user_id: "u".into(),
            email: "u@example.com".into(),
            name: "U".into(),
            role,
            org_id: (role != Role::Csm).then(|| "o1".to_string()),
            team_ids: if role == Role::Clinician {
                vec!["t1".into()]
            } else {
                vec![]
            },
            csm_org_ids: if role == Role::Csm {
                vec!["o1".into()]
            } else {
                vec![]
            },
        }
    }

    fn place<'a>(org_id: &'a str, team_id: &'a str, creator: Option<&'a str>) -> Action<'a> {
        Action::PlaceOrder {
            org_id,
            team_id,
            draft_creator: creator,
        }
    }

    #[test]
    fn decisions_by_role_and_object() {
        let t1 = vec!["t1".to_string()];
        let t2 = vec!["t2".to_string()];
        let none: Vec<String> = vec![];
        let table: Vec<(Role, Action, Decision)> = vec![
            (Role::Csm, Action::ViewOrg { org_id: "o1" }, Allow),
            (Role::Csm, Action::ViewOrg { org_id: "o2" }, NotFound),
            (Role::OrgAdmin, Action::ViewOrg { org_id: "o2" }, NotFound),
            (
                Role::Clinician,
                Action::ViewTeam {
                    org_id: "o1",
                    team_id: "t1",
                },
                Allow,
            ),
            (
                Role::Clinician,
                Action::ViewTeam {
                    org_id: "o1",
                    team_id: "t2",
                },
                NotFound,
            ),
            (
                Role::OrgAdmin,
                Action::ViewTeam {
                    org_id: "o1",
                    team_id: "t2",
                },
                Allow,
            ),
            (
                Role::OrgAdmin,
                Action::ViewTeam {
                    org_id: "o2",
                    team_id: "t9",
                },
                NotFound,
            ),
            (
                Role::Clinician,
                Action::ViewAccount {
                    owner_org: Some("o1"),
                    viewing_org: "o1",
                    linked_teams: &t1,
                },
                Allow,
            ),
            (
                Role::Clinician,
                Action::ViewAccount {
                    owner_org: Some("o1"),
                    viewing_org: "o1",
                    linked_teams: &t2,
                },
                NotFound,
            ),
            (
                Role::OrgAdmin,
                Action::ViewAccount {
                    owner_org: Some("o1"),
                    viewing_org: "o1",
                    linked_teams: &none,
                },
                Allow,
            ),
            (
                Role::OrgAdmin,
                Action::ViewAccount {
                    owner_org: Some("o2"),
                    viewing_org: "o2",
                    linked_teams: &none,
                },
                NotFound,
            ),
            (
                Role::OrgAdmin,
                Action::ViewAccount {
                    owner_org: None,
                    viewing_org: "o1",
                    linked_teams: &none,
                },
                NotFound,
            ),
            (
                Role::OrgAdmin,
                Action::ViewAccount {
                    owner_org: None,
                    viewing_org: "o1",
                    linked_teams: &t2,
                },
                Allow,
            ),
            (Role::Csm, Action::ViewPlatformAccounts, Allow),
            (Role::OrgAdmin, Action::ViewPlatformAccounts, Forbidden),
            (
                Role::Csm,
                Action::ManageAccounts {
                    owner_org: Some("o1"),
                },
                Allow,
            ),
            (
                Role::Csm,
                Action::ManageAccounts {
                    owner_org: Some("o2"),
                },
                NotFound,
            ),
            (Role::Csm, Action::ManageAccounts { owner_org: None }, Allow),
            (
                Role::OrgAdmin,
                Action::ManageAccounts {
                    owner_org: Some("o1"),
                },
                Forbidden,
            ),
            (
                Role::OrgAdmin,
                Action::ManageAccounts {
                    owner_org: Some("o2"),
                },
                NotFound,
            ),
            (
                Role::Clinician,
                Action::ManageAccounts {
                    owner_org: Some("o1"),
                },
                Forbidden,
            ),
            (
                Role::OrgAdmin,
                Action::LinkTeam {
                    owner_org: Some("o1"),
                    team_org: "o1",
                },
                Allow,
            ),
            (
                Role::OrgAdmin,
                Action::LinkTeam {
                    owner_org: Some("o1"),
                    team_org: "o2",
                },
                NotFound,
            ),
            (
                Role::OrgAdmin,
                Action::LinkTeam {
                    owner_org: None,
                    team_org: "o1",
                },
                Forbidden,
            ),
            (
                Role::Csm,
                Action::LinkTeam {
                    owner_org: None,
                    team_org: "o1",
                },
                Allow,
            ),
            (
                Role::Csm,
                Action::LinkTeam {
                    owner_org: None,
                    team_org: "o2",
                },
                NotFound,
            ),
            (
                Role::Clinician,
                Action::LinkTeam {
                    owner_org: Some("o1"),
                    team_org: "o1",
                },
                Forbidden,
            ),
            (Role::OrgAdmin, Action::ViewAudit { org_id: "o1" }, Allow),
            (
                Role::Clinician,
                Action::ViewAudit { org_id: "o1" },
                Forbidden,
            ),
            (Role::Csm, Action::ViewAudit { org_id: "o2" }, NotFound),
            (Role::Clinician, place("o1", "t1", None), Allow),
            (Role::Clinician, place("o1", "t1", Some("u")), Allow),
            // Another clinician's draft, even in the same Team, is not there for this one.
            (
                Role::Clinician,
                place("o1", "t1", Some("someone-else")),
                NotFound,
            ),
            (Role::Clinician, place("o1", "t2", None), NotFound),
            (Role::Clinician, place("o1", "t2", Some("u")), NotFound),
            (Role::Clinician, place("o2", "t9", None), NotFound),
            // Roles that do not order: refused in their own org, not found in another.
            (Role::OrgAdmin, place("o1", "t1", None), Forbidden),
            (
                Role::OrgAdmin,
                place("o1", "t1", Some("someone-else")),
                Forbidden,
            ),
            (Role::OrgAdmin, place("o2", "t9", None), NotFound),
            (Role::Csm, place("o1", "t1", None), Forbidden),
            (Role::Csm, place("o2", "t9", None), NotFound),
        ];
        for (role, action, expected) in table {
            assert_eq!(decide(&person(role), action), expected, "{role} {action:?}");
        }
    }
}
