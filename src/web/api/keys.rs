//! API key extractors. Keys are looked up by digest on every request, so a revoked key stops
//! working on the next one.
use std::future::Future;
use std::pin::Pin;

use actix_web::{dev::Payload, web, FromRequest, HttpRequest};

use crate::db::api_keys::{self, ApiKeyRow};
use crate::db::orgs;
use crate::db::DbConnection;
use crate::domain::actor::Actor;
use crate::domain::api_key::{digest, KeyScope};
use crate::domain::ids::{OrgId, TeamId};
use crate::domain::lab::LabSlug;
use crate::error::AppError;
use crate::service::order_reads::TeamReader;
use crate::web::{request_id, run_db, AppState};

pub const TEAM_HEADER: &str = "x-vital-api-key";
pub const ORG_HEADER: &str = "x-management-key";

/// A request made with a team API key.
pub struct TeamKey {
    pub team_id: TeamId,
    pub org_id: OrgId,
    pub actor: Actor,
}

impl TeamKey {
    /// The key as the service layer's Team reads take it (they audit what they return).
    pub fn reader(&self) -> TeamReader<'_> {
        TeamReader {
            actor: &self.actor,
            org_id: &self.org_id,
            team_id: &self.team_id,
        }
    }
}

/// A delivery made with a lab interface key.
pub struct LabKey {
    pub lab: LabSlug,
    pub actor: Actor,
}

pub const LAB_HEADER: &str = "x-lab-interface-key";

/// A request made with an org management key.
pub struct OrgKey {
    pub org_id: OrgId,
    pub actor: Actor,
}

type Authenticated<T> = (ApiKeyRow, T, Actor);
type Authenticating<T> = Pin<Box<dyn Future<Output = Result<Authenticated<T>, AppError>>>>;

/// Finds the presented key by digest and, in the same trip to the database, whatever `more`
/// reads for it (a Team key's Team): one blocking-thread hop per request, not one per lookup.
fn authenticate<T, F>(
    req: &HttpRequest,
    header: &'static str,
    scope: KeyScope,
    more: F,
) -> Authenticating<T>
where
    T: Send + 'static,
    F: FnOnce(&mut DbConnection, &ApiKeyRow) -> Result<T, AppError> + Send + 'static,
{
    let presented = req
        .headers()
        .get(header)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let rid = request_id::of(req);
    Box::pin(async move {
        let state = state.ok_or_else(|| AppError::Internal("no app state".into()))?;
        let secret = presented.ok_or_else(|| {
            AppError::Unauthenticated(format!("Missing API key: send it in the {header} header."))
        })?;
        let hash = digest(&secret);
        let invalid = move || {
            AppError::Unauthenticated(format!(
                "Invalid or revoked API key in the {header} header."
            ))
        };
        let (key, extra) = run_db(&state, move |conn| {
            let key = api_keys::find_active(conn, &hash)?
                .filter(|k| k.scope == scope)
                .ok_or_else(invalid)?;
            let extra = more(conn, &key)?;
            Ok((key, extra))
        })
        .await?;
        let actor = Actor::api_key(&key.id, &key.prefix, rid);
        Ok((key, extra, actor))
    })
}

impl FromRequest for TeamKey {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let auth = authenticate(req, TEAM_HEADER, KeyScope::Team, |conn, key| {
            let team_id = key
                .team_id
                .as_ref()
                .ok_or_else(|| AppError::Internal("team key without a team".into()))?;
            orgs::find_team(conn, team_id)?.ok_or_else(|| {
                AppError::Unauthenticated("The API key's Team no longer exists.".into())
            })
        });
        Box::pin(async move {
            let (_, team, actor) = auth.await?;
            Ok(TeamKey {
                team_id: team.id,
                org_id: team.org_id,
                actor,
            })
        })
    }
}

impl FromRequest for OrgKey {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let auth = authenticate(req, ORG_HEADER, KeyScope::Org, |_, _| Ok(()));
        Box::pin(async move {
            let (key, (), actor) = auth.await?;
            let org_id = key
                .org_id
                .ok_or_else(|| AppError::Internal("management key without an org".into()))?;
            Ok(OrgKey { org_id, actor })
        })
    }
}

impl FromRequest for LabKey {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let auth = authenticate(req, LAB_HEADER, KeyScope::Lab, |_, _| Ok(()));
        Box::pin(async move {
            let (key, (), actor) = auth.await?;
            let lab = key
                .lab_slug
                .ok_or_else(|| AppError::Internal("lab key without a lab".into()))?;
            Ok(LabKey { lab, actor })
        })
    }
}
