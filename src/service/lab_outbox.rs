//! Orders to labs: when an order is placed or cancelled, the ORM^O01 for its lab is written to
//! the outbox in the same transaction (a rollback sends nothing), unless the lab's connection is
//! "none". `lab_delivery` sends it.
use crate::db::lab_messages::{self as db, LabMessageRow};
use crate::db::DbConnection;
use crate::domain::billing::BillingType;
use crate::domain::ids::OrderId;
use crate::domain::lab_link::{ConnectionKind, LabMessageKind, LabMessageState};
use crate::domain::order_input::Gender;
use crate::error::AppError;
use crate::hl7::orm::{self, Bill, OrderControl, Orm};
use crate::service::orders::{self, OrderView};

/// The ORM message for the order.
pub fn message(view: &OrderView, control_id: &str, control: OrderControl) -> String {
    let d = &view.details;
    let a = &view.address;
    let physician = view.physician.as_ref();
    let account_name = view.account.display_name();
    let lab_name = view
        .lab
        .as_ref()
        .map(|l| l.name.clone())
        .unwrap_or_else(|| view.row.lab_slug.display_name().to_string());
    let icd = view.row.icd_list();
    let m = Orm {
        control_id,
        control,
        lab: &lab_name,
        account_number: &view.account.provider_account_id,
        account_name: &account_name,
        placer_order_number: view.row.id.as_str(),
        at: crate::db::now(),
        patient: orm::Patient {
            id: view.row.user_id.as_str(),
            last_name: &d.last_name,
            first_name: &d.first_name,
            dob: d.dob,
            sex: match d.gender {
                Gender::Female => "F",
                Gender::Male => "M",
                _ => "U",
            },
            street: &a.first_line,
            street2: a.second_line.as_deref().unwrap_or_default(),
            city: &a.city,
            state: &a.state,
            zip: &a.zip,
            country: &a.country,
            phone: &d.phone_number,
        },
        // Without the customer's physician the account orders under the physician network.
        provider: match physician {
            Some(p) => orm::Provider {
                npi: &p.npi,
                last_name: &p.last_name,
                first_name: &p.first_name,
            },
            None => orm::Provider {
                npi: "",
                last_name: "Physician network",
                first_name: "",
            },
        },
        tests: view
            .tests
            .iter()
            .map(|t| orm::Test {
                code: &t.slug,
                name: &t.name,
            })
            .collect(),
        icd_codes: icd.iter().map(String::as_str).collect(),
        bill: match view.row.billing_type {
            BillingType::ClientBill => Bill::Client,
            BillingType::CommercialInsurance => Bill::Insurance,
            BillingType::PatientBill | BillingType::PatientBillPassthrough => Bill::Patient,
        },
        priority: view.row.priority,
        notes: view.row.clinical_notes.as_deref(),
    };
    orm::write(&m)
}

/// Writes the message for the order to its lab's outbox, if the lab takes orders from labdesk.
fn write(conn: &mut DbConnection, view: &OrderView, kind: LabMessageKind) -> Result<(), AppError> {
    let connection = db::connection_of(conn, view.row.lab_slug)?;
    if connection.kind == ConnectionKind::None {
        return Ok(());
    }
    let control = match kind {
        LabMessageKind::OrderNew => OrderControl::New,
        LabMessageKind::OrderCancel => OrderControl::Cancel,
    };
    let id = uuid::Uuid::now_v7();
    // Short enough for MSH-10's 20 characters, unique as the id it comes from.
    let control_id = format!("LD{}", &id.simple().to_string()[..18]);
    let now = crate::db::now();
    db::insert_message(
        conn,
        &LabMessageRow {
            id: id.to_string(),
            order_id: view.row.id.clone(),
            lab_slug: view.row.lab_slug,
            lab_account_id: view.account.id.clone(),
            kind,
            body: message(view, &control_id, control),
            control_id,
            state: LabMessageState::Pending,
            attempts: 0,
            next_attempt_at: now,
            claimed_until: None,
            ack_code: None,
            ack_text: None,
            created_at: now,
            finished_at: None,
        },
    )
}

/// The new order, for its lab (in the transaction that places it).
pub fn order_placed(conn: &mut DbConnection, view: &OrderView) -> Result<(), AppError> {
    write(conn, view, LabMessageKind::OrderNew)
}

/// The cancellation, for the lab that was sent the order (in the transaction that cancels it).
pub fn order_cancelled(conn: &mut DbConnection, order_id: &OrderId) -> Result<(), AppError> {
    let sent_before = db::messages_of_order(conn, order_id)?
        .iter()
        .any(|m| m.kind == LabMessageKind::OrderNew);
    if !sent_before {
        return Ok(());
    }
    let view = orders::load(conn, order_id)?.ok_or(AppError::NotFound)?;
    write(conn, &view, LabMessageKind::OrderCancel)
}
