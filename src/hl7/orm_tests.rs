use chrono::NaiveDate;

use super::*;
use crate::hl7::message::{self, Message, Segment};

fn order(bill: Bill, control: OrderControl) -> Orm<'static> {
    Orm {
        control_id: "ORM-1",
        control,
        lab: "Quest Diagnostics",
        account_number: "97500001",
        account_name: "Quest West | Northwind",
        placer_order_number: "0b0e54f2-8c5e-4d43-9b8e-6a7c0e2f4a11",
        at: NaiveDate::from_ymd_opt(2026, 12, 2)
            .unwrap()
            .and_hms_opt(9, 30, 0)
            .unwrap(),
        patient: Patient {
            id: "patient-1",
            last_name: "O'Neil^Smith",
            first_name: "Jo",
            dob: NaiveDate::from_ymd_opt(1980, 2, 29).unwrap(),
            sex: "F",
            street: "1 Main St",
            street2: "",
            city: "Phoenix",
            state: "AZ",
            zip: "85004",
            country: "US",
            phone: "+15555550100",
        },
        provider: Provider {
            npi: "1234567893",
            last_name: "Shah",
            first_name: "Priya",
        },
        tests: vec![
            Test {
                code: "quest-lipid-panel",
                name: "Lipid Panel",
            },
            Test {
                code: "quest-cmp",
                name: "Comprehensive Metabolic Panel",
            },
        ],
        icd_codes: vec!["E78.5", "Z00.00"],
        bill,
        priority: true,
        notes: Some("Fasting\nsince 8pm"),
    }
}

fn parsed(m: &Orm<'_>) -> Message {
    message::parse(&write(m)).expect("our own message reads")
}

fn all<'m>(m: &'m Message, id: &str) -> Vec<&'m Segment> {
    m.segments.iter().filter(|s| s.id == id).collect()
}

#[test]
fn the_account_number_order_id_tests_and_provider_are_where_the_header_says() {
    let m = parsed(&order(Bill::Client, OrderControl::New));
    let d = &m.delimiters;
    let msh = m.first("MSH").unwrap();
    assert_eq!(msh.component(d, 4, 1), "97500001");
    assert_eq!(msh.component(d, 9, 1), "ORM");
    assert_eq!(msh.component(d, 9, 2), "O01");
    assert_eq!(msh.component(d, 10, 1), "ORM-1");
    assert_eq!(msh.component(d, 12, 1), "2.5.1");
    let orc = m.first("ORC").unwrap();
    assert_eq!(orc.component(d, 1, 1), "NW");
    assert_eq!(
        orc.component(d, 2, 1),
        "0b0e54f2-8c5e-4d43-9b8e-6a7c0e2f4a11"
    );
    assert_eq!(orc.component(d, 7, 6), "S");
    assert_eq!(orc.component(d, 12, 1), "1234567893");
    assert_eq!(orc.component(d, 12, 9), "NPI");
    assert_eq!(orc.component(d, 21, 1), "Quest West | Northwind");
    assert_eq!(orc.component(d, 21, 10), "97500001");
    let obrs = all(&m, "OBR");
    assert_eq!(obrs.len(), 2);
    assert_eq!(obrs[1].component(d, 1, 1), "2");
    assert_eq!(
        obrs[1].component(d, 2, 1),
        "0b0e54f2-8c5e-4d43-9b8e-6a7c0e2f4a11"
    );
    assert_eq!(obrs[1].component(d, 4, 1), "quest-cmp");
    assert_eq!(obrs[0].component(d, 16, 2), "Shah");
    let pid = m.first("PID").unwrap();
    assert_eq!(pid.component(d, 3, 1), "patient-1");
    assert_eq!(pid.component(d, 5, 1), "O'Neil^Smith", "escaped, read back");
    assert_eq!(pid.component(d, 7, 1), "19800229");
    assert_eq!(pid.component(d, 11, 4), "AZ");
    let dg1: Vec<String> = all(&m, "DG1")
        .iter()
        .map(|s| s.component(d, 3, 1))
        .collect();
    assert_eq!(dg1, vec!["E78.5", "Z00.00"]);
    assert_eq!(m.first("NTE").unwrap().text(d, 3), "Fasting\nsince 8pm");
}

#[test]
fn the_billing_type_decides_guarantor_and_insurance_segments() {
    let table = [
        (Bill::Client, 0, 0),
        (Bill::Patient, 1, 0),
        (Bill::Insurance, 1, 1),
    ];
    for (bill, gt1, in1) in table {
        let m = parsed(&order(bill, OrderControl::New));
        assert_eq!(all(&m, "GT1").len(), gt1, "{bill:?}");
        assert_eq!(all(&m, "IN1").len(), in1, "{bill:?}");
    }
}

#[test]
fn a_cancellation_names_the_same_order() {
    let m = parsed(&order(Bill::Client, OrderControl::Cancel));
    let d = &m.delimiters;
    let orc = m.first("ORC").unwrap();
    assert_eq!(orc.component(d, 1, 1), "CA");
    assert_eq!(
        orc.component(d, 2, 1),
        "0b0e54f2-8c5e-4d43-9b8e-6a7c0e2f4a11"
    );
}
