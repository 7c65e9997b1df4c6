//! The order page's "Sent to the lab": each message labdesk sent the lab about the order (the
//! new order, a cancellation), where it stands, the lab's answer and every attempt, with the
//! message itself for whoever has to talk to the lab's interface team.
use crate::domain::lab_link::{LabMessageKind, LabMessageState};
use crate::service::order_page::LabMessageView;
use crate::web::pages::fmt_time;

pub struct AttemptLine {
    pub at: String,
    pub outcome: String,
    pub detail: String,
    pub latency_ms: i32,
}

pub struct LabMessageLine {
    pub what: &'static str,
    pub control_id: String,
    pub state: &'static str,
    pub state_label: &'static str,
    /// The lab's answer in words (code and reason), if it answered.
    pub answer: Option<String>,
    pub body: String,
    pub attempts: Vec<AttemptLine>,
}

pub fn lines(messages: &[LabMessageView]) -> Vec<LabMessageLine> {
    messages
        .iter()
        .map(|v| {
            let m = &v.message;
            LabMessageLine {
                what: match m.kind {
                    LabMessageKind::OrderNew => "New order (ORM^O01 NW)",
                    LabMessageKind::OrderCancel => "Cancellation (ORM^O01 CA)",
                },
                control_id: m.control_id.clone(),
                state: m.state.as_str(),
                state_label: match m.state {
                    LabMessageState::Pending => "Waiting to be sent",
                    LabMessageState::Sent => "Taken by the lab",
                    LabMessageState::Refused => "Refused by the lab",
                    LabMessageState::Failed => "Not sent",
                },
                answer: m.ack_code.as_ref().map(|code| match &m.ack_text {
                    Some(text) if !text.is_empty() => format!("{code}: {text}"),
                    _ => code.clone(),
                }),
                // Segments one per line, as interface teams read them.
                body: m.body.replace('\r', "\n"),
                attempts: v
                    .attempts
                    .iter()
                    .map(|a| AttemptLine {
                        at: fmt_time(&a.attempted_at),
                        outcome: a.outcome.replace('_', " "),
                        detail: a.detail.clone(),
                        latency_ms: a.latency_ms,
                    })
                    .collect(),
            }
        })
        .collect()
}
