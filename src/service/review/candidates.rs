//! The orders a reviewer may put an item's result on, as the accept form lists them: the
//! item's org (for quarantine, the likely order's org or the CSM's orgs), only the Teams
//! `domain::review::candidate_teams` allows, and, when the reviewer searched, only those of a
//! patient with that name or date of birth.
use super::Reviewer;
use crate::db::lab_accounts::{self as accounts_db, AccountLabel, TeamScope};
use crate::db::order_list::{self, OrderFilter, PageAt};
use crate::db::orders::OrderRow;
use crate::db::unmatched::UnmatchedRow;
use crate::db::DbConnection;
use crate::domain::ids::{LabAccountId, OrderId, OrgId, TeamId};
use crate::domain::order_input::PatientDetails;
use crate::domain::review::{candidate_teams, CandidateSearch};
use crate::error::AppError;

/// How many orders the list shows.
const SHOWN: usize = 20;
/// How many of the newest orders a search by date of birth reads (the date is inside the
/// order's patient details, which no index covers).
const DOB_SCAN: i64 = 500;

/// An order the reviewer may pick, with what tells it apart.
pub struct Candidate {
    pub order: OrderRow,
    pub tests: Vec<String>,
    pub account: Option<AccountLabel>,
}

/// The Teams whose orders may take this item's result (None: any of its org's).
pub fn allowed_teams(
    conn: &mut DbConnection,
    item: &UnmatchedRow,
) -> Result<Option<Vec<TeamId>>, AppError> {
    let account_teams = match (&item.team_id, &item.lab_account_id) {
        (None, Some(account)) => {
            let scope = match &item.org_id {
                Some(org) => TeamScope::Org(org),
                None => TeamScope::All,
            };
            accounts_db::find(conn, account, scope)?
                .map(|a| a.team_ids)
                .unwrap_or_default()
        }
        _ => Vec::new(),
    };
    Ok(candidate_teams(item.team_id.as_ref(), &account_teams))
}

/// The orgs to look in: the item's, else the likely order's, else every org the reviewer may
/// put a quarantined result into.
fn orgs(r: &Reviewer, item: &UnmatchedRow, likely: Option<&OrderRow>) -> Vec<OrgId> {
    match (&item.org_id, likely) {
        (Some(org), _) => vec![org.clone()],
        (None, Some(o)) => vec![o.org_id.clone()],
        (None, None) => r.org_ids.clone(),
    }
}

fn newest(
    conn: &mut DbConnection,
    orgs: &[OrgId],
    teams: &Option<Vec<TeamId>>,
    name: Option<&str>,
    limit: i64,
) -> Result<Vec<OrderRow>, AppError> {
    let mut rows = Vec::new();
    for org in orgs {
        let filter = OrderFilter {
            org_id: Some(org.clone()),
            team_ids: teams.clone(),
            patient_name: name.map(str::to_string),
            ..OrderFilter::default()
        };
        rows.extend(order_list::list_page_at(
            conn,
            &filter,
            PageAt::Newest,
            limit,
        )?);
    }
    rows.sort_by(|a, b| (b.created_at, &b.id).cmp(&(a.created_at, &a.id)));
    Ok(rows)
}

fn dob_of(o: &OrderRow) -> Option<chrono::NaiveDate> {
    serde_json::from_str::<PatientDetails>(&o.patient_details)
        .ok()
        .map(|d| d.dob)
}

/// The candidate orders, newest first, the likely order on top when no search narrows them.
/// Without a search: orders of patients with the delivered last name (or the newest orders
/// when none was delivered).
pub fn find(
    conn: &mut DbConnection,
    r: &Reviewer,
    item: &UnmatchedRow,
    likely: Option<&OrderRow>,
    search: Option<&CandidateSearch>,
) -> Result<Vec<Candidate>, AppError> {
    let teams = allowed_teams(conn, item)?;
    let orgs = orgs(r, item, likely);
    let limit = SHOWN as i64;
    let rows = match search {
        Some(CandidateSearch::Name(name)) => newest(conn, &orgs, &teams, Some(name), limit)?,
        Some(CandidateSearch::Dob(dob)) => newest(conn, &orgs, &teams, None, DOB_SCAN)?
            .into_iter()
            .filter(|o| dob_of(o) == Some(*dob))
            .collect(),
        None => {
            let parsed: serde_json::Value = serde_json::from_str(&item.parsed).unwrap_or_default();
            let last_name = parsed["patient"]["last_name"].as_str().unwrap_or("").trim();
            let name = (!last_name.is_empty()).then_some(last_name);
            let mut rows = newest(conn, &orgs, &teams, name, limit)?;
            let in_scope = |o: &OrderRow| {
                orgs.contains(&o.org_id) && teams.as_ref().is_none_or(|t| t.contains(&o.team_id))
            };
            if let Some(o) = likely.filter(|o| in_scope(o)) {
                rows.retain(|x| x.id != o.id);
                rows.insert(0, o.clone());
            }
            rows
        }
    };
    let rows: Vec<OrderRow> = rows.into_iter().take(SHOWN).collect();
    described(conn, rows)
}

/// The orders with their tests' names and accounts: two queries.
fn described(conn: &mut DbConnection, rows: Vec<OrderRow>) -> Result<Vec<Candidate>, AppError> {
    let ids: Vec<OrderId> = rows.iter().map(|r| r.id.clone()).collect();
    let tests = order_list::test_names(conn, &ids)?;
    let mut account_ids: Vec<LabAccountId> = Vec::new();
    for r in &rows {
        if !account_ids.contains(&r.lab_account_id) {
            account_ids.push(r.lab_account_id.clone());
        }
    }
    let accounts = accounts_db::labels(conn, &account_ids)?;
    Ok(rows
        .into_iter()
        .map(|order| Candidate {
            tests: tests
                .iter()
                .filter(|(o, _)| *o == order.id)
                .map(|(_, n)| n.clone())
                .collect(),
            account: accounts
                .iter()
                .find(|a| a.id == order.lab_account_id)
                .cloned(),
            order,
        })
        .collect())
}
