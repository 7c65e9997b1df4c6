//! The endpoint form (add and change), read from the posted pairs (event types are repeated
//! checkboxes) and shown again with what was typed and each problem beside its field.
use crate::db::webhooks::EndpointRow;
use crate::domain::webhooks::WebhookEventType;
use crate::service::webhooks::endpoints::{EndpointInput, EndpointProblems};

/// The form as posted.
pub struct EndpointForm {
    pub url: String,
    pub description: String,
    pub event_types: Vec<String>,
    pub enabled: bool,
}

impl EndpointForm {
    pub fn from_pairs(pairs: Vec<(String, String)>) -> EndpointForm {
        let mut form = EndpointForm {
            url: String::new(),
            description: String::new(),
            event_types: Vec::new(),
            enabled: false,
        };
        for (name, value) in pairs {
            match name.as_str() {
                "url" => form.url = value,
                "description" => form.description = value,
                "event_types" => form.event_types.push(value),
                "enabled" => form.enabled = value == "on" || value == "true",
                _ => {}
            }
        }
        form
    }

    pub fn input(&self) -> EndpointInput {
        EndpointInput {
            url: self.url.clone(),
            description: self.description.clone(),
            event_types: self.event_types.clone(),
            enabled: self.enabled,
        }
    }
}

/// One event type's checkbox.
pub struct EventChoice {
    pub value: &'static str,
    pub description: &'static str,
    pub checked: bool,
}

/// What the form shows.
pub struct FormView {
    pub url: String,
    pub description: String,
    pub events: Vec<EventChoice>,
    pub enabled: bool,
    pub problems: EndpointProblems,
}

fn choices(checked: impl Fn(WebhookEventType) -> bool) -> Vec<EventChoice> {
    WebhookEventType::SUBSCRIBABLE
        .into_iter()
        .map(|t| EventChoice {
            value: t.as_str(),
            description: t.description(),
            checked: checked(t),
        })
        .collect()
}

impl FormView {
    /// A new endpoint: every event type, enabled.
    pub fn new_endpoint() -> FormView {
        FormView {
            url: String::new(),
            description: String::new(),
            events: choices(|_| true),
            enabled: true,
            problems: EndpointProblems::default(),
        }
    }

    pub fn of(endpoint: &EndpointRow) -> FormView {
        let types = endpoint.types();
        FormView {
            url: endpoint.url.clone(),
            description: endpoint.description.clone(),
            events: choices(|t| types.contains(&t)),
            enabled: endpoint.enabled,
            problems: EndpointProblems::default(),
        }
    }

    /// The form as it was posted, with its problems.
    pub fn refused(typed: &EndpointForm, problems: EndpointProblems) -> FormView {
        FormView {
            url: typed.url.clone(),
            description: typed.description.clone(),
            events: choices(|t| typed.event_types.iter().any(|e| e == t.as_str())),
            enabled: typed.enabled,
            problems,
        }
    }
}
