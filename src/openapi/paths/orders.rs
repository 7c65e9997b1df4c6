//! Placing, reading, listing and cancelling orders.
use crate::domain::order_status::LowStatus;
use crate::openapi::schemas::errors::{ErrorDetail, HTTPValidationError, RuleRefusal};
use crate::openapi::schemas::lenient::DateOrTimestamp;
use crate::openapi::schemas::order_request::CreateOrderRequestCompatible;
use crate::openapi::schemas::orders::{ClientFacingOrder, GetOrdersResponse, PostOrderResponse};

/// Place an order
///
/// The lab account is chosen by the same rule as the dashboard's order wizard: linked to the
/// Team, active, of the tests' lab, allowing the billing type in the patient's state, and with
/// a physician on the order when its delegation needs one. With `X-Idempotency-Key` the first
/// answer (a refusal too) is replayed byte for byte for 24 hours.
#[utoipa::path(
    post,
    path = "/v3/order",
    tag = "Orders",
    operation_id = "create_order",
    security(("apiKeyAuth" = [])),
    params(
        ("X-Idempotency-Key" = Option<String>, Header, max_length = 255, description = "Places the order once for this key within the Team."),
    ),
    request_body = CreateOrderRequestCompatible,
    responses(
        (status = 200, description = "The order was placed.", body = PostOrderResponse),
        (status = 400, description = "A rule refused the order (e.g. `lab_account_not_linked`, `lab_account_not_active`, `state_not_allowed`, `physician_required`, `lab_test_not_found`); nothing was placed.", body = RuleRefusal),
        (status = 401, description = "No valid Team API key.", body = ErrorDetail),
        (status = 404, description = "The user, or the lab account named, is not the Team's.", body = ErrorDetail),
        (status = 409, description = "A request with this `X-Idempotency-Key` is still running; retry shortly.", body = ErrorDetail),
        (status = 422, description = "The body is not valid, or the `X-Idempotency-Key` was used with another body.", body = HTTPValidationError),
        (status = 503, description = "The database is unavailable; retry after `Retry-After` seconds.", body = ErrorDetail),
    )
)]
pub fn create_order() {}

/// Get an order
#[utoipa::path(
    get,
    path = "/v3/order/{order_id}",
    tag = "Orders",
    operation_id = "get_order",
    security(("apiKeyAuth" = [])),
    params(("order_id" = String, Path, format = Uuid, description = "The order's id.")),
    responses(
        (status = 200, description = "The order.", body = ClientFacingOrder),
        (status = 401, description = "No valid Team API key.", body = ErrorDetail),
        (status = 404, description = "No such order of the Team.", body = ErrorDetail),
        (status = 422, description = "`order_id` is not a UUID.", body = HTTPValidationError),
        (status = 503, description = "The database is unavailable; retry after `Retry-After` seconds.", body = ErrorDetail),
    )
)]
pub fn get_order() {}

/// Cancel an order
///
/// Allowed until the sample is on its way to the lab: from `ordered`, `requisition_created`,
/// `requisition_bypassed`, `awaiting_registration`, `registered` and the appointment states.
#[utoipa::path(
    post,
    path = "/v3/order/{order_id}/cancel",
    tag = "Orders",
    operation_id = "cancel_order",
    security(("apiKeyAuth" = [])),
    params(("order_id" = String, Path, format = Uuid, description = "The order's id.")),
    responses(
        (status = 200, description = "The order, cancelled.", body = PostOrderResponse),
        (status = 400, description = "The order's status no longer allows it (`order_not_cancellable`).", body = RuleRefusal),
        (status = 401, description = "No valid Team API key.", body = ErrorDetail),
        (status = 404, description = "No such order of the Team.", body = ErrorDetail),
        (status = 422, description = "`order_id` is not a UUID.", body = HTTPValidationError),
        (status = 503, description = "The database is unavailable; retry after `Retry-After` seconds.", body = ErrorDetail),
    )
)]
pub fn cancel_order() {}

/// List the Team's orders
///
/// Newest first unless `order_direction=asc`.
#[utoipa::path(
    get,
    path = "/v3/orders",
    tag = "Orders",
    operation_id = "get_orders",
    security(("apiKeyAuth" = [])),
    params(
        ("page" = Option<i64>, Query, minimum = 1, maximum = 1000000, description = "The page, from 1 (default 1)."),
        ("size" = Option<i64>, Query, minimum = 1, maximum = 100, description = "Orders per page (default 50)."),
        ("status" = Option<Vec<LowStatus>>, Query, explode, description = "Only orders whose latest step is one of these; repeat the parameter for several."),
        ("user_id" = Option<String>, Query, format = Uuid, description = "Only this user's orders."),
        ("order_ids" = Option<Vec<uuid::Uuid>>, Query, explode, description = "Only these orders (UUIDs); repeat the parameter for several."),
        ("start_date" = Option<DateOrTimestamp>, Query, description = "Only orders created at or after this time (a date is its midnight UTC)."),
        ("end_date" = Option<DateOrTimestamp>, Query, description = "Only orders created before this time (a date is its midnight UTC)."),
        ("order_direction" = Option<String>, Query, pattern = "^(asc|desc)$", description = "`desc` (default) or `asc`, by creation time."),
        ("lab_account_id" = Option<String>, Query, format = Uuid, description = "labdesk extension: only orders placed on this lab account."),
    ),
    responses(
        (status = 200, description = "One page of orders.", body = GetOrdersResponse),
        (status = 401, description = "No valid Team API key.", body = ErrorDetail),
        (status = 422, description = "A query parameter is not valid.", body = HTTPValidationError),
        (status = 503, description = "The database is unavailable; retry after `Retry-After` seconds.", body = ErrorDetail),
    )
)]
pub fn list_orders() {}
