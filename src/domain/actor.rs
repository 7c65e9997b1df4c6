//! Who did something, and the request it came in on: what every audit row records.
use super::ids::{ApiKeyId, UserId};
use super::string_enum::string_enum;

string_enum!(
    /// What kind of actor an audit row names (its `actor_type` column).
    ActorKind {
        User => "user",
        ApiKey => "api_key",
        System => "system",
    }
);

/// Who did something, and the request it came in on.
#[derive(Debug, Clone)]
pub struct Actor {
    pub kind: ActorKind,
    /// The user's or the API key's id; None for the system.
    pub id: Option<String>,
    pub label: String,
    pub request_id: Option<String>,
}

impl Actor {
    pub fn user(id: &UserId, email: &str, request_id: Option<String>) -> Actor {
        Actor {
            kind: ActorKind::User,
            id: Some(id.as_str().to_string()),
            label: email.to_string(),
            request_id,
        }
    }

    pub fn api_key(id: &ApiKeyId, prefix: &str, request_id: Option<String>) -> Actor {
        Actor {
            kind: ActorKind::ApiKey,
            id: Some(id.as_str().to_string()),
            label: format!("api key {prefix}"),
            request_id,
        }
    }

    pub fn system(label: &str) -> Actor {
        Actor {
            kind: ActorKind::System,
            id: None,
            label: label.to_string(),
            request_id: None,
        }
    }
}
