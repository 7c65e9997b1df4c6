//! CSRF protection for every state-changing dashboard request: a same-origin check plus the
//! session's synchronizer token, from the `X-CSRF-Token` header (htmx) or the `csrf_token` form field.
//! The origin is compared with the configured public URL (`--public-url`, default from `--bind`),
//! never with the request's own Host: forwarded host headers count only with `--trust-proxy`.
//! A post from one of our pages without a live session is sent to sign in (`web::errors`), not
//! told about tokens.
use actix_session::SessionExt;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::web::{self, Bytes};
use actix_web::{Error, HttpRequest};

use super::{run_db, urls, AppState};
use crate::config::origin_of;
use crate::error::AppError;
use crate::service::sessions;

pub const HEADER: &str = "x-csrf-token";
pub const FIELD: &str = "csrf_token";

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// The APIs authenticate with keys in headers, which a browser never adds on its own.
fn is_api(path: &str) -> bool {
    ["/v1/", "/v2/", "/v3/", "/lab-interface/"]
        .iter()
        .any(|p| path.starts_with(p))
}

/// Whether the page that sent the request is labdesk's own. `allowed` are the public origins.
fn origin_allowed(origin_or_referer: Option<&str>, allowed: &[String]) -> bool {
    match origin_or_referer {
        // Requests without either header come from non-browser clients; the token still applies.
        None => true,
        Some(o) => origin_of(o).is_some_and(|o| allowed.contains(&o)),
    }
}

/// labdesk's own origins for this request: the public URL's, and behind a trusted proxy the one
/// it says the browser used.
fn our_origins(req: &HttpRequest) -> Vec<String> {
    let Some(state) = req.app_data::<web::Data<AppState>>() else {
        return vec![];
    };
    let mut allowed = state.settings.public_origins();
    if state.settings.trust_proxy {
        let info = req.connection_info();
        if let Some(o) = origin_of(&format!("{}://{}", info.scheme(), info.host())) {
            allowed.push(o);
        }
    }
    allowed
}

/// Whether an absolute URL (a Referer, htmx's current URL) is a page of labdesk's own.
pub fn is_our_page(req: &HttpRequest, url: &str) -> bool {
    origin_of(url).is_some_and(|o| our_origins(req).contains(&o))
}

fn same_origin(req: &ServiceRequest) -> bool {
    let allowed = our_origins(req.request());
    let origin = req
        .headers()
        .get("origin")
        .or_else(|| req.headers().get("referer"))
        .map(|v| v.to_str().unwrap_or("invalid"));
    let ok = origin_allowed(origin, &allowed);
    if !ok {
        // Only the origin part: a foreign Referer's path is none of our business.
        tracing::warn!(
            origin = origin.and_then(origin_of).unwrap_or_else(|| "unreadable".into()),
            allowed = allowed.join(" "),
            "refused a form post from another origin (set --public-url if this is labdesk's own address)"
        );
    }
    ok
}

fn tokens_match(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

fn form_token(body: &[u8]) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == FIELD)
        .map(|(_, v)| v)
}

pub async fn middleware(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    if is_safe(req.method()) || is_api(req.path()) {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body);
    }
    let expected = super::session::stored_csrf_token(&req.get_session());
    let header = req
        .headers()
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let presented = match header {
        Some(t) => Some(t),
        None => {
            let body = req.extract::<Bytes>().await.unwrap_or_default();
            let token = form_token(&body);
            req.set_payload(Payload::from(body));
            token
        }
    };
    let token_ok = matches!((&expected, &presented), (Some(e), Some(p)) if tokens_match(e, p));
    let origin_ok = same_origin(&req);
    if !(token_ok && origin_ok) {
        let refusal = if origin_ok {
            refusal_of_our_own(&req).await
        } else {
            AppError::Csrf
        };
        let (http_req, _) = req.into_parts();
        let res = actix_web::HttpResponse::from_error(refusal);
        return Ok(ServiceResponse::new(http_req, res).map_into_right_body());
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}

/// Why a request from one of our own pages has no valid token: most often the session ended
/// (signed out in another tab, timed out), and then the person needs to sign in again, not a
/// message about forms. The sign-in form itself is posted before any session exists.
async fn refusal_of_our_own(req: &ServiceRequest) -> AppError {
    if req.path() == urls::sign_in() {
        return AppError::Csrf;
    }
    let session = req.get_session();
    let Some(secret) = super::session::presented_secret(&session) else {
        return super::session::signed_out();
    };
    let Some(state) = req.app_data::<web::Data<AppState>>() else {
        return AppError::Csrf;
    };
    match run_db(state, move |conn| sessions::authenticate(conn, &secret)).await {
        Ok(Some(_)) => AppError::Csrf,
        Ok(None) => {
            super::session::forget(&session);
            super::session::signed_out()
        }
        Err(e) => e,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_comes_from_the_form_field() {
        assert_eq!(form_token(b"a=1&csrf_token=abc&b=2"), Some("abc".into()));
        assert_eq!(form_token(b"a=1"), None);
        assert!(tokens_match("abc", "abc"));
        assert!(!tokens_match("abc", "abd"));
        assert!(!tokens_match("abc", "ab"));
    }

    #[test]
    fn only_the_public_origin_may_post() {
        let allowed = vec!["https://labdesk.example.org".to_string()];
        let table = [
            (None, true),
            (Some("https://labdesk.example.org"), true),
            (
                Some("https://labdesk.example.org/orgs/1/lab_accounts"),
                true,
            ),
            (Some("https://LABDESK.example.org:443"), true),
            (Some("http://labdesk.example.org"), false),
            (Some("https://evil.example"), false),
            (Some("https://labdesk.example.org.evil.example"), false),
            (Some("null"), false),
            (Some("invalid"), false),
        ];
        for (origin, ok) in table {
            assert_eq!(origin_allowed(origin, &allowed), ok, "{origin:?}");
        }
    }
}
