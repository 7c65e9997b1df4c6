//! Placing, loading and cancelling orders. The account is chosen by
//! `domain::eligibility::resolve` and checked again, under a lock, in the transaction that
//! inserts the order, so an account suspended or unlinked meanwhile never gets it. How each can
//! be refused: `service::order_errors`.
use serde_json::json;

use crate::db::audit::{self, AuditEntry};
use crate::db::group_commit::write_batched;
use crate::db::lab_accounts::{self as accounts_db, AccountFilter, TeamScope};
use crate::db::lab_tests::{self, LabRow, LabTestRow};
use crate::db::orders::{self as orders_db, OrderEvent, OrderRow};
use crate::db::{patients, read_tx, DbConnection};
use crate::domain::actor::Actor;
use crate::domain::audit::{AuditAction, EntityType};
use crate::domain::billing::UsState;
use crate::domain::eligibility::{self, OrderNeeds, Refusal};
use crate::domain::ids::{LabAccountId, LabTestId, OrderId, OrgId, TeamId};
use crate::domain::lab::{CollectionMethod, LabSlug, LabTestStatus};
use crate::domain::lab_account::LabAccount;
use crate::domain::order_input::{
    join_clinical_notes, OrderRequest, PatientAddress, PatientDetails, Physician,
};
use crate::domain::order_status::{event_status, LowStatus};
use crate::error::AppError;
use crate::service::order_errors::{PlaceOrderError, TestsRefused};

pub use crate::service::order_cancel::cancel;

/// An order with everything the API and the pages show.
#[derive(Debug, Clone)]
pub struct OrderView {
    pub row: OrderRow,
    pub details: PatientDetails,
    pub address: PatientAddress,
    pub physician: Option<Physician>,
    pub tests: Vec<LabTestRow>,
    pub lab: Option<LabRow>,
    pub events: Vec<OrderEvent>,
    pub account: LabAccount,
}

impl OrderView {
    pub fn low(&self) -> LowStatus {
        self.row.status_low
    }

    pub fn method(&self) -> CollectionMethod {
        self.row.collection_method
    }
}

fn bad_data(what: &str, e: impl std::fmt::Display) -> AppError {
    AppError::Internal(format!("stored order has a bad {what}: {e}"))
}

pub fn load(conn: &mut DbConnection, id: &OrderId) -> Result<Option<OrderView>, AppError> {
    match orders_db::find(conn, id)? {
        Some(row) => Ok(load_many(conn, vec![row])?.pop()),
        None => Ok(None),
    }
}

/// The orders of `rows` with everything they show, in the same order: a fixed number of queries
/// however many rows there are (tests, labs, events, accounts and their links, one query each).
pub fn load_many(conn: &mut DbConnection, rows: Vec<OrderRow>) -> Result<Vec<OrderView>, AppError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<OrderId> = rows.iter().map(|r| r.id.clone()).collect();
    let test_pairs = orders_db::test_ids_of(conn, &ids)?;
    let mut all_test_ids: Vec<LabTestId> = test_pairs.iter().map(|(_, t)| t.clone()).collect();
    all_test_ids.sort();
    all_test_ids.dedup();
    let tests = lab_tests::find_tests(conn, &all_test_ids)?;
    let labs = lab_tests::list_labs(conn)?;
    let mut events = orders_db::events_of(conn, &ids)?;
    // An account as each org sees it (a platform account's links differ per org).
    let mut accounts: Vec<(OrgId, LabAccount)> = Vec::new();
    let mut orgs: Vec<&OrgId> = rows.iter().map(|r| &r.org_id).collect();
    orgs.sort();
    orgs.dedup();
    for org in orgs {
        let mut wanted: Vec<_> = rows
            .iter()
            .filter(|r| &r.org_id == org)
            .map(|r| r.lab_account_id.clone())
            .collect();
        wanted.sort();
        wanted.dedup();
        accounts.extend(
            accounts_db::find_many(conn, &wanted, TeamScope::Org(org))?
                .into_iter()
                .map(|a| (org.clone(), a)),
        );
    }
    rows.into_iter()
        .map(|row| {
            let details = serde_json::from_str(&row.patient_details)
                .map_err(|e| bad_data("patient_details", e))?;
            let address = serde_json::from_str(&row.patient_address)
                .map_err(|e| bad_data("patient_address", e))?;
            let physician = match &row.physician {
                Some(p) => Some(serde_json::from_str(p).map_err(|e| bad_data("physician", e))?),
                None => None,
            };
            let order_tests = test_pairs
                .iter()
                .filter(|(o, _)| *o == row.id)
                .filter_map(|(_, t)| tests.iter().find(|x| &x.id == t).cloned())
                .collect();
            let lab = labs.iter().find(|l| l.slug == row.lab_slug).cloned();
            let (mine, rest): (Vec<OrderEvent>, Vec<OrderEvent>) =
                events.drain(..).partition(|e| e.order_id == row.id);
            events = rest;
            let account = accounts
                .iter()
                .find(|(org, a)| *org == row.org_id && a.id == row.lab_account_id)
                .map(|(_, a)| a.clone())
                .ok_or_else(|| {
                    AppError::Internal(format!("order {} has no lab account", row.id))
                })?;
            Ok(OrderView {
                details,
                address,
                physician,
                tests: order_tests,
                lab,
                events: mine,
                account,
                row,
            })
        })
        .collect()
}

/// Loads an order of one of these Teams; any other order is "not found".
pub fn load_for_teams(
    conn: &mut DbConnection,
    id: &OrderId,
    team_ids: &[TeamId],
) -> Result<OrderView, AppError> {
    let order = load(conn, id)?.ok_or(AppError::NotFound)?;
    if !team_ids.contains(&order.row.team_id) {
        return Err(AppError::NotFound);
    }
    Ok(order)
}

/// The tests of an order: all known and active, from one lab and one collection method.
pub fn check_tests(
    conn: &mut DbConnection,
    test_ids: &[LabTestId],
    method: Option<CollectionMethod>,
) -> Result<(LabSlug, CollectionMethod, Vec<LabTestRow>), PlaceOrderError> {
    if test_ids.is_empty() {
        return Err(TestsRefused::NoneGiven.into());
    }
    let tests = lab_tests::find_tests(conn, test_ids)?;
    if let Some(missing) = test_ids
        .iter()
        .find(|id| !tests.iter().any(|t| &t.id == *id))
    {
        return Err(TestsRefused::NotFound(missing.clone()).into());
    }
    if let Some(inactive) = tests.iter().find(|t| t.status != LabTestStatus::Active) {
        let name = inactive.name.clone();
        return Err(TestsRefused::Inactive { name }.into());
    }
    let first = &tests[0];
    if tests
        .iter()
        .any(|t| t.lab_slug != first.lab_slug || t.method != first.method)
    {
        return Err(TestsRefused::Mixed.into());
    }
    let (lab, test_method) = (first.lab_slug, first.method);
    if let Some(asked) = method.filter(|m| *m != test_method) {
        return Err(TestsRefused::MethodMismatch {
            tests: test_method,
            asked,
        }
        .into());
    }
    Ok((lab, test_method, tests))
}

/// The accounts resolution reads for an order of a Team: those linked to the Team (the org's own
/// and the platform's), and `also` (an account asked for by id, or chosen earlier), if it is the
/// org's or linked to one of its Teams, so asking for an unlinked one says why it cannot be used.
pub fn candidate_accounts(
    conn: &mut DbConnection,
    org_id: &OrgId,
    team_id: &TeamId,
    also: Option<&LabAccountId>,
) -> Result<Vec<LabAccount>, AppError> {
    let mut accounts =
        accounts_db::list_for_team(conn, team_id, org_id, &AccountFilter::default())?;
    if let Some(id) = also.filter(|id| !accounts.iter().any(|a| &a.id == *id)) {
        let asked = AccountFilter {
            account_id: Some(id.clone()),
            ..AccountFilter::default()
        };
        accounts.extend(accounts_db::list_for_org(conn, org_id, &asked)?);
    }
    Ok(accounts)
}

pub fn needs(req: &OrderRequest, lab: LabSlug, state: UsState) -> OrderNeeds {
    OrderNeeds {
        team_id: req.team_id.clone(),
        org_id: req.org_id.clone(),
        lab,
        billing: Some(req.billing),
        state,
        has_physician: req.physician.is_some(),
    }
}

/// What the checks before an order's write transaction found.
struct Checked {
    needs: OrderNeeds,
    method: CollectionMethod,
    /// In the order the request gave them (`lab_tests::find_tests` keeps it).
    tests: Vec<LabTestRow>,
    lab: Option<LabRow>,
    chosen: LabAccountId,
}

/// The checks that read the most (the patient, the tests, the Team's linked accounts for choosing
/// one), on one snapshot and before the write transaction, so writers queue only behind writes.
/// Patients are never deleted and the test catalogue changes only by migration, so what these
/// answered still holds when the order is written; the chosen account is checked again then.
fn check(conn: &mut DbConnection, req: &OrderRequest) -> Result<Checked, PlaceOrderError> {
    read_tx(conn, |conn| {
        patients::find_in_team(conn, &req.team_id, &req.user_id)?
            .ok_or(PlaceOrderError::PatientNotFound)?;
        let (lab, method, tests) = check_tests(conn, &req.test_ids, req.collection_method)?;
        let state = req
            .patient
            .address
            .us_state()
            .ok_or_else(|| AppError::Internal("validated address has no state".into()))?;
        let needs = needs(req, lab, state);
        let accounts =
            candidate_accounts(conn, &req.org_id, &req.team_id, req.lab_account_id.as_ref())?;
        let chosen = eligibility::resolve(&accounts, req.lab_account_id.as_ref(), &needs)
            .map_err(PlaceOrderError::AccountRefused)?
            .id
            .clone();
        Ok(Checked {
            needs,
            method,
            tests,
            lab: lab_tests::find_lab(conn, lab)?,
            chosen,
        })
    })
}

/// Places an order and returns it as placed (built from what was written, not read back). The
/// chosen account can change between the checks and the write (suspended, unlinked): it is
/// locked and checked again inside the transaction that writes the order, its tests, its first
/// event, the patient's details and the audit row.
pub fn place(
    conn: &mut DbConnection,
    actor: &Actor,
    req: &OrderRequest,
) -> Result<OrderView, PlaceOrderError> {
    let Checked {
        needs,
        method,
        tests,
        lab,
        chosen,
    } = check(conn, req)?;
    let lab_slug = needs.lab;
    let (actor, req) = (actor.clone(), req.clone());
    write_batched(conn, move |conn| {
        crate::db::locks::share_lab_account(conn, &chosen)?;
        let account = accounts_db::find(conn, &chosen, TeamScope::Org(&req.org_id))?
            .ok_or(PlaceOrderError::AccountRefused(Refusal::NotFound))?;
        eligibility::check(&account, &needs).map_err(|reason| {
            PlaceOrderError::AccountRefused(Refusal::Ineligible {
                account_id: account.id.clone(),
                reason,
                message: reason.message(&account, &needs),
            })
        })?;
        let id = OrderId::new();
        let now = crate::db::now();
        let low = LowStatus::Ordered;
        let row = OrderRow {
            id: id.clone(),
            team_id: req.team_id.clone(),
            org_id: req.org_id.clone(),
            user_id: req.user_id.clone(),
            lab_account_id: account.id.clone(),
            lab_slug,
            collection_method: method,
            billing_type: req.billing,
            patient_details: to_json(&req.patient.details)?,
            patient_address: to_json(&req.patient.address)?,
            patient_search_name: patients::search_name(
                &req.patient.details.first_name,
                &req.patient.details.last_name,
            ),
            patient_search_last_name: patients::search_last_name(&req.patient.details.last_name),
            physician: match &req.physician {
                Some(p) => Some(to_json(p)?),
                None => None,
            },
            clinical_notes: join_clinical_notes(
                account.default_clinical_notes.as_deref(),
                req.clinical_notes.as_deref(),
            ),
            notes: None,
            priority: req.priority,
            icd_codes: match &req.icd_codes {
                Some(codes) => Some(to_json(codes)?),
                None => None,
            },
            passthrough: req.passthrough.clone(),
            activate_by: req.activate_by.clone(),
            status_high: low.high_in(method),
            status_low: low,
            interpretation: None,
            sample_id: None,
            origin: "initial".into(),
            created_by: actor.label.clone(),
            created_at: now,
            updated_at: now,
        };
        let first = event_status(method, low);
        orders_db::insert(conn, &row, &req.test_ids, &first)?;
        patients::remember(conn, &req.user_id, &req.patient)?;
        audit::record(
            conn,
            &actor,
            AuditEntry {
                action: AuditAction::OrderCreated,
                entity_type: EntityType::Order,
                entity_id: id.as_str(),
                org_id: Some(&req.org_id),
                team_id: Some(&req.team_id),
                summary: format!(
                    "Order placed on {} ({}) with {} test(s)",
                    account.display_name(),
                    account.provider_account_id,
                    req.test_ids.len()
                ),
                details: json!({"lab_account_id": account.id, "tests": req.test_ids, "billing_type": req.billing.as_str()}),
            },
        )?;
        let view = OrderView {
            details: req.patient.details.clone(),
            address: req.patient.address.clone(),
            physician: req.physician.clone(),
            tests,
            lab,
            events: vec![OrderEvent {
                order_id: id,
                seq: 1,
                status: first,
                created_at: now,
            }],
            account,
            row,
        };
        crate::service::webhooks::outbox::order_created(conn, &view)?;
        crate::service::lab_outbox::order_placed(conn, &view)?;
        Ok(view)
    })
}

/// Places an order; returns its id.
pub fn create(
    conn: &mut DbConnection,
    actor: &Actor,
    req: &OrderRequest,
) -> Result<OrderId, PlaceOrderError> {
    Ok(place(conn, actor, req)?.row.id)
}

/// Serializes a value for a JSON column.
fn to_json<T: serde::Serialize>(value: &T) -> Result<String, AppError> {
    serde_json::to_string(value).map_err(|e| AppError::Internal(format!("serializing: {e}")))
}
