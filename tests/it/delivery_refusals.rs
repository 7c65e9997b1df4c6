//! Deliveries the lab interface refuses (unreadable HL7 or JSON, too large, several messages):
//! the lab is told why in words that may quote what it sent; nothing is stored but an audit row,
//! and that row keeps only the field and the kind of problem, never a sent value (a refused
//! field may be patient data).
use diesel::prelude::*;
use serde_json::json;

use crate::support::data::count;
use crate::support::results::{deliver, deliver_json, fill, fixture, jane, jane_order, msa, Fill};
use crate::support::{each_backend, TestApp, LAB_KEY_HEADER};

#[test]
fn malformed_deliveries_are_refused_with_a_reason_and_stored_nowhere_but_the_audit_log() {
    each_backend(|app| {
        let order = jane_order(app);
        let good = fill(&fixture("final.hl7"), &jane(&order, "C-1"));
        let lines: Vec<&str> = good.split('\r').filter(|l| !l.is_empty()).collect();
        let reordered = [lines[0], lines[3], lines[1], lines[4]].join("\r");
        let mut invalid_utf8 = good.clone().into_bytes();
        invalid_utf8[40] = 0xff;
        // (case, body, what the lab is told, what the audit row keeps: field and kind only)
        let cases: Vec<(&str, Vec<u8>, &str, &str)> = vec![
            (
                "truncated",
                good.as_bytes()[..20].to_vec(),
                "MSH segment is truncated",
                "MSH: truncated",
            ),
            (
                "no encoding characters",
                b"MSH|".to_vec(),
                "encoding characters",
                "MSH-2: not valid encoding characters",
            ),
            (
                "cut mid-segment",
                good.as_bytes()[..good.find("\rPID").unwrap() + 3].to_vec(),
                "does not start with a segment name: \"PI\"",
                "segment name in segment 2: missing",
            ),
            (
                "missing segments",
                [lines[0], lines[1]].join("\r").into_bytes(),
                "missing OBR segment",
                "OBR: missing segment",
            ),
            (
                "wrong segment order",
                reordered.into_bytes(),
                "segment order",
                "OBR in segment 2: comes before PID",
            ),
            (
                "10 MB body",
                vec![b'A'; 10 * 1024 * 1024],
                "larger than",
                "message: too large",
            ),
            (
                "invalid UTF-8",
                invalid_utf8,
                "not valid UTF-8",
                "message: not UTF-8 text",
            ),
            (
                "bad date of birth",
                fill(
                    &fixture("final.hl7"),
                    &Fill {
                        dob: "19901301",
                        ..jane(&order, "C-2")
                    },
                )
                .into_bytes(),
                "PID-7 date of birth \"19901301\"",
                "PID-7: not a date",
            ),
            (
                "not ORU",
                good.replace("ORU^R01", "ADT^A01").into_bytes(),
                "type is ADT A01; only ORU R01 results are accepted",
                "MSH-9: not ORU^R01",
            ),
            (
                "bad MSH-7",
                good.replace("20261130101500", "Doe-19900101").into_bytes(),
                "MSH-7 date/time \"Doe-19900101\"",
                "MSH-7: not a date/time",
            ),
            (
                "two messages",
                format!("{good}\r{}", good.replace("C-1", "C-9")).into_bytes(),
                "holds 2 messages",
                "message: more than one message",
            ),
            ("empty", Vec::new(), "empty", "message: empty"),
        ];
        let before = (
            count(app, "results"),
            count(app, "unmatched_results"),
            count(app, "inbound_messages"),
        );
        let rejected_before = rejections(app);
        let cases_total = cases.len() as i64;
        for (name, bytes, reason, audit) in cases {
            let res = app.client().post_raw(
                "/lab-interface/v1/results",
                &[(LAB_KEY_HEADER, &app.world.lab_key)],
                &bytes,
            );
            assert_eq!(res.status, 400, "{name}: {}", res.body);
            let (code, text) = msa(&res);
            assert_eq!(code, "AR", "{name}");
            assert!(text.contains(reason), "{name}: {text}");
            let row = last_rejection(app);
            assert_eq!(
                row.summary,
                format!("Delivery from quest rejected: {audit}"),
                "{name}"
            );
            let (field, kind) = audit.split_once(": ").unwrap();
            let field = field.split(" in segment").next().unwrap();
            assert_eq!(
                serde_json::from_str::<serde_json::Value>(&row.details).unwrap(),
                json!({"field": field, "error": kind}),
                "{name}"
            );
        }
        assert_eq!(
            (
                count(app, "results"),
                count(app, "unmatched_results"),
                count(app, "inbound_messages")
            ),
            before
        );
        assert_eq!(rejections(app), rejected_before + cases_total);
    });
}

/// How many `result.rejected` audit rows there are.
fn rejections(app: &TestApp) -> i64 {
    use labdesk::db::schema::audit_events::dsl as a;
    a::audit_events
        .filter(a::action.eq("result.rejected"))
        .count()
        .get_result(&mut app.conn())
        .unwrap()
}

/// The newest `result.rejected` audit row.
fn last_rejection(app: &TestApp) -> labdesk::db::audit::AuditEvent {
    use labdesk::db::schema::audit_events::dsl as a;
    a::audit_events
        .filter(a::action.eq("result.rejected"))
        .order(a::id.desc())
        .select(labdesk::db::audit::AuditEvent::as_select())
        .first(&mut app.conn())
        .unwrap()
}

#[test]
fn a_refused_date_of_birth_is_quoted_to_the_lab_but_never_written_to_the_audit_log() {
    each_backend(|app| {
        let order = jane_order(app);
        let message = fill(
            &fixture("final.hl7"),
            &Fill {
                dob: "1984-03-12-Jane-Doe",
                ..jane(&order, "C-PHI")
            },
        );
        let res = deliver(app, &message);
        assert_eq!(res.status, 400, "{}", res.body);
        let (code, text) = msa(&res);
        assert_eq!(code, "AR");
        // The lab's analyst is told what was wrong, value and all.
        assert!(text.contains("PID-7"), "{text}");
        assert!(text.contains("1984-03-12-Jane-Doe"), "{text}");
        let row = last_rejection(app);
        let stored = format!("{} {}", row.summary, row.details);
        for phi in ["Jane", "1984-03-12-Jane-Doe", "1984", "Doe"] {
            assert!(!stored.contains(phi), "{phi:?} in the audit row: {stored}");
        }
        assert_eq!(
            row.summary,
            "Delivery from quest rejected: PID-7: not a date"
        );
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&row.details).unwrap(),
            json!({"field": "PID-7", "error": "not a date"})
        );
        // The same through the JSON form.
        let delivery = json!({
            "message_control_id": "J-PHI", "account_number": "97500001", "placer_order_number": order,
            "status": "final", "patient": {"last_name": "Doe", "first_name": "Jane", "dob": "1984-03-12-Jane-Doe"},
        });
        let res = deliver_json(app, &delivery.to_string());
        assert_eq!(res.status, 400, "{}", res.body);
        assert!(res.json()["detail"]
            .as_str()
            .unwrap()
            .contains("1984-03-12-Jane-Doe"));
        let row = last_rejection(app);
        assert_eq!(
            row.summary,
            "Delivery from quest rejected: patient.dob: not a date"
        );
        assert!(!format!("{} {}", row.summary, row.details).contains("Jane"));
    });
}

#[test]
fn json_refusals_keep_sent_values_out_of_the_audit_log() {
    each_backend(|app| {
        // (body, what the audit row keeps)
        let cases = [
            (r#"{"status": "final"#.to_string(), "body: not valid JSON"),
            // serde quotes a string it cannot use: "Jane Doe 1984-03-12".
            (
                json!({"message_control_id": "J-1", "account_number": "97500001", "status": "final", "patient": "Jane Doe 1984-03-12"}).to_string(),
                "body: does not match the delivery format",
            ),
            (
                json!({"message_control_id": " ", "account_number": "97500001", "status": "final", "patient": {"last_name": "Jane"}}).to_string(),
                "message_control_id: missing",
            ),
            (
                json!({"message_control_id": "J-2", "account_number": "97500001", "status": "Jane Doe", "patient": {}}).to_string(),
                "status: not partial, final or corrected",
            ),
            (
                json!({"message_control_id": "J-3", "account_number": "97500001", "status": "final", "patient": {}, "collected_at": "Jane 1984-03-12"}).to_string(),
                "collected_at: not a date/time",
            ),
        ];
        for (body, audit) in cases {
            let res = deliver_json(app, &body);
            assert_eq!(res.status, 400, "{body}: {}", res.body);
            assert_eq!(res.json()["ack"], "AR");
            let row = last_rejection(app);
            assert_eq!(
                row.summary,
                format!("Delivery from quest rejected: {audit}")
            );
            let stored = format!("{} {}", row.summary, row.details);
            assert!(
                !stored.contains("Jane") && !stored.contains("1984"),
                "{stored}"
            );
        }
    });
}
