//! The body of `POST /v3/order`, as `web::api::order_body` reads it. A null field is the same as
//! a missing one, so every optional field is nullable.
use std::borrow::Cow;

use utoipa::openapi::schema::{
    AllOfBuilder, AnyOfBuilder, ArrayBuilder, ObjectBuilder, Schema, Type,
};
use utoipa::openapi::{Ref, RefOr};
use utoipa::{PartialSchema, ToSchema};

use super::enums::UsState;
use crate::domain::billing::BillingType;
use crate::domain::lab::CollectionMethod;
use crate::domain::order_input::Gender;

/// Who the order is for.
#[derive(ToSchema)]
pub struct PatientDetailsWithValidation {
    /// Starts with a non-blank character; trailing blanks are dropped.
    #[schema(pattern = r"^\S.{0,49}$")]
    pub first_name: String,
    #[schema(pattern = r"^\S.{0,49}$")]
    pub last_name: String,
    /// `YYYY-MM-DD`, from 1900-01-01 to today (a timestamp's date part is taken too). The
    /// pattern lists the dates of whole past years up to 2024.
    #[schema(
        pattern = "^(19[0-9]{2}|20[01][0-9]|202[0-4])-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])$"
    )]
    pub dob: String,
    pub gender: Gender,
    /// 10 to 15 digits after an optional `+` (`-`, `(`, `)`, `.` and spaces between the
    /// digits are taken too, up to 20 characters in all).
    #[schema(pattern = r"^\+?[0-9]{10,15}$")]
    pub phone_number: String,
    #[schema(format = Email, max_length = 254)]
    pub email: String,
}

/// Where the patient is.
#[derive(ToSchema)]
pub struct PatientAddressWithValidation {
    /// Who receives a kit (default: the patient).
    pub receiver_name: Option<String>,
    #[schema(pattern = r"^\S.{0,99}$")]
    pub first_line: String,
    pub second_line: Option<String>,
    #[schema(pattern = r"^\S.{0,59}$")]
    pub city: String,
    /// The state decides which accounts may bill for the patient.
    #[schema(value_type = UsState)]
    pub state: String,
    #[schema(pattern = r"^[0-9]{5}(-[0-9]{4})?$")]
    pub zip: String,
    /// Only `US` (the default).
    #[schema(pattern = r"^ *([uU][sS])? *$")]
    pub country: Option<String>,
    #[schema(max_length = 500)]
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
    #[schema(pattern = r"^\S.{0,49}$")]
    pub first_name: String,
    #[schema(pattern = r"^\S.{0,49}$")]
    pub last_name: String,
    /// The National Provider Identifier: 10 digits, the last a Luhn check digit over the
    /// others prefixed with `80840` (format `npi`).
    #[schema(format = "npi", pattern = r"^[0-9]{10}$")]
    pub npi: String,
}

/// The fields of a new order.
#[derive(ToSchema)]
pub struct CreateOrderFields {
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

/// A new order: the fields of `CreateOrderFields`, with `lab_test_id`, `order_set.lab_test_ids`,
/// or both (utoipa derives no `anyOf` over a struct's fields, hence the schema by hand).
pub struct CreateOrderRequestCompatible;

impl PartialSchema for CreateOrderRequestCompatible {
    fn schema() -> RefOr<Schema> {
        let uuid = || {
            ObjectBuilder::new()
                .schema_type(Type::String)
                .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                    utoipa::openapi::KnownFormat::Uuid,
                )))
                .pattern(Some("^[0-9a-fA-F-]{36}$"))
        };
        let one_test = ObjectBuilder::new()
            .property("lab_test_id", uuid())
            .required("lab_test_id");
        let tests = ArrayBuilder::new().items(uuid()).min_items(Some(1));
        let order_set = ObjectBuilder::new()
            .property("lab_test_ids", tests)
            .required("lab_test_ids");
        let set_of_tests = ObjectBuilder::new()
            .property("order_set", order_set)
            .required("order_set");
        // Absent and null are the same to the reader, and `{"type": "null"}` allows both.
        let none = || ObjectBuilder::new().schema_type(Type::Null);
        let no_top_account = ObjectBuilder::new().property("lab_account_id", none());
        let no_set_account = ObjectBuilder::new().property(
            "order_set",
            AnyOfBuilder::new()
                .item(none())
                .item(ObjectBuilder::new().property("lab_account_id", none())),
        );
        AllOfBuilder::new()
            .item(Ref::from_schema_name(CreateOrderFields::name()))
            .item(AnyOfBuilder::new().item(one_test).item(set_of_tests))
            .item(
                AnyOfBuilder::new()
                    .item(no_top_account)
                    .item(no_set_account),
            )
            .description(Some(
                "A new order. Give `lab_test_id`, `order_set.lab_test_ids`, or both: at most 50 \
                 distinct tests, all from one lab and of one collection method. Name the lab \
                 account in one place, `lab_account_id` or `order_set.lab_account_id` (given in \
                 both, they must be equal).",
            ))
            .into()
    }
}

impl ToSchema for CreateOrderRequestCompatible {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("CreateOrderRequestCompatible")
    }

    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        schemas.push((
            CreateOrderFields::name().into_owned(),
            CreateOrderFields::schema(),
        ));
        CreateOrderFields::schemas(schemas);
    }
}
