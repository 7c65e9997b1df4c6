//! labdesk extension of the Org Management API: a Team's webhook endpoints.
use crate::openapi::schemas::errors::{ErrorDetail, HTTPValidationError};
use crate::openapi::schemas::webhooks::{
    WebhookEndpoint, WebhookEndpointBody, WebhookEndpointCreated, WebhookEndpointDetail,
    WebhookEndpointList, WebhookEndpointPatch, WebhookReplayQueued, WebhookSecretRotated,
    WebhookTestQueued,
};

/// List a Team's webhook endpoints
#[utoipa::path(
    get,
    path = "/v1/org/{org_id}/team/{team_id}/webhook_endpoint",
    tag = "Webhooks",
    operation_id = "list_webhook_endpoints",
    security(("ManagementKey" = [])),
    params(
        ("org_id" = String, Path, format = Uuid, description = "The key's organization."),
        ("team_id" = String, Path, format = Uuid, description = "A Team of the organization."),
    ),
    responses(
        (status = 200, description = "The endpoints, without secrets.", body = WebhookEndpointList),
        (status = 401, description = "No valid management key.", body = ErrorDetail),
        (status = 404, description = "`org_id` is not the key's organization, or no such Team of it.", body = ErrorDetail),
        (status = 422, description = "A path parameter is not valid.", body = HTTPValidationError),
        (status = 503, description = "The database is unavailable; retry after `Retry-After` seconds.", body = ErrorDetail),
    ),
    extensions(("x-labdesk-extension" = json!(true)))
)]
pub fn list() {}

/// Add a webhook endpoint
///
/// Answers the signing secret, this once.
#[utoipa::path(
    post,
    path = "/v1/org/{org_id}/team/{team_id}/webhook_endpoint",
    tag = "Webhooks",
    operation_id = "create_webhook_endpoint",
    security(("ManagementKey" = [])),
    params(
        ("org_id" = String, Path, format = Uuid, description = "The key's organization."),
        ("team_id" = String, Path, format = Uuid, description = "A Team of the organization."),
    ),
    request_body = WebhookEndpointBody,
    responses(
        (status = 201, description = "The endpoint and its secret.", body = WebhookEndpointCreated),
        (status = 401, description = "No valid management key.", body = ErrorDetail),
        (status = 404, description = "`org_id` is not the key's organization, or no such Team of it.", body = ErrorDetail),
        (status = 422, description = "The body is not valid (an address production may not send to, no event type, ...).", body = HTTPValidationError),
        (status = 503, description = "The database is unavailable; retry after `Retry-After` seconds.", body = ErrorDetail),
    ),
    extensions(("x-labdesk-extension" = json!(true)))
)]
pub fn create() {}

/// Get a webhook endpoint with its latest attempts
#[utoipa::path(
    get,
    path = "/v1/org/{org_id}/team/{team_id}/webhook_endpoint/{endpoint_id}",
    tag = "Webhooks",
    operation_id = "get_webhook_endpoint",
    security(("ManagementKey" = [])),
    params(
        ("org_id" = String, Path, format = Uuid, description = "The key's organization."),
        ("team_id" = String, Path, format = Uuid, description = "A Team of the organization."),
        ("endpoint_id" = String, Path, format = Uuid, description = "The endpoint."),
    ),
    responses(
        (status = 200, description = "The endpoint and its latest 50 attempts.", body = WebhookEndpointDetail),
        (status = 401, description = "No valid management key.", body = ErrorDetail),
        (status = 404, description = "No such endpoint of the Team.", body = ErrorDetail),
        (status = 422, description = "A path parameter is not valid.", body = HTTPValidationError),
        (status = 503, description = "The database is unavailable; retry after `Retry-After` seconds.", body = ErrorDetail),
    ),
    extensions(("x-labdesk-extension" = json!(true)))
)]
pub fn get() {}

/// Change a webhook endpoint
#[utoipa::path(
    patch,
    path = "/v1/org/{org_id}/team/{team_id}/webhook_endpoint/{endpoint_id}",
    tag = "Webhooks",
    operation_id = "update_webhook_endpoint",
    security(("ManagementKey" = [])),
    params(
        ("org_id" = String, Path, format = Uuid, description = "The key's organization."),
        ("team_id" = String, Path, format = Uuid, description = "A Team of the organization."),
        ("endpoint_id" = String, Path, format = Uuid, description = "The endpoint."),
    ),
    request_body = WebhookEndpointPatch,
    responses(
        (status = 200, description = "The endpoint as changed.", body = WebhookEndpoint),
        (status = 401, description = "No valid management key.", body = ErrorDetail),
        (status = 404, description = "No such endpoint of the Team.", body = ErrorDetail),
        (status = 422, description = "The body is not valid.", body = HTTPValidationError),
        (status = 503, description = "The database is unavailable; retry after `Retry-After` seconds.", body = ErrorDetail),
    ),
    extensions(("x-labdesk-extension" = json!(true)))
)]
pub fn update() {}

/// Delete a webhook endpoint
///
/// Nothing more is sent to it; deliveries still waiting are given up.
#[utoipa::path(
    delete,
    path = "/v1/org/{org_id}/team/{team_id}/webhook_endpoint/{endpoint_id}",
    tag = "Webhooks",
    operation_id = "delete_webhook_endpoint",
    security(("ManagementKey" = [])),
    params(
        ("org_id" = String, Path, format = Uuid, description = "The key's organization."),
        ("team_id" = String, Path, format = Uuid, description = "A Team of the organization."),
        ("endpoint_id" = String, Path, format = Uuid, description = "The endpoint."),
    ),
    responses(
        (status = 204, description = "Deleted."),
        (status = 401, description = "No valid management key.", body = ErrorDetail),
        (status = 404, description = "No such endpoint of the Team.", body = ErrorDetail),
        (status = 422, description = "A path parameter is not valid.", body = HTTPValidationError),
        (status = 503, description = "The database is unavailable; retry after `Retry-After` seconds.", body = ErrorDetail),
    ),
    extensions(("x-labdesk-extension" = json!(true)))
)]
pub fn delete() {}

/// Rotate a webhook endpoint's signing secret
#[utoipa::path(
    post,
    path = "/v1/org/{org_id}/team/{team_id}/webhook_endpoint/{endpoint_id}/rotate_secret",
    tag = "Webhooks",
    operation_id = "rotate_webhook_secret",
    security(("ManagementKey" = [])),
    params(
        ("org_id" = String, Path, format = Uuid, description = "The key's organization."),
        ("team_id" = String, Path, format = Uuid, description = "A Team of the organization."),
        ("endpoint_id" = String, Path, format = Uuid, description = "The endpoint."),
    ),
    responses(
        (status = 200, description = "The new secret, this once; the old one signs nothing more.", body = WebhookSecretRotated),
        (status = 401, description = "No valid management key.", body = ErrorDetail),
        (status = 404, description = "No such endpoint of the Team.", body = ErrorDetail),
        (status = 422, description = "A path parameter is not valid.", body = HTTPValidationError),
        (status = 503, description = "The database is unavailable; retry after `Retry-After` seconds.", body = ErrorDetail),
    ),
    extensions(("x-labdesk-extension" = json!(true)))
)]
pub fn rotate_secret() {}

/// Send a test event to a webhook endpoint
#[utoipa::path(
    post,
    path = "/v1/org/{org_id}/team/{team_id}/webhook_endpoint/{endpoint_id}/test",
    tag = "Webhooks",
    operation_id = "send_webhook_test_event",
    security(("ManagementKey" = [])),
    params(
        ("org_id" = String, Path, format = Uuid, description = "The key's organization."),
        ("team_id" = String, Path, format = Uuid, description = "A Team of the organization."),
        ("endpoint_id" = String, Path, format = Uuid, description = "The endpoint."),
    ),
    responses(
        (status = 202, description = "A `labdesk.test` event is queued for this endpoint.", body = WebhookTestQueued),
        (status = 401, description = "No valid management key.", body = ErrorDetail),
        (status = 404, description = "No such endpoint of the Team.", body = ErrorDetail),
        (status = 422, description = "A path parameter is not valid.", body = HTTPValidationError),
        (status = 503, description = "The database is unavailable; retry after `Retry-After` seconds.", body = ErrorDetail),
    ),
    extensions(("x-labdesk-extension" = json!(true)))
)]
pub fn send_test() {}

/// Send one of an endpoint's deliveries again
#[utoipa::path(
    post,
    path = "/v1/org/{org_id}/team/{team_id}/webhook_endpoint/{endpoint_id}/delivery/{delivery_id}/replay",
    tag = "Webhooks",
    operation_id = "replay_webhook_delivery",
    security(("ManagementKey" = [])),
    params(
        ("org_id" = String, Path, format = Uuid, description = "The key's organization."),
        ("team_id" = String, Path, format = Uuid, description = "A Team of the organization."),
        ("endpoint_id" = String, Path, format = Uuid, description = "The endpoint."),
        ("delivery_id" = String, Path, format = Uuid, description = "A delivery of the endpoint (from its attempts)."),
    ),
    responses(
        (status = 202, description = "Queued to be sent now.", body = WebhookReplayQueued),
        (status = 401, description = "No valid management key.", body = ErrorDetail),
        (status = 404, description = "No such delivery of the endpoint.", body = ErrorDetail),
        (status = 422, description = "A path parameter is not valid.", body = HTTPValidationError),
        (status = 503, description = "The database is unavailable; retry after `Retry-After` seconds.", body = ErrorDetail),
    ),
    extensions(("x-labdesk-extension" = json!(true)))
)]
pub fn replay() {}
