//! Bulk link or unlink of an org's lab accounts to its Teams: choose Teams and the action for the
//! accounts ticked on the list (a plain GET form, so the choice lives in the URL), preview every
//! pair, apply (POST/redirect/GET) and undo from the confirmation.
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::account_links::unlink_consequence;
use super::fmt_time;
use crate::db::orgs::Team;
use crate::domain::bulk_links::{preview_summary, BulkAction, Outcome};
use crate::domain::ids::{BulkLinkId, LabAccountId, OrgId, TeamId};
use crate::domain::scope::Scope;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::service::bulk_links::{
    self as bulk, BulkError, BulkRequest, PageQuery, Preview, Requester,
};
use crate::web::page::{render, see_other, Chrome, Nav, PageContext};
use crate::web::{run_db, urls, AppState};

/// The bulk page's query (and the apply form's fields): repeated `account_id` and `team_id`.
#[derive(Default)]
struct Choice {
    account_ids: Vec<LabAccountId>,
    team_ids: Vec<TeamId>,
    action: Option<String>,
    search: String,
    after: Option<String>,
    preview: bool,
    refused: bool,
}

impl Choice {
    fn from_pairs(pairs: Vec<(String, String)>) -> Choice {
        let mut c = Choice::default();
        for (k, v) in pairs {
            let v = v.trim().to_string();
            match k.as_str() {
                "account_id" if !v.is_empty() => c.account_ids.push(LabAccountId::from_text(&v)),
                "team_id" if !v.is_empty() => c.team_ids.push(TeamId::from_text(&v)),
                "action" if !v.is_empty() => c.action = Some(v),
                "q" => c.search = v,
                "after" if !v.is_empty() => c.after = Some(v),
                "preview" => c.preview = true,
                "refused" => c.refused = true,
                _ => {}
            }
        }
        c
    }

    fn action(&self) -> Option<BulkAction> {
        self.action.as_deref().and_then(|a| a.parse().ok())
    }

    /// The same choice, previewed, as a URL query.
    fn query(&self, refused: bool) -> String {
        let mut pairs: Vec<(&str, &str)> = Vec::new();
        pairs.extend(self.account_ids.iter().map(|a| ("account_id", a.as_str())));
        pairs.extend(self.team_ids.iter().map(|t| ("team_id", t.as_str())));
        if let Some(a) = &self.action {
            pairs.push(("action", a));
        }
        pairs.push(("preview", "1"));
        if refused {
            pairs.push(("refused", "1"));
        }
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }
}

/// Field errors of the choice, in words, by the part of the form they belong to.
#[derive(Default, Clone)]
pub struct ChoiceErrors {
    pub accounts: Option<String>,
    pub teams: Option<String>,
    pub action: Option<String>,
}

fn check(c: &Choice) -> Result<BulkRequest, ChoiceErrors> {
    let action = c.action();
    let chosen = BulkRequest::new(
        action.unwrap_or(BulkAction::Link),
        &c.account_ids,
        &c.team_ids,
    );
    let fields = match chosen {
        Ok(r) if action.is_some() => return Ok(r),
        Ok(_) => FieldErrors::default(),
        Err(e) => e,
    };
    Err(ChoiceErrors {
        accounts: fields.for_field("lab_account_ids").map(str::to_string),
        teams: fields.for_field("team_ids").map(str::to_string),
        action: action
            .is_none()
            .then(|| "Choose whether to link or unlink.".to_string()),
    })
}

pub struct AccountChoice {
    pub id: LabAccountId,
    pub name: String,
    pub known: bool,
}

pub struct TeamChoice {
    pub id: TeamId,
    pub name: String,
    pub checked: bool,
}

pub struct PreviewRow {
    pub account: String,
    pub team: String,
    pub outcome: &'static str,
    /// `added`, `removed`, `unchanged` or `refused`.
    pub kind: &'static str,
    pub badge: &'static str,
    pub note: String,
}

pub struct PreviewView {
    pub summary: String,
    pub rows: Vec<PreviewRow>,
    pub refused: bool,
    pub changes: usize,
    pub apply_label: String,
}

#[derive(Template)]
#[template(path = "lab_accounts/bulk.html")]
struct BulkPageView {
    chrome: Chrome,
    back_url: String,
    form_url: String,
    accounts: Vec<AccountChoice>,
    teams: Vec<TeamChoice>,
    search: String,
    after: Option<String>,
    next_after: Option<String>,
    link_checked: bool,
    unlink_checked: bool,
    errors: ChoiceErrors,
    preview: Option<PreviewView>,
    /// The apply was refused (the links changed since the preview).
    refused: bool,
    /// Hidden fields of the apply form.
    apply_account_ids: Vec<LabAccountId>,
    apply_team_ids: Vec<TeamId>,
    apply_action: String,
}

fn account_name(preview: &Preview, id: &LabAccountId) -> String {
    preview
        .account(id)
        .map(|a| a.display_name())
        .unwrap_or_else(|| format!("Unknown account ({id})"))
}

fn team_name(preview: &Preview, id: &TeamId) -> String {
    preview
        .team(id)
        .map(|t| t.name.clone())
        .unwrap_or_else(|| format!("Unknown Team ({id})"))
}

fn preview_view(preview: &Preview) -> PreviewView {
    let plan = &preview.plan;
    let rows = plan
        .pairs
        .iter()
        .map(|p| {
            let team = team_name(preview, &p.team_id);
            let (kind, note) = match &p.outcome {
                Outcome::Added => ("added", String::new()),
                Outcome::Removed => (
                    "removed",
                    unlink_consequence(&team, preview.open_orders(&p.account_id, &p.team_id)),
                ),
                Outcome::AlreadyLinked | Outcome::NotLinked => ("unchanged", String::new()),
                Outcome::Refused(r) => ("refused", r.message().to_string()),
            };
            PreviewRow {
                account: account_name(preview, &p.account_id),
                team,
                outcome: p.outcome.label(),
                kind,
                badge: match kind {
                    "added" => "badge-active",
                    "removed" => "badge-suspended",
                    "refused" => "badge-pending",
                    _ => "",
                },
                note,
            }
        })
        .collect();
    let changes = plan.changed_count();
    let links = if changes == 1 { "link" } else { "links" };
    PreviewView {
        summary: preview_summary(plan),
        rows,
        refused: plan.is_refused(),
        changes,
        apply_label: match plan.action {
            BulkAction::Link => format!("Apply: add {changes} {links}"),
            BulkAction::Unlink => format!("Apply: remove {changes} {links}"),
        },
    }
}

fn org_of(scope: &Scope) -> Result<OrgId, AppError> {
    scope.org_id().cloned().ok_or(AppError::NotFound)
}

/// `GET .../lab_accounts/bulk/links`: the choice, and the preview once it is complete.
pub async fn page(
    state: web::Data<AppState>,
    ctx: PageContext,
    scope: Scope,
    q: web::Query<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let org = org_of(&scope)?;
    let c = Choice::from_pairs(q.into_inner());
    let checked = check(&c);
    // Say what is missing only once the person asked for the preview.
    let errors = match (&checked, c.preview) {
        (Err(e), true) => e.clone(),
        _ => ChoiceErrors::default(),
    };
    let view = run_db(&state, move |conn| {
        let chrome = ctx.chrome(conn, Some(&scope), Nav::LabAccounts)?;
        let request = checked.as_ref().ok();
        let data = bulk::page(
            conn,
            &ctx.principal,
            &org,
            &PageQuery {
                account_ids: &c.account_ids,
                team_ids: &c.team_ids,
                request,
                search: &c.search,
                after: c.after.as_deref(),
            },
        )?;
        let mut teams: Vec<TeamChoice> = data
            .chosen_teams
            .iter()
            .filter(|t| !data.teams.teams.iter().any(|p| p.id == t.id))
            .chain(data.teams.teams.iter())
            .map(|t: &Team| TeamChoice {
                id: t.id.clone(),
                name: t.name.clone(),
                checked: c.team_ids.contains(&t.id),
            })
            .collect();
        teams.dedup_by(|a, b| a.id == b.id);
        let preview = data.preview.as_ref().map(preview_view);
        let action = c.action();
        Ok(BulkPageView {
            chrome,
            back_url: urls::lab_accounts(&scope),
            form_url: urls::bulk_links(&org),
            accounts: data
                .accounts
                .iter()
                .map(|a| AccountChoice {
                    id: a.id.clone(),
                    name: a
                        .account
                        .as_ref()
                        .map_or_else(|| "Unknown account".to_string(), |x| x.display_name()),
                    known: a.account.is_some(),
                })
                .collect(),
            teams,
            search: c.search.clone(),
            after: c.after.clone(),
            next_after: data
                .teams
                .more
                .then(|| data.teams.teams.last().map(|t| t.name.clone()))
                .flatten(),
            link_checked: action == Some(BulkAction::Link),
            unlink_checked: action == Some(BulkAction::Unlink),
            errors,
            preview,
            refused: c.refused,
            apply_account_ids: request.map(|r| r.account_ids.clone()).unwrap_or_default(),
            apply_team_ids: request.map(|r| r.team_ids.clone()).unwrap_or_default(),
            apply_action: action.map(|a| a.as_str().to_string()).unwrap_or_default(),
        })
    })
    .await?;
    render(&view)
}

/// `POST .../lab_accounts/bulk/links`: applies the choice as it stands now, then shows the
/// confirmation; a refusal (the links changed since the preview) shows the preview again.
pub async fn apply(
    state: web::Data<AppState>,
    ctx: PageContext,
    scope: Scope,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let org = org_of(&scope)?;
    let c = Choice::from_pairs(form.into_inner());
    let checked = check(&c);
    let org_id = org.clone();
    let applied = run_db(&state, move |conn| {
        let p = &ctx.principal;
        let Ok(request) = checked else {
            // Only those who may bulk link learn that the form was incomplete.
            bulk::authorize(p, &org_id)?;
            return Ok(Applied::Incomplete);
        };
        match bulk::apply(conn, Requester::Person(p), &ctx.actor(), &org_id, &request) {
            Ok(a) => Ok(Applied::Done(a.id)),
            Err(BulkError::Refused(_)) => Ok(Applied::Refused),
            Err(e) => Err(e.into()),
        }
    })
    .await?;
    let again = |refused| format!("{}?{}", urls::bulk_links(&org), c.query(refused));
    Ok(see_other(&match applied {
        Applied::Done(id) => urls::bulk_link(&org, &id),
        Applied::Refused => again(true),
        Applied::Incomplete => again(false),
    }))
}

/// How an apply ended.
enum Applied {
    Done(BulkLinkId),
    /// Something is refused now: nothing changed, the preview says why.
    Refused,
    /// The form lacks accounts, Teams or the action: the page says which.
    Incomplete,
}

#[derive(Deserialize)]
pub struct DonePath {
    bulk: BulkLinkId,
}

#[derive(Deserialize)]
pub struct DoneQuery {
    undo: Option<String>,
}

#[derive(Template)]
#[template(path = "lab_accounts/bulk_done.html")]
struct DonePage {
    chrome: Chrome,
    heading: &'static str,
    summary: String,
    by: String,
    at: String,
    /// (account, Team) of each link changed.
    changes: Vec<(String, String)>,
    change_word: &'static str,
    undo_url: Option<String>,
    undone: Option<String>,
    undo_refused: bool,
    back_url: String,
    again_url: String,
}

/// `GET .../lab_accounts/bulk/links/{bulk}`: what a bulk action changed, with Undo.
pub async fn done(
    state: web::Data<AppState>,
    ctx: PageContext,
    scope: Scope,
    path: web::Path<DonePath>,
    q: web::Query<DoneQuery>,
) -> Result<HttpResponse, AppError> {
    let org = org_of(&scope)?;
    let id = path.into_inner().bulk;
    let undo_refused = q.undo.as_deref() == Some("refused");
    let page = run_db(&state, move |conn| {
        let chrome = ctx.chrome(conn, Some(&scope), Nav::LabAccounts)?;
        let d = bulk::done(conn, &ctx.principal, &org, &id)?;
        let undone = d.row.undone_at.map(|at| {
            let n = d.row.undone_count.unwrap_or(0);
            let what = match (d.row.action, n) {
                (BulkAction::Link, 1) => "1 link it added was removed".to_string(),
                (BulkAction::Link, n) => format!("{n} links it added were removed"),
                (BulkAction::Unlink, 1) => "1 link it removed is back".to_string(),
                (BulkAction::Unlink, n) => format!("{n} links it removed are back"),
            };
            format!(
                "Undone on {} UTC by {}: {what}.",
                fmt_time(&at),
                d.row.undone_by.clone().unwrap_or_default()
            )
        });
        Ok(DonePage {
            chrome,
            heading: match d.row.action {
                BulkAction::Link => "Teams linked",
                BulkAction::Unlink => "Teams unlinked",
            },
            summary: d.summary(),
            by: d.row.created_by.clone(),
            at: fmt_time(&d.row.created_at),
            changes: d
                .changes
                .iter()
                .map(|(a, t)| {
                    (
                        a.as_ref()
                            .map_or_else(|| "An account".into(), |a| a.display_name()),
                        t.as_ref()
                            .map_or_else(|| "a Team".into(), |t| t.name.clone()),
                    )
                })
                .collect(),
            change_word: match d.row.action {
                BulkAction::Link => "linked to",
                BulkAction::Unlink => "unlinked from",
            },
            undo_url: (undone.is_none() && !d.changes.is_empty())
                .then(|| urls::undo_bulk_link(&org, &id)),
            undone,
            undo_refused,
            back_url: urls::lab_accounts(&scope),
            again_url: urls::bulk_links(&org),
        })
    })
    .await?;
    render(&page)
}

/// `POST .../lab_accounts/bulk/links/{bulk}/undo`: reverses what the action changed, then shows
/// the confirmation again.
pub async fn undo(
    state: web::Data<AppState>,
    ctx: PageContext,
    scope: Scope,
    path: web::Path<DonePath>,
) -> Result<HttpResponse, AppError> {
    let org = org_of(&scope)?;
    let id = path.into_inner().bulk;
    let back = urls::bulk_link(&org, &id);
    let refused = run_db(&state, move |conn| {
        match bulk::undo(conn, &ctx.principal, &ctx.actor(), &org, &id) {
            Ok(_) | Err(BulkError::AlreadyUndone) => Ok(false),
            Err(BulkError::Refused(_)) => Ok(true),
            Err(BulkError::Other(e)) => Err(e),
        }
    })
    .await?;
    Ok(see_other(&if refused {
        format!("{back}?undo=refused")
    } else {
        back
    }))
}
