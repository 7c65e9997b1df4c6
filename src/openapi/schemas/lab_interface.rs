//! Result deliveries from labs (`web::api::lab_interface`): the JSON form of an ORU^R01 message
//! and the JSON form of the acknowledgement.
use utoipa::ToSchema;

use super::lenient::{DateOrEmpty, DateOrTimestamp};

/// The patient as the lab names them.
#[derive(ToSchema)]
pub struct DeliveryPatient {
    pub last_name: Option<String>,
    pub first_name: Option<String>,
    /// HL7's `YYYYMMDD` is taken too.
    #[schema(value_type = Option<DateOrEmpty>)]
    pub dob: Option<String>,
    pub sex: Option<String>,
    /// The lab's patient id.
    pub id: Option<String>,
}

/// One observation (an OBX segment).
#[derive(ToSchema)]
pub struct DeliveryObservation {
    /// The lab's code for the marker (OBX-3).
    pub code: String,
    #[schema(nullable = false)]
    pub name: Option<String>,
    #[schema(nullable = false)]
    pub value: Option<String>,
    #[schema(nullable = false)]
    pub unit: Option<String>,
    #[schema(nullable = false)]
    pub reference_range: Option<String>,
    /// Abnormal flags (OBX-8), e.g. `H`, `LL`.
    #[schema(nullable = false)]
    pub flags: Option<Vec<String>>,
    /// HL7's value type (OBX-2), e.g. `NM`, `ST`, `CWE`.
    pub value_type: Option<String>,
    /// Whether `code` is a LOINC code.
    #[schema(nullable = false)]
    pub loinc: Option<bool>,
}

/// labdesk extension: a delivery in JSON, the same content as an ORU^R01 message.
#[derive(ToSchema)]
pub struct ResultDelivery {
    /// MSH-10; the same id twice changes nothing.
    #[schema(pattern = r"\S")]
    pub message_control_id: String,
    /// MSH-6: the lab account's `provider_account_id`.
    pub account_number: String,
    /// ORC-2 / OBR-2: the labdesk order id.
    pub placer_order_number: Option<String>,
    /// OBR-3: the lab's accession number.
    pub filler_order_number: Option<String>,
    /// OBR-25: `partial`, `final` or `corrected`.
    #[schema(pattern = "^(partial|final|corrected)$")]
    pub status: String,
    pub patient: DeliveryPatient,
    /// An RFC 3339 timestamp or a date (HL7's form is taken too); empty is the same as none.
    #[schema(value_type = Option<DateOrTimestamp>)]
    pub collected_at: Option<String>,
    #[schema(value_type = Option<DateOrTimestamp>)]
    pub reported_at: Option<String>,
    #[schema(nullable = false)]
    pub observations: Option<Vec<DeliveryObservation>>,
}

/// labdesk extension: what became of a delivery, in JSON (asked for with a JSON body or
/// `Accept: application/json`).
#[derive(ToSchema)]
pub struct DeliveryAnswer {
    /// `attached`, `queued_for_review`, `duplicate`, `rejected` or `error`.
    #[schema(pattern = "^(attached|queued_for_review|duplicate|rejected|error)$")]
    pub outcome: String,
    /// HL7's acknowledgement code: `AA` (taken), `AR` (refused), `AE` (not stored: send again).
    #[schema(pattern = "^(AA|AR|AE)$")]
    pub ack: String,
    /// The delivery's MSH-10; empty when it could not be read.
    pub message_control_id: String,
    /// What happened, in words.
    pub detail: String,
    /// For `attached`: the order.
    #[schema(format = Uuid, nullable = false)]
    pub order_id: Option<String>,
    /// For `attached`: the result's version on the order.
    #[schema(nullable = false)]
    pub version: Option<i32>,
    /// For `queued_for_review`: the review item.
    #[schema(format = Uuid, nullable = false)]
    pub unmatched_result_id: Option<String>,
    /// For `queued_for_review`: why.
    #[schema(nullable = false)]
    pub decision_code: Option<String>,
}
