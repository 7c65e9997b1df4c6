//! The API's OpenAPI document (`/openapi.json`) and the reference page read from it (`/docs`).
//! Both are public: they describe the API, and hold nothing about anyone.
use std::sync::OnceLock;

use actix_web::{web, HttpResponse};
use askama::Template;

use super::render;
use crate::error::AppError;
use crate::openapi::{self, reference};
use crate::web::AppState;

#[derive(Template)]
#[template(path = "docs/reference.html")]
struct ReferencePage<'a> {
    sandbox: bool,
    r: &'a reference::Reference,
}

/// `GET /openapi.json`
pub async fn document() -> HttpResponse {
    HttpResponse::Ok().json(openapi::document())
}

/// `GET /docs`
pub async fn page(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    static CONTENT: OnceLock<reference::Reference> = OnceLock::new();
    let r = CONTENT.get_or_init(|| reference::build(openapi::document()));
    render(&ReferencePage {
        sandbox: state.settings.is_sandbox(),
        r,
    })
}
