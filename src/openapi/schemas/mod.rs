//! The wire objects of the JSON APIs as schema types. The handlers build their JSON elsewhere
//! (`web::api`); these types exist only to describe it, and the integration tests hold the two
//! together (`tests/it/openapi.rs` and the Schemathesis run of `.ci/run`).
pub mod catalogue;
pub mod enums;
pub mod errors;
pub mod lab_accounts;
pub mod lab_interface;
pub mod lenient;
pub mod order_request;
pub mod orders;
pub mod results;
pub mod unmatched;
pub mod users;
pub mod webhooks;
