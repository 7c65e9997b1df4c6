//! Every public sample ORU message (a folder of public HL7 v2 ORU^R01 files) is either read into the fields
//! matching needs or refused with a reason; none panics.
use std::path::PathBuf;

use labdesk::domain::result_values::ResultStatus;
use labdesk::hl7::{message, oru};

/// `$LABDESK_HL7_SAMPLES`, else `../shared/reference/hl7-oru` beside the checkout. The samples are
/// other people's files, so they are read from where they live, never copied into the repository.
fn samples_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("LABDESK_HL7_SAMPLES")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/reference/hl7-oru")
        });
    dir.is_dir().then_some(dir)
}

#[test]
fn every_public_sample_is_read_or_refused_with_a_reason_and_none_panics() {
    let Some(dir) = samples_dir() else {
        crate::support::skips::skip(
            "the public HL7 samples are not present (set LABDESK_HL7_SAMPLES to their folder)",
        );
        return;
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "hl7"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 28);
    let mut total = 0;
    let mut read = Vec::new();
    let mut refused = Vec::new();
    for file in &files {
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        let bytes = std::fs::read(file).unwrap();
        let text = String::from_utf8_lossy(&bytes).to_string();
        for (i, m) in message::split_messages(&text).iter().enumerate() {
            total += 1;
            let outcome = std::panic::catch_unwind(|| oru::read(m))
                .unwrap_or_else(|_| panic!("{name} message {i} panicked"));
            match outcome {
                Ok(msg) => {
                    assert!(!msg.control_id.is_empty(), "{name}");
                    read.push((name.clone(), msg));
                }
                Err(refusal) => {
                    let reason = refusal.to_string();
                    assert!(reason.len() > 10, "{name}: the reason says something");
                    refused.push((name.clone(), reason));
                }
            }
        }
    }
    for (name, reason) in &refused {
        println!("refused {name}: {reason}");
    }
    assert_eq!(total, 47, "the index lists 47 messages");
    let find = |prefix: &str| {
        read.iter()
            .find(|(n, _)| n.starts_with(prefix))
            .map(|(_, m)| m)
    };
    let refusal = |prefix: &str| {
        refused
            .iter()
            .find(|(n, _)| n.starts_with(prefix))
            .map(|(_, r)| r.as_str())
    };
    // Spot checks of shapes the index describes.
    let lab = find("01_").expect("01 is read");
    assert_eq!(lab.control_id, "3216598");
    assert_eq!(lab.patient.last_name.as_deref(), Some("Patlast"));
    assert_eq!(lab.orders[0].observations.len(), 14);
    assert_eq!(lab.orders[0].observations[0].units, "10^9/L");
    assert!(refusal("04_").unwrap().contains("PID-7"), "placeholder DOB");
    assert!(refusal("09_").unwrap().contains("PID-7"), "9-digit DOB");
    assert!(refusal("10_").unwrap().contains("PID-7"), "non-HL7 DOB");
    let bom = find("11_").expect("11 (BOM) is read");
    assert_eq!(bom.orders.len(), 2);
    assert_eq!(find("13_").unwrap().status(), ResultStatus::Corrected);
    assert_eq!(
        find("19_").expect("19 is read").orders[0]
            .observations
            .len(),
        0
    );
    assert!(find("20_").is_some(), "five encoding characters");
    assert_eq!(find("24_").unwrap().receiving_application, "SISHIERECEIVER");
    assert_eq!(find("25_").unwrap().status(), ResultStatus::Preliminary);
    assert_eq!(
        read.iter().filter(|(n, _)| n.starts_with("28_")).count()
            + refused.iter().filter(|(n, _)| n.starts_with("28_")).count(),
        20
    );
    println!("{} read, {} refused", read.len(), refused.len());
}
