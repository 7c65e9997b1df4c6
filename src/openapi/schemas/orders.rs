//! Orders as the Team API sends them (`web::api::wire_orders::WireOrder`). Every field is
//! always present; the nullable ones are null when there is nothing to say.
use utoipa::ToSchema;

use super::catalogue::ClientFacingLabTest;
use super::enums::OrderStatus;
use crate::domain::billing::BillingType;
use crate::domain::lab::CollectionMethod;
use crate::domain::order_status::HighStatus;
use crate::domain::result_values::Interpretation;

/// The patient as the order records them.
#[derive(ToSchema)]
pub struct ClientFacingPatientDetails {
    pub first_name: String,
    pub last_name: String,
    /// The date of birth at midnight UTC, e.g. `1990-01-01T00:00:00Z`.
    #[schema(format = DateTime)]
    pub dob: String,
    /// `female`, `male`, `other` or `unknown`.
    pub gender: String,
    pub phone_number: String,
    pub email: String,
}

/// Where the patient is (and a test kit goes).
#[derive(ToSchema)]
pub struct PatientAddress {
    /// Who receives a kit; the patient's name when the order gave none.
    pub receiver_name: String,
    pub first_line: String,
    #[schema(required = true)]
    pub second_line: Option<String>,
    pub city: String,
    /// A US state code.
    pub state: String,
    pub zip: String,
    pub country: String,
    #[schema(required = true)]
    pub access_notes: Option<String>,
}

/// The physician who orders.
#[derive(ToSchema)]
pub struct ClientFacingPhysician {
    pub first_name: String,
    pub last_name: String,
    /// The 10-digit National Provider Identifier.
    pub npi: String,
}

/// The collection method's details; labdesk keeps none beyond the method.
#[derive(ToSchema)]
pub struct ClientFacingOrderDetails {
    #[schema(rename = "type")]
    pub kind: CollectionMethod,
    /// Always null.
    #[schema(value_type = Option<Object>, required = true)]
    pub data: Option<()>,
}

/// One step of the order's lifecycle.
#[derive(ToSchema)]
pub struct ClientFacingOrderEvent {
    /// The step's number within the order, from 1.
    pub id: i32,
    #[schema(format = DateTime)]
    pub created_at: String,
    pub status: OrderStatus,
}

/// An order.
#[derive(ToSchema)]
pub struct ClientFacingOrder {
    #[schema(format = Uuid)]
    pub id: String,
    /// The user (patient) it is for.
    #[schema(format = Uuid)]
    pub user_id: String,
    #[schema(format = Uuid)]
    pub team_id: String,
    pub patient_details: ClientFacingPatientDetails,
    pub patient_address: PatientAddress,
    pub lab_test: ClientFacingLabTest,
    pub details: ClientFacingOrderDetails,
    #[schema(required = true)]
    pub sample_id: Option<String>,
    #[schema(required = true)]
    pub notes: Option<String>,
    /// The order's clinical notes, after the account's default notes.
    #[schema(required = true)]
    pub clinical_notes: Option<String>,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
    /// Every step so far, oldest first.
    pub events: Vec<ClientFacingOrderEvent>,
    /// The latest step.
    pub last_event: ClientFacingOrderEvent,
    /// The first part of the latest step's status.
    pub status: HighStatus,
    #[schema(required = true)]
    pub physician: Option<ClientFacingPhysician>,
    /// Always null.
    #[schema(value_type = Option<String>, format = Uuid, required = true)]
    pub health_insurance_id: Option<()>,
    /// Always null.
    #[schema(value_type = Option<String>, required = true)]
    pub requisition_form_url: Option<()>,
    pub priority: bool,
    /// Always null.
    #[schema(value_type = Option<Object>, required = true)]
    pub shipping_details: Option<()>,
    /// As the order gave it.
    #[schema(required = true)]
    pub activate_by: Option<String>,
    #[schema(required = true)]
    pub passthrough: Option<String>,
    pub billing_type: BillingType,
    #[schema(required = true)]
    pub icd_codes: Option<Vec<String>>,
    /// Always false.
    pub has_abn: bool,
    /// The latest result's interpretation; null before any result.
    #[schema(required = true)]
    pub interpretation: Option<Interpretation>,
    /// Always null.
    #[schema(value_type = Option<bool>, required = true)]
    pub has_missing_results: Option<()>,
    /// `initial` for an order placed through the API or the dashboard.
    pub origin: String,
    /// labdesk extension: the lab account the order was placed on.
    #[schema(format = Uuid)]
    pub lab_account_id: String,
}

/// The order after it was placed, cancelled or moved by the sandbox.
#[derive(ToSchema)]
pub struct PostOrderResponse {
    pub order: ClientFacingOrder,
    /// Always `success`.
    pub status: String,
    /// What happened, e.g. `order created`.
    pub message: String,
}

/// One page of the Team's orders.
#[derive(ToSchema)]
pub struct GetOrdersResponse {
    pub orders: Vec<ClientFacingOrder>,
    /// Orders that match, on every page.
    pub total: i64,
    pub page: i64,
    pub size: i64,
}
