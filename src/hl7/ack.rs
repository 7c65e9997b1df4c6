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

#[cfg(test)]
mod tests {
    use super::*;

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
