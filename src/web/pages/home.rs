//! The landing redirect and the CSMs' org picker.
use crate::web::pages::Nav;
use actix_web::{web, HttpResponse};
use askama::Template;

use super::{chrome, render, see_other, Chrome};
use crate::db::orgs::{self, Org};
use crate::domain::access::Role;
use crate::error::AppError;
use crate::web::session::SignedIn;
use crate::web::{run_db, AppState};

pub async fn index(user: SignedIn) -> HttpResponse {
    let p = &user.principal;
    match (&p.org_id, p.role, p.csm_org_ids.as_slice()) {
        (Some(org), _, _) => see_other(&format!("/orgs/{org}/lab_accounts")),
        (None, Role::Csm, [only]) => see_other(&format!("/orgs/{only}/lab_accounts")),
        _ => see_other("/orgs"),
    }
}

#[derive(Template)]
#[template(path = "orgs/pick.html")]
struct PickPage {
    chrome: Chrome,
    orgs: Vec<Org>,
}

pub async fn pick(state: web::Data<AppState>, user: SignedIn) -> Result<HttpResponse, AppError> {
    let p = user.principal.clone();
    let csrf = user.csrf.clone();
    let sandbox = state.settings.is_sandbox();
    let page = run_db(&state, move |conn| {
        let ids = match &p.org_id {
            Some(org) => vec![org.clone()],
            None => p.csm_org_ids.clone(),
        };
        Ok(PickPage {
            chrome: chrome(conn, &p, &csrf, sandbox, None, Nav::Orgs)?,
            orgs: orgs::list_orgs(conn, &ids)?,
        })
    })
    .await?;
    render(&page)
}
