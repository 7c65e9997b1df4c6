//! htmx helpers: one handler renders a full page or just a fragment depending on `HX-Request`.
use actix_web::HttpRequest;

pub fn is_htmx(req: &HttpRequest) -> bool {
    req.headers().contains_key("hx-request")
}
