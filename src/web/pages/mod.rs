//! Dashboard pages. Handlers load what a page shows into plain view structs; templates never query.
pub mod account_form;
pub mod account_form_view;
pub mod account_links;
pub mod account_page;
pub mod account_status;
pub mod audit;
pub mod auth;
pub mod home;
pub mod lab_accounts;
pub mod lab_keys;
pub mod orders;
pub mod review;
pub mod team_keys;
pub mod teams;
pub mod views;
pub mod visible;
pub mod wizard;

use std::convert::Infallible;
use std::str::FromStr;

use actix_web::http::header;
use actix_web::HttpResponse;
use askama::Template;

use crate::db::{orgs, DbConnection};
use crate::domain::access::{Action, Principal, Role};
use crate::domain::ids::{OrgId, TeamId};
use crate::error::AppError;
use crate::web::policy;
pub use crate::web::urls::Scope;

/// What the layout shows around every page.
pub struct Chrome {
    pub user_name: String,
    pub role_label: &'static str,
    pub csrf: String,
    /// A sandbox deployment: the layout says so on every page.
    pub sandbox: bool,
    pub org: Option<OrgNav>,
    pub is_csm: bool,
    pub active: &'static str,
    pub notice: Option<String>,
}

pub struct OrgNav {
    pub id: OrgId,
    pub name: String,
    pub can_audit: bool,
    pub can_review: bool,
}

/// Checks the person may look at the scope and builds the layout for it.
pub fn chrome(
    conn: &mut DbConnection,
    p: &Principal,
    csrf: &str,
    sandbox: bool,
    scope: Option<&Scope>,
    active: &'static str,
) -> Result<Chrome, AppError> {
    let org = match scope {
        Some(Scope::Org(org_id)) => {
            policy::authorize(p, Action::ViewOrg { org_id })?;
            let org = orgs::find_org(conn, org_id)?.ok_or(AppError::NotFound)?;
            Some(OrgNav {
                can_audit: policy::allowed(p, Action::ViewAudit { org_id }),
                can_review: policy::allowed(
                    p,
                    Action::ReviewResults {
                        org_id: Some(org_id),
                    },
                ),
                id: org.id,
                name: org.name,
            })
        }
        Some(Scope::Platform) => {
            policy::authorize(p, Action::ViewPlatformAccounts)?;
            None
        }
        None => None,
    };
    Ok(Chrome {
        user_name: p.name.clone(),
        role_label: p.role.label(),
        csrf: csrf.to_string(),
        sandbox,
        org,
        is_csm: p.role == Role::Csm,
        active,
        notice: None,
    })
}

pub fn render<T: Template>(page: &T) -> Result<HttpResponse, AppError> {
    render_with_status(page, actix_web::http::StatusCode::OK)
}

pub fn render_with_status<T: Template>(
    page: &T,
    status: actix_web::http::StatusCode,
) -> Result<HttpResponse, AppError> {
    let body = page
        .render()
        .map_err(|e| AppError::Internal(format!("rendering a page: {e}")))?;
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(body))
}

/// POST/redirect/GET.
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location.to_string()))
        .finish()
}

/// One `<option>` of a select.
pub struct SelectOption {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

impl SelectOption {
    pub fn new(value: &str, label: &str, current: Option<&str>) -> SelectOption {
        SelectOption {
            value: value.to_string(),
            label: label.to_string(),
            selected: current == Some(value),
        }
    }
}

pub fn fmt_time(t: &chrono::NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M").to_string()
}

/// Query-string values: blank means "not given".
pub fn non_empty(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Path parameters of pages that exist in both scopes: `/orgs/{org}/lab_accounts/{id}/...` and
/// `/platform/lab_accounts/{id}/...`, so one handler serves both routes.
#[derive(serde::Deserialize)]
pub struct ScopedPath {
    #[serde(default)]
    org: Option<OrgId>,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    team: Option<TeamId>,
    /// The verb of a route that serves several actions (e.g. review decisions).
    #[serde(default)]
    action: Option<String>,
}

impl ScopedPath {
    pub fn scope(&self) -> Scope {
        match &self.org {
            Some(org) => Scope::Org(org.clone()),
            None => Scope::Platform,
        }
    }

    /// The `{id}` segment, as the id of whatever the route shows (a lab account, a review item).
    pub fn id<T: FromStr<Err = Infallible>>(&self) -> Result<T, AppError> {
        let Ok(id) = self.id.as_deref().ok_or(AppError::NotFound)?.parse();
        Ok(id)
    }

    pub fn team(&self) -> Result<TeamId, AppError> {
        self.team.clone().ok_or(AppError::NotFound)
    }

    pub fn action(&self) -> Result<&str, AppError> {
        self.action.as_deref().ok_or(AppError::NotFound)
    }
}
