//! The demo's review queue: one delivered result of each kind that does not fit (quarantine,
//! no_match, lab_account_mismatch, match_sample_id_mismatch_demo), written as the HL7 ORU^R01
//! messages a lab sends and put through the same ingestion a lab delivery goes through.
use chrono::{Duration, NaiveDate};

use super::demo_orders::Placed;
use crate::db::DbConnection;
use crate::domain::actor::Actor;
use crate::domain::ids::OrderId;
use crate::domain::lab::LabSlug;
use crate::error::AppError;
use crate::hl7::build::{self, typical, Value};
use crate::hl7::oru;
use crate::service::results::{ingest, Delivery, Outcome};

/// Control ids of the demo deliveries start with this, so tests can tell them apart.
pub const CONTROL_PREFIX: &str = "DEMO-";

const LIPID: &[(&str, &str)] = &[
    ("cholesterol-total", "Total cholesterol"),
    ("hdl", "HDL cholesterol"),
    ("ldl", "LDL cholesterol"),
    ("triglycerides", "Triglycerides"),
];
const CMP: &[(&str, &str)] = &[
    ("glucose", "Glucose"),
    ("creatinine", "Creatinine"),
    ("sodium", "Sodium"),
];

/// One delivery: on which account number, naming which order, about whom.
struct Sent<'a> {
    control: &'a str,
    account: &'a str,
    placer: &'a str,
    last: &'a str,
    first: &'a str,
    dob: (i32, u32, u32),
    sex: &'a str,
    markers: &'a [(&'a str, &'a str)],
    code: &'a str,
    /// How long ago it arrived, so the queue shows items of different ages.
    minutes_ago: i64,
}

fn order_of(placed: &[Placed], last_name: &str, tests: &[&str]) -> Result<OrderId, AppError> {
    placed
        .iter()
        .find(|p| p.last_name == last_name && p.tests == tests)
        .map(|p| p.id.clone())
        .ok_or_else(|| AppError::Config(format!("the demo has no order for {last_name}")))
}

fn deliver(conn: &mut DbConnection, actor: &Actor, s: &Sent<'_>) -> Result<(), AppError> {
    let arrived = crate::db::now() - Duration::minutes(s.minutes_ago);
    let (y, m, d) = s.dob;
    let dob = NaiveDate::from_ymd_opt(y, m, d)
        .ok_or_else(|| AppError::Config("a demo date of birth is not a date".into()))?;
    let control_id = format!("{CONTROL_PREFIX}{}", s.control);
    let text = build::write(&build::Oru {
        control_id: &control_id,
        sending_facility: "Quest Diagnostics",
        account_number: s.account,
        placer_order_number: s.placer,
        accession: &format!("QD{}", s.control),
        last_name: s.last,
        first_name: s.first,
        dob,
        sex: s.sex,
        status: "F",
        collected_at: arrived - Duration::hours(28),
        reported_at: arrived - Duration::minutes(10),
        values: s
            .markers
            .iter()
            .map(|(slug, name)| {
                let (value, unit, range) = typical(slug);
                Value {
                    code: slug,
                    name,
                    value: format!("{value:.1}"),
                    unit,
                    range,
                    flag: "N",
                    value_type: "",
                    missing: false,
                }
            })
            .collect(),
    });
    let message = oru::read(&text)
        .map_err(|e| AppError::Internal(format!("a demo delivery does not read: {e}")))?;
    let outcome = ingest(
        conn,
        actor,
        &Delivery {
            lab: LabSlug::Quest,
            format: "hl7",
            raw: &text,
            message: &message,
        },
    )?;
    match outcome {
        Outcome::Queued { code, .. } if code.as_str() == s.code => {
            super::demo_times::queued_at(conn, &control_id, arrived)
        }
        other => Err(AppError::Internal(format!(
            "demo delivery {control_id} was expected to be queued as {}, got {other:?}",
            s.code
        ))),
    }
}

pub fn seed(conn: &mut DbConnection, placed: &[Placed]) -> Result<(), AppError> {
    let actor = Actor::system("demo lab delivery (Quest)");
    let liam = order_of(placed, "Brown", &["quest-lipid-panel"])?;
    let jane_cmp = order_of(placed, "Doe", &["quest-cmp"])?;
    let marcus = order_of(placed, "Chen", &["quest-cmp"])?;
    let deliveries = [
        // An account number labdesk does not know: quarantine, for CSMs only.
        Sent {
            control: "Q-1001",
            account: "97509999",
            placer: liam.as_str(),
            last: "Brown",
            first: "Liam",
            dob: (1999, 10, 28),
            sex: "M",
            markers: LIPID,
            code: "quarantine",
            minutes_ago: 3000,
        },
        // Quest West, but the lab's own requisition number instead of a labdesk order id.
        Sent {
            control: "N-1002",
            account: "97500001",
            placer: "QW-REQ-88412",
            last: "Patel",
            first: "Aisha",
            dob: (1991, 11, 2),
            sex: "F",
            markers: CMP,
            code: "no_match",
            minutes_ago: 1560,
        },
        // Jane Doe's CMP was placed on Quest West; the lab sent it on Quest East's number.
        Sent {
            control: "M-1003",
            account: "97500002",
            placer: jane_cmp.as_str(),
            last: "Doe",
            first: "Jane",
            dob: (1984, 3, 12),
            sex: "F",
            markers: CMP,
            code: "lab_account_mismatch",
            minutes_ago: 300,
        },
        // Marcus Chen's CMP came back for "Marcus Chan".
        Sent {
            control: "D-1004",
            account: "97500001",
            placer: marcus.as_str(),
            last: "Chan",
            first: "Marcus",
            dob: (1979, 7, 30),
            sex: "M",
            markers: CMP,
            code: "match_sample_id_mismatch_demo",
            minutes_ago: 40,
        },
    ];
    for s in &deliveries {
        deliver(conn, &actor, s)?;
    }
    Ok(())
}
