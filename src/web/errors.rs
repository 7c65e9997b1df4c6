//! Renders an `AppError` in the form the request needs: Junction-shaped JSON for the APIs, a small
//! fragment for htmx, a full page otherwise: within the dashboard's layout for a signed-in person
//! who cannot find or open a page, so they keep their navigation. A missing session sends the
//! person to sign in, and back to the page they were on afterwards.
use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::{header, StatusCode};
use actix_web::middleware::Next;
use actix_web::{web, Error, FromRequest, HttpRequest, HttpResponse};
use askama::Template;
use serde_json::json;

use super::page::{Chrome, HxRequest, Nav, PageContext};
use super::{run_db, session, urls, AppState};
use crate::db::DbConnection;
use crate::domain::scope::Scope;
use crate::error::AppError;

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    sandbox: bool,
    title: &'a str,
    message: &'a str,
    status: u16,
}

/// A page that is not there, or not for this person, shown to someone signed in.
#[derive(Template)]
#[template(path = "error_in_layout.html")]
struct ErrorInLayout<'a> {
    chrome: Chrome,
    title: &'a str,
    message: &'a str,
    status: u16,
    home_url: String,
}

#[derive(Template)]
#[template(path = "partials/flash_error.html")]
struct ErrorFragment<'a> {
    message: &'a str,
}

pub fn is_api_path(path: &str) -> bool {
    ["/v1/", "/v2/", "/v3/", "/lab-interface/"]
        .iter()
        .any(|p| path.starts_with(p))
}

pub fn api_body(err: Option<&AppError>, status: StatusCode, fallback: &str) -> serde_json::Value {
    match err {
        Some(AppError::Invalid(errors)) => json!({
            "detail": errors.iter().map(|e| json!({"loc": e.loc, "msg": e.msg, "type": e.kind})).collect::<Vec<_>>()
        }),
        Some(AppError::Rule { code, message }) => json!({"detail": message, "code": code}),
        Some(e @ (AppError::NotFound | AppError::Unauthenticated(_) | AppError::Forbidden(_))) => {
            json!({"detail": e.to_string()})
        }
        Some(e) => json!({"detail": e.public_message()}),
        None if status == StatusCode::NOT_FOUND => json!({"detail": "Not Found"}),
        None => json!({"detail": fallback}),
    }
}

fn title_for(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "That could not be done",
        403 => "You don't have access to this page",
        404 => "Page not found",
        422 => "Please check your input",
        429 => "Too many attempts",
        503 => "Temporarily unavailable",
        _ => "Something went wrong",
    }
}

fn html(status: StatusCode, body: String) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(body)
}

/// Seconds a client should wait before retrying while the database is unavailable.
const UNAVAILABLE_RETRY_AFTER_SECS: u32 = 5;

fn render(
    req: &HttpRequest,
    status: StatusCode,
    err: Option<&AppError>,
    fallback: String,
) -> HttpResponse {
    let mut response = render_body(req, status, err, fallback);
    if let Some(AppError::Unavailable { .. }) = err {
        response.headers_mut().insert(
            header::RETRY_AFTER,
            header::HeaderValue::from(UNAVAILABLE_RETRY_AFTER_SECS),
        );
    }
    response
}

fn render_body(
    req: &HttpRequest,
    status: StatusCode,
    err: Option<&AppError>,
    fallback: String,
) -> HttpResponse {
    if is_api_path(req.path()) {
        let mut res = HttpResponse::build(status);
        if let Some(AppError::LockedOut {
            retry_after_secs, ..
        }) = err
        {
            res.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
        }
        return res.json(api_body(err, status, &fallback));
    }
    let message = err.map(AppError::public_message).unwrap_or(fallback);
    let htmx = HxRequest::of(req).htmx;
    if status == StatusCode::UNAUTHORIZED {
        let sign_in = match session::return_address(req) {
            Some(back) => urls::sign_in_returning_to(&back),
            None => urls::sign_in(),
        };
        return if htmx {
            HttpResponse::Ok()
                .insert_header(("HX-Redirect", sign_in))
                .finish()
        } else {
            HttpResponse::SeeOther()
                .insert_header((header::LOCATION, sign_in))
                .finish()
        };
    }
    if htmx {
        let body = ErrorFragment { message: &message }
            .render()
            .unwrap_or(message.clone());
        return HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            .insert_header(("HX-Retarget", "#flash"))
            .insert_header(("HX-Reswap", "innerHTML"))
            .body(body);
    }
    let sandbox = req
        .app_data::<web::Data<AppState>>()
        .is_some_and(|state| state.settings.is_sandbox());
    let page = ErrorPage {
        sandbox,
        title: title_for(status),
        message: &message,
        status: status.as_u16(),
    };
    html(status, page.render().unwrap_or(message))
}

pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody, BoxBody>>, Error> {
    let res = next.call(req).await?;
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return Ok(res.map_into_left_body());
    }
    let app_error = res
        .response()
        .error()
        .and_then(|e| e.as_error::<AppError>());
    let already_rendered = res
        .response()
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        // Handlers that render their own error bodies (pages, JSON, HL7 ACKs) set a content type;
        // actix's own errors are plain text.
        .is_some_and(|ct| !ct.starts_with("text/plain"));
    if app_error.is_none() && already_rendered {
        return Ok(res.map_into_left_body());
    }
    let fallback = res
        .response()
        .error()
        .map(|e| e.to_string())
        .unwrap_or_else(|| status.canonical_reason().unwrap_or("Error").to_string());
    let rendered = match in_layout(res.request(), status, app_error).await {
        Some(page) => page,
        None => render(res.request(), status, app_error, fallback),
    };
    let (req, _) = res.into_parts();
    Ok(ServiceResponse::new(req, rendered).map_into_right_body())
}

/// What a signed-in person reads on a page they cannot find or open.
fn in_layout_message(err: Option<&AppError>) -> String {
    match err {
        Some(e @ AppError::Forbidden(_)) => e.public_message(),
        _ => "There is nothing here that you can open. The link may be mistyped or out of date."
            .into(),
    }
}

/// The layout around a page that is not there, for a signed-in person asking for a whole page
/// (htmx gets its fragment, the APIs their JSON); None when that is not the case.
async fn in_layout(
    req: &HttpRequest,
    status: StatusCode,
    err: Option<&AppError>,
) -> Option<HttpResponse> {
    // Only "not there" and a role's refusal: a stale form (CSRF, also a 403) keeps the plain
    // page that says to reload it.
    let page_error = matches!(
        (status, err),
        (StatusCode::NOT_FOUND, None | Some(AppError::NotFound))
            | (StatusCode::FORBIDDEN, Some(AppError::Forbidden(_)))
    );
    let path = req.path();
    if !page_error
        || is_api_path(path)
        || path.starts_with("/static/")
        || HxRequest::of(req).wants_fragment()
    {
        return None;
    }
    let ctx = PageContext::from_request(req, &mut Payload::None)
        .await
        .ok()?;
    let state = req.app_data::<web::Data<AppState>>()?.clone();
    let chrome = run_db(&state, move |conn| home_chrome(&ctx, conn))
        .await
        .ok()?;
    let message = in_layout_message(err);
    let page = ErrorInLayout {
        chrome,
        title: title_for(status),
        message: &message,
        status: status.as_u16(),
        home_url: urls::home(),
    };
    Some(html(status, page.render().ok()?))
}

/// The person's own navigation: their org's, or a CSM's platform links.
fn home_chrome(ctx: &PageContext, conn: &mut DbConnection) -> Result<Chrome, AppError> {
    let scope = ctx.principal.org_id.clone().map(Scope::Org);
    let mut chrome = ctx.chrome(conn, scope.as_ref(), Nav::Orgs)?;
    // No navigation item is the page that was not found.
    for link in chrome
        .org_links
        .iter_mut()
        .chain(&mut chrome.platform_links)
    {
        link.current = false;
    }
    Ok(chrome)
}
