//! Sign in, sign out, sign out everywhere. Every check and write (the lockout, the session row,
//! its audit row) is `service::sessions`'; here only the cookie and the answer. A sign-in that
//! came with a return address (`?next=`, from `web::errors`) goes back there.
use std::net::IpAddr;

use actix_session::Session;
use actix_web::http::header::{HeaderValue, RETRY_AFTER};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::{Duration, NaiveDateTime};
use serde::Deserialize;

use crate::domain::credentials;
use crate::domain::return_to::ReturnTo;
use crate::error::AppError;
use crate::service::sessions::{self, SignInAttempt, SignInOutcome};
use crate::web::page::{render, render_with_status, see_other, PageContext};
use crate::web::session::{self, SignedIn};
use crate::web::{request_id, run_db, urls, AppState};

#[derive(Template)]
#[template(path = "auth/login.html")]
struct LoginPage {
    /// A sandbox deployment says so on every page, the sign-in page included.
    sandbox: bool,
    action: String,
    csrf: String,
    email: String,
    error: Option<String>,
    /// Where to go once signed in (a local path), kept through the form as a hidden field.
    next: Option<String>,
}

#[derive(Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
}

/// A return address as the sign-in page received it, if it is a safe one.
fn return_to(next: Option<&str>) -> Option<ReturnTo> {
    next.and_then(ReturnTo::parse)
}

/// Where a person goes once signed in: back where they were, or their landing page.
fn landing(next: Option<&ReturnTo>) -> String {
    next.map_or_else(urls::home, |n| n.as_str().to_string())
}

/// The sign-in page; a person already signed in goes on to where they were going, or their
/// landing page (there is no page context before signing in: the cookie's session, if any, is
/// all there is).
pub async fn login_form(
    state: web::Data<AppState>,
    session: Session,
    user: Option<SignedIn>,
    q: web::Query<LoginQuery>,
) -> Result<HttpResponse, AppError> {
    let next = return_to(q.next.as_deref());
    if user.is_some() {
        return Ok(see_other(&landing(next.as_ref())));
    }
    render(&LoginPage {
        sandbox: state.settings.is_sandbox(),
        action: urls::sign_in(),
        csrf: session::csrf_token(&session),
        email: String::new(),
        error: None,
        next: next.map(|n| n.as_str().to_string()),
    })
}

#[derive(Deserialize)]
pub struct LoginForm {
    email: String,
    password: String,
    #[serde(default)]
    next: Option<String>,
}

/// The address the attempt came from, for the per-address throttle: the peer, or with
/// `--trust-proxy` the last X-Forwarded-For entry (the one our proxy added; earlier ones are
/// whatever the client sent).
fn client_addr(req: &HttpRequest, trust_proxy: bool) -> String {
    let forwarded = trust_proxy
        .then(|| req.headers().get("x-forwarded-for")?.to_str().ok())
        .flatten()
        .and_then(|v| v.rsplit(',').next())
        .and_then(|last| last.trim().parse::<IpAddr>().ok());
    forwarded
        .or_else(|| req.peer_addr().map(|a| a.ip()))
        .map(|ip| ip.to_string())
        .unwrap_or_default()
}

pub async fn login(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    form: web::Form<LoginForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let next = return_to(form.next.as_deref());
    let client_addr = client_addr(&req, state.settings.trust_proxy);
    let replaces = session::presented_secret(&session);
    let request_id = request_id::of(&req);
    // An email too long to be real is neither stored nor shown again.
    let shown_email = if credentials::email_fits(form.email.trim()) {
        form.email.trim().to_string()
    } else {
        String::new()
    };
    let outcome = run_db(&state, move |conn| {
        sessions::sign_in(
            conn,
            &SignInAttempt {
                email: &form.email,
                password: &form.password,
                client_addr: &client_addr,
                replaces_session: replaces.as_deref(),
                request_id,
            },
        )
    })
    .await?;
    let sandbox = state.settings.is_sandbox();
    let page = |error: String| LoginPage {
        sandbox,
        action: urls::sign_in(),
        csrf: session::csrf_token(&session),
        email: shown_email.clone(),
        error: Some(error),
        next: next.as_ref().map(|n| n.as_str().to_string()),
    };
    match outcome {
        SignInOutcome::SignedIn { secret } => {
            session::start(&session, &secret)?;
            Ok(see_other(&landing(next.as_ref())))
        }
        SignInOutcome::WrongCredentials => render_with_status(
            &page("That email and password do not match an account.".into()),
            StatusCode::UNAUTHORIZED,
        ),
        SignInOutcome::EmailLocked { until } => too_many(
            page(retry_message(
                "Too many failed sign-ins for this email.",
                until,
            )),
            until,
        ),
        SignInOutcome::AddressThrottled { until } => too_many(
            page(retry_message(
                "Too many failed sign-ins from your network address.",
                until,
            )),
            until,
        ),
    }
}

fn seconds_until(until: NaiveDateTime) -> i64 {
    (until - crate::db::now())
        .max(Duration::seconds(1))
        .num_seconds()
}

fn retry_message(what: &str, until: NaiveDateTime) -> String {
    format!(
        "{what} Try again after {} UTC (in about {} minutes).",
        until.format("%H:%M"),
        (seconds_until(until) + 59) / 60
    )
}

fn too_many(page: LoginPage, until: NaiveDateTime) -> Result<HttpResponse, AppError> {
    let mut res = render_with_status(&page, StatusCode::TOO_MANY_REQUESTS)?;
    if let Ok(v) = HeaderValue::from_str(&seconds_until(until).to_string()) {
        res.headers_mut().insert(RETRY_AFTER, v);
    }
    Ok(res)
}

/// Ends this browser's session on the server, then forgets the cookie. A session that already
/// ended signs out all the same, so this takes the session as it is (no page context).
pub async fn logout(
    state: web::Data<AppState>,
    session: Session,
    user: Result<SignedIn, AppError>,
) -> Result<HttpResponse, AppError> {
    match user {
        Ok(user) => {
            let actor = user.actor();
            run_db(&state, move |conn| {
                sessions::sign_out(conn, &actor, &user.principal, &user.session_id)
            })
            .await?;
        }
        // Already ended: there is nothing left to end on the server.
        Err(AppError::Unauthenticated(_)) => {}
        Err(e) => return Err(e),
    }
    session::forget(&session);
    Ok(see_other(&urls::sign_in()))
}

/// Ends every session of the signed-in person (other browsers and devices included).
pub async fn logout_everywhere(
    state: web::Data<AppState>,
    session: Session,
    ctx: PageContext,
) -> Result<HttpResponse, AppError> {
    run_db(&state, move |conn| {
        sessions::sign_out_everywhere(conn, &ctx.actor(), &ctx.principal)
    })
    .await?;
    session::forget(&session);
    Ok(see_other(&urls::sign_in()))
}
