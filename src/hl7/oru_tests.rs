use super::*;

fn msg(lines: &[&str]) -> String {
    lines.join("\r")
}

const MSH: &str = "MSH|^~\\&|LAB|QUEST|LABDESK|97500001|20261130101500||ORU^R01|CTRL-1|P|2.5.1";
const PID: &str = "PID|1||P1||Doe^Jane^Q||19900101|F";
const ORC: &str = "ORC|RE|ORDER-1|ACC-9";
const OBR: &str =
    "OBR|1|ORDER-1|ACC-9|LIPID^Lipid Panel^L|||20261129080000|||||||||||||||20261130090000|||F";
const OBX: &str = "OBX|1|NM|2093-3^Cholesterol^LN||212|mg/dL|<200|H|||F|||20261129080000";

#[test]
fn a_complete_message_yields_what_matching_needs() {
    let m = read(&msg(&[MSH, PID, ORC, OBR, OBX])).unwrap();
    assert_eq!(m.control_id, "CTRL-1");
    assert_eq!(m.receiving_facility, "97500001");
    assert_eq!(m.placer_order_number(), Some("ORDER-1"));
    assert_eq!(m.orders[0].filler_order_number.as_deref(), Some("ACC-9"));
    assert_eq!(m.patient.last_name.as_deref(), Some("Doe"));
    assert_eq!(m.patient.dob, NaiveDate::from_ymd_opt(1990, 1, 1));
    assert_eq!(m.status(), ResultStatus::Final);
    let obx = &m.orders[0].observations[0];
    assert_eq!(
        (
            obx.code.as_str(),
            obx.value.as_str(),
            obx.units.as_str(),
            obx.reference_range.as_str()
        ),
        ("2093-3", "212", "mg/dL", "<200")
    );
    assert_eq!(obx.abnormal_flags, vec!["H".to_string()]);
}

/// Each refusal: (message, what the lab is told, what the audit log keeps). The audit form
/// names the field and the kind of problem and never carries a value that was sent.
#[test]
fn refusals_tell_the_lab_what_is_wrong_and_keep_sent_values_out_of_the_audit_form() {
    let table: Vec<(String, &str, &str)> = vec![
        (
            msg(&[&MSH.replace("ORU^R01", "ADT^A01"), PID, OBR]),
            "ADT^A01; only ORU^R01",
            "MSH-9: not ORU^R01",
        ),
        (
            msg(&[&MSH.replace("2.5.1", "2.6"), PID, OBR]),
            "version \"2.6\" is not supported",
            "MSH-12: version not supported",
        ),
        (
            msg(&[&MSH.replace("CTRL-1", ""), PID, OBR]),
            "MSH-10",
            "MSH-10: missing",
        ),
        (
            msg(&[MSH, OBR, OBX]),
            "missing PID",
            "PID: missing segment",
        ),
        (msg(&[MSH, PID]), "missing OBR", "OBR: missing segment"),
        (
            msg(&[MSH, OBR, PID, OBX]),
            "OBR (segment 2) comes before PID",
            "OBR in segment 2: comes before PID",
        ),
        (
            msg(&[MSH, PID, OBX, OBR]),
            "OBX (segment 3) is not inside an OBR group",
            "OBX in segment 3: not inside an OBR group",
        ),
        (
            msg(&[MSH, &PID.replace("19900101", "19901301"), OBR]),
            "PID-7 date of birth \"19901301\"",
            "PID-7: not a date",
        ),
        (
            msg(&[MSH, &PID.replace("19900101", "1984-03-12-Jane-Doe"), OBR]),
            "\"1984-03-12-Jane-Doe\"",
            "PID-7: not a date",
        ),
        (
            msg(&[&MSH.replace("20261130101500", "yesterday"), PID, OBR]),
            "MSH-7 date/time \"yesterday\"",
            "MSH-7: not a date/time",
        ),
        (
            msg(&[&MSH.replace("^~\\&", "^~"), PID, OBR]),
            "encoding characters",
            "MSH-2: not valid encoding characters",
        ),
        (
            "MSH|^~\\&|LAB|QUEST|LABDESK|97500001|20261130101500||ORU^R01|C|P|2.5.1\rPID|1\rJane Doe 1984"
                .to_string(),
            "does not start with a segment name: \"Jane Doe 198\"",
            "segment name in segment 3: missing",
        ),
        (
            "MSH|^~\\&|LAB".to_string(),
            "truncated",
            "MSH: truncated",
        ),
    ];
    for (text, told, audit) in table {
        let err = read(&text).unwrap_err();
        assert!(err.message().contains(told), "{told:?} not in {err:?}");
        assert_eq!(err.audit_text(), audit, "{text:?}");
        for sent in ["ADT", "2.6", "19901301", "Jane", "1984", "yesterday"] {
            assert!(!err.audit_text().contains(sent), "{sent:?} in {err:?}");
        }
    }
}

#[test]
fn statuses_partial_final_corrected() {
    let with = |code: &str| {
        read(&msg(&[
            MSH,
            PID,
            ORC,
            &OBR.replace("|||F", &format!("|||{code}")),
            &OBX.replace("|||F|", &format!("|||{code}|")),
        ]))
        .unwrap()
        .status()
    };
    assert_eq!(with("P"), ResultStatus::Preliminary);
    assert_eq!(with("F"), ResultStatus::Final);
    assert_eq!(with("C"), ResultStatus::Corrected);
}

#[test]
fn placer_number_falls_back_to_obr_and_structured_values_are_readable() {
    let m = read(&msg(&[
        MSH,
        PID,
        OBR,
        "OBX|1|SN|X^MIC||>^4|ug/mL||||||F",
        "OBX|2|CWE|Y^Result||260373001^Detected^SCT~1^Other^L||||||F",
    ]))
    .unwrap();
    assert_eq!(m.placer_order_number(), Some("ORDER-1"));
    assert_eq!(m.orders[0].observations[0].value, ">4");
    assert_eq!(m.orders[0].observations[1].value, "Detected; Other");
}
