//! The lab accounts list of an org (`/orgs/{org}/lab_accounts`) or of the platform
//! (`/platform/lab_accounts`): filters by status, lab and Team; htmx swaps the table.
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::views::{account_row, AccountRow};
use super::{non_empty, SelectOption};
use crate::db::lab_accounts::AccountFilter;
use crate::domain::access::Role;
use crate::domain::ids::{LabAccountId, TeamId};
use crate::domain::lab::LabSlug;
use crate::domain::lab_account::AccountStatus;
use crate::domain::scope::Scope;
use crate::error::AppError;
use crate::service::bulk_links;
use crate::service::lab_accounts::reads::{self as account_reads, TEAM_CHOICES};
use crate::web::page::{respond, Chrome, Nav, PageContext, Swappable};
use crate::web::{run_db, urls, AppState};

#[derive(Deserialize, Default, Clone)]
pub struct ListQuery {
    status: Option<String>,
    lab: Option<String>,
    team_id: Option<String>,
    /// The page after this account (the list's keyset cursor).
    after: Option<String>,
}

impl ListQuery {
    /// The same filters on the page after `account`.
    fn after(&self, account: &LabAccountId) -> String {
        let pairs = [
            ("status", non_empty(&self.status)),
            ("lab", non_empty(&self.lab)),
            ("team_id", non_empty(&self.team_id)),
            ("after", Some(account.as_str())),
        ];
        let kept: Vec<(&str, &str)> = pairs
            .iter()
            .filter_map(|(k, v)| v.map(|v| (*k, v)))
            .collect();
        serde_urlencoded::to_string(kept).unwrap_or_default()
    }

    /// The same filters on the first page.
    fn first(&self) -> String {
        let pairs = [
            ("status", non_empty(&self.status)),
            ("lab", non_empty(&self.lab)),
            ("team_id", non_empty(&self.team_id)),
        ];
        let kept: Vec<(&str, &str)> = pairs
            .iter()
            .filter_map(|(k, v)| v.map(|v| (*k, v)))
            .collect();
        serde_urlencoded::to_string(kept).unwrap_or_default()
    }
}

pub struct AccountsTable {
    pub rows: Vec<AccountRow>,
    pub filtered: bool,
    pub base_url: String,
    pub empty_message: &'static str,
    /// The next page of the list, when there is one.
    pub next_url: Option<String>,
    /// Back to the first page, from any later one.
    pub first_url: Option<String>,
    /// The bulk link page, for those who may link the org's accounts to its Teams: the rows
    /// then have a checkbox each.
    pub bulk_url: Option<String>,
}

#[derive(Template)]
#[template(path = "lab_accounts/list.html")]
struct ListPage {
    chrome: Chrome,
    heading: &'static str,
    base_url: String,
    new_url: Option<String>,
    status_options: Vec<SelectOption>,
    lab_options: Vec<SelectOption>,
    team_options: Vec<SelectOption>,
    /// Not every Team is offered (`TEAM_CHOICES`).
    more_teams: bool,
    table: AccountsTable,
}

#[derive(Template)]
#[template(path = "lab_accounts/_table.html")]
struct TableFragment<'a> {
    table: &'a AccountsTable,
}

impl Swappable for ListPage {
    fn render_fragment(&self) -> askama::Result<String> {
        TableFragment { table: &self.table }.render()
    }
}

fn parse_filter(q: &ListQuery) -> Result<AccountFilter, AppError> {
    let status = non_empty(&q.status)
        .map(|s| {
            s.parse::<AccountStatus>()
                .map_err(|e| AppError::rule("bad_filter", format!("Status {e}.")))
        })
        .transpose()?;
    let lab = non_empty(&q.lab)
        .map(|l| {
            l.parse::<LabSlug>()
                .map_err(|e| AppError::rule("bad_filter", format!("Lab {e}.")))
        })
        .transpose()?;
    Ok(AccountFilter {
        status,
        lab,
        team_id: non_empty(&q.team_id).map(TeamId::from_text),
        ..AccountFilter::default()
    })
}

/// What the list says when a scope has no accounts at all, by who is looking.
fn empty_message(scope: &Scope, role: Role) -> &'static str {
    match (scope, role) {
        (Scope::Platform, _) => "No platform-managed lab accounts yet. Create one to link it to Teams of any organization.",
        (_, Role::Csm) => "This organization has no lab accounts yet. Create the first one with “New lab account”.",
        (_, Role::OrgAdmin) => "Your organization has no lab accounts yet. Your customer success manager sets them up; ask them to add one.",
        (_, Role::Clinician) => "None of your Teams is linked to a lab account yet, so orders cannot be placed. Ask your ops admin to link one.",
    }
}

pub async fn list_page(
    state: web::Data<AppState>,
    ctx: PageContext,
    scope: Scope,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let filter = parse_filter(&q)?;
    let after = non_empty(&q.after).map(LabAccountId::from_text);
    let hx = ctx.hx;
    let page = run_db(&state, move |conn| {
        let nav = match scope {
            Scope::Platform => Nav::PlatformAccounts,
            Scope::Org(_) => Nav::LabAccounts,
        };
        let chrome = ctx.chrome(conn, Some(&scope), nav)?;
        let list = account_reads::list(conn, &ctx.principal, &scope, &filter, after.as_ref())?;
        let base_url = urls::lab_accounts(&scope);
        let with_query = |query: String| {
            if query.is_empty() {
                base_url.clone()
            } else {
                format!("{base_url}?{query}")
            }
        };
        let next_url = list.next.as_ref().map(|id| with_query(q.after(id)));
        let first_url = after.is_some().then(|| with_query(q.first()));
        let status_options = AccountStatus::ALL
            .iter()
            .map(|s| SelectOption::new(s.as_str(), s.label(), filter.status.map(|f| f.as_str())))
            .collect();
        let lab_options = LabSlug::ALL
            .iter()
            .map(|l| {
                SelectOption::new(
                    l.as_str(),
                    l.display_name(),
                    filter.lab.map(LabSlug::as_str),
                )
            })
            .collect();
        let team_options = list
            .teams
            .iter()
            .map(|t| {
                SelectOption::new(
                    t.id.as_str(),
                    &t.name,
                    filter.team_id.as_ref().map(TeamId::as_str),
                )
            })
            .collect();
        Ok(ListPage {
            chrome,
            heading: match scope {
                Scope::Platform => "Platform-managed lab accounts",
                Scope::Org(_) => "Lab accounts",
            },
            new_url: list.may_create.then(|| urls::new_lab_account(&scope)),
            status_options,
            lab_options,
            team_options,
            more_teams: list.more_teams,
            table: AccountsTable {
                rows: list
                    .accounts
                    .iter()
                    .map(|a| account_row(a, &scope, &list.linked_teams))
                    .collect(),
                filtered: filter.status.is_some()
                    || filter.lab.is_some()
                    || filter.team_id.is_some(),
                base_url: base_url.clone(),
                empty_message: empty_message(&scope, ctx.principal.role),
                next_url,
                first_url,
                bulk_url: scope
                    .org_id()
                    .filter(|org| bulk_links::may_bulk_link(&ctx.principal, org))
                    .map(urls::bulk_links),
            },
            base_url,
        })
    })
    .await?;
    respond(hx, &page)
}
