//! HL7 acknowledgements (ACK) for deliveries.

/// Acknowledgement codes: accepted, error, rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AckCode {
    Accept,
    Error,
    Reject,
}

impl AckCode {
    pub fn as_str(self) -> &'static str {
        match self {
            AckCode::Accept => "AA",
            AckCode::Error => "AE",
            AckCode::Reject => "AR",
        }
    }
}

/// Text inside an HL7 field: separators and line breaks cannot appear raw.
fn clean(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '|' | '^' | '~' | '&' | '\\' | '\r' | '\n' => ' ',
            c => c,
        })
        .collect()
}

pub struct AckTo<'a> {
    pub control_id: &'a str,
    pub sending_application: &'a str,
    pub sending_facility: &'a str,
    pub version: &'a str,
}

/// An ACK^R01 answering a message (or an unreadable body, with an empty control id).
pub fn build(
    to: &AckTo<'_>,
    code: AckCode,
    text: &str,
    now: chrono::NaiveDateTime,
    ack_id: &str,
) -> String {
    let version = if to.version.is_empty() || to.version == "json" {
        "2.5.1"
    } else {
        to.version
    };
    let mut out = format!(
        "MSH|^~\\&|LABDESK|LABDESK|{}|{}|{}||ACK^R01^ACK|{}|P|{}\rMSA|{}|{}|{}",
        clean(to.sending_application),
        clean(to.sending_facility),
        now.format("%Y%m%d%H%M%S"),
        clean(ack_id),
        clean(version),
        code.as_str(),
        clean(to.control_id),
        clean(text),
    );
    if code != AckCode::Accept {
        out.push_str(&format!("\rERR|||||E|||{}", clean(text)));
    }
    out.push('\r');
    out
}

/// What an ACK a lab sent back says: its code (MSA-1, `CA`/`CE`/`CR` read as `AA`/`AE`/`AR`),
/// the control id it answers (MSA-2) and its text (MSA-3, or ERR's when MSA-3 is empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AckReply {
    pub code: AckCode,
    pub control_id: String,
    pub text: String,
}

/// Reads an ACK; None when the text is not one.
pub fn read(text: &str) -> Option<AckReply> {
    let m = crate::hl7::message::parse(text).ok()?;
    let d = &m.delimiters;
    let msa = m.first("MSA")?;
    let code = match msa.component(d, 1, 1).trim() {
        "AA" | "CA" => AckCode::Accept,
        "AE" | "CE" => AckCode::Error,
        "AR" | "CR" => AckCode::Reject,
        _ => return None,
    };
    let mut text = msa.text(d, 3);
    if text.trim().is_empty() {
        text = m.first("ERR").map(|e| e.text(d, 8)).unwrap_or_default();
    }
    Some(AckReply {
        code,
        control_id: msa.component(d, 2, 1),
        text,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ack_reads_back_with_its_code_control_id_and_reason() {
        let now = chrono::NaiveDate::from_ymd_opt(2026, 12, 2)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap();
        let to = AckTo {
            control_id: "ORM-7",
            sending_application: "LABDESK",
            sending_facility: "97500001",
            version: "2.5.1",
        };
        for (code, why) in [
            (AckCode::Accept, "accepted"),
            (AckCode::Error, "unknown test code quest-xyz"),
            (AckCode::Reject, "account 97500001 is closed"),
        ] {
            let reply = read(&build(&to, code, why, now, "A-1")).unwrap();
            assert_eq!(reply.code, code);
            assert_eq!(reply.control_id, "ORM-7");
            assert_eq!(reply.text, why);
        }
        let commit = "MSH|^~\\&|LAB|Q|LABDESK|X|20261202||ACK|9|P|2.5.1\rMSA|CR|ORM-8\rERR|||||E|||no such client\r";
        let reply = read(commit).unwrap();
        assert_eq!(reply.code, AckCode::Reject);
        assert_eq!(reply.text, "no such client");
        assert_eq!(read("MSH|^~\\&|A|B\rPID|1\r"), None);
        assert_eq!(read("not hl7"), None);
    }

    #[test]
    fn ack_answers_the_message_and_escapes_its_text() {
        let to = AckTo {
            control_id: "CTRL-1",
            sending_application: "LAB",
            sending_facility: "QUEST",
            version: "2.3",
        };
        let now = chrono::NaiveDate::from_ymd_opt(2026, 11, 30)
            .unwrap()
            .and_hms_opt(10, 0, 0)
            .unwrap();
        let ack = build(&to, AckCode::Reject, "bad | data", now, "A1");
        assert!(ack.starts_with(
            "MSH|^~\\&|LABDESK|LABDESK|LAB|QUEST|20261130100000||ACK^R01^ACK|A1|P|2.3\r"
        ));
        assert!(ack.contains("\rMSA|AR|CTRL-1|bad   data\r"));
        assert!(ack.contains("\rERR|"));
        let parsed = crate::hl7::message::parse(&ack).unwrap();
        assert_eq!(parsed.first("MSA").unwrap().raw(1), "AR");
    }
}
