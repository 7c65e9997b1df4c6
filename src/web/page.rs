//! One way to answer a dashboard request. A handler takes a `PageContext` (who asks, their CSRF
//! token, the deployment, whether htmx asked), builds the layout with `PageContext::chrome` (which
//! also checks the person may look at the scope), and answers with `respond` (a page that htmx
//! may swap in part) or `render` (a whole page). `respond` picks the whole page or the fragment
//! from `HX-Request` and says so in `Vary`; a history restore always gets the whole page, so Back
//! and Forward never show a bare fragment.
use std::future::{ready, Future, Ready};
use std::pin::Pin;

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{dev::Payload, web, FromRequest, HttpRequest, HttpResponse};
use askama::Template;

use super::session::SignedIn;
use super::urls::{self, Scope};
use super::AppState;
use crate::db::{orgs, DbConnection};
use crate::domain::access::{Action, Principal, Role};
use crate::domain::actor::Actor;
use crate::domain::ids::OrgId;
use crate::error::AppError;
use crate::service::policy;

/// The navigation item a page belongs to (marked as the current one in the layout).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nav {
    Home,
    LabAccounts,
    Orders,
    Teams,
    Review,
    Audit,
    Orgs,
    PlatformAccounts,
    PlatformReview,
    LabKeys,
    LabConnections,
}

/// One link of the layout's navigation.
pub struct NavLink {
    pub label: &'static str,
    pub href: String,
    pub current: bool,
}

/// What the layout shows around every page.
pub struct Chrome {
    pub user_name: String,
    pub role_label: &'static str,
    pub csrf: String,
    /// A sandbox deployment: the layout says so on every page.
    pub sandbox: bool,
    /// The organization being looked at, with its navigation.
    pub org_name: Option<String>,
    pub org_links: Vec<NavLink>,
    /// The CSMs' platform navigation.
    pub platform_links: Vec<NavLink>,
    pub notice: Option<String>,
}

fn link(label: &'static str, href: String, nav: Nav, current: Nav) -> NavLink {
    NavLink {
        label,
        href,
        current: nav == current,
    }
}

fn org_links(p: &Principal, org: &OrgId, current: Nav) -> Vec<NavLink> {
    let org_scope = Scope::Org(org.clone());
    let mut links = vec![
        link("Home", urls::org_home(org), Nav::Home, current),
        link(
            "Lab accounts",
            urls::lab_accounts(&org_scope),
            Nav::LabAccounts,
            current,
        ),
        link("Orders", urls::org_orders(org), Nav::Orders, current),
        link("Teams", urls::teams(org), Nav::Teams, current),
    ];
    let reviewer = Action::ReviewResults { org_id: Some(org) };
    if policy::allowed(p, reviewer) {
        links.push(link(
            "Review queue",
            urls::review_queue(&org_scope),
            Nav::Review,
            current,
        ));
    }
    if policy::allowed(p, Action::ViewAudit { org_id: org }) {
        links.push(link("Audit", urls::audit(org), Nav::Audit, current));
    }
    links
}

fn platform_links(current: Nav) -> Vec<NavLink> {
    vec![
        link("Organizations", urls::orgs(), Nav::Orgs, current),
        link(
            "Platform accounts",
            urls::lab_accounts(&Scope::Platform),
            Nav::PlatformAccounts,
            current,
        ),
        link(
            "Quarantine & escalations",
            urls::review_queue(&Scope::Platform),
            Nav::PlatformReview,
            current,
        ),
        link(
            "Lab interface keys",
            urls::lab_keys(),
            Nav::LabKeys,
            current,
        ),
        link(
            "Lab connections",
            urls::lab_connections(),
            Nav::LabConnections,
            current,
        ),
    ]
}

/// How htmx asked for this request.
#[derive(Debug, Clone, Copy, Default)]
pub struct HxRequest {
    pub htmx: bool,
    /// htmx restoring history it did not have cached (Back/Forward after a reload): it needs the
    /// whole page.
    pub history_restore: bool,
}

impl HxRequest {
    pub fn of(req: &HttpRequest) -> HxRequest {
        HxRequest {
            htmx: req.headers().contains_key("hx-request"),
            history_restore: req.headers().contains_key("hx-history-restore-request"),
        }
    }

    /// Whether to answer with the part of the page htmx swaps.
    pub fn wants_fragment(self) -> bool {
        self.htmx && !self.history_restore
    }
}

impl FromRequest for HxRequest {
    type Error = AppError;
    type Future = Ready<Result<HxRequest, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(HxRequest::of(req)))
    }
}

/// A signed-in dashboard request: who asks, with what, in which deployment.
#[derive(Clone)]
pub struct PageContext {
    pub principal: Principal,
    pub csrf: String,
    pub sandbox: bool,
    pub request_id: Option<String>,
    pub hx: HxRequest,
}

impl PageContext {
    /// Who the audit log names for this request.
    pub fn actor(&self) -> Actor {
        Actor::user(
            &self.principal.user_id,
            &self.principal.email,
            self.request_id.clone(),
        )
    }

    /// The layout for a page in `scope` (None: pages outside any org), after checking the person
    /// may look at it.
    pub fn chrome(
        &self,
        conn: &mut DbConnection,
        scope: Option<&Scope>,
        nav: Nav,
    ) -> Result<Chrome, AppError> {
        let p = &self.principal;
        let (org_name, org_links) = match scope {
            Some(Scope::Org(org_id)) => {
                policy::authorize(p, Action::ViewOrg { org_id })?;
                let org = orgs::find_org(conn, org_id)?.ok_or(AppError::NotFound)?;
                (Some(org.name), org_links(p, org_id, nav))
            }
            Some(Scope::Platform) => {
                policy::authorize(p, Action::ViewPlatformAccounts)?;
                (None, vec![])
            }
            None => (None, vec![]),
        };
        Ok(Chrome {
            user_name: p.name.clone(),
            role_label: p.role.label(),
            csrf: self.csrf.clone(),
            sandbox: self.sandbox,
            org_name,
            org_links,
            platform_links: if p.role == Role::Csm {
                platform_links(nav)
            } else {
                vec![]
            },
            notice: None,
        })
    }
}

impl FromRequest for PageContext {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let signed_in = SignedIn::from_request(req, payload);
        let sandbox = req
            .app_data::<web::Data<AppState>>()
            .is_some_and(|s| s.settings.is_sandbox());
        let hx = HxRequest::of(req);
        Box::pin(async move {
            let user = signed_in.await?;
            Ok(PageContext {
                principal: user.principal,
                csrf: user.csrf,
                sandbox,
                request_id: user.request_id,
                hx,
            })
        })
    }
}

/// The scope of the route being served: `/orgs/{org}/...` or `/platform/...`.
impl FromRequest for Scope {
    type Error = AppError;
    type Future = Ready<Result<Scope, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(match req.match_info().get("org") {
            Some(org) => Scope::Org(OrgId::from_text(org)),
            None => Scope::Platform,
        }))
    }
}

/// A page with a part that htmx swaps in place (a filtered table, a step of the wizard).
pub trait Swappable: Template {
    fn render_fragment(&self) -> askama::Result<String>;
}

fn html(status: StatusCode, body: String) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(body)
}

fn rendered(result: askama::Result<String>) -> Result<String, AppError> {
    result.map_err(|e| AppError::Internal(format!("rendering a page: {e}")))
}

/// The whole page, or for htmx only its swappable part; either way `Vary: HX-Request`, so no
/// cache hands one out for the other.
pub fn respond<P: Swappable>(hx: HxRequest, page: &P) -> Result<HttpResponse, AppError> {
    respond_with_status(hx, page, StatusCode::OK)
}

pub fn respond_with_status<P: Swappable>(
    hx: HxRequest,
    page: &P,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let body = if hx.wants_fragment() {
        rendered(page.render_fragment())?
    } else {
        rendered(page.render())?
    };
    let mut res = html(status, body);
    res.headers_mut()
        .append(header::VARY, HeaderValue::from_static("HX-Request"));
    Ok(res)
}

/// A whole page.
pub fn render<T: Template>(page: &T) -> Result<HttpResponse, AppError> {
    render_with_status(page, StatusCode::OK)
}

pub fn render_with_status<T: Template>(
    page: &T,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    Ok(html(status, rendered(page.render())?))
}

/// POST/redirect/GET.
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location.to_string()))
        .finish()
}
