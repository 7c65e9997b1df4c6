//! Demo patients and orders in several states, so the orders pages, the order page and the unlink
//! warning have something to show. Placed through the same use cases as the API (account
//! resolution, audit rows), then moved along their lifecycle; orders with results get them from
//! the sandbox, through the same ingestion path a lab's messages take.
use chrono::NaiveDate;

use super::demo_times;
use crate::db::lab_tests::{self, LabTestRow};
use crate::db::orgs::Team;
use crate::db::DbConnection;
use crate::domain::actor::Actor;
use crate::domain::billing::BillingType;
use crate::domain::ids::{LabTestId, OrderId};
use crate::domain::order_input::{
    Gender, OrderRequest, Patient, PatientAddress, PatientDetails, Physician,
};
use crate::domain::order_status::LowStatus;
use crate::domain::simulation::Simulation;
use crate::error::AppError;
use crate::service::{order_progress, orders, patients, sandbox};

/// (first, last, dob, gender, city, state, zip)
type Person = (
    &'static str,
    &'static str,
    &'static str,
    Gender,
    &'static str,
    &'static str,
    &'static str,
);

/// One demo order: who, which tests (slugs), where it ends up, whether a physician orders, and
/// how many days ago it was placed.
struct DemoOrder {
    person: Person,
    tests: &'static [&'static str],
    status: LowStatus,
    physician: bool,
    days_ago: i64,
}

const fn order(
    person: Person,
    tests: &'static [&'static str],
    status: LowStatus,
    physician: bool,
    days_ago: i64,
) -> DemoOrder {
    DemoOrder {
        person,
        tests,
        status,
        physician,
        days_ago,
    }
}

use Gender::{Female, Male};
use LowStatus::*;

const JANE: Person = (
    "Jane",
    "Doe",
    "1984-03-12",
    Female,
    "Phoenix",
    "AZ",
    "85004",
);
const MARCUS: Person = (
    "Marcus",
    "Chen",
    "1979-07-30",
    Male,
    "San Diego",
    "CA",
    "92101",
);
const AISHA: Person = (
    "Aisha",
    "Patel",
    "1991-11-02",
    Female,
    "Reno",
    "NV",
    "89501",
);
const ROBERT: Person = (
    "Robert",
    "Johnson",
    "1958-01-21",
    Male,
    "Tucson",
    "AZ",
    "85701",
);
const EMILY: Person = (
    "Emily",
    "Nguyen",
    "1995-05-17",
    Female,
    "Fresno",
    "CA",
    "93721",
);
const DAVID: Person = ("David", "Kim", "1969-09-08", Male, "Mesa", "AZ", "85201");
const OLIVIA: Person = (
    "Olivia",
    "Martinez",
    "1988-02-25",
    Female,
    "Albany",
    "NY",
    "12207",
);
const THOMAS: Person = (
    "Thomas",
    "Wright",
    "1949-12-03",
    Male,
    "Austin",
    "TX",
    "73301",
);
const GRACE: Person = (
    "Grace",
    "Lee",
    "2001-06-14",
    Female,
    "Newark",
    "NJ",
    "07102",
);
const SOFIA: Person = (
    "Sofia",
    "Garcia",
    "1976-04-09",
    Female,
    "Tempe",
    "AZ",
    "85281",
);
const LIAM: Person = (
    "Liam",
    "Brown",
    "1999-10-28",
    Male,
    "Oakland",
    "CA",
    "94607",
);
const NOAH: Person = (
    "Noah",
    "Wilson",
    "1983-08-19",
    Male,
    "Chicago",
    "IL",
    "60601",
);

const LIPID: &[&str] = &["quest-lipid-panel"];
const CMP: &[&str] = &["quest-cmp"];

/// Primary Care orders on Quest West, in every stage a walk-in order goes through.
///
/// Emily has three lipid panels with results (the last one corrected by the lab), so her order
/// page charts each marker over her orders.
const PRIMARY_CARE: &[DemoOrder] = &[
    order(EMILY, LIPID, Completed, false, 84),
    order(EMILY, LIPID, Completed, false, 47),
    order(EMILY, LIPID, Corrected, false, 12),
    order(DAVID, LIPID, Cancelled, false, 20),
    order(ROBERT, CMP, PartialResults, false, 5),
    order(
        AISHA,
        &["quest-lipid-panel", "quest-cmp"],
        AppointmentScheduled,
        false,
        3,
    ),
    order(MARCUS, CMP, RequisitionCreated, false, 2),
    order(JANE, LIPID, Ordered, false, 1),
    order(JANE, CMP, Ordered, false, 0),
];

/// Cardiology: order-delegated Quest East (a physician is required) and the platform's Labcorp.
const CARDIOLOGY: &[DemoOrder] = &[
    order(THOMAS, &["labcorp-hba1c"], Completed, false, 30),
    order(OLIVIA, LIPID, AppointmentScheduled, true, 4),
    order(GRACE, CMP, Ordered, true, 1),
];

const TELEHEALTH: &[DemoOrder] = &[
    order(SOFIA, &["sonora-vitamin-d"], RequisitionCreated, true, 2),
    order(LIAM, LIPID, Ordered, false, 0),
];

const GLOBEX: &[DemoOrder] = &[order(NOAH, LIPID, Ordered, false, 1)];

fn patient(p: &Person) -> Result<Patient, AppError> {
    let (first, last, dob, gender, city, state, zip) = *p;
    let dob = NaiveDate::parse_from_str(dob, "%Y-%m-%d")
        .map_err(|e| AppError::Internal(format!("demo date of birth: {e}")))?;
    Ok(patient_of((first, last), dob, gender, (city, state, zip)))
}

/// A demo patient: (first, last) name, born on `dob`, living at (city, state, zip).
pub(super) fn patient_of(
    (first, last): (&str, &str),
    dob: NaiveDate,
    gender: Gender,
    (city, state, zip): (&str, &str, &str),
) -> Patient {
    Patient {
        details: PatientDetails {
            first_name: first.into(),
            last_name: last.into(),
            dob,
            gender,
            phone_number: "+15555550100".into(),
            email: format!("{}.{}@example.com", first, last).to_lowercase(),
        },
        address: PatientAddress {
            first_line: "100 Main St".into(),
            second_line: None,
            city: city.into(),
            state: state.into(),
            zip: zip.into(),
            country: "US".into(),
            receiver_name: None,
            access_notes: None,
        },
    }
}

/// The catalogue's tests, read once for all the demo's orders.
pub(super) fn catalogue(conn: &mut DbConnection) -> Result<Vec<LabTestRow>, AppError> {
    lab_tests::list_tests(conn, None)
}

pub(super) fn test_ids(all: &[LabTestRow], slugs: &[&str]) -> Result<Vec<LabTestId>, AppError> {
    slugs
        .iter()
        .map(|slug| {
            all.iter()
                .find(|t| t.slug == *slug)
                .map(|t| t.id.clone())
                .ok_or_else(|| AppError::Config(format!("the demo catalogue has no test {slug}")))
        })
        .collect()
}

/// A demo order as placed: whose it is and its id, for the demo's review queue.
pub struct Placed {
    pub last_name: &'static str,
    pub tests: &'static [&'static str],
    pub id: OrderId,
}

/// Places an order for a Team's patient (the same client user id names the same patient again),
/// with the account chosen as the API would.
pub(super) fn place_new(
    conn: &mut DbConnection,
    actor: &Actor,
    team: &Team,
    person: Patient,
    test_ids: Vec<LabTestId>,
    physician: bool,
) -> Result<OrderId, AppError> {
    let client_user_id = format!(
        "demo-{}-{}",
        person.details.first_name, person.details.last_name
    )
    .to_lowercase();
    let existing = crate::db::patients::find_by_client_id(conn, &team.id, &client_user_id)?;
    let user_id = match existing {
        Some(p) => p.id,
        None => patients::create(conn, actor, &team.org_id, &team.id, &client_user_id)?.id,
    };
    let req = OrderRequest {
        team_id: team.id.clone(),
        org_id: team.org_id.clone(),
        user_id,
        patient: person,
        test_ids,
        lab_account_id: None,
        billing: BillingType::ClientBill,
        collection_method: None,
        physician: physician.then(|| Physician {
            first_name: "Priya".into(),
            last_name: "Shah".into(),
            npi: "1234567893".into(),
        }),
        clinical_notes: None,
        priority: false,
        icd_codes: None,
        passthrough: None,
        activate_by: None,
    };
    Ok(orders::create(conn, actor, &req)?)
}

fn place(
    conn: &mut DbConnection,
    actor: &Actor,
    team: &Team,
    tests: &[LabTestRow],
    demo: &DemoOrder,
) -> Result<OrderId, AppError> {
    let person = patient(&demo.person)?;
    let test_ids = test_ids(tests, demo.tests)?;
    let id = place_new(conn, actor, team, person, test_ids, demo.physician)?;
    let team_ids = std::slice::from_ref(&team.id);
    match demo.status {
        Ordered => {}
        Cancelled => {
            orders::cancel(conn, actor, &id, team_ids)?;
        }
        // Results come from the sandbox's lab messages through ingestion, like a lab's.
        to @ (PartialResults | Completed | Corrected) => drop(sandbox::advance(
            conn,
            actor,
            &id,
            team_ids,
            &Simulation::to(to),
        )?),
        to => order_progress::advance(conn, actor, &id, to)?,
    }
    Ok(id)
}

/// Places the demo orders of Northwind's three Teams and of Globex's.
pub fn seed(
    conn: &mut DbConnection,
    actor: &Actor,
    primary: &Team,
    cardio: &Team,
    tele: &Team,
    other_team: &Team,
) -> Result<Vec<Placed>, AppError> {
    let plan = [
        (primary, PRIMARY_CARE),
        (cardio, CARDIOLOGY),
        (tele, TELEHEALTH),
        (other_team, GLOBEX),
    ];
    let tests = catalogue(conn)?;
    let now = crate::db::now();
    let mut placed = Vec::new();
    for (team, orders) in plan {
        for (i, demo) in orders.iter().enumerate() {
            let id = place(conn, actor, team, &tests, demo)?;
            // Mornings and afternoons, a different time for each order.
            let at = demo_times::placed_at(now, demo.days_ago, 8 * 60 + (i as i64 * 97) % 600);
            let hours = match demo.status {
                Ordered | Cancelled => 0,
                PartialResults | Completed | Corrected => 50,
                _ => 20,
            };
            demo_times::backdate(conn, &id, at, demo_times::finished(at, now, hours))?;
            placed.push(Placed {
                last_name: demo.person.1,
                tests: demo.tests,
                id,
            });
        }
    }
    Ok(placed)
}
