//! The body of `POST /v3/order`, as `web::api::order_body` reads it. A null field is the same as
//! a missing one, so every optional field is nullable.
use utoipa::ToSchema;

use super::enums::UsState;
use crate::domain::billing::BillingType;
use crate::domain::lab::CollectionMethod;
use crate::domain::order_input::Gender;

/// Who the order is for.
#[derive(ToSchema)]
pub struct PatientDetailsWithValidation {
    #[schema(min_length = 1, max_length = 50)]
    pub first_name: String,
    #[schema(min_length = 1, max_length = 50)]
    pub last_name: String,
    /// A date (`1990-01-01`) or a timestamp whose date part is used; not in the future.
    #[schema(format = Date)]
    pub dob: String,
    pub gender: Gender,
    /// Up to 20 characters: digits, spaces, `+`, `-`, `(`, `)`.
    #[schema(min_length = 1, max_length = 20)]
    pub phone_number: String,
    #[schema(format = Email, max_length = 254)]
    pub email: String,
}

/// Where the patient is.
#[derive(ToSchema)]
pub struct PatientAddressWithValidation {
    /// Who receives a kit (default: the patient).
    pub receiver_name: Option<String>,
    #[schema(min_length = 1, max_length = 100)]
    pub first_line: String,
    pub second_line: Option<String>,
    #[schema(min_length = 1, max_length = 60)]
    pub city: String,
    /// The state decides which accounts may bill for the patient.
    #[schema(value_type = UsState)]
    pub state: String,
    #[schema(pattern = r"^\d{5}(-\d{4})?$")]
    pub zip: String,
    pub country: String,
    #[schema(max_length = 1000)]
    pub access_notes: Option<String>,
}

/// Several tests in one order, all from one lab and of one collection method.
#[derive(ToSchema)]
pub struct OrderSetRequest {
    /// With `lab_test_id`, at most 50 distinct tests.
    #[schema(value_type = Option<Vec<String>>, format = Uuid, max_items = 50)]
    pub lab_test_ids: Option<Vec<String>>,
    /// The same as the top-level `lab_account_id`; if both are given they must be equal.
    #[schema(format = Uuid)]
    pub lab_account_id: Option<String>,
}

/// The physician who orders; required on accounts whose customer's physicians order.
#[derive(ToSchema)]
pub struct PhysicianCreateRequest {
    pub first_name: String,
    pub last_name: String,
    /// 10 digits with a valid check digit.
    #[schema(pattern = r"^\d{10}$")]
    pub npi: String,
}

/// A new order. Give `lab_test_id`, `order_set.lab_test_ids`, or both.
#[derive(ToSchema)]
pub struct CreateOrderRequestCompatible {
    /// A user created with `POST /v2/user` in the same Team.
    #[schema(format = Uuid)]
    pub user_id: String,
    pub patient_details: PatientDetailsWithValidation,
    pub patient_address: PatientAddressWithValidation,
    #[schema(format = Uuid)]
    pub lab_test_id: Option<String>,
    pub order_set: Option<OrderSetRequest>,
    /// The account to order on. Without it, the one eligible account linked to the Team is
    /// used; several eligible accounts make it required (a 400 lists them).
    #[schema(format = Uuid)]
    pub lab_account_id: Option<String>,
    /// Default `client_bill`.
    pub billing_type: Option<BillingType>,
    /// Default: the tests' own method.
    pub collection_method: Option<CollectionMethod>,
    pub physician: Option<PhysicianCreateRequest>,
    /// Joined after the account's default clinical notes.
    #[schema(max_length = 1000)]
    pub clinical_notes: Option<String>,
    pub priority: Option<bool>,
    pub icd_codes: Option<Vec<String>>,
    /// Stored and sent back as given.
    #[schema(max_length = 1000)]
    pub passthrough: Option<String>,
    /// Stored and sent back as given.
    #[schema(max_length = 40)]
    pub activate_by: Option<String>,
}
