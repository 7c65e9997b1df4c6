//! Cookie sessions and the signed-in user extractor. The cookie (signed and encrypted) holds only
//! a random session secret and the CSRF token; the session itself is a row on the server
//! (`service::sessions`), checked on every request, so signing out really ends it.
use std::future::Future;
use std::pin::Pin;

use actix_session::{Session, SessionExt};
use actix_web::http::Method;
use actix_web::{dev::Payload, web, FromRequest, HttpRequest};
use rand::RngCore;

use super::{run_db, AppState};
use crate::domain::access::Principal;
use crate::domain::actor::Actor;
use crate::domain::ids::SessionId;
use crate::domain::return_to::ReturnTo;
use crate::error::AppError;
use crate::service::sessions;

const SECRET: &str = "sid";
const CSRF: &str = "csrf";
/// A new API key's secret, kept from the create form's post to the one page that shows it.
const NEW_KEY: &str = "new_key";

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

/// The session secret the browser presented, if any (it may name an ended session).
pub fn presented_secret(session: &Session) -> Option<String> {
    session.get::<String>(SECRET).ok().flatten()
}

/// Puts a freshly started session in the cookie: its secret and a new CSRF token, nothing from
/// before sign-in.
pub fn start(session: &Session, secret: &str) -> Result<(), AppError> {
    session.renew();
    session.clear();
    let failed = |e: actix_session::SessionInsertError| AppError::Internal(format!("session: {e}"));
    session.insert(SECRET, secret).map_err(failed)?;
    session.insert(CSRF, new_token()).map_err(failed)?;
    Ok(())
}

/// Removes the session cookie (the server-side row is ended by `service::sessions`).
pub fn forget(session: &Session) {
    session.purge();
}

/// What a request without a live session gets: `web::errors` sends the person to sign in.
pub fn signed_out() -> AppError {
    AppError::Unauthenticated("Please sign in.".into())
}

/// Where the person should land after signing in again: the page they were on. For htmx that is
/// the page htmx runs in, for a plain GET the address asked for, for a plain form post the page
/// the form was on (never the post's own address: nothing is posted again).
pub fn return_address(req: &HttpRequest) -> Option<ReturnTo> {
    let hx = super::page::HxRequest::of(req);
    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok());
    let page = if hx.htmx && !hx.history_restore {
        header("hx-current-url")
    } else if matches!(*req.method(), Method::GET | Method::HEAD) {
        return req
            .uri()
            .path_and_query()
            .and_then(|p| ReturnTo::parse(p.as_str()));
    } else {
        header("referer")
    };
    page.filter(|url| super::csrf::is_our_page(req, url))
        .and_then(ReturnTo::of_url)
}

#[derive(serde::Serialize, serde::Deserialize)]
struct NewKey {
    /// The id of the key or webhook endpoint the secret is for.
    key: String,
    secret: String,
}

/// Keeps a new key's secret in the (encrypted) cookie until the page that shows it is opened.
pub fn keep_new_key_secret(
    session: &Session,
    key: &impl AsRef<str>,
    secret: String,
) -> Result<(), AppError> {
    let new_key = NewKey {
        key: key.as_ref().to_string(),
        secret,
    };
    session
        .insert(NEW_KEY, new_key)
        .map_err(|e| AppError::Internal(format!("session: {e}")))
}

/// The secret of this new key, once: whatever key it was for, it is gone from the cookie after.
pub fn take_new_key_secret(session: &Session, key: &impl AsRef<str>) -> Option<String> {
    let kept = session.remove_as::<NewKey>(NEW_KEY)?.ok()?;
    (kept.key == key.as_ref()).then_some(kept.secret)
}

/// A signed-in person, with the CSRF token for the forms of the page and the request's audit actor.
pub struct SignedIn {
    pub principal: Principal,
    pub session_id: SessionId,
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
            let state = state.ok_or_else(|| AppError::Internal("no app state".into()))?;
            let secret = presented_secret(&session).ok_or_else(signed_out)?;
            let Some(live) =
                run_db(&state, move |conn| sessions::authenticate(conn, &secret)).await?
            else {
                forget(&session);
                return Err(signed_out());
            };
            let csrf = csrf_token(&session);
            Ok(SignedIn {
                principal: live.principal,
                session_id: live.session_id,
                csrf,
                request_id,
            })
        })
    }
}
