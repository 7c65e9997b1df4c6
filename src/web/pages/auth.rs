//! Sign in and sign out.
use actix_session::Session;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::Duration;
use serde::Deserialize;
use serde_json::json;

use super::{render, render_with_status, see_other};
use crate::db::audit::{self, Actor, AuditEntry};
use crate::db::{login_attempts, users, write_tx};
use crate::domain::lockout;
use crate::error::AppError;
use crate::service::users::{dummy_hash, verify_password};
use crate::web::session::{self, SignedIn};
use crate::web::{request_id, run_db, AppState};

#[derive(Template)]
#[template(path = "auth/login.html")]
struct LoginPage {
    csrf: String,
    email: String,
    error: Option<String>,
}

pub async fn login_form(
    session: Session,
    user: Option<SignedIn>,
) -> Result<HttpResponse, AppError> {
    if user.is_some() {
        return Ok(see_other("/"));
    }
    render(&LoginPage {
        csrf: session::csrf_token(&session),
        email: String::new(),
        error: None,
    })
}

#[derive(Deserialize)]
pub struct LoginForm {
    email: String,
    password: String,
}

enum Outcome {
    SignedIn(String),
    WrongCredentials,
    Locked(chrono::NaiveDateTime),
}

pub async fn login(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    form: web::Form<LoginForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let email = users::normalise_email(&form.email);
    let rid = request_id::of(&req);
    let lookup_email = email.clone();
    let outcome = run_db(&state, move |conn| {
        let now = crate::db::now();
        let recent = login_attempts::recent(conn, &lookup_email, lockout::MAX_FAILURES as i64)?;
        if let Some(until) = lockout::locked_until(&recent, now) {
            return Ok(Outcome::Locked(until));
        }
        let user = users::find_by_email(conn, &lookup_email)?;
        // Verify against a dummy hash for unknown emails so both take the same time.
        let hash = user
            .as_ref()
            .map(|u| u.password_hash.as_str())
            .unwrap_or(dummy_hash());
        let ok = verify_password(&form.password, hash) && user.is_some();
        write_tx(conn, |conn| {
            login_attempts::record(conn, &lookup_email, ok)?;
            if let (true, Some(u)) = (ok, &user) {
                audit::record(
                    conn,
                    &Actor::user(&u.id, &u.email, rid.clone()),
                    AuditEntry {
                        action: "user.signed_in",
                        entity_type: "user",
                        entity_id: &u.id,
                        org_id: u.org_id.as_deref(),
                        team_id: None,
                        summary: format!("{} signed in", u.email),
                        details: json!({}),
                    },
                )?;
            }
            Ok::<_, AppError>(())
        })?;
        Ok(match (ok, user) {
            (true, Some(u)) => Outcome::SignedIn(u.id),
            _ => Outcome::WrongCredentials,
        })
    })
    .await?;
    match outcome {
        Outcome::SignedIn(user_id) => {
            session::sign_in(&session, &user_id)?;
            Ok(see_other("/"))
        }
        Outcome::WrongCredentials => render_with_status(
            &LoginPage {
                csrf: session::csrf_token(&session),
                email,
                error: Some("That email and password do not match an account.".into()),
            },
            actix_web::http::StatusCode::UNAUTHORIZED,
        ),
        Outcome::Locked(until) => {
            let secs = (until - crate::db::now())
                .max(Duration::seconds(1))
                .num_seconds();
            let page = LoginPage {
                csrf: session::csrf_token(&session),
                email,
                error: Some(format!(
                    "Too many failed sign-ins for this email. Try again after {} UTC (in about {} minutes).",
                    until.format("%H:%M"),
                    (secs + 59) / 60
                )),
            };
            let mut res =
                render_with_status(&page, actix_web::http::StatusCode::TOO_MANY_REQUESTS)?;
            if let Ok(v) = actix_web::http::header::HeaderValue::from_str(&secs.to_string()) {
                res.headers_mut()
                    .insert(actix_web::http::header::RETRY_AFTER, v);
            }
            Ok(res)
        }
    }
}

pub async fn logout(session: Session) -> HttpResponse {
    session::sign_out(&session);
    see_other("/login")
}
