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
pub mod wizard;

use std::convert::Infallible;
use std::str::FromStr;

use crate::db::DbConnection;
use crate::domain::access::Principal;
use crate::domain::ids::{OrgId, TeamId};
use crate::error::AppError;
pub use crate::web::urls::Scope;

pub use crate::web::page::{render, render_with_status, see_other, Chrome, Nav};

/// Checks the person may look at the scope and builds the layout for it.
pub fn chrome(
    conn: &mut DbConnection,
    p: &Principal,
    csrf: &str,
    sandbox: bool,
    scope: Option<&Scope>,
    nav: Nav,
) -> Result<Chrome, AppError> {
    crate::web::page::PageContext {
        principal: p.clone(),
        csrf: csrf.to_string(),
        sandbox,
        request_id: None,
        hx: Default::default(),
    }
    .chrome(conn, scope, nav)
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
