//! Why a delivery was refused, in two forms. The lab's interface analyst gets a sentence that
//! may quote what was sent, so they can find it (the ACK). The audit log gets only where the
//! problem is and what kind it is: a quoted field may be patient data (a date of birth with the
//! name run into it), and the audit log holds none. Both forms come from one value, so a new
//! refusal cannot forget the second.
use std::fmt;

use super::message::Hl7Error;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// Where: a field (`PID-7`, `patient.dob`), a segment (`OBX`) or the whole `message`.
    field: &'static str,
    /// The 1-based segment the problem is in, when the field alone does not say.
    segment: Option<usize>,
    /// What kind of problem, without any value from the message: "not a date".
    kind: &'static str,
    /// The sentence for the sender; may quote what was sent.
    message: String,
}

impl Refusal {
    pub fn new(field: &'static str, kind: &'static str, message: impl Into<String>) -> Refusal {
        Refusal {
            field,
            segment: None,
            kind,
            message: message.into(),
        }
    }

    /// The same refusal, located in segment `n` (1-based).
    pub fn in_segment(mut self, n: usize) -> Refusal {
        self.segment = Some(n);
        self
    }

    pub fn field(&self) -> &'static str {
        self.field
    }

    pub fn kind(&self) -> &'static str {
        self.kind
    }

    /// The sentence for the lab (the ACK and the JSON answer).
    pub fn message(&self) -> &str {
        &self.message
    }

    /// For the audit log: the field and the kind of error, no value from the message.
    pub fn audit_text(&self) -> String {
        match self.segment {
            Some(n) => format!("{} in segment {n}: {}", self.field, self.kind),
            None => format!("{}: {}", self.field, self.kind),
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<Hl7Error> for Refusal {
    fn from(e: Hl7Error) -> Refusal {
        let message = e.to_string();
        match e {
            Hl7Error::Empty => Refusal::new("message", "empty", message),
            Hl7Error::NotUtf8 => Refusal::new("message", "not UTF-8 text", message),
            Hl7Error::NoMsh => Refusal::new("MSH", "missing or not first", message),
            Hl7Error::BadEncodingCharacters(_) => {
                Refusal::new("MSH-2", "not valid encoding characters", message)
            }
            Hl7Error::BadSegment { line, .. } => {
                Refusal::new("segment name", "missing", message).in_segment(line)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_audit_form_keeps_the_field_and_kind_and_drops_what_was_sent() {
        let table = [
            (
                Refusal::new(
                    "PID-7",
                    "not a date",
                    "PID-7 date of birth \"1984-03-12-Jane-Doe\" is not a valid HL7 date",
                ),
                "PID-7: not a date",
            ),
            (
                Hl7Error::BadSegment {
                    line: 3,
                    start: "Jane Doe 198".into(),
                }
                .into(),
                "segment name in segment 3: missing",
            ),
            (
                Hl7Error::BadEncodingCharacters("Jane".into()).into(),
                "MSH-2: not valid encoding characters",
            ),
        ];
        for (refusal, audit) in table {
            assert_eq!(refusal.audit_text(), audit);
            assert!(!refusal.audit_text().contains("Jane"));
        }
        let quoted: Refusal = Hl7Error::BadSegment {
            line: 3,
            start: "Jane Doe 198".into(),
        }
        .into();
        assert!(quoted.to_string().contains("Jane Doe"), "the lab is told");
    }
}
