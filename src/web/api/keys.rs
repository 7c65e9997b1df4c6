//! API key extractors. Keys are looked up by digest on every request, so a revoked key stops
//! working on the next one.
use std::future::Future;
use std::pin::Pin;

use actix_web::{dev::Payload, web, FromRequest, HttpRequest};

use crate::db::api_keys::{self, ApiKeyRow};
use crate::db::orgs;
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

type Authenticated = (ApiKeyRow, Actor, web::Data<AppState>);
type Authenticating = Pin<Box<dyn Future<Output = Result<Authenticated, AppError>>>>;

fn authenticate(req: &HttpRequest, header: &'static str, scope: KeyScope) -> Authenticating {
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
        let key = run_db(&state, move |conn| api_keys::find_active(conn, &hash))
            .await?
            .filter(|k| k.scope == scope)
            .ok_or_else(|| {
                AppError::Unauthenticated(format!(
                    "Invalid or revoked API key in the {header} header."
                ))
            })?;
        let actor = Actor::api_key(&key.id, &key.prefix, rid);
        Ok((key, actor, state))
    })
}

impl FromRequest for TeamKey {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let auth = authenticate(req, TEAM_HEADER, KeyScope::Team);
        Box::pin(async move {
            let (key, actor, state) = auth.await?;
            let team_id = key
                .team_id
                .ok_or_else(|| AppError::Internal("team key without a team".into()))?;
            let lookup = team_id.clone();
            let team = run_db(&state, move |conn| orgs::find_team(conn, &lookup))
                .await?
                .ok_or_else(|| {
                    AppError::Unauthenticated("The API key's Team no longer exists.".into())
                })?;
            Ok(TeamKey {
                team_id,
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
        let auth = authenticate(req, ORG_HEADER, KeyScope::Org);
        Box::pin(async move {
            let (key, actor, _) = auth.await?;
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
        let auth = authenticate(req, LAB_HEADER, KeyScope::Lab);
        Box::pin(async move {
            let (key, actor, _) = auth.await?;
            let lab = key
                .lab_slug
                .ok_or_else(|| AppError::Internal("lab key without a lab".into()))?;
            Ok(LabKey { lab, actor })
        })
    }
}
