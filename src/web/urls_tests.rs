use actix_web::dev::{Path, ResourceDef};

use super::*;

/// Every path pattern registered (the route table `routes::mount` builds).
fn patterns() -> Vec<String> {
    let found: Vec<String> = crate::routes::table().into_iter().map(|(_, p)| p).collect();
    assert!(found.len() > 50, "the route table is incomplete: {found:?}");
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
const BULK: &str = "bulk-6";
const ENDPOINT: &str = "endpoint-7";
const DELIVERY: &str = "delivery-8";

fn id<T: std::str::FromStr>(text: &str) -> T
where
    T::Err: std::fmt::Debug,
{
    text.parse().unwrap()
}

/// Every builder, with the route parameters it must fill: (path, [(parameter, id)]).
fn built() -> Vec<(String, Vec<(&'static str, &'static str)>)> {
    let (org_id, team_id, key_id): (OrgId, TeamId, ApiKeyId) = (id(ORG), id(TEAM), id(KEY));
    let (draft_id, order_id): (DraftId, OrderId) = (id(DRAFT), id(ORDER));
    let (account_id, item_id): (LabAccountId, ReviewItemId) = (id(ACCOUNT), id(ITEM));
    let (org, tm, key, draft, ord) = (&org_id, &team_id, &key_id, &draft_id, &order_id);
    let (ep, delivery): (WebhookEndpointId, WebhookDeliveryId) = (id(ENDPOINT), id(DELIVERY));
    let team_ep = [("org", ORG), ("team", TEAM), ("endpoint", ENDPOINT)];
    let mut all = vec![
        (team_webhooks(org, tm), vec![("org", ORG), ("team", TEAM)]),
        (webhook_endpoint(org, tm, &ep), team_ep.to_vec()),
        (webhook_test(org, tm, &ep), team_ep.to_vec()),
        (webhook_rotate(org, tm, &ep), team_ep.to_vec()),
        (webhook_delete(org, tm, &ep), team_ep.to_vec()),
        (
            webhook_replay(org, tm, &ep, &delivery),
            [&team_ep[..], &[("delivery", DELIVERY)]].concat(),
        ),
        (sign_in(), vec![]),
        (sign_out(), vec![]),
        (sign_out_everywhere(), vec![]),
        (home(), vec![]),
        (api_docs(), vec![]),
        (openapi_document(), vec![]),
        (orgs(), vec![]),
        (org_home(org), vec![("org", ORG)]),
        (teams(org), vec![("org", ORG)]),
        (team(org, tm), vec![("org", ORG), ("team", TEAM)]),
        (team_keys(org, tm), vec![("org", ORG), ("team", TEAM)]),
        (
            revoke_team_key(org, tm, key),
            vec![("org", ORG), ("team", TEAM), ("key", KEY)],
        ),
        (audit(org), vec![("org", ORG)]),
        (audit_csv(org), vec![("org", ORG)]),
        (org_orders(org), vec![("org", ORG)]),
        (order(org, ord), vec![("org", ORG), ("order_id", ORDER)]),
        (
            cancel_order(org, ord),
            vec![("org", ORG), ("order_id", ORDER)],
        ),
        (
            advance_order(org, ord),
            vec![("org", ORG), ("order_id", ORDER)],
        ),
        (
            order_requisition(org, ord),
            vec![("org", ORG), ("order_id", ORDER)],
        ),
        (new_order(org, tm), vec![("org", ORG), ("team", TEAM)]),
        (
            draft_step(org, draft, Step::Billing),
            vec![("org", ORG), ("draft", DRAFT), ("step", "billing")],
        ),
        (
            submit_draft(org, draft),
            vec![("org", ORG), ("draft", DRAFT)],
        ),
        (lab_keys(), vec![]),
        (lab_connections(), vec![]),
        (lab_connection(LabSlug::Quest), vec![("lab", "quest")]),
        (revoke_lab_key(key), vec![("key", KEY)]),
        (lab_key_created(key), vec![("key", KEY)]),
        (
            team_key_created(org, tm, key),
            vec![("org", ORG), ("team", TEAM), ("key", KEY)],
        ),
        (bulk_links(org), vec![("org", ORG)]),
        (
            bulk_link(org, &id(BULK)),
            vec![("org", ORG), ("bulk", BULK)],
        ),
        (
            undo_bulk_link(org, &id(BULK)),
            vec![("org", ORG), ("bulk", BULK)],
        ),
    ];
    let org_scope = Scope::Org(org_id.clone());
    for (scope, org_param) in [(&org_scope, vec![("org", ORG)]), (&Scope::Platform, vec![])] {
        let with = |more: &[(&'static str, &'static str)]| {
            let mut params = org_param.clone();
            params.extend_from_slice(more);
            params
        };
        all.extend([
            (lab_accounts(scope), with(&[])),
            (new_lab_account(scope), with(&[])),
            (lab_account(scope, &account_id), with(&[("id", ACCOUNT)])),
            (
                edit_lab_account(scope, &account_id),
                with(&[("id", ACCOUNT)]),
            ),
            (
                lab_account_status(scope, &account_id),
                with(&[("id", ACCOUNT)]),
            ),
            (
                lab_account_teams(scope, &account_id),
                with(&[("id", ACCOUNT)]),
            ),
            (
                unlink_team(scope, &account_id, tm),
                with(&[("id", ACCOUNT), ("team", TEAM)]),
            ),
            (review_queue(scope), with(&[])),
            (review_item(scope, &item_id), with(&[("id", ITEM)])),
            (
                decide_review_item(scope, &item_id, ReviewAction::Escalate),
                with(&[("id", ITEM), ("action", "escalate")]),
            ),
            (review_candidates(scope, &item_id), with(&[("id", ITEM)])),
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
    let missing: Vec<String> = patterns()
        .into_iter()
        .filter(|p| dashboard(p))
        .filter(|p| {
            let route = ResourceDef::new(p.as_str());
            !paths.iter().any(|path| route.is_match(path))
        })
        .collect();
    assert!(missing.is_empty(), "routes without a builder: {missing:?}");
}

#[test]
fn a_scope_decides_the_prefix() {
    let (o, a): (OrgId, LabAccountId) = (id("o"), id("a"));
    assert_eq!(
        lab_account(&Scope::Org(o.clone()), &a),
        "/orgs/o/lab_accounts/a"
    );
    assert_eq!(
        lab_account(&Scope::Platform, &a),
        "/platform/lab_accounts/a"
    );
    assert_eq!(
        decide_review_item(&Scope::Platform, &id("i"), ReviewAction::Accept),
        "/platform/review/i/accept"
    );
    assert_eq!(
        draft_step(&o, &id("d"), Step::Patient),
        "/orgs/o/drafts/d/patient"
    );
}
