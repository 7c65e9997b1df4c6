//! An order's results, the sandbox's simulation, and the Team's unmatched results.
use crate::domain::result_matching::DecisionCode;
use crate::openapi::schemas::errors::{ErrorDetail, HTTPValidationError, RuleRefusal};
use crate::openapi::schemas::lenient::{FinalStatusParam, Seconds};
use crate::openapi::schemas::orders::PostOrderResponse;
use crate::openapi::schemas::results::{LabResultsMetadata, LabResultsRaw, SimulationFlags};
use crate::openapi::schemas::unmatched::{ListUnmatchedResultResponse, UnmatchedResult};

/// Get an order's results
///
/// The latest result version (partial, final or corrected) with every marker's value.
#[utoipa::path(
    get,
    path = "/v3/order/{order_id}/result",
    tag = "Results",
    operation_id = "get_order_result",
    security(("apiKeyAuth" = [])),
    params(("order_id" = String, Path, format = Uuid, description = "The order's id.")),
    responses(
        (status = 200, description = "The latest result.", body = LabResultsRaw),
        (status = 401, description = "No valid Team API key.", body = ErrorDetail),
        (status = 404, description = "No such order of the Team, or no result yet.", body = ErrorDetail),
        (status = 422, description = "`order_id` is not a UUID.", body = HTTPValidationError),
        (status = 503, description = "The database is unavailable; retry after `Retry-After` seconds.", body = ErrorDetail),
    )
)]
pub fn result() {}

/// Get an order's result metadata
#[utoipa::path(
    get,
    path = "/v3/order/{order_id}/result/metadata",
    tag = "Results",
    operation_id = "get_order_result_metadata",
    security(("apiKeyAuth" = [])),
    params(("order_id" = String, Path, format = Uuid, description = "The order's id.")),
    responses(
        (status = 200, description = "The latest result's metadata.", body = LabResultsMetadata),
        (status = 401, description = "No valid Team API key.", body = ErrorDetail),
        (status = 404, description = "No such order of the Team, or no result yet.", body = ErrorDetail),
        (status = 422, description = "`order_id` is not a UUID.", body = HTTPValidationError),
        (status = 503, description = "The database is unavailable; retry after `Retry-After` seconds.", body = ErrorDetail),
    )
)]
pub fn result_metadata() {}

/// Simulate an order's lifecycle (sandbox)
///
/// Sandbox deployments only (elsewhere a 404). Takes the order through its collection
/// method's steps to `final_status` (to completed without one) within the request, producing
/// results through the lab ingestion path. `delay` is accepted and ignored.
#[utoipa::path(
    post,
    path = "/v3/order/{order_id}/test",
    tag = "Results",
    operation_id = "simulate_order",
    security(("apiKeyAuth" = [])),
    params(
        ("order_id" = String, Path, format = Uuid, description = "The order's id."),
        ("final_status" = Option<FinalStatusParam>, Query, description = "Where to stop."),
        ("delay" = Option<Seconds>, Query, description = "Accepted and ignored."),
    ),
    request_body(content = Option<SimulationFlags>, description = "How the results read (optional).", content_type = "application/json"),
    responses(
        (status = 200, description = "The order where the simulation left it.", body = PostOrderResponse),
        (status = 400, description = "The order cannot get there from where it is (e.g. `order_status_not_ahead`).", body = RuleRefusal),
        (status = 401, description = "No valid Team API key.", body = ErrorDetail),
        (status = 404, description = "No such order of the Team, or not a sandbox deployment.", body = ErrorDetail),
        (status = 422, description = "`order_id`, `final_status`, `delay` or the body is not valid.", body = HTTPValidationError),
        (status = 503, description = "The database is unavailable; retry after `Retry-After` seconds.", body = ErrorDetail),
    )
)]
pub fn simulate() {}

/// List the Team's unmatched results
///
/// Delivered results that did not attach to an order by themselves and that the Team may see,
/// newest first, `limit` at a time.
#[utoipa::path(
    get,
    path = "/v3/unmatched_result",
    tag = "Unmatched results",
    operation_id = "list_unmatched_results",
    security(("apiKeyAuth" = [])),
    params(
        ("limit" = Option<i64>, Query, minimum = 1, maximum = 100, description = "Items per page (default 50)."),
        ("next_cursor" = Option<String>, Query, pattern = "^[0-9]{1,16}\\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", description = "The previous page's `next_cursor`."),
        ("decision_code" = Option<DecisionCode>, Query, description = "Only items of this decision."),
        ("lab_slug" = Option<String>, Query, description = "Only items of this lab."),
        ("status" = Option<String>, Query, pattern = "^(pending_customer_review|pending_ops_review|resolved)$", description = "Only items in this review status."),
    ),
    responses(
        (status = 200, description = "One page of items.", body = ListUnmatchedResultResponse),
        (status = 401, description = "No valid Team API key.", body = ErrorDetail),
        (status = 422, description = "A query parameter is not valid.", body = HTTPValidationError),
        (status = 503, description = "The database is unavailable; retry after `Retry-After` seconds.", body = ErrorDetail),
    )
)]
pub fn list_unmatched() {}

/// Get an unmatched result
#[utoipa::path(
    get,
    path = "/v3/unmatched_result/{raw_result_id}",
    tag = "Unmatched results",
    operation_id = "get_unmatched_result",
    security(("apiKeyAuth" = [])),
    params(("raw_result_id" = String, Path, format = Uuid, description = "The item's id.")),
    responses(
        (status = 200, description = "The item.", body = UnmatchedResult),
        (status = 401, description = "No valid Team API key.", body = ErrorDetail),
        (status = 404, description = "No such item the Team may see.", body = ErrorDetail),
        (status = 422, description = "`raw_result_id` is not a UUID.", body = HTTPValidationError),
        (status = 503, description = "The database is unavailable; retry after `Retry-After` seconds.", body = ErrorDetail),
    )
)]
pub fn get_unmatched() {}

/// Get the order's requisition PDF
///
/// The form that goes to the lab with the patient or the sample: patient, the lab account the
/// lab bills, tests, ordering physician, and the order number as a Code 128 barcode.
#[utoipa::path(
    get,
    path = "/v3/order/{order_id}/requisition/pdf",
    tag = "Orders",
    operation_id = "get_order_requisition_pdf",
    security(("apiKeyAuth" = [])),
    params(("order_id" = String, Path, format = Uuid, description = "The order's id.")),
    responses(
        (status = 200, description = "The requisition.", content(
            (Vec<u8> = "application/pdf"),
        )),
        (status = 401, description = "No valid Team API key.", body = ErrorDetail),
        (status = 404, description = "No such order of the Team.", body = ErrorDetail),
        (status = 422, description = "`order_id` is not a UUID.", body = HTTPValidationError),
        (status = 503, description = "The database is unavailable; retry after `Retry-After` seconds.", body = ErrorDetail),
    )
)]
pub fn requisition() {}
