//! CSRF protection for every state-changing dashboard request: a same-origin check plus the
//! session's synchronizer token, from the `X-CSRF-Token` header (htmx) or the `csrf_token` form field.
use actix_session::SessionExt;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::web::Bytes;
use actix_web::Error;

use crate::error::AppError;

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

fn same_origin(req: &ServiceRequest) -> bool {
    let host = req.connection_info().host().to_string();
    let origin = req
        .headers()
        .get("origin")
        .or_else(|| req.headers().get("referer"))
        .and_then(|v| v.to_str().ok());
    match origin {
        // Requests without either header come from non-browser clients; the token still applies.
        None => true,
        Some(o) => {
            let rest = o.split("://").nth(1).unwrap_or("");
            rest.split('/').next() == Some(host.as_str())
        }
    }
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
    let ok = same_origin(&req)
        && matches!((&expected, &presented), (Some(e), Some(p)) if tokens_match(e, p));
    if !ok {
        let (http_req, _) = req.into_parts();
        let res = actix_web::HttpResponse::from_error(AppError::Csrf);
        return Ok(ServiceResponse::new(http_req, res).map_into_right_body());
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
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
}
