//! Every route in one place, one function per feature; the features that serve both an org and
//! the platform are mounted under both scopes. Who may call each route is decided inside the
//! handler through `web::policy` (pages) or the key extractors (APIs); tests mount this same
//! function, and `table()` lists what it registers.
use actix_web::http::Method;
use actix_web::{web, HttpResponse};

use crate::domain::validation::FieldError;
use crate::error::AppError;
use crate::web::api::{
    catalogue, lab_interface, orders as api_orders, org, org_webhooks, results as api_results,
    team, unmatched as api_unmatched, users,
};
use crate::web::pages::{
    account_form, account_links, account_page, account_status, api_reference, audit, auth,
    bulk_links, home, lab_accounts, lab_connections, lab_keys, orders, review, team_keys, teams,
    webhooks, wizard,
};
use crate::web::router::{Listing, Mount, Router};
use crate::web::AppState;

fn invalid(loc: &str, msg: String) -> actix_web::Error {
    AppError::Invalid(vec![FieldError {
        loc: vec![loc.to_string()],
        msg,
        kind: "value_error",
    }])
    .into()
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.app_data(web::QueryConfig::default().error_handler(|e, _| invalid("query", e.to_string())))
        .app_data(
            web::FormConfig::default()
                .limit(256 * 1024)
                .error_handler(|e, _| invalid("body", e.to_string())),
        )
        .app_data(web::PathConfig::default().error_handler(|_, _| AppError::NotFound.into()));
    mount(&mut Mount(cfg));
    method_not_allowed(cfg);
}

/// An API path asked with a method it does not take answers 405 with `Allow`, as Junction's API
/// does (a 404 says the path does not exist). Registered after every route, so it sees only
/// the methods no route took.
fn method_not_allowed(cfg: &mut web::ServiceConfig) {
    let mut allowed: std::collections::BTreeMap<String, Vec<Method>> = Default::default();
    for (method, path) in table() {
        if crate::web::errors::is_api_path(&path) {
            allowed.entry(path).or_default().push(method);
        }
    }
    for (path, methods) in allowed {
        let allow: Vec<&str> = methods.iter().map(Method::as_str).collect();
        let allow = allow.join(", ");
        cfg.route(
            &path,
            web::route().to(move || {
                let allow = allow.clone();
                async move {
                    HttpResponse::MethodNotAllowed()
                        .insert_header((actix_web::http::header::ALLOW, allow))
                        .json(serde_json::json!({"detail": "Method Not Allowed"}))
                }
            }),
        );
    }
}

/// Every registered route as (method, full path pattern): the same `mount` that registers them.
pub fn table() -> Vec<(Method, String)> {
    let mut listing = Listing::default();
    mount(&mut listing);
    listing.routes
}

fn mount<R: Router>(r: &mut R) {
    r.get("/livez", livez).get("/readyz", readyz);
    r.get("/openapi.json", api_reference::document)
        .get("/docs", api_reference::page);
    sign_in(r);
    r.scope("/orgs/{org}", |r| {
        r.get("/home", home::page);
        lab_accounts(r);
        teams(r);
        orders(r);
        wizard(r);
        review(r);
        r.get("/audit", audit::page).get("/audit.csv", audit::csv);
        bulk_link(r);
    });
    r.scope("/platform", |r| {
        lab_accounts(r);
        review(r);
        lab_keys(r);
    });
    team_api(r);
    lab_interface_api(r);
    org_api(r);
}

fn sign_in<R: Router>(r: &mut R) {
    r.get("/login", auth::login_form)
        .post("/login", auth::login)
        .post("/logout", auth::logout)
        .post("/logout/everywhere", auth::logout_everywhere)
        .get("/", home::index)
        .get("/orgs", home::pick);
}

/// An org's lab accounts (`/orgs/{org}`) and the platform-managed ones (`/platform`).
fn lab_accounts<R: Router>(r: &mut R) {
    r.get("/lab_accounts", lab_accounts::list_page)
        .post("/lab_accounts", account_form::create_account)
        .get("/lab_accounts/new", account_form::new_page)
        .get("/lab_accounts/{id}", account_page::page)
        .get("/lab_accounts/{id}/edit", account_form::edit_page)
        .post("/lab_accounts/{id}/edit", account_form::update_account)
        .post("/lab_accounts/{id}/status", account_status::change_status)
        .post("/lab_accounts/{id}/teams", account_links::link)
        .get(
            "/lab_accounts/{id}/teams/{team}/unlink",
            account_links::unlink_confirm,
        )
        .post(
            "/lab_accounts/{id}/teams/{team}/unlink",
            account_links::unlink,
        );
}

/// Bulk link or unlink of an org's accounts to its Teams (`bulk/links` is no account id: no
/// account route has a second segment `links`).
fn bulk_link<R: Router>(r: &mut R) {
    r.get("/lab_accounts/bulk/links", bulk_links::page)
        .post("/lab_accounts/bulk/links", bulk_links::apply)
        .get("/lab_accounts/bulk/links/{bulk}", bulk_links::done)
        .post("/lab_accounts/bulk/links/{bulk}/undo", bulk_links::undo);
}

/// An org's Teams and their API keys.
fn teams<R: Router>(r: &mut R) {
    r.get("/teams", teams::list)
        .get("/teams/{team}", teams::show)
        .get("/teams/{team}/keys", team_keys::list)
        .post("/teams/{team}/keys", team_keys::create)
        .get("/teams/{team}/keys/{key}/revoke", team_keys::revoke_confirm)
        .post("/teams/{team}/keys/{key}/revoke", team_keys::revoke)
        .get("/teams/{team}/keys/{key}/created", team_keys::created)
        .get("/teams/{team}/webhooks", webhooks::list)
        .post("/teams/{team}/webhooks", webhooks::create)
        .get(
            "/teams/{team}/webhooks/{endpoint}",
            webhooks::endpoint::page,
        )
        .post(
            "/teams/{team}/webhooks/{endpoint}",
            webhooks::endpoint::update,
        )
        .post(
            "/teams/{team}/webhooks/{endpoint}/test",
            webhooks::endpoint::send_test,
        )
        .post(
            "/teams/{team}/webhooks/{endpoint}/deliveries/{delivery}/replay",
            webhooks::endpoint::replay,
        )
        .get(
            "/teams/{team}/webhooks/{endpoint}/rotate",
            webhooks::confirm::rotate_page,
        )
        .post(
            "/teams/{team}/webhooks/{endpoint}/rotate",
            webhooks::confirm::rotate,
        )
        .get(
            "/teams/{team}/webhooks/{endpoint}/delete",
            webhooks::confirm::delete_page,
        )
        .post(
            "/teams/{team}/webhooks/{endpoint}/delete",
            webhooks::confirm::delete,
        );
}

/// An org's orders (an order id is a uuid, so other words under /orders stay free for pages).
fn orders<R: Router>(r: &mut R) {
    r.get("/orders", orders::list::page)
        .get("/orders/{order_id:[0-9a-fA-F-]+}", orders::show::page)
        .get(
            "/orders/{order_id:[0-9a-fA-F-]+}/cancel",
            orders::cancel::confirm,
        )
        .post(
            "/orders/{order_id:[0-9a-fA-F-]+}/cancel",
            orders::cancel::cancel,
        )
        .post(
            "/orders/{order_id:[0-9a-fA-F-]+}/sandbox/advance",
            orders::sandbox::advance,
        )
        .get(
            "/orders/{order_id:[0-9a-fA-F-]+}/requisition.pdf",
            orders::show::requisition,
        );
}

/// The order wizard (submit before the `{step}` routes, which would match it).
fn wizard<R: Router>(r: &mut R) {
    r.get("/teams/{team}/orders/new", wizard::start::page)
        .post("/teams/{team}/orders/new", wizard::start::start)
        .post("/drafts/{draft}/submit", wizard::submit)
        .get("/drafts/{draft}/{step}", wizard::show)
        .post("/drafts/{draft}/{step}", wizard::save);
}

/// The review queue of results that did not fit: an org's, and the CSMs' platform one with
/// quarantine. Item ids are uuids.
fn review<R: Router>(r: &mut R) {
    r.get("/review", review::list::page)
        .get("/review/{id:[0-9a-fA-F-]+}", review::item::page)
        .post(
            "/review/{id:[0-9a-fA-F-]+}/{action:accept|reject|escalate}",
            review::decide::decide,
        )
        .post(
            "/review/{id:[0-9a-fA-F-]+}/candidates",
            review::candidates::search,
        );
}

/// Lab interface keys (CSMs).
fn lab_keys<R: Router>(r: &mut R) {
    r.get("/lab_keys", lab_keys::list)
        .post("/lab_keys", lab_keys::create)
        .get("/lab_keys/{key}/revoke", lab_keys::revoke_confirm)
        .post("/lab_keys/{key}/revoke", lab_keys::revoke)
        .get("/lab_keys/{key}/created", lab_keys::created)
        .get("/lab_connections", lab_connections::page)
        .post("/lab_connections/{lab}", lab_connections::save);
}

/// Junction's Team API (`x-vital-api-key`).
fn team_api<R: Router>(r: &mut R) {
    r.get("/v3/lab_test/lab_account", team::lab_accounts)
        .post("/v2/user", users::create)
        .get("/v2/user/{user_id}", users::get)
        .post("/v3/order", api_orders::create)
        .get("/v3/order/{order_id}", api_orders::get)
        .post("/v3/order/{order_id}/cancel", api_orders::cancel)
        .get("/v3/orders", api_orders::list)
        .get("/v3/order/{order_id}/result", api_results::result)
        .get(
            "/v3/order/{order_id}/result/metadata",
            api_results::result_metadata,
        )
        .post("/v3/order/{order_id}/test", api_results::sandbox_test)
        .get(
            "/v3/order/{order_id}/requisition/pdf",
            api_results::requisition,
        )
        .get("/v3/unmatched_result", api_unmatched::list)
        .get("/v3/unmatched_result/{raw_result_id}", api_unmatched::get)
        .get("/v3/lab_tests", catalogue::tests)
        .get("/v3/lab_tests/labs", catalogue::labs);
}

/// Labs deliver results (`X-Lab-Interface-Key`).
fn lab_interface_api<R: Router>(r: &mut R) {
    r.post("/lab-interface/v1/results", lab_interface::deliver);
}

/// Junction's Org Management API (`X-Management-Key`).
fn org_api<R: Router>(r: &mut R) {
    r.get("/v1/org/{org_id}/team", org::teams)
        .get(
            "/v1/org/{org_id}/lab_account/{env}/{region}",
            org::lab_accounts,
        )
        .patch(
            "/v1/org/{org_id}/lab_account/{env}/{region}/{account_id}",
            org::replace_allowlist,
        )
        .post("/v1/org/{org_id}/lab_account/bulk_link", org::bulk_link);
    webhook_api(r);
}

/// A Team's webhook endpoints over the Org Management API (labdesk's extension).
fn webhook_api<R: Router>(r: &mut R) {
    let endpoints = "/v1/org/{org_id}/team/{team_id}/webhook_endpoint";
    let one = "/v1/org/{org_id}/team/{team_id}/webhook_endpoint/{endpoint_id}";
    r.get(endpoints, org_webhooks::list)
        .post(endpoints, org_webhooks::create)
        .get(one, org_webhooks::get)
        .patch(one, org_webhooks::update)
        .delete(one, org_webhooks::delete)
        .post(&format!("{one}/rotate_secret"), org_webhooks::rotate_secret)
        .post(&format!("{one}/test"), org_webhooks::send_test)
        .post(
            &format!("{one}/delivery/{{delivery_id}}/replay"),
            org_webhooks::replay,
        );
}

async fn livez() -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain").body("ok")
}

/// How long `/readyz` waits for a connection: shorter than a request's checkout timeout, so an
/// orchestrator learns of an outage within seconds.
pub const READYZ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

/// Asks the database on a connection of its own (`AppState::ready_pool`) and on a thread of its
/// own, never waiting behind the requests that hold the main pool or the blocking threads
/// (those are capped, see `startup::BLOCKING_THREADS_PER_CONNECTION`).
/// (those are capped, see `startup::BLOCKING_THREADS_PER_CONNECTION`).
async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    use diesel::connection::SimpleConnection;
    let pool = state.ready_pool.clone();
    let (answer, answered) = tokio::sync::oneshot::channel();
    std::thread::Builder::new()
        .name("readyz".into())
        .spawn(move || {
            let checked = pool.get().map_err(AppError::from).and_then(|mut conn| {
                conn.batch_execute("SELECT 1")
                    .map_err(|e| AppError::db("checking readiness", e))
            });
            // The request may have gone: nobody is left to tell.
            let _ = answer.send(checked);
        })
        .map_err(|e| AppError::Internal(format!("starting the readiness check: {e}")))?;
    answered.await.map_err(|e| {
        AppError::Internal(format!("the readiness check ended without an answer: {e}"))
    })??;
    Ok(HttpResponse::Ok().content_type("text/plain").body("ready"))
}

pub async fn not_found() -> Result<HttpResponse, AppError> {
    Err(AppError::NotFound)
}
