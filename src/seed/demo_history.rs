//! Three months of the demo's everyday orders, so the home page's counts and charts and the
//! orders list have something to show: a pool of patients per Team who order again weeks later
//! (their results form trends), placed on working days more than at weekends, at varied times of
//! day, further along the older they are. Placed through the same use cases as the API; results
//! arrive as lab messages through ingestion, a few with a critical value; then each order is put
//! at its own time (`demo_times`). A fixed seed makes every run place the same orders.
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, Weekday};

use super::demo_orders::{patient_of, place_new, test_ids};
use super::demo_times;
use crate::db::lab_accounts as accounts_db;
use crate::db::lab_tests::LabTestRow;
use crate::db::orders::{self as orders_db, OrderRow};
use crate::db::orgs::Team;
use crate::db::DbConnection;
use crate::domain::actor::Actor;
use crate::domain::ids::OrderId;
use crate::domain::lab::CollectionMethod;
use crate::domain::order_input::{Gender, Patient};
use crate::domain::order_status::LowStatus;
use crate::domain::simulation::next_step;
use crate::error::AppError;
use crate::hl7::build::{self, typical, Value};
use crate::hl7::oru;
use crate::service::results::{ingest, Delivery, Outcome};
use crate::service::{order_progress, orders};

/// A small deterministic generator (64-bit LCG): the same demo on every run.
struct Dice(u64);

impl Dice {
    /// A number in `0..n`.
    fn roll(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n.max(1)
    }

    fn pick<'a, T>(&mut self, from: &'a [T]) -> &'a T {
        &from[self.roll(from.len() as u64) as usize]
    }
}

/// One Team's everyday orders: how many, from how many patients, of which tests, where its
/// patients live, and whether its accounts need an ordering physician.
pub struct TeamPlan<'a> {
    pub team: &'a Team,
    pub orders: usize,
    pub patients: usize,
    pub tests: &'static [&'static str],
    pub places: &'static [(&'static str, &'static str, &'static str)],
    pub physician: bool,
}

const WOMEN: &[&str] = &[
    "Maria", "Linda", "Hannah", "Chloe", "Priya", "Fatima", "Rosa", "Nora", "Elena", "Mei", "Leah",
    "Zoe",
];
const MEN: &[&str] = &[
    "James", "Carlos", "Ethan", "Omar", "Lucas", "Ben", "Raj", "Diego", "Henry", "Kenji", "Owen",
    "Samuel",
];
const SURNAMES: &[&str] = &[
    "Smith", "Lopez", "Khan", "Baker", "Rossi", "Cohen", "Ito", "Novak", "Silva", "Hughes",
    "Reyes", "Ward", "Foster", "Haddad", "Bauer", "Okafor",
];

/// The days back orders are spread over.
const DAYS: u64 = 90;

fn pool(dice: &mut Dice, plan: &TeamPlan<'_>) -> Result<Vec<Patient>, AppError> {
    let mut names: Vec<(&str, &str, Gender)> = Vec::new();
    let mut k = 0usize;
    while names.len() < plan.patients && k < WOMEN.len() * SURNAMES.len() {
        let (first, gender) = if k.is_multiple_of(2) {
            (WOMEN[(k / 2) % WOMEN.len()], Gender::Female)
        } else {
            (MEN[(k / 2) % MEN.len()], Gender::Male)
        };
        let last = SURNAMES[(k * 7 + plan.team.name.len()) % SURNAMES.len()];
        if !names.iter().any(|(f, l, _)| *f == first && *l == last) {
            names.push((first, last, gender));
        }
        k += 1;
    }
    names
        .into_iter()
        .map(|(first, last, gender)| {
            let dob = NaiveDate::from_ymd_opt(
                1948 + dice.roll(56) as i32,
                1 + dice.roll(12) as u32,
                1 + dice.roll(28) as u32,
            )
            .ok_or_else(|| AppError::Internal("a demo date of birth is not a date".into()))?;
            Ok(patient_of(
                (first, last),
                dob,
                gender,
                *dice.pick(plan.places),
            ))
        })
        .collect()
}

/// How many days ago an order was placed: any of the last `DAYS`, weekends half as often.
fn days_ago(dice: &mut Dice, today: NaiveDate) -> i64 {
    // Every roll is made whatever the date, so each run places the same orders.
    let (back, again, retry) = (dice.roll(DAYS), dice.roll(DAYS), dice.roll(2) == 0);
    let weekend = matches!(
        (today - Duration::days(back as i64)).weekday(),
        Weekday::Sat | Weekday::Sun
    );
    if weekend && retry {
        again as i64
    } else {
        back as i64
    }
}

/// Where an order of this age has got to: old ones have their results (a few were cancelled),
/// recent ones are still on their way.
fn status_for(dice: &mut Dice, age_days: i64) -> LowStatus {
    use LowStatus::*;
    match age_days {
        10.. => match dice.roll(20) {
            0 => Cancelled,
            _ => Completed,
        },
        4..=9 => *dice.pick(&[AppointmentScheduled, PartialResults, Completed, Completed]),
        _ => *dice.pick(&[Ordered, RequisitionCreated, AppointmentScheduled]),
    }
}

/// The last step of the method's path before results come.
fn before_results(method: CollectionMethod) -> LowStatus {
    let mut at = LowStatus::Ordered;
    while let Some(next) = next_step(method, at) {
        if matches!(next, LowStatus::PartialResults | LowStatus::Completed) {
            break;
        }
        at = next;
    }
    at
}

/// The markers a test reports, as (slug, name), from the catalogue's JSON.
fn markers(test: &LabTestRow) -> Vec<(String, String)> {
    serde_json::from_str::<Vec<serde_json::Value>>(&test.markers)
        .unwrap_or_default()
        .iter()
        .map(|m| {
            let text = |k: &str| m[k].as_str().unwrap_or_default().to_string();
            (text("slug"), text("name"))
        })
        .collect()
}

/// What the lab sends for one order.
struct Report<'a> {
    control: String,
    /// P (partial) or F (final).
    status: &'static str,
    markers: &'a [(String, String)],
    critical: bool,
    collected_at: NaiveDateTime,
    reported_at: NaiveDateTime,
}

fn deliver(
    conn: &mut DbConnection,
    actor: &Actor,
    dice: &mut Dice,
    order: &OrderRow,
    person: &Patient,
    account_number: &str,
    r: &Report<'_>,
) -> Result<(), AppError> {
    let shown = if r.status == "P" {
        r.markers.len().div_ceil(2)
    } else {
        r.markers.len()
    };
    let values: Vec<Value> = r.markers[..shown]
        .iter()
        .enumerate()
        .map(|(i, (slug, name))| {
            let (typical, unit, range) = typical(slug);
            let (value, flag) = if r.critical && i == 0 {
                (typical * 3.0, "HH")
            } else {
                (typical * (0.8 + dice.roll(45) as f64 / 100.0), "")
            };
            Value {
                code: slug,
                name,
                value: format!("{value:.1}"),
                unit,
                range,
                flag,
                value_type: "",
                missing: false,
            }
        })
        .collect();
    let d = &person.details;
    let text = build::write(&build::Oru {
        control_id: &r.control,
        sending_facility: order.lab_slug.display_name(),
        account_number,
        placer_order_number: order.id.as_str(),
        accession: &format!("ACC{}", &r.control),
        last_name: &d.last_name,
        first_name: &d.first_name,
        dob: d.dob,
        sex: if d.gender == Gender::Female { "F" } else { "M" },
        status: r.status,
        collected_at: r.collected_at,
        reported_at: r.reported_at,
        values,
    });
    let message = oru::read(&text)
        .map_err(|e| AppError::Internal(format!("a demo result does not read: {e}")))?;
    let delivery = Delivery {
        lab: order.lab_slug,
        format: "hl7",
        raw: &text,
        message: &message,
    };
    match ingest(conn, actor, &delivery)? {
        Outcome::Attached { .. } => Ok(()),
        other => Err(AppError::Internal(format!(
            "demo result {} was expected to attach, got {other:?}",
            r.control
        ))),
    }
}

/// Moves a placed order to `status` and says when its last step came.
#[allow(clippy::too_many_arguments)]
fn progress(
    conn: &mut DbConnection,
    dice: &mut Dice,
    team: &Team,
    id: &OrderId,
    person: &Patient,
    markers: &[(String, String)],
    status: LowStatus,
    placed: NaiveDateTime,
    now: NaiveDateTime,
    control: String,
) -> Result<NaiveDateTime, AppError> {
    let actor = Actor::system("demo seed");
    let lab = Actor::system("demo lab delivery");
    let order = orders_db::find(conn, id)?.ok_or(AppError::NotFound)?;
    let report = match status {
        LowStatus::Ordered => return Ok(placed),
        LowStatus::Cancelled => {
            orders::cancel(conn, &actor, id, std::slice::from_ref(&team.id))?;
            return Ok(demo_times::finished(placed, now, 3));
        }
        LowStatus::PartialResults => "P",
        LowStatus::Completed => "F",
        to => {
            order_progress::advance(conn, &actor, id, to)?;
            return Ok(demo_times::finished(placed, now, 20));
        }
    };
    order_progress::advance(conn, &actor, id, before_results(order.collection_method))?;
    let number = accounts_db::labels(conn, std::slice::from_ref(&order.lab_account_id))?
        .pop()
        .map(|a| a.provider_account_id)
        .ok_or(AppError::NotFound)?;
    let reported_at = demo_times::finished(placed, now, 30 + dice.roll(42) as i64);
    let r = Report {
        control,
        status: report,
        markers,
        critical: report == "F" && dice.roll(16) == 0,
        collected_at: demo_times::finished(placed, now, 20).min(reported_at),
        reported_at,
    };
    deliver(conn, &lab, dice, &order, person, &number, &r)?;
    Ok(reported_at)
}

/// Places every Team's everyday orders of the last `DAYS` days.
pub fn seed(conn: &mut DbConnection, plans: &[TeamPlan<'_>]) -> Result<(), AppError> {
    let actor = Actor::system("demo seed");
    let catalogue = super::demo_orders::catalogue(conn)?;
    let now = crate::db::now();
    let mut dice = Dice(0x1ab_de5c);
    let mut n = 0usize;
    for plan in plans {
        let patients = pool(&mut dice, plan)?;
        for _ in 0..plan.orders {
            n += 1;
            let person = dice.pick(&patients).clone();
            let slug = *dice.pick(plan.tests);
            let test = catalogue.iter().find(|t| t.slug == slug).ok_or_else(|| {
                AppError::Config(format!("the demo catalogue has no test {slug}"))
            })?;
            let back = days_ago(&mut dice, now.date());
            let placed = demo_times::placed_at(now, back, 7 * 60 + dice.roll(11 * 60) as i64);
            let age = (now - placed).num_days();
            let status = status_for(&mut dice, age);
            let ids = test_ids(&catalogue, &[slug])?;
            let id = place_new(conn, &actor, plan.team, person.clone(), ids, plan.physician)?;
            let done = progress(
                conn,
                &mut dice,
                plan.team,
                &id,
                &person,
                &markers(test),
                status,
                placed,
                now,
                format!("HIST-{n:04}"),
            )?;
            demo_times::backdate(conn, &id, placed, done)?;
        }
    }
    Ok(())
}
