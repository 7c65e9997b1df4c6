//! One stub function per operation, carrying its `#[utoipa::path]`: the handlers in `web::api`
//! stay free of documentation attributes, and `tests/it/openapi.rs` checks that the two lists
//! of routes are the same.
pub mod lab_interface;
pub mod orders;
pub mod org;
pub mod results;
pub mod team;
pub mod users;
pub mod webhooks;

/// The security scheme of the Team API key (`x-vital-api-key`), named as Junction names it.
pub const TEAM_KEY: &str = "apiKeyAuth";
/// The security scheme of the Org Management key (`X-Management-Key`).
pub const ORG_KEY: &str = "ManagementKey";
/// The security scheme of a lab's interface key (`X-Lab-Interface-Key`).
pub const LAB_KEY: &str = "LabInterfaceKey";
