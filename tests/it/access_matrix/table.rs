//! The matrix itself: who asks each route (by kind of route, plus the route's own cases) and
//! what the answer must be; and who rightfully reads each page.
/// Who asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Who {
    /// No session and no key.
    Anon,
    /// Globex's org admin.
    OtherOrgAdmin,
    /// Northwind's org admin (on CSM-only routes).
    OrgAdmin,
    /// Primary Care's clinician (on routes their role may not use).
    Clinician,
    /// A Cardiology clinician: same org, another Team.
    OtherTeamClinician,
    /// The CSM (on routes CSMs may not use).
    Csm,
    /// Cardiology's Team key: same org, another Team.
    OtherTeamKey,
    /// Globex Downtown's Team key.
    OtherOrgTeamKey,
    /// Northwind's management key (on Team routes).
    OrgKey,
    /// Globex's management key.
    OtherOrgKey,
    /// Primary Care's Team key (on management and lab routes).
    TeamKey,
}

/// What the answer must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Expect {
    Status(u16),
    /// A redirect to the sign-in page.
    SignIn,
    /// 200, but nothing of Primary Care's in the body (a list scoped to the caller).
    NoneOfTheirs,
}

pub(super) use Expect::*;
pub(super) use Who::*;

/// Foreign cases shared by kinds of routes.
const ORG_PAGE: &[(Who, Expect)] = &[(Anon, SignIn), (OtherOrgAdmin, Status(404))];
const ORG_FORM: &[(Who, Expect)] = &[(Anon, SignIn), (OtherOrgAdmin, Status(404))];
const PLATFORM_PAGE: &[(Who, Expect)] = &[
    (Anon, SignIn),
    (OrgAdmin, Status(403)),
    (Clinician, Status(403)),
];
const PLATFORM_FORM: &[(Who, Expect)] = &[
    (Anon, SignIn),
    (OrgAdmin, Status(403)),
    (Clinician, Status(403)),
];
const TEAM_API_OBJECT: &[(Who, Expect)] = &[
    (Anon, Status(401)),
    (OrgKey, Status(401)),
    (OtherTeamKey, Status(404)),
    (OtherOrgTeamKey, Status(404)),
];
const TEAM_API_LIST: &[(Who, Expect)] = &[
    (Anon, Status(401)),
    (OrgKey, Status(401)),
    (OtherTeamKey, NoneOfTheirs),
    (OtherOrgTeamKey, NoneOfTheirs),
];
const TEAM_API_PUBLIC_DATA: &[(Who, Expect)] = &[(Anon, Status(401)), (OrgKey, Status(401))];
const ORG_API: &[(Who, Expect)] = &[
    (Anon, Status(401)),
    (TeamKey, Status(401)),
    (OtherOrgKey, Status(404)),
];
const NONE: &[(Who, Expect)] = &[];

pub(super) struct Entry {
    pub(super) method: &'static str,
    pub(super) pattern: &'static str,
    pub(super) cases: &'static [(Who, Expect)],
    /// Cases of this route beyond its kind's.
    pub(super) extra: &'static [(Who, Expect)],
    /// Form fields or a JSON body that get past input validation.
    pub(super) body: &'static str,
}

const fn e(
    method: &'static str,
    pattern: &'static str,
    cases: &'static [(Who, Expect)],
    extra: &'static [(Who, Expect)],
) -> Entry {
    Entry {
        method,
        pattern,
        cases,
        extra,
        body: "",
    }
}

const fn with_body(entry: Entry, body: &'static str) -> Entry {
    Entry { body, ..entry }
}

const ADMIN_ONLY: &[(Who, Expect)] = &[(Clinician, Status(403))];
/// A Team's keys and webhooks: its org's admins only, not CSMs.
const KEYS_ADMIN: &[(Who, Expect)] = &[(Clinician, Status(403)), (Csm, Status(403))];
const CSM_ONLY: &[(Who, Expect)] = &[(Clinician, Status(403)), (OrgAdmin, Status(403))];
const OTHER_TEAM: &[(Who, Expect)] = &[(OtherTeamClinician, Status(404))];
const NOT_CSM_OTHER_TEAM: &[(Who, Expect)] =
    &[(OtherTeamClinician, Status(404)), (Csm, Status(403))];

pub(super) fn matrix() -> Vec<Entry> {
    vec![
        e("GET", "/livez", NONE, NONE),
        e("GET", "/readyz", NONE, NONE),
        e("GET", "/openapi.json", NONE, NONE),
        e("GET", "/docs", NONE, NONE),
        e("GET", "/login", NONE, NONE),
        e("POST", "/login", NONE, NONE),
        e("POST", "/logout", NONE, NONE),
        e("POST", "/logout/everywhere", &[(Anon, SignIn)], NONE),
        e("GET", "/", &[(Anon, SignIn)], NONE),
        e("GET", "/orgs", &[(Anon, SignIn)], NONE),
        // Lab accounts of an org
        e("GET", "/orgs/{org}/lab_accounts", ORG_PAGE, NONE),
        with_body(
            e("POST", "/orgs/{org}/lab_accounts", ORG_FORM, CSM_ONLY),
            "lab=labcorp&provider_account_id=LC-M1&account_name=Matrix&delegated_flow=not_delegated&billing:client_bill=TX",
        ),
        e("GET", "/orgs/{org}/lab_accounts/new", ORG_PAGE, CSM_ONLY),
        e("GET", "/orgs/{org}/lab_accounts/{id}", ORG_PAGE, NONE),
        e("GET", "/orgs/{org}/lab_accounts/{id}/edit", ORG_PAGE, CSM_ONLY),
        with_body(
            e("POST", "/orgs/{org}/lab_accounts/{id}/edit", ORG_FORM, CSM_ONLY),
            "provider_account_id=97500001&account_name=Changed&delegated_flow=not_delegated&billing:client_bill=AZ&version=1",
        ),
        with_body(
            e("POST", "/orgs/{org}/lab_accounts/{id}/status", ORG_FORM, CSM_ONLY),
            "to=suspended&reason=matrix",
        ),
        with_body(
            e("POST", "/orgs/{org}/lab_accounts/{id}/teams", ORG_FORM, ADMIN_ONLY),
            "team_id={team}",
        ),
        e("GET", "/orgs/{org}/lab_accounts/{id}/teams/{team}/unlink", ORG_PAGE, ADMIN_ONLY),
        e("POST", "/orgs/{org}/lab_accounts/{id}/teams/{team}/unlink", ORG_FORM, ADMIN_ONLY),
        // Platform-managed accounts
        e("GET", "/platform/lab_accounts", PLATFORM_PAGE, NONE),
        with_body(
            e("POST", "/platform/lab_accounts", PLATFORM_FORM, NONE),
            "lab=labcorp&provider_account_id=LC-M2&account_name=Matrix&delegated_flow=not_delegated&billing:client_bill=TX",
        ),
        e("GET", "/platform/lab_accounts/new", PLATFORM_PAGE, NONE),
        e("GET", "/platform/lab_accounts/{id}", PLATFORM_PAGE, NONE),
        e("GET", "/platform/lab_accounts/{id}/edit", PLATFORM_PAGE, NONE),
        e("POST", "/platform/lab_accounts/{id}/edit", PLATFORM_FORM, NONE),
        with_body(
            e("POST", "/platform/lab_accounts/{id}/status", PLATFORM_FORM, NONE),
            "to=suspended&reason=matrix",
        ),
        with_body(
            e("POST", "/platform/lab_accounts/{id}/teams", PLATFORM_FORM, NONE),
            "team_id={team}",
        ),
        e("GET", "/platform/lab_accounts/{id}/teams/{team}/unlink", PLATFORM_PAGE, NONE),
        e("POST", "/platform/lab_accounts/{id}/teams/{team}/unlink", PLATFORM_FORM, NONE),
        // Teams, keys, audit
        e("GET", "/orgs/{org}/teams", ORG_PAGE, NONE),
        e("GET", "/orgs/{org}/teams/{team}", ORG_PAGE, OTHER_TEAM),
        e("GET", "/orgs/{org}/teams/{team}/keys", ORG_PAGE, &[(Clinician, Status(403)), (Csm, Status(403))]),
        with_body(
            e("POST", "/orgs/{org}/teams/{team}/keys", ORG_FORM, &[(Clinician, Status(403)), (Csm, Status(403))]),
            "label=matrix",
        ),
        e("GET", "/orgs/{org}/teams/{team}/keys/{key}/revoke", ORG_PAGE, &[(Clinician, Status(403)), (Csm, Status(403))]),
        e("POST", "/orgs/{org}/teams/{team}/keys/{key}/revoke", ORG_FORM, &[(Clinician, Status(403)), (Csm, Status(403))]),
        e("GET", "/orgs/{org}/teams/{team}/keys/{key}/created", ORG_PAGE, &[(Clinician, Status(403)), (Csm, Status(403))]),
        // Webhook endpoints of a Team
        e("GET", "/orgs/{org}/teams/{team}/webhooks", ORG_PAGE, KEYS_ADMIN),
        with_body(
            e("POST", "/orgs/{org}/teams/{team}/webhooks", ORG_FORM, KEYS_ADMIN),
            "url=https%3A%2F%2Fexample.com%2Fmatrix&event_types=labtest.order.created&enabled=on",
        ),
        e("GET", "/orgs/{org}/teams/{team}/webhooks/{endpoint}", ORG_PAGE, KEYS_ADMIN),
        with_body(
            e("POST", "/orgs/{org}/teams/{team}/webhooks/{endpoint}", ORG_FORM, KEYS_ADMIN),
            "url=https%3A%2F%2Fexample.com%2Fmatrix&event_types=labtest.order.created",
        ),
        e("POST", "/orgs/{org}/teams/{team}/webhooks/{endpoint}/test", ORG_FORM, KEYS_ADMIN),
        e("POST", "/orgs/{org}/teams/{team}/webhooks/{endpoint}/deliveries/{delivery}/replay", ORG_FORM, KEYS_ADMIN),
        e("GET", "/orgs/{org}/teams/{team}/webhooks/{endpoint}/rotate", ORG_PAGE, KEYS_ADMIN),
        e("POST", "/orgs/{org}/teams/{team}/webhooks/{endpoint}/rotate", ORG_FORM, KEYS_ADMIN),
        e("GET", "/orgs/{org}/teams/{team}/webhooks/{endpoint}/delete", ORG_PAGE, KEYS_ADMIN),
        e("POST", "/orgs/{org}/teams/{team}/webhooks/{endpoint}/delete", ORG_FORM, KEYS_ADMIN),
        e("GET", "/orgs/{org}/audit", ORG_PAGE, ADMIN_ONLY),
        e("GET", "/orgs/{org}/audit.csv", ORG_PAGE, ADMIN_ONLY),
        // Orders
        e("GET", "/orgs/{org}/orders", ORG_PAGE, NONE),
        e("GET", "/orgs/{org}/home", ORG_PAGE, NONE),
        e("GET", "/orgs/{org}/orders/{order_id:[0-9a-fA-F-]+}", ORG_PAGE, OTHER_TEAM),
        e("GET", "/orgs/{org}/orders/{order_id:[0-9a-fA-F-]+}/cancel", ORG_PAGE, NOT_CSM_OTHER_TEAM),
        e("POST", "/orgs/{org}/orders/{order_id:[0-9a-fA-F-]+}/cancel", ORG_FORM, NOT_CSM_OTHER_TEAM),
        e("POST", "/orgs/{org}/orders/{order_id:[0-9a-fA-F-]+}/sandbox/advance", ORG_FORM, NOT_CSM_OTHER_TEAM),
        e("GET", "/orgs/{org}/orders/{order_id:[0-9a-fA-F-]+}/requisition.pdf", ORG_PAGE, OTHER_TEAM),
        // The order wizard
        e("GET", "/orgs/{org}/teams/{team}/orders/new", ORG_PAGE, NOT_CSM_OTHER_TEAM),
        e("POST", "/orgs/{org}/teams/{team}/orders/new", ORG_FORM, NOT_CSM_OTHER_TEAM),
        e("POST", "/orgs/{org}/drafts/{draft}/submit", ORG_FORM, NOT_CSM_OTHER_TEAM),
        e("GET", "/orgs/{org}/drafts/{draft}/{step}", ORG_PAGE, NOT_CSM_OTHER_TEAM),
        e("POST", "/orgs/{org}/drafts/{draft}/{step}", ORG_FORM, NOT_CSM_OTHER_TEAM),
        // Review queue
        e("GET", "/orgs/{org}/review", ORG_PAGE, ADMIN_ONLY),
        e("GET", "/orgs/{org}/review/{id:[0-9a-fA-F-]+}", ORG_PAGE, ADMIN_ONLY),
        with_body(
            e("POST", "/orgs/{org}/review/{id:[0-9a-fA-F-]+}/{action:accept|reject|escalate}", ORG_FORM, ADMIN_ONLY),
            "note=matrix&version=1",
        ),
        with_body(
            e("POST", "/orgs/{org}/review/{id:[0-9a-fA-F-]+}/candidates", ORG_FORM, ADMIN_ONLY),
            "q=matrix",
        ),
        e("GET", "/platform/review", PLATFORM_PAGE, NONE),
        e("GET", "/platform/review/{id:[0-9a-fA-F-]+}", PLATFORM_PAGE, NONE),
        with_body(
            e("POST", "/platform/review/{id:[0-9a-fA-F-]+}/{action:accept|reject|escalate}", PLATFORM_FORM, NONE),
            "note=matrix&version=1",
        ),
        with_body(
            e("POST", "/platform/review/{id:[0-9a-fA-F-]+}/candidates", PLATFORM_FORM, NONE),
            "q=matrix",
        ),
        // Lab interface keys
        e("GET", "/platform/lab_keys", PLATFORM_PAGE, NONE),
        with_body(e("POST", "/platform/lab_keys", PLATFORM_FORM, NONE), "lab=quest&label=matrix"),
        e("GET", "/platform/lab_keys/{key}/revoke", PLATFORM_PAGE, NONE),
        e("POST", "/platform/lab_keys/{key}/revoke", PLATFORM_FORM, NONE),
        e("GET", "/platform/lab_keys/{key}/created", PLATFORM_PAGE, NONE),
        // How labs take orders
        e("GET", "/platform/lab_connections", PLATFORM_PAGE, NONE),
        with_body(e("POST", "/platform/lab_connections/{lab}", PLATFORM_FORM, NONE), "kind=none"),
        // Team API
        e("GET", "/v3/lab_test/lab_account", TEAM_API_LIST, NONE),
        with_body(e("POST", "/v2/user", TEAM_API_PUBLIC_DATA, NONE), r#"{"client_user_id": "matrix"}"#),
        e("GET", "/v2/user/{user_id}", TEAM_API_OBJECT, NONE),
        e("POST", "/v3/order", TEAM_API_PUBLIC_DATA, NONE),
        e("GET", "/v3/order/{order_id}", TEAM_API_OBJECT, NONE),
        e("POST", "/v3/order/{order_id}/cancel", TEAM_API_OBJECT, NONE),
        e("GET", "/v3/orders", TEAM_API_LIST, NONE),
        e("GET", "/v3/order/{order_id}/result", TEAM_API_OBJECT, NONE),
        e("GET", "/v3/order/{order_id}/result/metadata", TEAM_API_OBJECT, NONE),
        e("POST", "/v3/order/{order_id}/test", TEAM_API_OBJECT, NONE),
        e("GET", "/v3/order/{order_id}/requisition/pdf", TEAM_API_OBJECT, NONE),
        e("GET", "/v3/unmatched_result", TEAM_API_LIST, NONE),
        e("GET", "/v3/unmatched_result/{raw_result_id}", TEAM_API_OBJECT, NONE),
        e("GET", "/v3/lab_tests", TEAM_API_PUBLIC_DATA, NONE),
        e("GET", "/v3/lab_tests/labs", TEAM_API_PUBLIC_DATA, NONE),
        // Lab interface
        e("POST", "/lab-interface/v1/results", &[(Anon, Status(401)), (TeamKey, Status(401)), (OrgKey, Status(401))], NONE),
        // Org Management API
        e("GET", "/v1/org/{org_id}/team", ORG_API, NONE),
        e("GET", "/v1/org/{org_id}/lab_account/{env}/{region}", ORG_API, NONE),
        with_body(
            e("PATCH", "/v1/org/{org_id}/lab_account/{env}/{region}/{account_id}", ORG_API, NONE),
            r#"{"team_id_allowlist": []}"#,
        ),
        // Bulk link
        e("GET", "/orgs/{org}/lab_accounts/bulk/links", ORG_PAGE, ADMIN_ONLY),
        with_body(
            e("POST", "/orgs/{org}/lab_accounts/bulk/links", ORG_FORM, ADMIN_ONLY),
            "team_id={team}&action=unlink",
        ),
        e("GET", "/orgs/{org}/lab_accounts/bulk/links/{bulk}", ORG_PAGE, ADMIN_ONLY),
        e("POST", "/orgs/{org}/lab_accounts/bulk/links/{bulk}/undo", ORG_FORM, ADMIN_ONLY),
        with_body(
            e("POST", "/v1/org/{org_id}/lab_account/bulk_link", ORG_API, NONE),
            r#"{"lab_account_ids": [], "team_ids": [], "action": "unlink"}"#,
        ),
        // Webhook endpoints over the org API
        e("GET", "/v1/org/{org_id}/team/{team_id}/webhook_endpoint", ORG_API, NONE),
        with_body(
            e("POST", "/v1/org/{org_id}/team/{team_id}/webhook_endpoint", ORG_API, NONE),
            r#"{"url": "https://example.com/matrix", "event_types": ["labtest.order.created"]}"#,
        ),
        e("GET", "/v1/org/{org_id}/team/{team_id}/webhook_endpoint/{endpoint_id}", ORG_API, NONE),
        with_body(
            e("PATCH", "/v1/org/{org_id}/team/{team_id}/webhook_endpoint/{endpoint_id}", ORG_API, NONE),
            r#"{"enabled": false}"#,
        ),
        e("DELETE", "/v1/org/{org_id}/team/{team_id}/webhook_endpoint/{endpoint_id}", ORG_API, NONE),
        e("POST", "/v1/org/{org_id}/team/{team_id}/webhook_endpoint/{endpoint_id}/rotate_secret", ORG_API, NONE),
        e("POST", "/v1/org/{org_id}/team/{team_id}/webhook_endpoint/{endpoint_id}/test", ORG_API, NONE),
        e("POST", "/v1/org/{org_id}/team/{team_id}/webhook_endpoint/{endpoint_id}/delivery/{delivery_id}/replay", ORG_API, NONE),
    ]
}

/// Who may read a route's page or object (None: public, or nothing to read yet).
pub(super) fn rightful(pattern: &str) -> Option<Who> {
    if pattern.ends_with("/result") || pattern.ends_with("/metadata") {
        return None; // the owner's order has no result yet
    }
    if pattern.starts_with("/platform/")
        || pattern.ends_with("/lab_accounts/new")
        || pattern.ends_with("/edit")
    {
        Some(Csm)
    } else if pattern.starts_with("/v1/") {
        Some(OrgKey)
    } else if pattern.starts_with("/v2/") || pattern.starts_with("/v3/") {
        Some(TeamKey)
    } else if pattern.contains("/drafts/") || pattern.ends_with("/orders/new") {
        Some(Clinician)
    } else if pattern.starts_with("/orgs/") {
        Some(OrgAdmin)
    } else {
        None
    }
}
