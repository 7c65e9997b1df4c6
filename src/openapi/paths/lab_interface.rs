//! `POST /lab-interface/v1/results`: labs deliver results.
use crate::openapi::schemas::errors::ErrorDetail;
use crate::openapi::schemas::lab_interface::{DeliveryAnswer, ResultDelivery};

/// Deliver a result
///
/// An HL7 v2 ORU^R01 message (2.3 to 2.5.1), or the same content as JSON. MSH-6 names the lab
/// account, ORC-2/OBR-2 the labdesk order; a result that does not fit goes to the review
/// queue. The answer is an HL7 ACK, or JSON when the body is JSON or `Accept` asks for it.
#[utoipa::path(
    post,
    path = "/lab-interface/v1/results",
    tag = "Lab interface",
    operation_id = "deliver_result",
    security(("LabInterfaceKey" = [])),
    request_body(content(
        (String = "application/hl7-v2"),
        (ResultDelivery = "application/json"),
    )),
    responses(
        (status = 200, description = "Taken: attached, queued for review, or a duplicate (`MSA|AA`).", content(
            (String = "application/hl7-v2"),
            (DeliveryAnswer = "application/json"),
        )),
        (status = 400, description = "Refused with the reason (`MSA|AR`): unreadable, too large, or not for this lab.", content(
            (String = "application/hl7-v2"),
            (DeliveryAnswer = "application/json"),
        )),
        (status = 401, description = "No valid lab interface key.", body = ErrorDetail),
        (status = 500, description = "Read but not stored (`MSA|AE`): send it again.", content(
            (String = "application/hl7-v2"),
            (DeliveryAnswer = "application/json"),
        )),
    ),
    extensions(("x-labdesk-extension" = json!(true)))
)]
pub fn deliver() {}
