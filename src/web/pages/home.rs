//! The landing redirect and the CSMs' org picker.
use actix_web::{web, HttpResponse};
use askama::Template;

use crate::domain::access::Role;
use crate::domain::scope::Scope;
use crate::error::AppError;
use crate::service::org_picker;
use crate::web::page::{render, see_other, Chrome, Nav, PageContext};
use crate::web::{run_db, urls, AppState};

/// Where a signed-in person lands: their org's lab accounts, a CSM with one org that org's, any
/// other CSM the org picker.
pub async fn index(ctx: PageContext) -> HttpResponse {
    let p = &ctx.principal;
    let org = match (&p.org_id, p.role, p.csm_org_ids.as_slice()) {
        (Some(org), _, _) => org,
        (None, Role::Csm, [only]) => only,
        _ => return see_other(&urls::orgs()),
    };
    see_other(&urls::lab_accounts(&Scope::Org(org.clone())))
}

pub struct OrgLink {
    name: String,
    url: String,
}

#[derive(Template)]
#[template(path = "orgs/pick.html")]
struct PickPage {
    chrome: Chrome,
    orgs: Vec<OrgLink>,
}

pub async fn pick(state: web::Data<AppState>, ctx: PageContext) -> Result<HttpResponse, AppError> {
    let page = run_db(&state, move |conn| {
        let chrome = ctx.chrome(conn, None, Nav::Orgs)?;
        let orgs = org_picker::orgs(conn, &ctx.principal)?;
        Ok(PickPage {
            chrome,
            orgs: orgs
                .into_iter()
                .map(|o| OrgLink {
                    url: urls::lab_accounts(&Scope::Org(o.id)),
                    name: o.name,
                })
                .collect(),
        })
    })
    .await?;
    render(&page)
}
