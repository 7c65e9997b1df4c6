//! Headers every response carries: what the browser may load and run (CSP), no MIME sniffing, no
//! framing, no referrer to other sites, HSTS when served over HTTPS, and `no-store` by default,
//! because almost every answer (signed-in pages, API JSON) holds patient data or a secret.
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{web, Error};

use super::AppState;

/// Scripts and styles only from our own files (htmx and app.css), so an injected tag or attribute
/// runs nothing; no framing (clickjacking), no `<base>` rewriting, forms post only to us.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; \
     form-action 'self'; object-src 'none'";

pub const NO_STORE: &str = "private, no-store";

/// One year; sent only when labdesk is served over HTTPS (`--https`).
const HSTS: &str = "max-age=31536000";

/// Whether a response may be kept by caches as it is today: static files (they get their own
/// lifetime), the probes, and the sign-in form, which holds nothing about anyone. Everything else
/// is `no-store` unless its handler said otherwise.
pub fn cacheable_by_default(method: &Method, path: &str) -> bool {
    path.starts_with("/static/")
        || path == "/livez"
        || path == "/readyz"
        || (method == Method::GET && path == "/login")
}

/// The headers for a response to `method path`, given whether the site is served over HTTPS.
pub fn apply(headers: &mut HeaderMap, method: &Method, path: &str, https: bool) {
    let set = |headers: &mut HeaderMap, name: HeaderName, value: &'static str| {
        headers.insert(name, HeaderValue::from_static(value));
    };
    set(
        headers,
        header::CONTENT_SECURITY_POLICY,
        CONTENT_SECURITY_POLICY,
    );
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(headers, header::REFERRER_POLICY, "same-origin");
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    if https {
        set(headers, header::STRICT_TRANSPORT_SECURITY, HSTS);
    }
    if !cacheable_by_default(method, path) && !headers.contains_key(header::CACHE_CONTROL) {
        set(headers, header::CACHE_CONTROL, NO_STORE);
    }
}

/// How long a static file may be kept: for good when its address carries this build's
/// fingerprint (`urls::asset`), else only after asking again (the file's ETag answers cheaply).
pub fn static_cache_control(query: &str) -> &'static str {
    if query == format!("v={}", super::urls::ASSETS_VERSION) {
        "public, max-age=31536000, immutable"
    } else {
        "public, no-cache"
    }
}

pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let https = req
        .app_data::<web::Data<AppState>>()
        .is_some_and(|s| s.settings.https);
    let method = req.method().clone();
    let path = req.path().to_string();
    let static_cache = path
        .starts_with("/static/")
        .then(|| static_cache_control(req.query_string()));
    let mut res = next.call(req).await?;
    apply(res.headers_mut(), &method, &path, https);
    if let (Some(value), true) = (static_cache, res.status().is_success()) {
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers_for(method: Method, path: &str, https: bool, preset: Option<&str>) -> HeaderMap {
        let mut h = HeaderMap::new();
        if let Some(v) = preset {
            h.insert(header::CACHE_CONTROL, HeaderValue::from_str(v).unwrap());
        }
        apply(&mut h, &method, path, https);
        h
    }

    #[test]
    fn static_files_are_kept_for_good_only_at_this_builds_fingerprint() {
        let current = format!("v={}", crate::web::urls::ASSETS_VERSION);
        assert_eq!(
            static_cache_control(&current),
            "public, max-age=31536000, immutable"
        );
        for other in ["", "v=0", "v=1234567890ab"] {
            assert_eq!(static_cache_control(other), "public, no-cache", "{other}");
        }
    }

    fn get(h: &HeaderMap, name: HeaderName) -> Option<&str> {
        h.get(name).map(|v| v.to_str().unwrap())
    }

    #[test]
    fn no_store_is_the_default_except_for_static_files_probes_and_the_sign_in_form() {
        let table: [(Method, &str, Option<&str>, Option<&str>); 10] = [
            (Method::GET, "/orgs/x/audit", None, Some(NO_STORE)),
            (Method::GET, "/orgs/x/audit.csv", None, Some(NO_STORE)),
            (Method::GET, "/v3/orders", None, Some(NO_STORE)),
            (Method::POST, "/login", None, Some(NO_STORE)),
            (Method::GET, "/nowhere", None, Some(NO_STORE)),
            (Method::GET, "/login", None, None),
            (Method::GET, "/livez", None, None),
            (Method::GET, "/readyz", None, None),
            (Method::GET, "/static/app.css", None, None),
            // A handler that chose its own caching keeps it.
            (
                Method::GET,
                "/v3/lab_tests",
                Some("max-age=60"),
                Some("max-age=60"),
            ),
        ];
        for (method, path, preset, expected) in table {
            let h = headers_for(method.clone(), path, false, preset);
            assert_eq!(get(&h, header::CACHE_CONTROL), expected, "{method} {path}");
        }
    }

    #[test]
    fn every_response_gets_the_policy_headers_and_hsts_only_over_https() {
        for (path, https) in [("/static/app.css", false), ("/v3/orders", true)] {
            let h = headers_for(Method::GET, path, https, None);
            assert_eq!(
                get(&h, header::CONTENT_SECURITY_POLICY),
                Some(CONTENT_SECURITY_POLICY)
            );
            assert_eq!(get(&h, header::X_CONTENT_TYPE_OPTIONS), Some("nosniff"));
            assert_eq!(get(&h, header::REFERRER_POLICY), Some("same-origin"));
            assert_eq!(get(&h, header::X_FRAME_OPTIONS), Some("DENY"));
            let hsts = https.then_some(HSTS);
            assert_eq!(get(&h, header::STRICT_TRANSPORT_SECURITY), hsts, "{path}");
        }
    }
}
