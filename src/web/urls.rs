//! The dashboard's paths, built from ids: one function per route of `routes.rs`, so a path is
//! written once. Pure functions; ids are `&str` for now. The JSON APIs' paths are fixed by the
//! wire format and are not built here.

/// Where a page lives: under an organization, or on the platform (the CSMs' pages). Lab accounts
/// and the review queue have both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope<'a> {
    Org(&'a str),
    Platform,
}

impl Scope<'_> {
    fn prefix(self) -> String {
        match self {
            Scope::Org(org) => format!("/orgs/{org}"),
            Scope::Platform => "/platform".to_string(),
        }
    }
}

pub fn sign_in() -> String {
    "/login".to_string()
}

pub fn sign_out() -> String {
    "/logout".to_string()
}

pub fn sign_out_everywhere() -> String {
    "/logout/everywhere".to_string()
}

/// Sends a signed-in person on to their landing page.
pub fn home() -> String {
    "/".to_string()
}

/// The organizations a person may open.
pub fn orgs() -> String {
    "/orgs".to_string()
}

pub fn lab_accounts(scope: Scope) -> String {
    format!("{}/lab_accounts", scope.prefix())
}

pub fn new_lab_account(scope: Scope) -> String {
    format!("{}/new", lab_accounts(scope))
}

pub fn lab_account(scope: Scope, account: &str) -> String {
    format!("{}/{account}", lab_accounts(scope))
}

pub fn edit_lab_account(scope: Scope, account: &str) -> String {
    format!("{}/edit", lab_account(scope, account))
}

pub fn lab_account_status(scope: Scope, account: &str) -> String {
    format!("{}/status", lab_account(scope, account))
}

/// Where a Team is linked to the account (POST).
pub fn lab_account_teams(scope: Scope, account: &str) -> String {
    format!("{}/teams", lab_account(scope, account))
}

pub fn unlink_team(scope: Scope, account: &str, team: &str) -> String {
    format!("{}/{team}/unlink", lab_account_teams(scope, account))
}

pub fn teams(org: &str) -> String {
    format!("/orgs/{org}/teams")
}

pub fn team(org: &str, team: &str) -> String {
    format!("{}/{team}", teams(org))
}

pub fn team_keys(org: &str, team_id: &str) -> String {
    format!("{}/keys", team(org, team_id))
}

pub fn revoke_team_key(org: &str, team_id: &str, key: &str) -> String {
    format!("{}/{key}/revoke", team_keys(org, team_id))
}

pub fn audit(org: &str) -> String {
    format!("/orgs/{org}/audit")
}

pub fn audit_csv(org: &str) -> String {
    format!("/orgs/{org}/audit.csv")
}

pub fn org_orders(org: &str) -> String {
    format!("/orgs/{org}/orders")
}

pub fn order(org: &str, order: &str) -> String {
    format!("{}/{order}", org_orders(org))
}

pub fn cancel_order(org: &str, order_id: &str) -> String {
    format!("{}/cancel", order(org, order_id))
}

/// The sandbox's "one step forward" (and "corrected result") button.
pub fn advance_order(org: &str, order_id: &str) -> String {
    format!("{}/sandbox/advance", order(org, order_id))
}

/// Starts the order wizard for a Team (a POST; the GET shows the button).
pub fn new_order(org: &str, team_id: &str) -> String {
    format!("{}/orders/new", team(org, team_id))
}

/// A step of the order wizard (`patient`, `tests`, `account`, `billing`, `review`).
pub fn draft_step(org: &str, draft: &str, step: &str) -> String {
    format!("/orgs/{org}/drafts/{draft}/{step}")
}

pub fn submit_draft(org: &str, draft: &str) -> String {
    draft_step(org, draft, "submit")
}

pub fn review_queue(scope: Scope) -> String {
    format!("{}/review", scope.prefix())
}

pub fn review_item(scope: Scope, item: &str) -> String {
    format!("{}/{item}", review_queue(scope))
}

/// A decision on a review item: `accept`, `reject` or `escalate`.
pub fn decide_review_item(scope: Scope, item: &str, decision: &str) -> String {
    format!("{}/{decision}", review_item(scope, item))
}

pub fn lab_keys() -> String {
    "/platform/lab_keys".to_string()
}

pub fn revoke_lab_key(key: &str) -> String {
    format!("{}/{key}/revoke", lab_keys())
}

#[cfg(test)]
mod tests {
    use actix_web::dev::{Path, ResourceDef};

    use super::*;

    const ROUTES: &str = include_str!("../routes.rs");

    /// Every path pattern registered in routes.rs: each string literal after `.route(`.
    fn patterns() -> Vec<&'static str> {
        let found: Vec<&str> = ROUTES
            .split(".route(")
            .skip(1)
            .filter_map(|call| call.split('"').nth(1))
            .collect();
        assert!(found.len() > 50, "routes.rs was not read: {found:?}");
        found
    }

    /// The APIs and the probes, whose paths the dashboard does not build.
    fn dashboard(pattern: &str) -> bool {
        ![
            "/v1/",
            "/v2/",
            "/v3/",
            "/lab-interface/",
            "/livez",
            "/readyz",
        ]
        .iter()
        .any(|p| pattern.starts_with(p))
    }

    const ORG: &str = "org-1";
    const TEAM: &str = "team-2";
    const ACCOUNT: &str = "account-3";
    const KEY: &str = "key-4";
    const DRAFT: &str = "draft-5";
    const ORDER: &str = "0b0e54f2-8c5e-4d43-9b8e-6a7c0e2f4a11";
    const ITEM: &str = "5d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

    /// Every builder, with the route parameters it must fill: (path, [(parameter, id)]).
    fn built() -> Vec<(String, Vec<(&'static str, &'static str)>)> {
        let org = Scope::Org(ORG);
        let mut all = vec![
            (sign_in(), vec![]),
            (sign_out(), vec![]),
            (sign_out_everywhere(), vec![]),
            (home(), vec![]),
            (orgs(), vec![]),
            (teams(ORG), vec![("org", ORG)]),
            (team(ORG, TEAM), vec![("org", ORG), ("team", TEAM)]),
            (team_keys(ORG, TEAM), vec![("org", ORG), ("team", TEAM)]),
            (
                revoke_team_key(ORG, TEAM, KEY),
                vec![("org", ORG), ("team", TEAM), ("key", KEY)],
            ),
            (audit(ORG), vec![("org", ORG)]),
            (audit_csv(ORG), vec![("org", ORG)]),
            (org_orders(ORG), vec![("org", ORG)]),
            (order(ORG, ORDER), vec![("org", ORG), ("order_id", ORDER)]),
            (
                cancel_order(ORG, ORDER),
                vec![("org", ORG), ("order_id", ORDER)],
            ),
            (
                advance_order(ORG, ORDER),
                vec![("org", ORG), ("order_id", ORDER)],
            ),
            (new_order(ORG, TEAM), vec![("org", ORG), ("team", TEAM)]),
            (
                draft_step(ORG, DRAFT, "billing"),
                vec![("org", ORG), ("draft", DRAFT), ("step", "billing")],
            ),
            (
                submit_draft(ORG, DRAFT),
                vec![("org", ORG), ("draft", DRAFT)],
            ),
            (lab_keys(), vec![]),
            (revoke_lab_key(KEY), vec![("key", KEY)]),
        ];
        for (scope, org_param) in [(org, vec![("org", ORG)]), (Scope::Platform, vec![])] {
            let with = |more: &[(&'static str, &'static str)]| {
                let mut params = org_param.clone();
                params.extend_from_slice(more);
                params
            };
            all.extend([
                (lab_accounts(scope), with(&[])),
                (new_lab_account(scope), with(&[])),
                (lab_account(scope, ACCOUNT), with(&[("id", ACCOUNT)])),
                (edit_lab_account(scope, ACCOUNT), with(&[("id", ACCOUNT)])),
                (lab_account_status(scope, ACCOUNT), with(&[("id", ACCOUNT)])),
                (lab_account_teams(scope, ACCOUNT), with(&[("id", ACCOUNT)])),
                (
                    unlink_team(scope, ACCOUNT, TEAM),
                    with(&[("id", ACCOUNT), ("team", TEAM)]),
                ),
                (review_queue(scope), with(&[])),
                (review_item(scope, ITEM), with(&[("id", ITEM)])),
                (
                    decide_review_item(scope, ITEM, "escalate"),
                    with(&[("id", ITEM), ("action", "escalate")]),
                ),
            ]);
        }
        all
    }

    /// The registered pattern a path is served by (the first that matches, as actix does).
    fn route_of(path: &str) -> Option<ResourceDef> {
        patterns()
            .into_iter()
            .map(ResourceDef::new)
            .find(|r| r.is_match(path))
    }

    #[test]
    fn every_built_path_is_served_by_a_route_with_each_id_in_its_place() {
        for (path, params) in built() {
            let route = route_of(&path).unwrap_or_else(|| panic!("no route serves {path}"));
            let mut matched = Path::new(path.clone());
            assert!(route.capture_match_info(&mut matched), "{path}");
            for (name, id) in &params {
                assert_eq!(
                    matched.get(name),
                    Some(*id),
                    "{path} as {}: {{{name}}}",
                    route.pattern().unwrap_or_default()
                );
            }
            assert_eq!(
                matched.iter().count(),
                params.len(),
                "{path} fills every parameter of {}",
                route.pattern().unwrap_or_default()
            );
        }
    }

    #[test]
    fn every_dashboard_route_has_a_builder() {
        let paths: Vec<String> = built().into_iter().map(|(p, _)| p).collect();
        let missing: Vec<&str> = patterns()
            .into_iter()
            .filter(|p| dashboard(p))
            .filter(|p| {
                let route = ResourceDef::new(*p);
                !paths.iter().any(|path| route.is_match(path))
            })
            .collect();
        assert!(missing.is_empty(), "routes without a builder: {missing:?}");
    }

    #[test]
    fn a_scope_decides_the_prefix() {
        assert_eq!(lab_account(Scope::Org("o"), "a"), "/orgs/o/lab_accounts/a");
        assert_eq!(
            lab_account(Scope::Platform, "a"),
            "/platform/lab_accounts/a"
        );
        assert_eq!(
            decide_review_item(Scope::Platform, "i", "accept"),
            "/platform/review/i/accept"
        );
        assert_eq!(draft_step("o", "d", "patient"), "/orgs/o/drafts/d/patient");
    }
}
