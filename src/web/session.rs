//! Cookie sessions (signed and encrypted; ids only inside) and the signed-in user extractor.
use std::future::Future;
use std::pin::Pin;

use actix_session::{Session, SessionExt};
use actix_web::{dev::Payload, web, FromRequest, HttpRequest};
use rand::RngCore;

use super::{run_db, AppState};
use crate::db::audit::Actor;
use crate::db::users;
use crate::domain::access::Principal;
use crate::error::AppError;

pub const IDLE_TIMEOUT_SECS: i64 = 30 * 60;
pub const ABSOLUTE_TIMEOUT_SECS: i64 = 12 * 60 * 60;
/// `seen` is rewritten at most this often, so not every request sets a cookie.
const SEEN_GRANULARITY_SECS: i64 = 60;

const UID: &str = "uid";
const CSRF: &str = "csrf";
const ISSUED: &str = "iat";
const SEEN: &str = "seen";

fn now_secs() -> i64 {
    chrono::Utc::now().timestamp()
}

fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// The session's CSRF token, created on first use (the login form needs one before sign-in).
pub fn csrf_token(session: &Session) -> String {
    match session.get::<String>(CSRF) {
        Ok(Some(t)) => t,
        _ => {
            let t = new_token();
            // A failed insert only means the next form post is refused with a clear message.
            let _ = session.insert(CSRF, &t);
            t
        }
    }
}

pub fn stored_csrf_token(session: &Session) -> Option<String> {
    session.get::<String>(CSRF).ok().flatten()
}

/// Starts a fresh session for a user: a new cookie and a new CSRF token.
pub fn sign_in(session: &Session, user_id: &str) -> Result<(), AppError> {
    session.renew();
    session.clear();
    let now = now_secs();
    let failed = |e: actix_session::SessionInsertError| AppError::Internal(format!("session: {e}"));
    session.insert(UID, user_id).map_err(failed)?;
    session.insert(CSRF, new_token()).map_err(failed)?;
    session.insert(ISSUED, now).map_err(failed)?;
    session.insert(SEEN, now).map_err(failed)?;
    Ok(())
}

pub fn sign_out(session: &Session) {
    session.purge();
}

/// A session ends 30 minutes after its last request or 12 hours after sign-in, whichever is first.
pub fn expired(issued: i64, seen: i64, now: i64) -> bool {
    now - issued > ABSOLUTE_TIMEOUT_SECS || now - seen > IDLE_TIMEOUT_SECS
}

/// The user id of a live session, enforcing the idle and absolute timeouts.
fn live_user_id(session: &Session) -> Option<String> {
    let uid = session.get::<String>(UID).ok().flatten()?;
    let issued = session.get::<i64>(ISSUED).ok().flatten()?;
    let seen = session.get::<i64>(SEEN).ok().flatten()?;
    let now = now_secs();
    if expired(issued, seen, now) {
        session.purge();
        return None;
    }
    if now - seen >= SEEN_GRANULARITY_SECS {
        let _ = session.insert(SEEN, now);
    }
    Some(uid)
}

/// A signed-in person, with the CSRF token for the forms of the page and the request's audit actor.
pub struct SignedIn {
    pub principal: Principal,
    pub csrf: String,
    pub request_id: Option<String>,
}

impl SignedIn {
    pub fn actor(&self) -> Actor {
        Actor::user(
            &self.principal.user_id,
            &self.principal.email,
            self.request_id.clone(),
        )
    }
}

impl FromRequest for SignedIn {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let session = req.get_session();
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let request_id = super::request_id::of(req);
        Box::pin(async move {
            let signed_out = || AppError::Unauthenticated("Please sign in.".into());
            let state = state.ok_or_else(|| AppError::Internal("no app state".into()))?;
            let uid = live_user_id(&session).ok_or_else(signed_out)?;
            let principal = run_db(&state, move |conn| users::load_principal(conn, &uid))
                .await?
                .ok_or_else(|| {
                    session.purge();
                    signed_out()
                })?;
            let csrf = csrf_token(&session);
            Ok(SignedIn {
                principal,
                csrf,
                request_id,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_expire_when_idle_for_30_minutes_or_12_hours_after_sign_in() {
        let minute = 60;
        let table = [
            ("fresh", 0, 0, 1, false),
            ("idle 29 minutes", 0, 0, 29 * minute, false),
            ("idle 31 minutes", 0, 0, 31 * minute, true),
            (
                "active for 11 hours",
                0,
                11 * 60 * minute,
                11 * 60 * minute + 5,
                false,
            ),
            (
                "active but 12 hours and 1 minute old",
                0,
                12 * 60 * minute,
                12 * 60 * minute + minute,
                true,
            ),
        ];
        for (name, issued, seen, now, expected) in table {
            assert_eq!(expired(issued, seen, now), expected, "{name}");
        }
    }
}
