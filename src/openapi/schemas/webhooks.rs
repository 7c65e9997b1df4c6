//! labdesk extension of the Org Management API: a Team's webhook endpoints.
use utoipa::ToSchema;

use crate::domain::webhooks::{DeliveryState, WebhookEventType};

/// A new endpoint.
#[derive(ToSchema)]
pub struct WebhookEndpointBody {
    /// Where to send: `https://` (a sandbox also takes `http://` and local addresses).
    #[schema(max_length = 2000)]
    pub url: String,
    #[schema(max_length = 200)]
    pub description: Option<String>,
    /// At least one; `labdesk.test` is not subscribed to.
    #[schema(min_items = 1)]
    pub event_types: Vec<WebhookEventType>,
    /// Default true.
    pub enabled: Option<bool>,
}

/// A change to an endpoint: only the fields given change.
#[derive(ToSchema)]
pub struct WebhookEndpointPatch {
    #[schema(max_length = 2000)]
    pub url: Option<String>,
    #[schema(max_length = 200)]
    pub description: Option<String>,
    #[schema(min_items = 1)]
    pub event_types: Option<Vec<WebhookEventType>>,
    pub enabled: Option<bool>,
}

/// An endpoint (never its secret).
#[derive(ToSchema)]
pub struct WebhookEndpoint {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub team_id: String,
    pub url: String,
    pub description: String,
    pub event_types: Vec<WebhookEventType>,
    pub enabled: bool,
    /// `active`, `failing` (5 or more failed attempts in a row; still tried) or `disabled`.
    #[schema(pattern = "^(active|failing|disabled)$")]
    pub status: String,
    pub consecutive_failures: i32,
    /// Deliveries waiting (null in the answer to a change).
    #[schema(required = true, minimum = 0)]
    pub pending_deliveries: Option<i64>,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

/// A new endpoint, with its signing secret: shown this once.
#[derive(ToSchema)]
pub struct WebhookEndpointCreated {
    #[serde(flatten)]
    pub endpoint: WebhookEndpoint,
    /// `whsec_...`: verifies each delivery's `svix-signature`.
    #[schema(pattern = "^whsec_")]
    pub secret: String,
}

/// One try of a delivery.
#[derive(ToSchema)]
pub struct WebhookAttempt {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub delivery_id: String,
    /// The `svix-id` of the event.
    pub event_id: String,
    pub event_type: WebhookEventType,
    #[schema(format = DateTime)]
    pub attempted_at: String,
    /// The endpoint's status code; null when nothing answered.
    #[schema(required = true)]
    pub status_code: Option<i32>,
    pub latency_ms: i32,
    /// What went wrong, if anything.
    #[schema(required = true)]
    pub error: Option<String>,
    /// The start of the endpoint's answer.
    pub response: String,
    pub delivery_state: DeliveryState,
}

/// An endpoint with its latest attempts, newest first.
#[derive(ToSchema)]
pub struct WebhookEndpointDetail {
    #[serde(flatten)]
    pub endpoint: WebhookEndpoint,
    pub attempts: Vec<WebhookAttempt>,
}

#[derive(ToSchema)]
pub struct WebhookEndpointList {
    pub data: Vec<WebhookEndpoint>,
}

/// A rotated secret, shown this once.
#[derive(ToSchema)]
pub struct WebhookSecretRotated {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(pattern = "^whsec_")]
    pub secret: String,
}

#[derive(ToSchema)]
pub struct WebhookTestQueued {
    /// The test event's `svix-id`.
    pub event_id: String,
}

#[derive(ToSchema)]
pub struct WebhookReplayQueued {
    #[schema(format = Uuid)]
    pub delivery_id: String,
}
