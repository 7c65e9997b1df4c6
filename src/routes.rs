//! Every route in one place. Who may call each is decided inside the handler through
//! `web::policy` (pages) or the key extractors (APIs); tests mount this same function.
use actix_web::{web, HttpResponse};

use crate::domain::validation::FieldError;
use crate::error::AppError;
use crate::web::api::{
    catalogue, lab_interface, orders as api_orders, org, results as api_results, team,
    unmatched as api_unmatched, users,
};
use crate::web::pages::{
    account_form, account_links, account_page, account_status, audit, auth, home, lab_accounts,
    lab_keys, orders, review, team_keys, teams, wizard,
};
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
        .app_data(web::PathConfig::default().error_handler(|_, _| AppError::NotFound.into()))
        .route("/livez", web::get().to(livez))
        .route("/readyz", web::get().to(readyz))
        // Sign-in
        .route("/login", web::get().to(auth::login_form))
        .route("/login", web::post().to(auth::login))
        .route("/logout", web::post().to(auth::logout))
        .route(
            "/logout/everywhere",
            web::post().to(auth::logout_everywhere),
        )
        .route("/", web::get().to(home::index))
        .route("/orgs", web::get().to(home::pick))
        // An org's lab accounts
        .route(
            "/orgs/{org}/lab_accounts",
            web::get().to(lab_accounts::list_page),
        )
        .route(
            "/orgs/{org}/lab_accounts",
            web::post().to(account_form::create_account),
        )
        .route(
            "/orgs/{org}/lab_accounts/new",
            web::get().to(account_form::new_page),
        )
        .route(
            "/orgs/{org}/lab_accounts/{id}",
            web::get().to(account_page::page),
        )
        .route(
            "/orgs/{org}/lab_accounts/{id}/edit",
            web::get().to(account_form::edit_page),
        )
        .route(
            "/orgs/{org}/lab_accounts/{id}/edit",
            web::post().to(account_form::update_account),
        )
        .route(
            "/orgs/{org}/lab_accounts/{id}/status",
            web::post().to(account_status::change_status),
        )
        .route(
            "/orgs/{org}/lab_accounts/{id}/teams",
            web::post().to(account_links::link),
        )
        .route(
            "/orgs/{org}/lab_accounts/{id}/teams/{team}/unlink",
            web::get().to(account_links::unlink_confirm),
        )
        .route(
            "/orgs/{org}/lab_accounts/{id}/teams/{team}/unlink",
            web::post().to(account_links::unlink),
        )
        // Platform-managed accounts (CSMs)
        .route(
            "/platform/lab_accounts",
            web::get().to(lab_accounts::list_page),
        )
        .route(
            "/platform/lab_accounts",
            web::post().to(account_form::create_account),
        )
        .route(
            "/platform/lab_accounts/new",
            web::get().to(account_form::new_page),
        )
        .route(
            "/platform/lab_accounts/{id}",
            web::get().to(account_page::page),
        )
        .route(
            "/platform/lab_accounts/{id}/edit",
            web::get().to(account_form::edit_page),
        )
        .route(
            "/platform/lab_accounts/{id}/edit",
            web::post().to(account_form::update_account),
        )
        .route(
            "/platform/lab_accounts/{id}/status",
            web::post().to(account_status::change_status),
        )
        .route(
            "/platform/lab_accounts/{id}/teams",
            web::post().to(account_links::link),
        )
        .route(
            "/platform/lab_accounts/{id}/teams/{team}/unlink",
            web::get().to(account_links::unlink_confirm),
        )
        .route(
            "/platform/lab_accounts/{id}/teams/{team}/unlink",
            web::post().to(account_links::unlink),
        )
        // Teams and audit
        .route("/orgs/{org}/teams", web::get().to(teams::list))
        .route("/orgs/{org}/teams/{team}", web::get().to(teams::show))
        .route(
            "/orgs/{org}/teams/{team}/keys",
            web::get().to(team_keys::list),
        )
        .route(
            "/orgs/{org}/teams/{team}/keys",
            web::post().to(team_keys::create),
        )
        .route(
            "/orgs/{org}/teams/{team}/keys/{key}/revoke",
            web::get().to(team_keys::revoke_confirm),
        )
        .route(
            "/orgs/{org}/teams/{team}/keys/{key}/revoke",
            web::post().to(team_keys::revoke),
        )
        // Orders (an order id is a uuid, so other words under /orders stay free for other pages)
        .route("/orgs/{org}/orders", web::get().to(orders::list::page))
        .route(
            "/orgs/{org}/orders/{order_id:[0-9a-fA-F-]+}",
            web::get().to(orders::show::page),
        )
        .route(
            "/orgs/{org}/orders/{order_id:[0-9a-fA-F-]+}/cancel",
            web::get().to(orders::cancel::confirm),
        )
        .route(
            "/orgs/{org}/orders/{order_id:[0-9a-fA-F-]+}/cancel",
            web::post().to(orders::cancel::cancel),
        )
        // The order wizard (submit before the {step} routes, which it would match); the GET
        // only shows the button that POSTs.
        .route(
            "/orgs/{org}/teams/{team}/orders/new",
            web::get().to(wizard::start::page),
        )
        .route(
            "/orgs/{org}/teams/{team}/orders/new",
            web::post().to(wizard::start::start),
        )
        .route(
            "/orgs/{org}/drafts/{draft}/submit",
            web::post().to(wizard::submit),
        )
        .route(
            "/orgs/{org}/drafts/{draft}/{step}",
            web::get().to(wizard::show),
        )
        .route(
            "/orgs/{org}/drafts/{draft}/{step}",
            web::post().to(wizard::save),
        )
        .route(
            "/orgs/{org}/orders/{order_id:[0-9a-fA-F-]+}/sandbox/advance",
            web::post().to(orders::sandbox::advance),
        )
        // The review queue of results that did not fit (an org's, and the CSMs' platform one
        // with quarantine); item ids are uuids.
        .route("/orgs/{org}/review", web::get().to(review::list::page))
        .route(
            "/orgs/{org}/review/{id:[0-9a-fA-F-]+}",
            web::get().to(review::item::page),
        )
        .route(
            "/orgs/{org}/review/{id:[0-9a-fA-F-]+}/{action:accept|reject|escalate}",
            web::post().to(review::decide::decide),
        )
        .route("/platform/review", web::get().to(review::list::page))
        .route(
            "/platform/review/{id:[0-9a-fA-F-]+}",
            web::get().to(review::item::page),
        )
        .route(
            "/platform/review/{id:[0-9a-fA-F-]+}/{action:accept|reject|escalate}",
            web::post().to(review::decide::decide),
        )
        // Lab interface keys (CSMs)
        .route("/platform/lab_keys", web::get().to(lab_keys::list))
        .route("/platform/lab_keys", web::post().to(lab_keys::create))
        .route(
            "/platform/lab_keys/{key}/revoke",
            web::get().to(lab_keys::revoke_confirm),
        )
        .route(
            "/platform/lab_keys/{key}/revoke",
            web::post().to(lab_keys::revoke),
        )
        .route("/orgs/{org}/audit", web::get().to(audit::page))
        .route("/orgs/{org}/audit.csv", web::get().to(audit::csv))
        // Team API
        .route(
            "/v3/lab_test/lab_account",
            web::get().to(team::lab_accounts),
        )
        .route("/v2/user", web::post().to(users::create))
        .route("/v2/user/{user_id}", web::get().to(users::get))
        .route("/v3/order", web::post().to(api_orders::create))
        .route("/v3/order/{order_id}", web::get().to(api_orders::get))
        .route(
            "/v3/order/{order_id}/cancel",
            web::post().to(api_orders::cancel),
        )
        .route("/v3/orders", web::get().to(api_orders::list))
        .route(
            "/v3/order/{order_id}/result",
            web::get().to(api_results::result),
        )
        .route(
            "/v3/order/{order_id}/result/metadata",
            web::get().to(api_results::result_metadata),
        )
        .route(
            "/v3/order/{order_id}/test",
            web::post().to(api_results::sandbox_test),
        )
        .route("/v3/unmatched_result", web::get().to(api_unmatched::list))
        .route(
            "/v3/unmatched_result/{raw_result_id}",
            web::get().to(api_unmatched::get),
        )
        .route("/v3/lab_tests", web::get().to(catalogue::tests))
        .route("/v3/lab_tests/labs", web::get().to(catalogue::labs))
        // Lab interface
        .route(
            "/lab-interface/v1/results",
            web::post().to(lab_interface::deliver),
        )
        // Org Management API
        .route("/v1/org/{org_id}/team", web::get().to(org::teams))
        .route(
            "/v1/org/{org_id}/lab_account/{env}/{region}",
            web::get().to(org::lab_accounts),
        )
        .route(
            "/v1/org/{org_id}/lab_account/{env}/{region}/{account_id}",
            web::patch().to(org::replace_allowlist),
        );
}

async fn livez() -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain").body("ok")
}

/// How long `/readyz` waits for a connection: shorter than a request's checkout timeout, so an
/// orchestrator learns of an outage within seconds.
const READYZ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    use diesel::connection::SimpleConnection;
    let pool = state.pool.clone();
    web::block(move || {
        let mut conn = pool.get_timeout(READYZ_TIMEOUT)?;
        conn.batch_execute("SELECT 1")
            .map_err(|e| AppError::db("checking readiness", e))
    })
    .await??;
    Ok(HttpResponse::Ok().content_type("text/plain").body("ready"))
}

pub async fn not_found() -> Result<HttpResponse, AppError> {
    Err(AppError::NotFound)
}
