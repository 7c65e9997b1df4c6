//! Every access decision, by role and object, in one table.
use super::*;

#[test]
fn decisions_by_role_and_object() {
    let t1 = teams(&["t1"]);
    let t2 = teams(&["t2"]);
    let none: Vec<TeamId> = vec![];
    let table: Vec<(Role, Action, Decision)> = vec![
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
        (Role::Csm, Action::ViewOrg { org_id: org("o1") }, Allow),
        (Role::Csm, Action::ViewOrg { org_id: org("o2") }, NotFound),
        (
            Role::OrgAdmin,
            Action::ViewOrg { org_id: org("o2") },
            NotFound,
        ),
        (
            Role::Clinician,
            Action::ViewTeam {
                org_id: org("o1"),
                team_id: team("t1"),
            },
            Allow,
        ),
        (
            Role::Clinician,
            Action::ViewTeam {
                org_id: org("o1"),
                team_id: team("t2"),
            },
            NotFound,
        ),
        (
            Role::OrgAdmin,
            Action::ViewTeam {
                org_id: org("o1"),
                team_id: team("t2"),
            },
            Allow,
        ),
        (
            Role::OrgAdmin,
            Action::ViewTeam {
                org_id: org("o2"),
                team_id: team("t9"),
            },
            NotFound,
        ),
        (
            Role::Clinician,
            Action::ViewAccount {
                owner_org: Some(org("o1")),
                viewing_org: org("o1"),
                linked_teams: &t1,
            },
            Allow,
        ),
        (
            Role::Clinician,
            Action::ViewAccount {
                owner_org: Some(org("o1")),
                viewing_org: org("o1"),
                linked_teams: &t2,
            },
            NotFound,
        ),
        (
            Role::OrgAdmin,
            Action::ViewAccount {
                owner_org: Some(org("o1")),
                viewing_org: org("o1"),
                linked_teams: &none,
            },
            Allow,
        ),
        (
            Role::OrgAdmin,
            Action::ViewAccount {
                owner_org: Some(org("o2")),
                viewing_org: org("o2"),
                linked_teams: &none,
            },
            NotFound,
        ),
        (
            Role::OrgAdmin,
            Action::ViewAccount {
                owner_org: None,
                viewing_org: org("o1"),
                linked_teams: &none,
            },
            NotFound,
        ),
        (
            Role::OrgAdmin,
            Action::ViewAccount {
                owner_org: None,
                viewing_org: org("o1"),
                linked_teams: &t2,
            },
            Allow,
        ),
        (Role::Csm, Action::ViewPlatformAccounts, Allow),
        (Role::OrgAdmin, Action::ViewPlatformAccounts, Forbidden),
        (
            Role::Csm,
            Action::ManageAccounts {
                owner_org: Some(org("o1")),
            },
            Allow,
        ),
        (
            Role::Csm,
            Action::ManageAccounts {
                owner_org: Some(org("o2")),
            },
            NotFound,
        ),
        (Role::Csm, Action::ManageAccounts { owner_org: None }, Allow),
        (
            Role::OrgAdmin,
            Action::ManageAccounts {
                owner_org: Some(org("o1")),
            },
            Forbidden,
        ),
        (
            Role::OrgAdmin,
            Action::ManageAccounts {
                owner_org: Some(org("o2")),
            },
            NotFound,
        ),
        (
            Role::Clinician,
            Action::ManageAccounts {
                owner_org: Some(org("o1")),
            },
            Forbidden,
        ),
        (
            Role::OrgAdmin,
            Action::LinkTeam {
                owner_org: Some(org("o1")),
                team_org: org("o1"),
            },
            Allow,
        ),
        (
            Role::OrgAdmin,
            Action::LinkTeam {
                owner_org: Some(org("o1")),
                team_org: org("o2"),
            },
            NotFound,
        ),
        (
            Role::OrgAdmin,
            Action::LinkTeam {
                owner_org: None,
                team_org: org("o1"),
            },
            Forbidden,
        ),
        (
            Role::Csm,
            Action::LinkTeam {
                owner_org: None,
                team_org: org("o1"),
            },
            Allow,
        ),
        (
            Role::Csm,
            Action::LinkTeam {
                owner_org: None,
                team_org: org("o2"),
            },
            NotFound,
        ),
        (
            Role::Clinician,
            Action::LinkTeam {
                owner_org: Some(org("o1")),
                team_org: org("o1"),
            },
            Forbidden,
        ),
        (
            Role::OrgAdmin,
            Action::ViewAudit { org_id: org("o1") },
            Allow,
        ),
        (
            Role::Clinician,
            Action::ViewAudit { org_id: org("o1") },
            Forbidden,
        ),
        (Role::Csm, Action::ViewAudit { org_id: org("o2") }, NotFound),
        // Orders: the list is open to every member of the org (what it shows differs).
        (
            Role::Clinician,
            Action::ViewOrders { org_id: org("o1") },
            Allow,
        ),
        (
            Role::OrgAdmin,
            Action::ViewOrders { org_id: org("o1") },
            Allow,
        ),
        (Role::Csm, Action::ViewOrders { org_id: org("o1") }, Allow),
        (
            Role::OrgAdmin,
            Action::ViewOrders { org_id: org("o2") },
            NotFound,
        ),
        (
            Role::Csm,
            Action::ViewOrders { org_id: org("o2") },
            NotFound,
        ),
        (
            Role::Clinician,
            Action::ViewOrders { org_id: org("o2") },
            NotFound,
        ),
        (Role::Clinician, order("o1", "t1"), Allow),
        (Role::Clinician, order("o1", "t2"), NotFound),
        (Role::OrgAdmin, order("o1", "t2"), Allow),
        (Role::Csm, order("o1", "t2"), Allow),
        (Role::OrgAdmin, order("o2", "t9"), NotFound),
        (Role::Csm, order("o2", "t9"), NotFound),
        (Role::Clinician, cancel("o1", "t1"), Allow),
        (Role::Clinician, cancel("o1", "t2"), NotFound),
        (Role::OrgAdmin, cancel("o1", "t2"), Allow),
        (Role::Csm, cancel("o1", "t1"), Forbidden),
        (Role::OrgAdmin, cancel("o2", "t9"), NotFound),
        (Role::Csm, cancel("o2", "t9"), NotFound),
        // The sandbox's "Advance": the Team's clinicians and the org's admins, not CSMs.
        (Role::Clinician, sandbox("o1", "t1"), Allow),
        (Role::Clinician, sandbox("o1", "t2"), NotFound),
        (Role::Clinician, sandbox("o2", "t9"), NotFound),
        (Role::OrgAdmin, sandbox("o1", "t2"), Allow),
        (Role::OrgAdmin, sandbox("o2", "t9"), NotFound),
        (Role::Csm, sandbox("o1", "t1"), Forbidden),
        (Role::Csm, sandbox("o2", "t9"), NotFound),
        // A Team's API keys: the org's admins only.
        (Role::OrgAdmin, keys("o1", "t2"), Allow),
        (Role::OrgAdmin, keys("o2", "t9"), NotFound),
        (Role::Csm, keys("o1", "t1"), Forbidden),
        (Role::Csm, keys("o2", "t9"), NotFound),
        (Role::Clinician, keys("o1", "t1"), Forbidden),
        (Role::Clinician, keys("o1", "t2"), NotFound),
        (Role::Clinician, keys("o2", "t9"), NotFound),
        // The review queue: the org's admins and CSMs; quarantine (no org) for CSMs only.
        (Role::OrgAdmin, review(Some("o1")), Allow),
        (Role::Csm, review(Some("o1")), Allow),
        (Role::Clinician, review(Some("o1")), Forbidden),
        (Role::OrgAdmin, review(Some("o2")), NotFound),
        (Role::Csm, review(Some("o2")), NotFound),
        (Role::Clinician, review(Some("o2")), NotFound),
        (Role::Csm, review(None), Allow),
        (Role::OrgAdmin, review(None), Forbidden),
        (Role::Clinician, review(None), Forbidden),
        // Lab interface keys: CSMs only.
        (Role::Csm, Action::ManageLabKeys, Allow),
        (Role::OrgAdmin, Action::ManageLabKeys, Forbidden),
        (Role::Clinician, Action::ManageLabKeys, Forbidden),
        // A Team's webhooks carry what its keys read: the org's admins only.
        (Role::OrgAdmin, webhooks("o1", "t2"), Allow),
        (Role::OrgAdmin, webhooks("o2", "t9"), NotFound),
        (Role::Csm, webhooks("o1", "t1"), Forbidden),
        (Role::Clinician, webhooks("o1", "t1"), Forbidden),
        (Role::Clinician, webhooks("o1", "t2"), NotFound),
        // How labs take orders: CSMs only.
        (Role::Csm, Action::ManageLabConnections, Allow),
        (Role::OrgAdmin, Action::ManageLabConnections, Forbidden),
        (Role::Clinician, Action::ManageLabConnections, Forbidden),
    ];
    for (role, action, expected) in table {
        assert_eq!(decide(&person(role), action), expected, "{role} {action:?}");
    }
}
